/**
 * The inputs of the fine-tune golden test (src/engine/fewshot/evaluators/finetune.test.ts): a narrow
 * Conv-4 at its seeded init, a tiny 3-way 2-shot episode of random images, a uniform head, 10 Adam steps.
 * `bench/reference/finetune_torch.py --golden` adds PyTorch's losses and query logits to the same file.
 *
 *   npx tsx tools/protocol/finetune-golden.ts > /tmp/in.json
 *   /usr/bin/python3 bench/reference/finetune_torch.py --golden /tmp/in.json bench/reference/goldens/finetune-conv4.json
 */

import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/core/rng';
import { createEncoder } from '../../src/engine/fewshot/encoders/registry';
import type { EncoderConfig } from '../../src/engine/fewshot/encoders/types';
import { headInit } from '../../src/engine/fewshot/evaluators/finetune';

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const encoder: EncoderConfig = { name: 'conv4', inputSize: 28, channels: 1, seed: 3, width: 8 };
  const e = createEncoder(encoder);
  const weights = await e.getWeights();
  const dim = e.cost.dim;
  e.dispose();
  const rng = new Rng(17);
  const image = (): number[] => Array.from({ length: 28 * 28 }, () => Math.round(rng.float() * 255) / 255);
  const supportLabels = [0, 1, 2, 0, 1, 2];
  const queryLabels = [2, 0, 1];
  const head = headInit('uniform', dim, 3, 5);
  const out = {
    what: 'fine-tune golden: conv4 (width 8, 28x28x1, seed 3), 3-way 2-shot, uniform head (seed 5), Adam lr 0.01, 10 steps',
    encoder,
    weights: weights.tensors.map((t) => ({ name: t.name, shape: t.shape, values: Array.from(t.values) })),
    way: 3,
    steps: 10,
    lr: 0.01,
    support: { images: supportLabels.map(image), labels: supportLabels },
    query: { images: queryLabels.map(image), labels: queryLabels },
    head: { w: Array.from(head.w), b: Array.from(head.b), shape: [dim, 3] },
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
