import { createConv4, conv4Cost } from './conv4';
import { createPixels, pixelsCost } from './pixels';
import { createResNet12, resnet12Cost } from './resnet12';
import type { Encoder, EncoderConfig, EncoderCost, EncoderName } from './types';

interface Entry {
  create(c: EncoderConfig): Encoder;
  cost(c: EncoderConfig): EncoderCost;
  /** One line for the UI. */
  describe: string;
}

function entry<N extends EncoderName>(
  name: N,
  create: (c: Extract<EncoderConfig, { name: N }>) => Encoder,
  cost: (c: Extract<EncoderConfig, { name: N }>) => EncoderCost,
  describe: string,
): [EncoderName, Entry] {
  const check = (c: EncoderConfig): Extract<EncoderConfig, { name: N }> => {
    if (c.name !== name) throw new Error(`encoder registry: ${c.name} given to ${name}`);
    return c as Extract<EncoderConfig, { name: N }>;
  };
  return [name, { create: (c) => create(check(c)), cost: (c) => cost(check(c)), describe }];
}

/** Every encoder by name. */
export const ENCODERS: ReadonlyMap<EncoderName, Entry> = new Map([
  entry('conv4', createConv4, conv4Cost, 'Conv-4 (Snell et al.), meta-trained'),
  entry('conv4-untrained', createConv4, conv4Cost, 'Conv-4 at its seeded random init (baseline)'),
  entry('resnet12', createResNet12, resnet12Cost, 'ResNet-12, widths 32-64-128-256 by default'),
  entry('pixels', createPixels, pixelsCost, 'Average-pooled pixels, about 21x21 (baseline)'),
]);

function lookup(c: EncoderConfig): Entry {
  const e = ENCODERS.get(c.name);
  if (!e) throw new Error(`Unknown encoder "${String(c.name)}" (have ${[...ENCODERS.keys()].join(', ')})`);
  if (!Number.isInteger(c.inputSize) || c.inputSize < 8 || c.inputSize > 1024)
    throw new Error(`${c.name}: inputSize must be an integer in [8, 1024], got ${c.inputSize}`);
  if (c.channels !== 1 && c.channels !== 3)
    throw new Error(`${c.name}: channels must be 1 or 3, got ${String(c.channels)}`);
  return e;
}

/** A fresh encoder at its seeded initial weights. Dispose it. */
export function createEncoder(c: EncoderConfig): Encoder {
  return lookup(c).create(c);
}

/** Sizes of an encoder without creating it (no tfjs work). */
export function encoderCost(c: EncoderConfig): EncoderCost {
  return lookup(c).cost(c);
}
