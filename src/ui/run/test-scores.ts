/**
 * The supervised upper bound's whole-split scores (the number MedIMeta's paper prints per task), one row per
 * target and training repeat: AUROC and accuracy with their 95% bootstrap intervals. Shown under the matrix
 * of a run and of a shared result; text only (dataset and task names are data).
 */

import type { ShareTest } from '../../core/share';
import { h } from '../dom';

const pct = (x: number): string => (Number.isNaN(x) ? 'n/a' : (100 * x).toFixed(1));
const ci = (b: ShareTest['auroc']): string => `${pct(b.value)} [${pct(b.lo)}, ${pct(b.hi)}]`;

export function renderTestScores(tests: readonly ShareTest[], split: string): HTMLElement {
  if (tests.length === 0) return h('div', { 'data-testid': 'test-scores', hidden: true });
  const repeats = tests.some((t) => t.repeat > 0);
  return h(
    'div',
    { class: 'test-scores', 'data-testid': 'test-scores' },
    h('p', {}, `Supervised upper bound on the whole ${split} split (%, 95% bootstrap interval over its images):`),
    h(
      'table',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'target'),
        ...(repeats ? [h('th', {}, 'seed')] : []),
        h('th', {}, 'images'),
        h('th', {}, 'AUROC'),
        h('th', {}, 'accuracy'),
      ),
      ...tests.map((t) =>
        h(
          'tr',
          { 'data-testid': 'test-score' },
          h('td', {}, `${t.target.dataset}/${t.target.task}`),
          ...(repeats ? [h('td', {}, String(t.repeat + 1))] : []),
          h('td', {}, String(t.n)),
          h('td', {}, ci(t.auroc)),
          h('td', {}, ci(t.accuracy)),
        ),
      ),
    ),
  );
}
