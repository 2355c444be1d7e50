/**
 * Scoring a supervised classifier's outputs on a split (pure: the engine computes the probabilities,
 * src/engine/fewshot/supervised-score.ts). Single-label tasks: accuracy of the argmax, one-vs-rest macro
 * AUROC of the probabilities (for two classes the binary AUROC). Multilabel: accuracy of the 0.5
 * threshold over every (image, label), per-label macro AUROC.
 */

import { multiclassAuroc, multilabelAuroc } from '../stats/auroc';
import { bootstrapCI, type BootstrapCI } from '../stats/bootstrap';
import type { TaskLabels, TaskTarget } from '../types';

/** A task as the supervised trainer sees it: label targets per image and the head's width. */
export interface SupervisedTask {
  datasetId: string;
  taskName: string;
  target: TaskTarget;
  /** Output units: classes (single-label, binary as 2) or labels (multilabel). */
  classes: number;
  /** Class position per image of the dataset (single-label), or 0/1 [N x classes] (multilabel). */
  labels: TaskLabels;
}

/** The head's outputs of `n` images as probabilities ([n x C] row-major) and the images' targets. */
export interface SplitScores {
  probs: Float32Array;
  /** Class positions (single-label) or 0/1 rows (multilabel). */
  targets: Int32Array | Uint8Array;
  n: number;
}

/** Accuracy and AUROC of the images `idx` (positions into `s`), as defined in the file comment. */
export function scoreOf(task: SupervisedTask, s: SplitScores, idx?: Uint32Array): { accuracy: number; auroc: number } {
  const C = task.classes;
  const rows = idx ?? Uint32Array.from({ length: s.n }, (_, i) => i);
  const m = rows.length;
  const p = new Float32Array(m * C);
  const t = task.target === 'MULTILABEL_CLASSIFICATION' ? new Uint8Array(m * C) : new Int32Array(m);
  let correct = 0;
  for (let r = 0; r < m; r++) {
    const i = rows[r] as number;
    p.set(s.probs.subarray(i * C, (i + 1) * C), r * C);
    if (t instanceof Uint8Array) {
      for (let c = 0; c < C; c++) {
        const y = s.targets[i * C + c] as number;
        t[r * C + c] = y;
        if ((s.probs[i * C + c] as number) >= 0.5 === (y === 1)) correct++;
      }
    } else {
      const y = s.targets[i] as number;
      t[r] = y;
      let best = 0;
      for (let c = 1; c < C; c++) if ((s.probs[i * C + c] as number) > (s.probs[i * C + best] as number)) best = c;
      if (best === y) correct++;
    }
  }
  const auroc = t instanceof Uint8Array ? multilabelAuroc(p, t, C).macro : multiclassAuroc(p, t, C).macro;
  return { accuracy: correct / (t instanceof Uint8Array ? m * C : m), auroc };
}

/** The whole split's accuracy and AUROC with percentile bootstrap CIs over its images (seeded). */
export function testScore(
  task: SupervisedTask,
  s: SplitScores,
  seed: number,
): { n: number; accuracy: BootstrapCI; auroc: BootstrapCI } {
  return {
    n: s.n,
    accuracy: bootstrapCI(s.n, (idx) => scoreOf(task, s, idx).accuracy, seed),
    auroc: bootstrapCI(s.n, (idx) => scoreOf(task, s, idx).auroc, seed),
  };
}
