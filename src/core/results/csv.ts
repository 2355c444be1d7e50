/**
 * CSV export: one row per cell, RFC 4180 (comma-separated, CRLF line ends, a field quoted with '"' when
 * it holds a comma, quote, CR or LF, quotes doubled inside). Undefined numbers (NaN) are empty fields;
 * numbers are written in full (JavaScript's shortest round-trip form).
 *
 * Text fields that start with =, +, -, @, tab or CR (dataset and task names come from imported files)
 * get a leading apostrophe so that a spreadsheet does not run them as formulas (OWASP's advice on CSV
 * injection); numeric fields are never changed.
 *
 * Columns (`CSV_COLUMNS`, in order):
 *   run_id, created_at, backend, encoder, resolution, mode: the run (same on every row)
 *   source: the row's source key; method: the evaluation method (`protonet`, `linear-probe`);
 *   target_dataset, target_task: the column
 *   k, n, q, episodes: K (0 in variable mode), classes per episode (0: it varies), query per class, episodes
 *   accuracy_mean, accuracy_ci95, accuracy_std, auroc_mean, auroc_ci95, auroc_std: over episodes
 *   chance: chance accuracy
 *   load_ms, compile_ms, warmup_ms, embed_ms, episodes_ms: the cell's timings
 *   ci_kind: `episodes`, or `episodes+training` when the CI includes the spread of training repeats
 *   repeats: training repeats combined (1 without); repeat_accuracy_means, repeat_auroc_means: each
 *   repeat's mean, ';'-separated; chosen_steps: the checkpoint each repeat's training kept (0: the init),
 *   ';'-separated; source_tasks: the `<dataset>/<task>` it trained on, ';'-separated (trained rows)
 *   full_test_n, full_test_accuracy(_lo, _hi), full_test_auroc(_lo, _hi): the `supervised` row's score on the
 *   target's whole test split and its 95% bootstrap interval, ';'-separated per repeat (empty on other rows)
 *
 * `trainingsToCSV`: the training curves, one row per validation of every training (TRAINING_CSV_COLUMNS).
 */

import type { TrainingRecord } from './training';
import type { CellResult, RunRecord } from './types';

export const CSV_COLUMNS = [
  'run_id',
  'created_at',
  'backend',
  'encoder',
  'resolution',
  'mode',
  'source',
  'method',
  'target_dataset',
  'target_task',
  'k',
  'n',
  'q',
  'episodes',
  'accuracy_mean',
  'accuracy_ci95',
  'accuracy_std',
  'auroc_mean',
  'auroc_ci95',
  'auroc_std',
  'chance',
  'load_ms',
  'compile_ms',
  'warmup_ms',
  'embed_ms',
  'episodes_ms',
  'ci_kind',
  'repeats',
  'repeat_accuracy_means',
  'repeat_auroc_means',
  'chosen_steps',
  'source_tasks',
  'full_test_n',
  'full_test_accuracy',
  'full_test_accuracy_lo',
  'full_test_accuracy_hi',
  'full_test_auroc',
  'full_test_auroc_lo',
  'full_test_auroc_hi',
] as const;

export const TRAINING_CSV_COLUMNS = [
  'run_id',
  'source',
  'training_key',
  'repeat',
  'seed',
  'step',
  'loss',
  'val_accuracy',
  'val_auroc',
  'chosen',
  'stopped_step',
  'weights_key',
  'source_tasks',
] as const;

/** One field, quoted when needed (RFC 4180). */
export function csvField(v: string | number): string {
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The trainings behind a cell (by stored-weights key), in repeat order. */
export function cellTrainings(record: RunRecord, c: CellResult): TrainingRecord[] {
  const keys = c.repeats ? c.repeats.map((r) => r.weightsKey) : [c.trainedWeights?.key];
  const all = record.trainings ?? [];
  return keys.flatMap((k) => all.filter((t) => k !== undefined && t.weightsKey === k).slice(0, 1));
}

/** The full_test_* fields: each repeat's test score, ';'-separated (a single number for one repeat). */
function testColumns(trainings: TrainingRecord[]): (string | number)[] {
  const tests = trainings.flatMap((t) => (t.test ? [t.test] : []));
  const join = (f: (t: NonNullable<TrainingRecord['test']>) => number): string | number =>
    tests.length === 1 ? f(tests[0]!) : tests.map((t) => (Number.isNaN(f(t)) ? '' : String(f(t)))).join(';');
  return [
    join((t) => t.n),
    join((t) => t.accuracy.value),
    join((t) => t.accuracy.lo),
    join((t) => t.accuracy.hi),
    join((t) => t.auroc.value),
    join((t) => t.auroc.lo),
    join((t) => t.auroc.hi),
  ];
}

function row(record: RunRecord, c: CellResult): (string | number)[] {
  const trainings = cellTrainings(record, c);
  return [
    record.id,
    record.createdAt,
    record.environment.backend,
    record.config.encoder,
    record.config.resolution,
    record.config.mode,
    c.source,
    c.method ?? 'protonet',
    c.target.dataset,
    c.target.task,
    c.k,
    c.n,
    c.q,
    c.episodes,
    c.accuracy.mean,
    c.accuracy.ci95,
    c.accuracy.std,
    c.auroc.mean,
    c.auroc.ci95,
    c.auroc.std,
    c.chance,
    c.timings.loadMs,
    c.timings.compileMs,
    c.timings.warmupMs,
    c.timings.embedMs,
    c.timings.episodesMs,
    c.ciKind ?? 'episodes',
    c.repeats?.length ?? 1,
    (c.repeats ?? []).map((r) => r.accuracy).join(';'),
    (c.repeats ?? []).map((r) => r.auroc).join(';'),
    trainings.map((t) => t.chosen.step).join(';'),
    trainings[0]?.sourceTasks.join(';') ?? '',
    ...testColumns(trainings),
  ];
}

/** The header and one line per cell, CRLF-terminated. */
export function recordToCSV(record: RunRecord): string {
  const lines = [CSV_COLUMNS.join(','), ...record.cells.map((c) => row(record, c).map(csvField).join(','))];
  return lines.map((l) => `${l}\r\n`).join('');
}

/** Every training's curve: one line per validation, CRLF-terminated, after the header. */
export function trainingsToCSV(record: RunRecord): string {
  const lines = [TRAINING_CSV_COLUMNS.join(',')];
  for (const t of record.trainings ?? [])
    for (const v of t.curve)
      lines.push(
        [
          record.id,
          t.source,
          t.trainingKey,
          t.repeat,
          t.seed,
          v.step,
          v.loss,
          v.accuracy,
          v.auroc,
          v.step === t.chosen.step ? 1 : 0,
          t.stoppedStep,
          t.weightsKey ?? '',
          t.sourceTasks.join(';'),
        ]
          .map(csvField)
          .join(','),
      );
  return lines.map((l) => `${l}\r\n`).join('');
}
