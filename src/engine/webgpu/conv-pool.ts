import * as tf from '@tensorflow/tfjs';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu/dist/webgpu_program';
import { registerWebGPUKernel, type WebGPUKernel } from './kernel';

/**
 * One WebGPU kernel for a whole Conv-4 block at inference: 3x3 'same' convolution (stride 1), bias (the
 * folded BatchNorm), ReLU and 2x2 max-pool (floor, as PyTorch's MaxPool2d(2)), NHWC.
 *
 * Why: tfjs's generic Conv2DMM recomputes the im2col address (several integer divisions) for every
 * element it loads, and the separate maxPool writes and re-reads the full-resolution activation (1.28 GB
 * for 100 images at 224x224). Here a workgroup owns PT x PT pooled pixels (2PT x 2PT conv pixels) and 64
 * output channels; each thread keeps a 2x2 conv quad x CPT channels in registers, reads its 4x4 input
 * window once per 4 input channels and pools before it writes. The WGSL is generated fully unrolled so
 * every accumulator is a register.
 *
 * x [N, H, W, Cin], filter [3, 3, Cin, Cout] (Cout a multiple of 64), bias [Cout] -> [N, H/2, W/2, Cout].
 */
export const CONV_POOL_KERNEL = 'PBConv3x3BiasReluPool2';

export interface ConvPoolTiling {
  /** Pooled pixels per workgroup side. */
  pt: number;
  /** Output channels per thread (a multiple of 4 dividing 64). */
  cpt: number;
  /** Input channels staged in workgroup memory between barriers (4 or 8; default 4). */
  chunk?: number;
}

/**
 * The tiling the engine uses: fastest, or within 1 % of the fastest, of twelve on an H100 and an H200
 * (bench/gpu/runs); within WebGPU's default limits (14.4 KB of workgroup memory, 256 invocations), so any
 * adapter runs it.
 */
export const DEFAULT_TILING: ConvPoolTiling = { pt: 8, cpt: 16 };

const COUT_TILE = 64;

const chunkOf = (t: ConvPoolTiling): number => t.chunk ?? 4;

/** Workgroup memory in bytes for a tiling: the input patch and the weight slice of one chunk. */
export function convPoolSharedBytes(t: ConvPoolTiling): number {
  const side = 2 * t.pt + 2;
  return (side * side + 9 * COUT_TILE) * chunkOf(t) * 4;
}

export function convPoolThreads(t: ConvPoolTiling): number {
  return t.pt * t.pt * (COUT_TILE / t.cpt);
}

/** Whether the fused kernel handles this block (otherwise: tfjs's conv2d + maxPool). */
export function convPoolSupports(inH: number, inW: number, cout: number): boolean {
  return cout % COUT_TILE === 0 && inH >= 2 && inW >= 2;
}

class ConvPoolProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [3], y: [1, 2], z: [0] };
  dispatch: [number, number, number];
  variableNames = ['x', 'W', 'bias'];
  variableComponents: number[];
  outputComponent = 4;
  uniforms = 'inH : i32, inW : i32, cin : i32, cout4 : i32, poolH : i32, poolW : i32, coutTiles : i32,';
  workgroupSize: [number, number, number];

  constructor(
    outShape: [number, number, number, number],
    private readonly vecX: boolean,
    private readonly t: ConvPoolTiling,
  ) {
    const [n, ph, pw, cout] = outShape;
    this.outputShape = outShape;
    this.variableComponents = [vecX ? 4 : 1, 4, 4];
    this.workgroupSize = [convPoolThreads(t), 1, 1];
    this.dispatch = [Math.ceil(pw / t.pt), Math.ceil(ph / t.pt), n * (cout / COUT_TILE)];
    this.shaderKey = `pbConvPool_${t.pt}_${t.cpt}_${chunkOf(t)}_${vecX}`;
  }

  getUserCode(): string {
    const { pt, cpt } = this.t;
    const chunk = chunkOf(this.t);
    const quads = chunk / 4; // vec4s of input channels per position in one chunk
    const side = 2 * pt + 2;
    const threads = convPoolThreads(this.t);
    const cv = cpt / 4; // vec4 accumulators per quad position
    const wVec4 = 9 * chunk * (COUT_TILE / 4);
    const lines: string[] = [];
    const emit = (s: string): void => {
      lines.push(s);
    };
    for (let q = 0; q < 4; q++) for (let j = 0; j < cv; j++) emit(`var acc${q}_${j} = vec4<f32>(0.0);`);
    const decl = lines.splice(0).join('\n    ');
    for (let h = 0; h < quads; h++) {
      // This quad's input window: 4x4 positions x 4 channels, one register each.
      emit('{');
      for (let a = 0; a < 4; a++)
        for (let b = 0; b < 4; b++)
          emit(`let w${a}${b} = tileX[((2 * py + ${a}) * ${side} + 2 * px + ${b}) * ${quads} + ${h}];`);
      for (let ky = 0; ky < 3; ky++)
        for (let kx = 0; kx < 3; kx++)
          for (let ci = 0; ci < 4; ci++) {
            const wBase = ((ky * 3 + kx) * chunk + h * 4 + ci) * (COUT_TILE / 4);
            for (let j = 0; j < cv; j++) {
              emit(`{ let f = tileW[${wBase} + cg * ${cv} + ${j}];`);
              for (let q = 0; q < 4; q++) {
                const comp = 'xyzw'[ci];
                emit(`  acc${q}_${j} = fma(vec4<f32>(w${(q >> 1) + ky}${(q & 1) + kx}.${comp}), f, acc${q}_${j});`);
              }
              emit('}');
            }
          }
      emit('}');
    }
    const body = lines.splice(0).join('\n      ');
    for (let j = 0; j < cv; j++) {
      emit(`{ let o = cot * 16 + cg * ${cv} + ${j};`);
      emit(`  let m = max(max(acc0_${j}, acc1_${j}), max(acc2_${j}, acc3_${j}));`);
      emit(`  result[outBase + o] = max(m + bias[o], vec4<f32>(0.0)); }`);
    }
    const store = lines.splice(0).join('\n      ');
    const loadX = this.vecX
      ? `v = x[((n * uniforms.inH + y) * uniforms.inW + xx) * (uniforms.cin / 4) + c / 4];`
      : `let base = ((n * uniforms.inH + y) * uniforms.inW + xx) * uniforms.cin + c;
          for (var k = 0; k < 4; k++) { if (c + k < uniforms.cin) { v[k] = x[base + k]; } }`;
    return `
  var<workgroup> tileX : array<vec4<f32>, ${side * side * quads}>;
  var<workgroup> tileW : array<vec4<f32>, ${wVec4}>;

  fn main() {
    let tid = i32(localIndex);
    let pix = tid % ${pt * pt};
    let cg = tid / ${pt * pt};
    let py = pix / ${pt};
    let px = pix % ${pt};
    let z = i32(workgroupId.z);
    let n = z / uniforms.coutTiles;
    let cot = z % uniforms.coutTiles;
    let oy0 = i32(workgroupId.y) * ${pt};
    let ox0 = i32(workgroupId.x) * ${pt};
    let iy0 = 2 * oy0 - 1;
    let ix0 = 2 * ox0 - 1;
    ${decl}
    for (var c0 = 0; c0 < uniforms.cin; c0 = c0 + ${chunk}) {
      // Stage the input patch (zero outside the image: 'same' padding) and the weights of this chunk.
      for (var i = tid; i < ${side * side * quads}; i = i + ${threads}) {
        let p = i / ${quads};
        let c = c0 + (i % ${quads}) * 4;
        let y = iy0 + p / ${side};
        let xx = ix0 + p % ${side};
        var v = vec4<f32>(0.0);
        if (y >= 0 && y < uniforms.inH && xx >= 0 && xx < uniforms.inW && c < uniforms.cin) {
          ${loadX}
        }
        tileX[i] = v;
      }
      for (var i = tid; i < ${wVec4}; i = i + ${threads}) {
        let co4 = i % 16;
        let r = i / 16;
        let c = c0 + r % ${chunk};
        let tap = r / ${chunk};
        var f = vec4<f32>(0.0);
        if (c < uniforms.cin) {
          f = W[(tap * uniforms.cin + c) * uniforms.cout4 + cot * 16 + co4];
        }
        tileW[i] = f;
      }
      workgroupBarrier();
      ${body}
      workgroupBarrier();
    }
    let oy = oy0 + py;
    let ox = ox0 + px;
    if (oy < uniforms.poolH && ox < uniforms.poolW) {
      let outBase = ((n * uniforms.poolH + oy) * uniforms.poolW + ox) * uniforms.cout4;
      ${store}
    }
  }`;
  }
}

interface ConvPoolAttrs {
  pt: number;
  cpt: number;
  chunk: number;
}

const convPoolWebGPU: WebGPUKernel<{ x: tf.TensorInfo; filter: tf.TensorInfo; bias: tf.TensorInfo }, ConvPoolAttrs> = (
  args,
) => {
  const { x, filter, bias } = args.inputs;
  const [n, inH, inW, cin] = x.shape as [number, number, number, number];
  const cout = filter.shape[3] as number;
  const t: ConvPoolTiling = { pt: args.attrs.pt, cpt: args.attrs.cpt, chunk: args.attrs.chunk };
  const ph = Math.floor(inH / 2);
  const pw = Math.floor(inW / 2);
  const program = new ConvPoolProgram([n, ph, pw, cout], cin % 4 === 0, t);
  const uniforms = [inH, inW, cin, cout / 4, ph, pw, cout / COUT_TILE].map((v) => ({ type: 'int32', data: [v] }));
  return args.backend.runWebGPUProgram(program, [x, filter, bias], 'float32', uniforms);
};

function checkTiling(t: ConvPoolTiling): void {
  if (!Number.isInteger(t.pt) || t.pt < 1 || !Number.isInteger(t.cpt) || t.cpt % 4 !== 0 || COUT_TILE % t.cpt !== 0)
    throw new Error(
      `convPool: tiling needs integer pt >= 1 and cpt a multiple of 4 dividing 64, got ${JSON.stringify(t)}`,
    );
}

/** relu(maxPool2(conv3x3same(x, w) + b)) in one WebGPU dispatch. */
export function convBiasReluPool(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  b: tf.Tensor1D,
  tiling: ConvPoolTiling = DEFAULT_TILING,
): tf.Tensor4D {
  checkTiling(tiling);
  const [kh, kw, cin, cout] = w.shape;
  if (kh !== 3 || kw !== 3 || cin !== x.shape[3] || !convPoolSupports(x.shape[1], x.shape[2], cout))
    throw new Error(`convPool: unsupported block x ${JSON.stringify(x.shape)}, filter ${JSON.stringify(w.shape)}`);
  registerWebGPUKernel(CONV_POOL_KERNEL, convPoolWebGPU);
  // A first layer (1 or 3 channels) fills one chunk of 4; 8 would stage and multiply zeros.
  const attrs = { pt: tiling.pt, cpt: tiling.cpt, chunk: cin <= 4 ? 4 : chunkOf(tiling) };
  return tf.engine().runKernel(CONV_POOL_KERNEL, { x, filter: w, bias: b }, attrs) as tf.Tensor4D;
}
