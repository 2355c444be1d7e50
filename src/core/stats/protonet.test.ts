import { describe, expect, it } from 'vitest';
import {
  argmaxRows,
  protonetMultilabel,
  protonetSingleLabel,
  prototypes,
  softmaxNegDistances,
  squaredDistances,
} from './protonet';

describe('ProtoNet reference, single-label (golden values by hand)', () => {
  // 2-d embeddings. Class 0: (0,0), (2,0) -> prototype (1,0). Class 1: (0,2), (0,4) -> prototype (0,3).
  const support = [0, 0, 0, 2, 2, 0, 0, 4];
  const labels = [0, 1, 0, 1];
  const query = [1, 1, 0, 3];
  const r = protonetSingleLabel(support, labels, query, 2, 2);

  it('prototypes are class means', () => {
    expect(Array.from(r.prototypes)).toEqual([1, 0, 0, 3]);
  });

  it('distances are squared Euclidean', () => {
    // (1,1): to (1,0) 1, to (0,3) 1 + 4 = 5. (0,3): to (1,0) 1 + 9 = 10, to (0,3) 0.
    expect(Array.from(r.distances)).toEqual([1, 5, 10, 0]);
  });

  it('probabilities are softmax(-distance), predictions the argmax', () => {
    const p0 = 1 / (1 + Math.exp(-4));
    const p1 = 1 / (1 + Math.exp(-10));
    const probs = Array.from(r.probabilities);
    [p0, 1 - p0, 1 - p1, p1].forEach((p, i) => expect(probs[i]).toBeCloseTo(p, 14));
    expect(Array.from(r.predictions)).toEqual([0, 1]);
  });

  it('softmax is stable for large distances and argmax takes the first of ties', () => {
    const p = softmaxNegDistances([1e6, 1e6 + 1, 5e5, 5e5], 2);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 14);
    expect(Array.from(p.slice(2))).toEqual([0.5, 0.5]);
    expect(Array.from(argmaxRows([0.5, 0.5, 0.2, 0.8], 2))).toEqual([0, 1]);
  });

  it('refuses a class without support and mismatched shapes', () => {
    expect(() => prototypes([1, 2], [0], 2, 2)).toThrow('protonet: class 1 has no support image');
    expect(() => prototypes([1, 2, 3], [0], 1, 2)).toThrow('support has 3 values, expected 1 x 2 = 2');
    expect(() => squaredDistances([1, 2, 3], [1, 2], 2)).toThrow('must be rows of 2');
  });
});

describe('ProtoNet reference, multilabel (positive and negative prototype per label)', () => {
  // 1-d embeddings 0, 1, 2, 3. Label 0 positives {0, 1} -> pos 0.5, neg 2.5. Label 1 positives {1, 3} -> pos 2, neg 1.
  const support = [0, 1, 2, 3];
  const targets = [1, 0, 1, 1, 0, 0, 0, 1];
  const r = protonetMultilabel(support, targets, [1, 1.5], 2, 1);

  it('builds per-label prototypes', () => {
    expect(Array.from(r.positivePrototypes)).toEqual([0.5, 2]);
    expect(Array.from(r.negativePrototypes)).toEqual([2.5, 1]);
  });

  it('scores softmax over (-d_neg, -d_pos) at pos', () => {
    // Query 1: label 0 d_pos 0.25, d_neg 2.25; label 1 d_pos 1, d_neg 0.
    expect(Array.from(r.positiveDistances.slice(0, 2))).toEqual([0.25, 1]);
    expect(Array.from(r.negativeDistances.slice(0, 2))).toEqual([2.25, 0]);
    expect(r.scores[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 14);
    expect(r.scores[1]).toBeCloseTo(1 / (1 + Math.exp(1)), 14);
    // Query 1.5, label 0: d_pos = d_neg = 1, score 0.5, decided negative.
    expect(r.scores[2]).toBe(0.5);
    expect(Array.from(r.predictions)).toEqual([1, 0, 0, 0]);
  });

  it('is stable for huge distance gaps', () => {
    const far = protonetMultilabel([0, 1e4], [1, 0], [1e4, 0], 1, 1);
    expect(Array.from(far.scores)).toEqual([0, 1]);
  });

  it('refuses a label without positive or negative support', () => {
    expect(() => protonetMultilabel([0, 1], [1, 1], [0], 1, 1)).toThrow(
      'protonet: label 0 needs positive and negative support images',
    );
  });
});
