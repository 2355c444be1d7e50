/**
 * Throughput and ETA for the run's progress line, from the progress events alone (no DOM, no tfjs).
 *
 * - Rate: training steps/s while a training runs; embedded images/s and episodes/s while a cell runs
 *   (when the event carries done/total); cells/min otherwise. Each rate is measured from the first event
 *   of that phase and cell, so compilation at the start of a cell counts (it is part of what one waits).
 * - ETA: remaining cells times the mean wall time per cell finished in this session. Cells differ (the
 *   first cell of each source row also trains), so it is labelled "about" and only shown once a cell is done.
 */

export interface MeterEvent {
  phase: string;
  cellsDone: number;
  cellsTotal: number;
  cell?: string;
  step?: number;
  steps?: number;
  /** Units done and total in the current phase of the cell (images embedded, episodes run). */
  done?: number;
  total?: number;
}

export interface MeterReading {
  /** "12.3 steps/s", "850 images/s", "41 episodes/s", or '' before there is a rate. */
  rate: string;
  /** Estimated ms until the run ends; undefined until a cell has finished. */
  etaMs: number | undefined;
  /** "3 of 12 cells, about 4 min left" */
  text: string;
}

const UNIT: Record<string, string> = { train: 'steps/s', embed: 'images/s', episodes: 'episodes/s' };

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

function formatRate(r: number): string {
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2);
}

export class ProgressMeter {
  private t0 = 0;
  private cells0 = 0;
  private span: { key: string; t: number; units: number } | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A run (or a resumed run) starts with `cellsDone` cells already finished. */
  start(cellsDone: number): void {
    this.t0 = this.now();
    this.cells0 = cellsDone;
    this.span = undefined;
  }

  update(e: MeterEvent): MeterReading {
    const t = this.now();
    const units = e.phase === 'train' ? e.step : e.done;
    let rate = '';
    if (units !== undefined && UNIT[e.phase]) {
      const key = `${e.phase}|${e.cell ?? ''}`;
      if (!this.span || this.span.key !== key || units < this.span.units) this.span = { key, t, units };
      const dt = (t - this.span.t) / 1000;
      const du = units - this.span.units;
      if (dt > 0 && du > 0) rate = `${formatRate(du / dt)} ${UNIT[e.phase]}`;
    }
    const finished = e.cellsDone - this.cells0;
    const elapsed = t - this.t0;
    const left = e.cellsTotal - e.cellsDone;
    const etaMs = finished > 0 ? (elapsed / finished) * left : undefined;
    if (!rate && finished > 0 && elapsed > 0) rate = `${formatRate((finished / elapsed) * 60_000)} cells/min`;
    const eta =
      left === 0
        ? 'finishing'
        : etaMs === undefined
          ? 'time left known after the first cell'
          : `about ${formatDuration(etaMs)} left`;
    return {
      rate,
      etaMs,
      text: `${e.cellsDone} of ${e.cellsTotal} cells, ${eta}${rate ? `; ${rate}` : ''}`,
    };
  }
}
