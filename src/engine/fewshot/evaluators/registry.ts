import { METHOD_CHOICES, type MethodChoice } from '../../../core/config/types';
import { linearProbe } from './linear-probe';
import { protonet } from './protonet';
import type { BlockEvaluator } from './types';

/**
 * The evaluation methods by name (the run config's `methods`). `frozen` methods score blocks of episodes
 * on embeddings computed once per cell (cell.ts's cache); `finetune` trains a copy of the encoder per
 * episode (finetune.ts, cell.ts's fine-tune path), so it has no block evaluator.
 */
const FROZEN: Readonly<Partial<Record<MethodChoice, BlockEvaluator>>> = {
  protonet,
  'linear-probe': linearProbe,
};

export function isFrozenMethod(name: MethodChoice): boolean {
  return FROZEN[name] !== undefined;
}

export function evaluatorFor(name: MethodChoice): BlockEvaluator {
  const e = FROZEN[name];
  if (!e) {
    const why = (METHOD_CHOICES as readonly string[]).includes(name) ? ' on frozen embeddings' : '';
    throw new Error(`no evaluation method "${name}"${why} (known: ${Object.keys(FROZEN).join(', ')})`);
  }
  return e;
}
