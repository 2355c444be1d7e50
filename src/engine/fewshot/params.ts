import * as tf from '@tensorflow/tfjs';
import { Rng, seedFrom } from '../../core/rng';
import { WEIGHTS_FORMAT, type EncoderConfig, type EncoderWeights, type WeightTensor } from './encoders/types';

/**
 * He-uniform values (Kaiming uniform with the ReLU gain: U(-b, b), b = sqrt(6 / fanIn)), drawn in JS from
 * `seedFrom(seed, name)`: the same bits on every backend, since only the upload touches tfjs. Uniform, not
 * normal, so that no transcendental function (whose last bit may differ between engines) is involved.
 */
export function heUniform(seed: number, name: string, size: number, fanIn: number): Float32Array {
  const rng = new Rng(seedFrom(seed, name));
  const b = Math.sqrt(6 / fanIn);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-b, b);
  return out;
}

interface Param {
  variable: tf.Variable;
  trainable: boolean;
}

/**
 * The named variables of one encoder. Names are local to the encoder (tfjs's global variable names are
 * left automatic, so two encoders can live side by side).
 */
export class ParamStore {
  private readonly params = new Map<string, Param>();

  constructor(private readonly config: EncoderConfig) {}

  add(name: string, shape: number[], values: Float32Array, trainable = true): tf.Variable {
    if (this.params.has(name)) throw new Error(`ParamStore: duplicate variable "${name}"`);
    const init = tf.tensor(values, shape, 'float32');
    // The variable shares the initial tensor's data (reference-counted): dispose our handle.
    const variable = tf.variable(init, trainable);
    init.dispose();
    this.params.set(name, { variable, trainable });
    return variable;
  }

  get(name: string): tf.Variable {
    const p = this.params.get(name);
    if (!p) throw new Error(`ParamStore: no variable "${name}"`);
    return p.variable;
  }

  trainables(): tf.Variable[] {
    return [...this.params.values()].filter((p) => p.trainable).map((p) => p.variable);
  }

  trainableNames(): string[] {
    return [...this.params].filter(([, p]) => p.trainable).map(([name]) => name);
  }

  count(trainableOnly = true): number {
    let n = 0;
    for (const p of this.params.values()) if (p.trainable || !trainableOnly) n += p.variable.size;
    return n;
  }

  /** Every variable's values, read back (one await per variable; encoders have at most a few dozen). */
  async read(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const [name, p] of this.params) out.set(name, (await p.variable.data()) as Float32Array);
    return out;
  }

  async getWeights(): Promise<EncoderWeights> {
    const values = await this.read();
    const tensors: WeightTensor[] = [];
    for (const [name, p] of this.params)
      tensors.push({ name, shape: [...p.variable.shape], values: values.get(name) as Float32Array });
    return { format: WEIGHTS_FORMAT, version: 1, config: structuredClone(this.config), tensors };
  }

  setWeights(w: EncoderWeights): void {
    if (w.format !== WEIGHTS_FORMAT || w.version !== 1)
      throw new Error(
        `setWeights: not ProtoBench encoder weights (format ${String(w.format)}, version ${String(w.version)})`,
      );
    const mine = archKey(this.config);
    const theirs = archKey(w.config);
    if (mine !== theirs) throw new Error(`setWeights: weights are for ${theirs}, this encoder is ${mine}`);
    const given = new Map(w.tensors.map((t) => [t.name, t]));
    for (const [name, p] of this.params) {
      const t = given.get(name);
      if (!t) throw new Error(`setWeights: variable "${name}" is missing`);
      const want = p.variable.shape.join('x');
      if (t.shape.join('x') !== want || t.values.length !== p.variable.size)
        throw new Error(
          `setWeights: "${name}" has shape ${t.shape.join('x')} (${t.values.length} values), expected ${want}`,
        );
    }
    if (given.size !== this.params.size) {
      const extra = [...given.keys()].filter((n) => !this.params.has(n));
      throw new Error(`setWeights: unknown variable(s) ${extra.join(', ')}`);
    }
    for (const [name, p] of this.params) {
      const t = given.get(name) as WeightTensor;
      const v = tf.tensor(t.values, t.shape, 'float32');
      p.variable.assign(v);
      v.dispose();
    }
  }

  dispose(): void {
    for (const p of this.params.values()) p.variable.dispose();
    this.params.clear();
  }
}

/**
 * The parts of a config that fix the variables' names and shapes: input size and seed do not, so weights
 * trained at 84x84 load into the same architecture at 224x224 (a convolutional encoder's weights do not
 * depend on the resolution; its embedding length does). conv4 and conv4-untrained share an architecture.
 */
export function archKey(c: EncoderConfig): string {
  switch (c.name) {
    case 'conv4':
    case 'conv4-untrained':
      return `conv4(width ${c.width ?? 64}, channels ${c.channels})`;
    case 'resnet12':
      return `resnet12(widths ${(c.widths ?? []).join(',') || 'default'}, channels ${c.channels})`;
    case 'pixels':
      return `pixels(channels ${c.channels})`;
  }
}
