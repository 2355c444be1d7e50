/**
 * What a sweep writes from its run records: one CSV row per cell (the page's own CSV columns, after a
 * few sweep columns) and a Markdown summary (mean ± 95% CI per cell, timings, environment, failures).
 * Pure: the same records give the same text, in run-index order whatever order the runs finished in,
 * so a merged n-shard sweep writes what a single-machine sweep writes (record ids, dates and timings
 * aside).
 */

import { sourceKey, targetKey } from '../src/core/config';
import { CSV_COLUMNS, csvField, recordToCSV, resultKey, type CellResult, type RunRecord } from '../src/core/results';

/** What the sweep knows about one run of its plan. */
export interface RunOutcome {
  index: number;
  id: string;
  configHash: string;
  status: 'done' | 'failed' | 'missing';
  /** The record the page exported (status done). */
  record?: RunRecord;
  shareLink?: string;
  /** Taken from an earlier sweep's result file (--resume). */
  resumed?: boolean;
  /** Why it failed. */
  error?: string;
}

export interface SweepSummaryInfo {
  name: string;
  planHash: string;
  /** Runs in the plan (all shards). */
  total: number;
  /** "shard 1/2" when this is one shard's part. */
  shard?: string;
  /** Where the runs ran: Node, OS and CPU of each machine (distinct values). */
  hosts: string[];
}

export const SWEEP_COLUMNS = [
  'run_index',
  'run',
  'config_hash',
  'seed',
  'eval_split',
  'train_steps',
  'adapter',
  'software_fallback',
] as const;

export const SWEEP_CSV_HEADER = [...SWEEP_COLUMNS, ...CSV_COLUMNS].join(',');

/** Cells in the config's order (rows, then columns, then K, then methods), not the order they finished in. */
export function orderedCells(record: RunRecord): CellResult[] {
  const c = record.config;
  const src = new Map(c.sources.map((s, i) => [sourceKey(s), i]));
  const tgt = new Map(c.targets.map((t, i) => [targetKey(t), i]));
  const mth = new Map<string, number>(c.methods.map((m, i) => [m, i]));
  const rank = (x: CellResult): number[] => [
    src.get(x.source) ?? 1e9,
    tgt.get(targetKey(x.target)) ?? 1e9,
    x.k,
    mth.get(x.method ?? 'protonet') ?? 1e9,
  ];
  return record.cells.slice().sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    const d = ra.findIndex((v, i) => v !== rb[i]);
    if (d >= 0) return (ra[d] as number) - (rb[d] as number);
    return resultKey(a) < resultKey(b) ? -1 : 1;
  });
}

export function adapterText(record: RunRecord): string {
  const a = record.environment.adapter;
  if (!a) return '';
  return [a.vendor, a.architecture, a.device, a.description].filter((x) => x.length > 0).join(' / ');
}

/** The sweep CSV: header, then every cell of every done run, by run index. CRLF line ends (RFC 4180). */
export function sweepCSV(outcomes: readonly RunOutcome[]): string {
  const lines = [SWEEP_CSV_HEADER];
  for (const o of [...outcomes].sort((a, b) => a.index - b.index)) {
    const r = o.record;
    if (o.status !== 'done' || !r) continue;
    const lead = [
      o.index,
      o.id,
      o.configHash,
      r.config.seed,
      r.config.evalSplit,
      r.config.training.steps,
      adapterText(r),
      String(r.environment.softwareFallback),
    ]
      .map(csvField)
      .join(',');
    // The page's CSV of the record, its cells in config order. Its fields hold no line breaks (ids, task
    // names and source keys are validated without control characters), so lines are rows.
    const rows = recordToCSV({ ...r, cells: orderedCells(r) })
      .split('\r\n')
      .slice(1)
      .filter((l) => l.length > 0);
    for (const row of rows) lines.push(`${lead},${row}`);
  }
  return lines.map((l) => `${l}\r\n`).join('');
}

/** `45.2 ± 3.1` (percent, one decimal), or `n/a` for an undefined value. */
export function pct(mean: number, ci: number): string {
  if (!Number.isFinite(mean)) return 'n/a';
  const m = (mean * 100).toFixed(1);
  return Number.isFinite(ci) ? `${m} ± ${(ci * 100).toFixed(1)}` : m;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

/** Markdown table cell text: no pipes or line breaks. */
function md(s: string | number): string {
  return String(s)
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

function table(head: string[], rows: (string | number)[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(md).join(' | ')} |`),
  ];
}

function distinct(xs: string[]): string[] {
  return [...new Set(xs.filter((x) => x.length > 0))];
}

/** The Markdown summary. */
export function sweepSummary(info: SweepSummaryInfo, outcomes: readonly RunOutcome[]): string {
  const sorted = [...outcomes].sort((a, b) => a.index - b.index);
  const done = sorted.filter((o) => o.status === 'done' && o.record);
  const failed = sorted.filter((o) => o.status === 'failed');
  const missing = sorted.filter((o) => o.status === 'missing');
  const cells = done.reduce((n, o) => n + (o.record as RunRecord).cells.length, 0);
  const out: string[] = [];
  out.push(`# Sweep \`${info.name}\`${info.shard ? ` (${info.shard})` : ''}`, '');
  out.push(
    `${sorted.length} of ${info.total} runs: ${done.length} done` +
      `${done.some((o) => o.resumed) ? ` (${done.filter((o) => o.resumed).length} from an earlier sweep)` : ''}` +
      `, ${failed.length} failed${missing.length ? `, ${missing.length} missing` : ''}; ${cells} cells. Plan \`${info.planHash}\`.`,
    '',
  );

  out.push('## Results', '');
  out.push(
    'Accuracy and AUROC in %: mean ± half-width of the 95% confidence interval over the episodes. ' +
      'Time: the cell’s loading, compilation, warm-up, embedding and episodes (training is per run, below).',
    '',
  );
  const rows: (string | number)[][] = [];
  for (const o of done) {
    const r = o.record as RunRecord;
    for (const c of orderedCells(r)) {
      const t = c.timings;
      rows.push([
        o.index,
        `\`${o.id}\``,
        r.config.encoder,
        r.config.resolution,
        r.config.mode,
        c.k,
        r.config.seed,
        c.source,
        c.method ?? 'protonet',
        targetKey(c.target),
        pct(c.accuracy.mean, c.accuracy.ci95),
        pct(c.auroc.mean, c.auroc.ci95),
        c.episodes,
        seconds(t.loadMs + t.compileMs + t.warmupMs + t.embedMs + t.episodesMs),
      ]);
    }
  }
  out.push(
    ...table(
      [
        '#',
        'run',
        'encoder',
        'res',
        'mode',
        'K',
        'seed',
        'source',
        'method',
        'target',
        'accuracy',
        'AUROC',
        'episodes',
        'time (s)',
      ],
      rows,
    ),
    '',
  );

  out.push('## Runs', '');
  out.push(
    ...table(
      ['#', 'run', 'status', 'backend', 'adapter', 'cells', 'train (s)', 'total (s)', 'config', 'share link'],
      sorted.map((o) => {
        const r = o.record;
        return [
          o.index,
          `\`${o.id}\``,
          o.status === 'done' && o.resumed ? 'done (resumed)' : o.status,
          r ? r.environment.backend + (r.environment.softwareFallback ? ' (software fallback)' : '') : '',
          r ? adapterText(r) || 'none' : '',
          r ? r.cells.length : '',
          r ? seconds(r.timings.trainMs) : '',
          r ? seconds(r.timings.totalMs) : '',
          `\`${o.configHash}\``,
          o.shareLink ? `[link](${o.shareLink})` : '',
        ];
      }),
    ),
    '',
  );

  out.push('## Environment', '');
  const envs = done.map((o) => (o.record as RunRecord).environment);
  const wasm = envs.map((e) =>
    e.wasm
      ? `SIMD ${e.wasm.simd ? 'yes' : 'no'}, ${e.wasm.threads} thread(s)${e.wasm.threadsSupported ? '' : ' (no threads)'}`
      : '',
  );
  out.push(
    ...table(
      ['', 'value'],
      [
        [
          'backend',
          distinct(envs.map((e) => e.backend + (e.softwareFallback ? ' (software fallback)' : ''))).join('; '),
        ],
        ['adapter', distinct(done.map((o) => adapterText(o.record as RunRecord))).join('; ') || 'none'],
        ['wasm', distinct(wasm).join('; ') || 'n/a'],
        ['tfjs', distinct(envs.map((e) => e.tfjsVersion)).join('; ')],
        ['browser', distinct(envs.map((e) => e.userAgent)).join('; ')],
        ['cross-origin isolated', distinct(envs.map((e) => String(e.crossOriginIsolated))).join('; ')],
        ['hardware concurrency', distinct(envs.map((e) => String(e.hardwareConcurrency))).join('; ')],
        ['hosts', info.hosts.join('; ')],
      ],
    ),
    '',
  );

  if (failed.length + missing.length > 0) {
    out.push('## Failed runs', '');
    for (const o of failed) out.push(`- \`${o.id}\` (#${o.index}): ${md(o.error ?? 'failed')}`);
    for (const o of missing) out.push(`- \`${o.id}\` (#${o.index}): no result (its shard did not run or report it)`);
    out.push('');
  }
  return out.join('\n');
}
