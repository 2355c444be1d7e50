import * as tf from '@tensorflow/tfjs';
import {
  actPoolTrain,
  addConvBn,
  convBnTrain,
  disposeFolded,
  foldConvBn,
  step,
  type ConvBnNames,
  type FoldedConv,
} from '../layers';
import { ParamStore } from '../params';
import type { Embedder, Encoder, EncoderConfig, EncoderCost } from './types';

type ResNetConfig = Extract<EncoderConfig, { name: 'resnet12' }>;

/**
 * Default widths: a quarter to a half of the usual (64, 160, 320, 640), about 1.2 GFLOP per 84x84 image
 * against ~3.5 GFLOP: the full width is too slow to train in a browser on two CPU cores. Pass `widths`
 * for the original.
 */
export const RESNET12_WIDTHS: readonly number[] = [32, 64, 128, 256];
const SLOPE = 0.1;

interface Block {
  convs: [ConvBnNames, ConvBnNames, ConvBnNames];
  shortcut: ConvBnNames;
  cin: number;
  cout: number;
}

function widthsOf(c: ResNetConfig): readonly number[] {
  const w = c.widths ?? RESNET12_WIDTHS;
  if (w.length !== 4 || !w.every((x) => Number.isInteger(x) && x > 0))
    throw new Error(`resnet12: widths must be four positive integers, got [${w.join(', ')}]`);
  return w;
}

export function resnet12Cost(c: ResNetConfig): EncoderCost {
  const widths = widthsOf(c);
  let s = c.inputSize;
  let cin: number = c.channels;
  let flops = 0;
  let peakActivation = 0;
  let peakIm2col = 0;
  let parameters = 0;
  for (const w of widths) {
    flops += 2 * s * s * (9 * cin * w + 9 * w * w * 2 + cin * w);
    peakActivation = Math.max(peakActivation, s * s * w);
    peakIm2col = Math.max(peakIm2col, s * s * 9 * Math.max(cin, w));
    parameters += 9 * cin * w + 18 * w * w + cin * w + 8 * w;
    s = Math.floor(s / 2);
    cin = w;
  }
  return { dim: widths[3] as number, peakActivation, peakIm2col, flops, parameters };
}

/**
 * ResNet-12 (Oreshkin et al. 2018; Lee et al. 2019): four residual blocks of three 3x3 conv + BatchNorm
 * (LeakyReLU 0.1 between them), a 1x1 conv + BatchNorm shortcut, LeakyReLU after the sum, 2x2 max-pool;
 * then global average pooling (as FEAT; MetaOptNet flattens) -> [B, widths[3]]. No DropBlock.
 */
export function createResNet12(config: ResNetConfig): Encoder {
  if (!(config.inputSize >= 16)) throw new Error(`resnet12: inputSize must be at least 16, got ${config.inputSize}`);
  const widths = widthsOf(config);
  const store = new ParamStore(config);
  const blocks: Block[] = [];
  let cin: number = config.channels;
  widths.forEach((w, b) => {
    const p = `block${b}`;
    blocks.push({
      convs: [
        addConvBn(store, config.seed, `${p}.c1`, 3, cin, w),
        addConvBn(store, config.seed, `${p}.c2`, 3, w, w),
        addConvBn(store, config.seed, `${p}.c3`, 3, w, w),
      ],
      shortcut: addConvBn(store, config.seed, `${p}.shortcut`, 1, cin, w),
      cin,
      cout: w,
    });
    cin = w;
  });
  const cost = resnet12Cost(config);

  return {
    config,
    cost,
    trainable: true,
    forwardTrain(x, opts = {}) {
      const native = opts.reference;
      return tf.tidy(() => {
        let h: tf.Tensor4D = x;
        for (const b of blocks) {
          const isInput = h === x;
          let y = tf.leakyRelu(convBnTrain(store, b.convs[0], h, native, isInput), SLOPE);
          y = tf.leakyRelu(convBnTrain(store, b.convs[1], y, native), SLOPE);
          y = convBnTrain(store, b.convs[2], y, native);
          const sum = tf.add(y, convBnTrain(store, b.shortcut, h, native, isInput)) as tf.Tensor4D;
          h = actPoolTrain(sum, (t) => tf.leakyRelu(t, SLOPE), native);
        }
        return tf.mean(h, [1, 2]) as tf.Tensor2D;
      });
    },
    async embedder(): Promise<Embedder> {
      const values = await store.read();
      const folded = blocks.map((b) => ({
        convs: b.convs.map((n, i) => foldConvBn(values, n, [3, 3, i === 0 ? b.cin : b.cout, b.cout])) as FoldedConv[],
        shortcut: foldConvBn(values, b.shortcut, [1, 1, b.cin, b.cout]),
      }));
      const conv = (t: tf.Tensor4D, f: FoldedConv, act: 'leakyrelu' | 'linear'): tf.Tensor4D =>
        tf.fused.conv2d({
          x: t,
          filter: f.w,
          strides: 1,
          pad: 'same',
          bias: f.b,
          activation: act,
          leakyreluAlpha: SLOPE,
        });
      return {
        embed(x) {
          // Activations are freed as soon as used (see conv4.ts); the block input lives until the shortcut.
          let h: tf.Tensor4D = x;
          for (const f of folded) {
            const [c1, c2, c3] = f.convs as [FoldedConv, FoldedConv, FoldedConv];
            let y = conv(h, c1, 'leakyrelu');
            y = step(y, x, (t) => conv(t, c2, 'leakyrelu'));
            y = step(y, x, (t) => conv(t, c3, 'linear'));
            const s = step(h, x, (t) => conv(t, f.shortcut, 'linear'));
            const sum = tf.add(y, s) as tf.Tensor4D;
            y.dispose();
            s.dispose();
            const a = step(sum, x, (t) => tf.leakyRelu(t, SLOPE));
            h = step(a, x, (t) => tf.maxPool(t, 2, 2, 'valid'));
          }
          return step(h, x, (t) => tf.mean(t, [1, 2]) as tf.Tensor2D);
        },
        dispose: () => {
          for (const f of folded) disposeFolded([...f.convs, f.shortcut]);
        },
      };
    },
    variables: () => store.trainables(),
    variableNames: () => store.trainableNames(),
    getWeights: () => store.getWeights(),
    setWeights: (w) => store.setWeights(w),
    dispose: () => store.dispose(),
  };
}
