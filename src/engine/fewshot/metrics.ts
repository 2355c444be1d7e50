import type { Episode } from '../../core/sampling';
import { accuracy, auroc, logOdds, multiclassAuroc, multilabelAccuracy, multilabelAuroc } from '../../core/stats';
import type { PackedBlock } from './pack';

/** One episode's outcome, unpadded. */
export interface EpisodeOutcome {
  index: number;
  accuracy: number;
  /** Macro AUROC (binary: AUROC of the positive class's probability); NaN where undefined. */
  auroc: number;
  /**
   * Single-label: m predicted class positions; multilabel: m x L row-major 0/1 decisions.
   * m = query size, L = way.
   */
  predictions: Int32Array;
  /** Single-label: m x way probabilities; multilabel: m x L positive-side probabilities. */
  scores: Float32Array;
}

/**
 * Cut episode `e` of a read-back block out of its padding and score it on the CPU with src/core/stats.
 * `scores` and `rank` are [E, Qmax, Pmax] (single) or [E, Qmax, Pmax/2] (multilabel); `preds` is [E, Qmax]
 * or [E, Qmax, Pmax/2]. AUROC ranks log-odds (`logOdds` of the single-label logits in `rank`; multilabel
 * `rank` is one already): the probabilities' order without their float32 saturation (see BlockOutput).
 */
export function episodeOutcome(
  ep: Episode,
  e: number,
  block: PackedBlock,
  out: { scores: Float32Array; preds: Int32Array; rank: Float32Array },
): EpisodeOutcome {
  const { scores, preds, rank } = out;
  const m = ep.query.length;
  const w = ep.way;
  const cols = ep.kind === 'single' ? block.protos : block.protos / 2;
  const sc = new Float32Array(m * w);
  const rk = new Float32Array(m * w);
  const pr = new Int32Array(ep.kind === 'single' ? m : m * w);
  for (let i = 0; i < m; i++) {
    const row = (e * block.query + i) * cols;
    sc.set(scores.subarray(row, row + w), i * w);
    rk.set(rank.subarray(row, row + w), i * w);
    if (ep.kind === 'single') pr[i] = preds[e * block.query + i] as number;
    else pr.set(preds.subarray(row, row + w), i * w);
  }
  if (ep.kind === 'single') {
    const labels = Int32Array.from(ep.query, (q) => q.label);
    const odds = logOdds(rk, m, w);
    let au: number;
    if (w === 2) {
      // Binary: classes are [negative, positive]; the score is (the log-odds of) P(positive).
      const p1 = Float64Array.from({ length: m }, (_, i) => odds[i * 2 + 1] as number);
      au = auroc(p1, labels);
    } else {
      au = multiclassAuroc(odds, labels, w).macro;
    }
    return { index: ep.index, accuracy: accuracy(pr, labels), auroc: au, predictions: pr, scores: sc };
  }
  const targets = new Uint8Array(m * w);
  ep.query.forEach((q, i) => targets.set(q.targets.subarray(0, w), i * w));
  return {
    index: ep.index,
    accuracy: multilabelAccuracy(pr, targets),
    auroc: multilabelAuroc(rk, targets, w).macro,
    predictions: pr,
    scores: sc,
  };
}

/** Right and total decisions per class (label) value, summed over a cell's episodes. */
export class PerClassTally {
  private readonly right = new Map<number, number>();
  private readonly total = new Map<number, number>();
  private readonly names = new Map<number, string>();

  add(ep: Episode, out: EpisodeOutcome): void {
    const w = ep.way;
    ep.query.forEach((q, i) => {
      if (ep.kind === 'single') {
        const label = (q as { label: number }).label;
        const c = ep.classes[label];
        if (c) this.count(c.value, c.name, out.predictions[i] === label);
      } else {
        const targets = (q as { targets: Uint8Array }).targets;
        for (let j = 0; j < w; j++) {
          const c = ep.classes[j];
          if (c) this.count(c.value, c.name, out.predictions[i * w + j] === (targets[j] ? 1 : 0));
        }
      }
    });
  }

  private count(value: number, name: string, ok: boolean): void {
    this.names.set(value, name);
    this.total.set(value, (this.total.get(value) ?? 0) + 1);
    this.right.set(value, (this.right.get(value) ?? 0) + (ok ? 1 : 0));
  }

  /** Ascending by value. Multilabel: accuracy of the label's positive/negative decisions. */
  result(): { value: number; name: string; accuracy: number; decisions: number }[] {
    return [...this.total.keys()]
      .sort((a, b) => a - b)
      .map((value) => {
        const n = this.total.get(value) ?? 0;
        return {
          value,
          name: this.names.get(value) ?? String(value),
          accuracy: (this.right.get(value) ?? 0) / n,
          decisions: n,
        };
      });
  }
}
