import * as tf from '@tensorflow/tfjs';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu/dist/webgpu_program';
import { registerWebGPUKernel, type WebGPUKernel } from './kernel';

/**
 * The weight gradient of a 3x3 'same' convolution (stride 1) on WebGPU, NHWC:
 *   dW[ky, kx, ci, co] = sum_{b, y, x} x[b, y + ky - 1, x + kx - 1, ci] * dy[b, y, x, co]   (zero outside)
 *
 * Why: the formulation that suits wasm (conv-grad.ts: a forward conv with dy as a [H, W, B, Cout] filter)
 * leaves a GPU with a handful of workgroups, each summing over every pixel of the batch (6 workgroups for a
 * first layer), and tfjs's own Conv2DBackpropFilter runs one thread per weight over the same sum. Here the
 * sum is split: G workgroups each take a share of the (image, row, 32-column segment) items, stage dy and the
 * 3 x 34 input patch of 16 channels in workgroup memory, and accumulate all 9 taps for one (ci, 4 co) per
 * thread; a sum over G finishes it.
 *
 * x [B, H, W, Cin], dy [B, H, W, Cout] (Cout a multiple of 4) -> [3, 3, Cin, Cout].
 */
export const FILTER_GRAD_KERNEL = 'PBConv3x3FilterGrad';

const SEG = 32; // pixels of one row per item
const CI_TILE = 16;
const CO4_TILE = 16; // vec4s of output channels per workgroup (64 channels)
const THREADS = CI_TILE * CO4_TILE;
/** Upper bound on partial sums (workgroups per channel tile): enough to fill a large GPU, small to reduce. */
const MAX_GROUPS = 512;
/** ... and on their buffer: WebGPU's default maxStorageBufferBindingSize is 128 MiB. */
const MAX_PARTIAL_BYTES = 64 * 1024 * 1024;

/**
 * How the batch's (image, row, segment) items are split: `groups` partial sums of `perGroup` items each
 * (the last may run short). Wide layers get fewer partials, so the partial buffer stays under 64 MiB.
 */
export function filterGradSplit(
  B: number,
  H: number,
  W: number,
  cin: number,
  cout: number,
): { items: number; perGroup: number; groups: number } {
  const items = B * H * Math.ceil(W / SEG);
  const byBytes = Math.max(1, Math.floor(MAX_PARTIAL_BYTES / (9 * cin * cout * 4)));
  const perGroup = Math.ceil(items / Math.min(items, MAX_GROUPS, byBytes));
  return { items, perGroup, groups: Math.ceil(items / perGroup) };
}

export function filterGradSupports(cout: number): boolean {
  return cout % 4 === 0;
}

class FilterGradProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey = 'pbConv3x3FilterGrad';
  dispatchLayout = { x: [3], y: [1, 2], z: [0] };
  dispatch: [number, number, number];
  variableNames = ['x', 'dy'];
  variableComponents = [1, 4];
  outputComponent = 4;
  uniforms = 'H : i32, W : i32, cin : i32, cout4 : i32, segs : i32, items : i32, perGroup : i32,';
  workgroupSize: [number, number, number] = [THREADS, 1, 1];

  constructor(groups: number, cin: number, cout: number) {
    // Partial sums [G, 9, Cin, Cout]; workgroups: x = G, y = channel-in tiles, z = channel-out tiles.
    this.outputShape = [groups, 9, cin, cout];
    this.dispatch = [groups, Math.ceil(cin / CI_TILE), Math.ceil(cout / 4 / CO4_TILE)];
  }

  getUserCode(): string {
    const side = SEG + 2;
    const acc = Array.from({ length: 9 }, (_, t) => `var acc${t} = vec4<f32>(0.0);`).join('\n    ');
    const fmas: string[] = [];
    for (let ky = 0; ky < 3; ky++)
      for (let kx = 0; kx < 3; kx++)
        fmas.push(
          `acc${ky * 3 + kx} = fma(vec4<f32>(tileX[(${ky} * ${side} + p + ${kx}) * ${CI_TILE} + ci]), d, acc${ky * 3 + kx});`,
        );
    const writes = Array.from(
      { length: 9 },
      (_, t) => `result[((g * 9 + ${t}) * uniforms.cin + c) * uniforms.cout4 + o4] = acc${t};`,
    ).join('\n        ');
    return `
  var<workgroup> tileX : array<f32, ${3 * side * CI_TILE}>;
  var<workgroup> tileD : array<vec4<f32>, ${SEG * CO4_TILE}>;

  fn main() {
    let tid = i32(localIndex);
    let co4 = tid % ${CO4_TILE};
    let ci = tid / ${CO4_TILE};
    let g = i32(workgroupId.x);
    let ci0 = i32(workgroupId.y) * ${CI_TILE};
    let o40 = i32(workgroupId.z) * ${CO4_TILE};
    ${acc}
    // A loop count every invocation shares: barriers need uniform control flow, and workgroupId is not
    // uniform to WGSL's analysis (tfjs copies it into a private variable). Items past the end stage zeros.
    for (var k = 0; k < uniforms.perGroup; k = k + 1) {
      let item = g * uniforms.perGroup + k;
      let valid = item < uniforms.items;
      let seg = item % uniforms.segs;
      let row = item / uniforms.segs;
      let y = row % uniforms.H;
      let b = row / uniforms.H;
      let x0 = seg * ${SEG};
      // Input rows y-1..y+1, columns x0-1..x0+${SEG}, channels ci0..ci0+${CI_TILE - 1} (zero outside).
      for (var i = tid; i < ${3 * side * CI_TILE}; i = i + ${THREADS}) {
        let c = i % ${CI_TILE};
        let q = i / ${CI_TILE};
        let yy = y - 1 + q / ${side};
        let xx = x0 - 1 + q % ${side};
        var v = 0.0;
        if (valid && yy >= 0 && yy < uniforms.H && xx >= 0 && xx < uniforms.W && ci0 + c < uniforms.cin) {
          v = x[((b * uniforms.H + yy) * uniforms.W + xx) * uniforms.cin + ci0 + c];
        }
        tileX[i] = v;
      }
      for (var i = tid; i < ${SEG * CO4_TILE}; i = i + ${THREADS}) {
        let o = i % ${CO4_TILE};
        let p = i / ${CO4_TILE};
        var d = vec4<f32>(0.0);
        if (valid && x0 + p < uniforms.W && o40 + o < uniforms.cout4) {
          d = dy[((b * uniforms.H + y) * uniforms.W + x0 + p) * uniforms.cout4 + o40 + o];
        }
        tileD[i] = d;
      }
      workgroupBarrier();
      for (var p = 0; p < ${SEG}; p = p + 1) {
        let d = tileD[p * ${CO4_TILE} + co4];
        ${fmas.join('\n        ')}
      }
      workgroupBarrier();
    }
    let c = ci0 + ci;
    let o4 = o40 + co4;
    if (c < uniforms.cin && o4 < uniforms.cout4) {
        ${writes}
    }
  }`;
  }
}

const filterGradWebGPU: WebGPUKernel<{ x: tf.TensorInfo; dy: tf.TensorInfo }, unknown> = (args) => {
  const { x, dy } = args.inputs;
  const [B, H, W, cin] = x.shape as [number, number, number, number];
  const cout = dy.shape[3] as number;
  const segs = Math.ceil(W / SEG);
  const { items, perGroup, groups } = filterGradSplit(B, H, W, cin, cout);
  const program = new FilterGradProgram(groups, cin, cout);
  const uniforms = [H, W, cin, cout / 4, segs, items, perGroup].map((v) => ({ type: 'int32', data: [v] }));
  return args.backend.runWebGPUProgram(program, [x, dy], 'float32', uniforms);
};

/** dW of a 3x3 'same' convolution from its input and output gradient, on WebGPU: [3, 3, Cin, Cout]. */
export function conv3x3FilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  const [B, H, W, cin] = x.shape;
  const cout = dy.shape[3];
  if (dy.shape[0] !== B || dy.shape[1] !== H || dy.shape[2] !== W || !filterGradSupports(cout))
    throw new Error(`conv3x3FilterGrad: x ${JSON.stringify(x.shape)} and dy ${JSON.stringify(dy.shape)} do not fit`);
  registerWebGPUKernel(FILTER_GRAD_KERNEL, filterGradWebGPU);
  return tf.tidy(() => {
    const partial = tf.engine().runKernel(FILTER_GRAD_KERNEL, { x, dy }, {}) as tf.Tensor4D;
    return tf.reshape(tf.sum(partial, 0), [3, 3, cin, cout]) as tf.Tensor4D;
  });
}
