/**
 * Training curves: for every meta-training of the shown run (and the one in progress), validation AUROC
 * and accuracy against steps, the mean training loss between validations on its own scale, and the
 * checkpoint model selection kept (step 0 = the initialisation). Drawn from the run record's `trainings`
 * after the run, and from the live progress while it trains.
 */

import type { TrainingRecord } from '../../core/results';
import { h } from '../dom';
import { svg } from './export-image';
import type { LiveTraining } from './orchestrator';

/** What one chart draws: points of the validation curve, and the loss per point (NaN where none). */
export interface CurveData {
  title: string;
  steps: number;
  points: { step: number; accuracy: number; auroc: number; loss: number }[];
  chosen?: number;
  stopped?: number;
  live?: boolean;
  details: string;
}

const W = 360;
const H = 150;
const PAD = { l: 34, r: 34, t: 10, b: 22 };

export function fromRecord(t: TrainingRecord): CurveData {
  const tasks = t.sourceTasks.length;
  return {
    // A supervised row trains once per target task: the title names it.
    title: `${t.source}${t.source === 'supervised' && t.sourceTasks[0] ? ` on ${t.sourceTasks[0]}` : ''}${t.repeat > 0 ? `, seed ${t.repeat + 1}` : ''}`,
    steps: t.steps,
    points: t.curve.map((v) => ({ step: v.step, accuracy: v.accuracy, auroc: v.auroc, loss: v.loss })),
    chosen: t.chosen.step,
    stopped: t.stoppedStep,
    details:
      `${tasks} source task${tasks === 1 ? '' : 's'}: ${t.sourceTasks.join(', ')}. Kept step ${t.chosen.step}` +
      `${t.chosen.step === 0 ? ' (the initialisation: training never beat it on validation)' : ''}` +
      `; trained ${t.stoppedStep} of ${t.steps} steps${t.stoppedStep < t.steps ? ' (early stopping)' : ''}` +
      `${t.reused ? '; weights reused from the store' : ''}.${testLine(t)}`,
  };
}

const pct = (x: number): string => (Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(1)}%`);

/** The supervised upper bound's whole-split score, as the paper reports it (empty for other rows). */
export function testLine(t: TrainingRecord): string {
  const s = t.test;
  if (!s) return '';
  const ci = (b: typeof s.auroc): string => `${pct(b.value)} [${pct(b.lo)}, ${pct(b.hi)}]`;
  return ` Whole ${s.split} split (${s.n} images): AUROC ${ci(s.auroc)}, accuracy ${ci(s.accuracy)} (95% bootstrap intervals).`;
}

export function fromLive(t: LiveTraining): CurveData {
  let from = 0;
  const points = t.validations.map((v) => {
    const seg = t.losses.slice(from, v.step);
    from = v.step;
    const loss = seg.length > 0 ? seg.reduce((a, b) => a + b, 0) / seg.length : NaN;
    return { step: v.step, accuracy: v.accuracy, auroc: v.auroc, loss };
  });
  return {
    title: `${t.source} for ${t.targetDataset}${t.repeat > 0 ? `, seed ${t.repeat + 1}` : ''} (training)`,
    steps: t.steps,
    points,
    live: true,
    details: `step ${t.losses.length} of ${t.steps}`,
  };
}

function polyline(points: [number, number][], attrs: Record<string, string | number>): SVGElement {
  return svg('polyline', {
    points: points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '),
    fill: 'none',
    ...attrs,
  });
}

/** One chart. */
export function curveChart(d: CurveData): HTMLElement {
  const x = (step: number): number => PAD.l + ((W - PAD.l - PAD.r) * step) / Math.max(1, d.steps);
  const y = (v: number): number => PAD.t + (H - PAD.t - PAD.b) * (1 - v);
  const losses = d.points.map((p) => p.loss).filter(Number.isFinite);
  const maxLoss = losses.length > 0 ? Math.max(...losses) : 1;
  const pts = (f: (p: CurveData['points'][number]) => number, scale = 1): [number, number][] =>
    d.points.filter((p) => Number.isFinite(f(p))).map((p) => [x(p.step), y(f(p) / scale)]);
  const chosen = d.points.find((p) => p.step === d.chosen);
  const img = svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': `Training curve: ${d.title}` },
    svg('rect', {
      x: PAD.l,
      y: PAD.t,
      width: W - PAD.l - PAD.r,
      height: H - PAD.t - PAD.b,
      fill: 'none',
      stroke: '#bbb',
    }),
    ...[0, 0.5, 1].map((v) =>
      svg('text', { x: PAD.l - 4, y: y(v) + 3, 'text-anchor': 'end', 'font-size': 9 }, `${Math.round(v * 100)}`),
    ),
    svg('text', { x: W - PAD.r + 4, y: y(1) + 3, 'font-size': 9 }, maxLoss.toPrecision(2)),
    svg('text', { x: W - PAD.r + 4, y: y(0) + 3, 'font-size': 9 }, '0'),
    svg('text', { x: PAD.l, y: H - 6, 'font-size': 9 }, '0'),
    svg('text', { x: W - PAD.r, y: H - 6, 'text-anchor': 'end', 'font-size': 9 }, `${d.steps} steps`),
    polyline(
      pts((p) => p.loss, maxLoss),
      { stroke: '#999', 'stroke-width': 1, 'data-series': 'loss' },
    ),
    polyline(
      pts((p) => p.accuracy),
      { stroke: '#d62728', 'stroke-width': 1.5, 'stroke-dasharray': '4 2', 'data-series': 'accuracy' },
    ),
    polyline(
      pts((p) => p.auroc),
      { stroke: '#1f77b4', 'stroke-width': 2, 'data-series': 'auroc' },
    ),
    chosen
      ? svg('circle', {
          cx: x(chosen.step),
          cy: y(chosen.auroc),
          r: 4,
          fill: 'none',
          stroke: '#000',
          'data-chosen': chosen.step,
        })
      : null,
    d.stopped !== undefined && d.stopped < d.steps
      ? svg('line', {
          x1: x(d.stopped),
          x2: x(d.stopped),
          y1: PAD.t,
          y2: H - PAD.b,
          stroke: '#888',
          'stroke-dasharray': '2 2',
        })
      : null,
  );
  return h(
    'figure',
    {
      class: 'training-curve',
      'data-testid': 'training-curve',
      'data-points': d.points.length,
      'data-chosen': d.chosen ?? '',
      'data-live': d.live ? 'true' : 'false',
    },
    img,
    h('figcaption', {}, h('strong', {}, d.title), ` ${d.details}`),
  );
}

/** Every training of the record (and the live one), or nothing when there is none. */
export function renderTrainingCurves(trainings: readonly TrainingRecord[], live?: LiveTraining): HTMLElement {
  const done = new Set(trainings.map((t) => `${t.trainingKey}#${t.repeat}`));
  const charts = trainings.map((t) => curveChart(fromRecord(t)));
  if (live && !done.has(`${live.trainingKey}#${live.repeat}`)) charts.push(curveChart(fromLive(live)));
  if (charts.length === 0) return h('div', { 'data-testid': 'training-curves', hidden: true });
  return h(
    'details',
    { class: 'training-curves', 'data-testid': 'training-curves', open: true },
    h(
      'summary',
      {},
      `Training curves (${charts.length}): validation AUROC (blue), accuracy (red, dashed), mean training loss (grey, right axis); ○ the kept checkpoint`,
    ),
    ...charts,
  );
}
