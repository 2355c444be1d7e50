/**
 * `npm run sweep` end to end: the real CLI as a child process, the real build, `vite preview`, headless
 * Chromium through the page, persistent profiles. One small grid (2 encoders x 2 K x 2 seeds on the demo
 * data, wasm, a tiny budget) is run four ways: in one go, as 2 shards merged with merge-reports, and
 * killed mid-way then resumed; every way must give the same numbers. Then a sweep over generated
 * MedIMeta zips (`--data`), and configs that must be refused before any browser starts.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { recordFromJSON, type RunRecord } from '../src/core/results';
import { decodeShareLink } from '../src/core/share';
import { generateFixture, zipFiles } from '../src/data/medimeta/fixture';
import type { Plan } from '../sweep/plan';
import type { SweepStatus } from '../sweep/reporter';
import { LEDGER_FILE, type LedgerEntry } from '../sweep/ledger';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
/** This spec's folder (made in the worker, not where Playwright only lists the tests). */
let BASE = '';
/** The spec's own build of the app: built by the first sweep, served as it is by the others. */
let BUILD = '';

test.describe.configure({ mode: 'serial' });
// Profiles (the demo datasets in IndexedDB), builds and results: about 700 MB.
// PB_KEEP_SWEEP_E2E=1 keeps them to look at.
test.beforeAll(() => {
  BASE = mkdtempSync(join(tmpdir(), 'protobench-sweep-e2e-'));
  BUILD = join(BASE, 'dist');
});
test.afterAll(() => {
  if (!process.env.PB_KEEP_SWEEP_E2E) rmSync(BASE, { recursive: true, force: true });
});

const GRID = {
  name: 'e2e-small',
  backend: 'wasm',
  grid: {
    encoders: ['conv4', 'resnet12'],
    resolutions: [84],
    modes: ['medimeta'],
    shots: [1, 2],
    queries: [2],
    episodes: [5],
    seeds: [0, 1],
    sources: [['all-except-target', 'pixels']],
    targets: ['demo_oct/Layer profile'],
  },
  // A tiny budget: ResNet-12 embeds about 10 images/s with wasm on 2 cores, and it is the sweep that is tested.
  training: { steps: 2, way: 2, shot: 1, query: 2, lr: 0.001, valEvery: 0 },
};

function writeJSON(name: string, v: unknown): string {
  const p = join(BASE, name);
  writeFileSync(p, JSON.stringify(v, null, 1));
  return p;
}

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  ms: number;
  /** Command lines of every process the CLI started, as seen while it ran. */
  processes: string[];
}

/** The process tree under `pid` (pids), from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(d));
      children.set(ppid, list);
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.pop() as number;
    for (const c of children.get(p) ?? []) {
      out.push(c);
      todo.push(c);
    }
  }
  return out;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/**
 * Run the CLI. `killWhen` is polled every 200 ms: when it says so, the CLI and every process it started
 * (app server, Playwright, Chromium) are killed with SIGKILL, as a crash or a lost machine would.
 */
function sweep(args: string[], o: { killWhen?: () => boolean; timeoutMs?: number } = {}): Promise<Ran> {
  const t0 = Date.now();
  const child: ChildProcess = spawn(TSX, ['sweep/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, INIT_CWD: ROOT, FORCE_COLOR: '0' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const seen = new Set<string>();
  const killAll = (): void => {
    const pid = child.pid as number;
    const tree = descendants(pid);
    for (const p of [pid, ...tree]) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const timer = setInterval(() => {
    if (!child.pid) return;
    for (const p of descendants(child.pid)) seen.add(cmdline(p));
    if (o.killWhen?.()) {
      clearInterval(timer);
      killAll();
    }
  }, 200);
  const limit = setTimeout(killAll, o.timeoutMs ?? 280_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearInterval(timer);
      clearTimeout(limit);
      resolve({ code, signal, output, ms: Date.now() - t0, processes: [...seen].filter((s) => s.length > 0) });
    });
  });
}

function buildArgs(): string[] {
  return existsSync(join(BUILD, 'index.html')) ? ['--build-dir', BUILD, '--no-build'] : ['--build-dir', BUILD];
}

/** RFC 4180 (quotes, doubled quotes, CRLF). */
function parseCSV(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  expect(field, 'the CSV ends with CRLF').toBe('');
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries((head as string[]).map((h, i) => [h, r[i] ?? ''])));
}

const VOLATILE = ['run_id', 'created_at', 'load_ms', 'compile_ms', 'warmup_ms', 'embed_ms', 'episodes_ms'];

/** The CSV without what differs between two executions of the same runs (record ids, dates, timings). */
function numbers(out: string): Record<string, string>[] {
  return parseCSV(readFileSync(join(out, 'sweep.csv'), 'utf8')).map((r) =>
    Object.fromEntries(Object.entries(r).filter(([k]) => !VOLATILE.includes(k))),
  );
}

/** The summary's Results table without its time column. */
function resultRows(out: string): string[] {
  const md = readFileSync(join(out, 'summary.md'), 'utf8');
  const section = md.slice(md.indexOf('## Results'), md.indexOf('## Runs'));
  return section
    .split('\n')
    .filter((l) => /^\| \d+ \|/.test(l))
    .map((l) => l.split(' | ').slice(0, -1).join(' | '));
}

function status(out: string): SweepStatus {
  return JSON.parse(readFileSync(join(out, 'status.json'), 'utf8')) as SweepStatus;
}

function record(out: string, id: string): { text: string; record: RunRecord } {
  const text = readFileSync(join(out, 'runs', `${id}.json`), 'utf8');
  const r = recordFromJSON(text);
  expect(r.ok, `runs/${id}.json reads back`).toBe(true);
  return { text, record: (r as { record: RunRecord }).record };
}

function pct(mean: number, ci: number): string {
  return `${(mean * 100).toFixed(1)} ± ${(ci * 100).toFixed(1)}`;
}

/** The CSV and the summary say what the run records say, cell by cell, in plan order. */
async function expectOutputsMatchRecords(out: string): Promise<void> {
  const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as Plan;
  const csv = parseCSV(readFileSync(join(out, 'sweep.csv'), 'utf8'));
  const md = readFileSync(join(out, 'summary.md'), 'utf8');
  let row = 0;
  for (const run of plan.runs) {
    const { record: r } = record(out, run.id);
    expect(r.status).toBe('done');
    expect(r.configHash).toBe(run.configHash);
    expect(r.environment.backend).toBe('wasm');
    expect(r.cells.length, `${run.id}: cells`).toBe(2);
    // Config order: rows (all-except-target, pixels), then K.
    const cells = [...r.cells].sort(
      (a, b) =>
        run.config.sources.findIndex((s) => s.kind === a.source) -
        run.config.sources.findIndex((s) => s.kind === b.source),
    );
    for (const c of cells) {
      const line = csv[row++] as Record<string, string>;
      expect(line.run, 'rows in plan order').toBe(run.id);
      expect(line.run_index).toBe(String(run.index));
      expect(line.config_hash).toBe(run.configHash);
      expect(line.run_id).toBe(r.id);
      expect(line.seed).toBe(String(run.config.seed));
      expect(line.encoder).toBe(run.config.encoder);
      expect(line.source).toBe(c.source);
      expect(line.method).toBe(c.method ?? 'protonet');
      expect(`${line.target_dataset}/${line.target_task}`).toBe(`${c.target.dataset}/${c.target.task}`);
      expect(line.k).toBe(String(c.k));
      expect(line.accuracy_mean).toBe(String(c.accuracy.mean));
      expect(line.accuracy_ci95).toBe(String(c.accuracy.ci95));
      expect(line.auroc_mean).toBe(String(c.auroc.mean));
      expect(line.episodes).toBe(String(c.episodes));
      const summaryRow = `| ${run.index} | \`${run.id}\` | ${run.config.encoder} | 84 | medimeta | ${c.k} | ${run.config.seed} | ${c.source} | ${c.method ?? 'protonet'} | ${c.target.dataset}/${c.target.task} | ${pct(c.accuracy.mean, c.accuracy.ci95)} | ${pct(c.auroc.mean, c.auroc.ci95)} | ${c.episodes} |`;
      expect(md, `summary row of ${run.id} ${c.source}`).toContain(summaryRow);
    }
    // The share link decodes to this run's results.
    const link = readFileSync(join(out, 'runs', `${run.id}.link.txt`), 'utf8').trim();
    const decoded = await decodeShareLink(link.slice(link.indexOf('#') + 1));
    expect(decoded.ok, `share link of ${run.id}`).toBe(true);
    if (decoded.ok) {
      expect(decoded.payload.config).toEqual(r.config);
      expect(decoded.payload.cells).toHaveLength(r.cells.length);
    }
    expect(md).toContain(`| ${run.index} | \`${run.id}\` | done`);
    expect(md).toMatch(new RegExp(`\\| done( \\(resumed\\))? \\| wasm \\| none \\| 2 \\|`));
  }
  expect(csv).toHaveLength(row);
  expect(md).toContain('| tfjs | 4.22');
  expect(md).toContain('| cross-origin isolated | true |');
}

let single = '';
let singleProfile = '';

test('bad configs are refused with a clear message before any browser starts', async () => {
  test.setTimeout(120_000);
  const good = JSON.parse(JSON.stringify(GRID)) as typeof GRID & Record<string, unknown>;
  const cases: { name: string; config: unknown; args?: string[]; expect: RegExp[] }[] = [
    { name: 'unknown key', config: { ...good, extra: 1 }, expect: [/extra: expected no such key \(known: grid, name/] },
    {
      name: 'wrong type',
      config: { ...good, grid: { ...good.grid, episodes: ['10'] } },
      expect: [/grid\.episodes\[0\]: expected an integer in \[1, 10000\], found "10"/],
    },
    {
      name: 'empty grid',
      config: { ...good, grid: { ...good.grid, seeds: [] } },
      expect: [/grid\.seeds: expected a non-empty list of integers in \[0, 4294967295\], found an array of 0/],
    },
    {
      name: 'unknown target',
      config: { ...good, grid: { ...good.grid, targets: ['demo_oct/Layer profile', 'demo_nope/Malignancy'] } },
      expect: [/grid\.targets\[1\]: target dataset "demo_nope" is not in the catalog \(have "demo_xray_a"/],
    },
    {
      name: 'unknown task',
      config: { ...good, grid: { ...good.grid, targets: ['demo_oct/nope'] } },
      expect: [/grid\.targets\[0\]: dataset "demo_oct" has no task "nope" \(has "Layer profile", "Urgent referral"\)/],
    },
    {
      name: 'missing data dir',
      config: good,
      args: ['--data', join(BASE, 'no-such-folder')],
      expect: [/--data .*no-such-folder: no such folder/],
    },
  ];
  for (const c of cases) {
    const file = writeJSON(`bad-${c.name.replace(/ /g, '-')}.json`, c.config);
    const r = await sweep(['--config', file, '--out', join(BASE, 'bad'), ...buildArgs(), ...(c.args ?? [])]);
    expect(r.code, `${c.name}: exit status 2\n${r.output}`).toBe(2);
    for (const re of c.expect) expect(r.output, c.name).toMatch(re);
    if (c.name !== 'missing data dir') expect(r.output, c.name).toContain(file);
    expect(r.output, `${c.name}: nothing built or run`).not.toMatch(/build:|runs \(backend/);
    expect(
      r.processes.filter((p) => /chrom|playwright|vite/.test(p)),
      `${c.name}: no browser, server or runner`,
    ).toEqual([]);
    expect(r.ms, `${c.name}: refused quickly`).toBeLessThan(30_000);
  }
});

test('a small demo sweep: per-run records and share links, a CSV and a summary that match them', async () => {
  test.setTimeout(300_000);
  const config = writeJSON('grid.json', GRID);
  single = join(BASE, 'single');
  singleProfile = join(BASE, 'profile-single');
  const r = await sweep(['--config', config, '--out', single, '--profile', singleProfile, ...buildArgs()]);
  expect(r.code, r.output).toBe(0);
  // Terminal progress per run and per cell.
  expect(r.output).toMatch(
    /\[1\/8\] cell 1\/2 all-except-target -> demo_oct\/Layer profile K=1: accuracy \d+\.\d ± \d+\.\d/,
  );
  expect(r.output).toMatch(/run resnet12-r84-medimeta-k2-q2-ep5-s1-\S+: ok/);
  expect(r.output).toContain('sweep e2e-small: 8 done, 0 failed of 8 runs');
  expect(status(single)).toMatchObject({ total: 8, done: 8, failed: [], missing: [] });
  await expectOutputsMatchRecords(single);
});

test('the same sweep as 2 shards on 2 profiles, merged with merge-reports: the same numbers', async () => {
  test.setTimeout(300_000);
  expect(single, 'the single-machine sweep ran').not.toBe('');
  const config = join(BASE, 'grid.json');
  const blobs = join(BASE, 'blobs');
  for (const i of [1, 2]) {
    const out = join(BASE, `shard-${i}`);
    const r = await sweep([
      '--config',
      config,
      '--shard',
      `${i}/2`,
      '--out',
      out,
      '--profile',
      // Machine 1 is the one that ran the single sweep; machine 2 starts from nothing.
      i === 1 ? singleProfile : join(BASE, 'profile-shard-2'),
      ...buildArgs(),
    ]);
    expect(r.code, r.output).toBe(0);
    expect(status(out).shard).toBe(`shard ${i}/2`);
    expect(status(out).done).toBeGreaterThan(0);
    // As a CI job would: each shard's blob report uploaded, then downloaded into its own folder.
    cpSync(join(out, 'blob'), join(blobs, `shard-${i}`), { recursive: true });
  }
  expect(status(join(BASE, 'shard-1')).done + status(join(BASE, 'shard-2')).done).toBe(8);
  const merged = join(BASE, 'merged');
  const m = await sweep(['--merge', blobs, '--out', merged]);
  expect(m.code, m.output).toBe(0);
  expect(m.processes.filter((p) => /chrom/.test(p))).toEqual([]);
  expect(status(merged)).toMatchObject({ total: 8, done: 8, failed: [], missing: [] });
  // The merged folder is complete on its own: every run's record and link, the CSV and the summary.
  writeFileSync(join(merged, 'plan.json'), readFileSync(join(single, 'plan.json')));
  await expectOutputsMatchRecords(merged);
  expect(numbers(merged)).toEqual(numbers(single));
  expect(resultRows(merged)).toEqual(resultRows(single));

  // A shard's report missing from the merge: its runs are named, and the exit status says so.
  const partial = join(BASE, 'merged-partial');
  const p = await sweep(['--merge', join(blobs, 'shard-1'), '--out', partial]);
  expect(p.code, p.output).toBe(1);
  const lost = 8 - status(join(BASE, 'shard-1')).done;
  expect(status(partial).missing).toHaveLength(lost);
  expect(p.output).toMatch(/sweep: run #\d+ has no result \(no report of it was merged: a shard missing\?\)/);
});

test('a sweep killed mid-way resumes to the same numbers without re-running finished runs', async () => {
  test.setTimeout(300_000);
  expect(single, 'the single-machine sweep ran').not.toBe('');
  const config = join(BASE, 'grid.json');
  const out = join(BASE, 'killed');
  const runs = join(out, 'runs');
  const finished = (): string[] =>
    existsSync(runs) ? readdirSync(runs).filter((f) => f.endsWith('.json') && !f.includes('.tmp')) : [];
  // The same machine (profile) as the single sweep: what a person resuming after a crash has.
  const args = ['--config', config, '--out', out, '--profile', singleProfile, ...buildArgs()];
  const killed = await sweep(args, { killWhen: () => finished().length >= 1 });
  expect(killed.signal ?? killed.code, killed.output).toBe('SIGKILL');
  const before = finished();
  expect(before.length, 'killed mid-way').toBeGreaterThanOrEqual(1);
  expect(before.length, 'killed mid-way').toBeLessThan(8);
  expect(existsSync(join(out, 'sweep.csv')), 'no CSV from the killed sweep').toBe(false);
  const kept = Object.fromEntries(
    before.map((f) => [f, { text: readFileSync(join(runs, f), 'utf8'), mtime: statSync(join(runs, f)).mtimeMs }]),
  );

  const resumed = await sweep([...args, '--resume']);
  expect(resumed.code, resumed.output).toBe(0);
  expect(status(out)).toMatchObject({ total: 8, done: 8, resumed: before.length, failed: [], missing: [] });
  for (const f of before) {
    expect(resumed.output).toContain(`${f.replace(/\.json$/, '')}: result file exists with config`);
    expect(readFileSync(join(runs, f), 'utf8'), `${f} was not re-run`).toBe(kept[f]?.text);
    expect(statSync(join(runs, f)).mtimeMs, `${f} was not rewritten`).toBe(kept[f]?.mtime);
  }
  expect(finished()).toHaveLength(8);
  await expectOutputsMatchRecords(out);
  expect(numbers(out)).toEqual(numbers(single));
  expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain(`${before.length} from an earlier sweep`);
});

test('--data: generated MedIMeta zips are imported through the page once per profile and benchmarked', async () => {
  test.setTimeout(240_000);
  const data = join(BASE, 'data');
  mkdirSync(data, { recursive: true });
  const a = await generateFixture({ id: 'mm_lung', n: 60, channels: 1, seed: 11, domain: 'Fixture lung' });
  const b = await generateFixture({ id: 'mm_skin', n: 60, channels: 3, seed: 12, domain: 'Fixture skin', hdf5: false });
  writeFileSync(join(data, 'mm_lung.zip'), await zipFiles(a.files, { root: 'mm_lung' }));
  writeFileSync(join(data, 'mm_skin.zip'), await zipFiles(b.files, { root: 'mm_skin' }));
  const config = writeJSON('data.json', {
    name: 'e2e-data',
    backend: 'wasm',
    demo: false,
    grid: {
      encoders: ['conv4'],
      resolutions: [84],
      modes: ['medimeta'],
      shots: [1],
      queries: [2],
      episodes: [5],
      seeds: [0],
      sources: [['all-except-target', 'pixels']],
      targets: ['mm_lung/malignancy'],
    },
    training: { steps: 2, way: 2, shot: 1, query: 2, lr: 0.001, valEvery: 0 },
  });
  const profile = join(BASE, 'profile-data');
  const out = join(BASE, 'data-out');
  const args = ['--config', config, '--data', data, '--profile', profile];
  const first = await sweep([...args, ...buildArgs(), '--out', out]);
  expect(first.code, first.output).toBe(0);
  expect(first.output).toMatch(/data: importing .*mm_lung\.zip \(zip\) as "mm_lung": not in the store/);
  expect(first.output).toMatch(/data: imported mm_lung: 60 images, sha256:/);
  expect(first.output).toMatch(/data: imported mm_skin: 60 images, sha256:/);
  const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as Plan;
  const run = plan.runs[0];
  expect(plan.runs).toHaveLength(1);
  const { record: r } = record(out, run?.id as string);
  expect(r.status).toBe('done');
  // The trained row learned from the other imported dataset; both are in the record, by fingerprint.
  const ledger = (JSON.parse(readFileSync(join(profile, LEDGER_FILE), 'utf8')) as { entries: LedgerEntry[] }).entries;
  expect(ledger.map((e) => e.id).sort()).toEqual(['mm_lung', 'mm_skin']);
  for (const d of r.datasets) expect(d.fingerprint).toBe(ledger.find((e) => e.id === d.id)?.fingerprint);
  expect(r.datasets.map((d) => d.id).sort()).toEqual(['mm_lung', 'mm_skin']);
  expect(r.cells.map((c) => c.source).sort()).toEqual(['all-except-target', 'pixels']);
  await expect.poll(() => parseCSV(readFileSync(join(out, 'sweep.csv'), 'utf8')).length).toBe(2);

  // A later sweep on the same profile reuses the imports, and gives the same numbers.
  const out2 = join(BASE, 'data-out-2');
  const second = await sweep([...args, ...buildArgs(), '--out', out2]);
  expect(second.code, second.output).toBe(0);
  expect(second.output).toContain('data: mm_lung already in the profile');
  expect(second.output).toContain('data: mm_skin already in the profile');
  expect(second.output).not.toContain('data: importing');
  expect(numbers(out2)).toEqual(numbers(out));
});

test('webgpu on a software adapter: the run fails, named, unless --allow-fallback; the adapter is recorded', async () => {
  test.setTimeout(180_000);
  // The pixels baseline only: cheap even on SwiftShader.
  const config = writeJSON('webgpu.json', {
    ...GRID,
    name: 'e2e-webgpu',
    grid: { ...GRID.grid, encoders: ['conv4'], shots: [1], seeds: [0], sources: ['pixels'] },
  });
  expect(singleProfile, 'the single-machine sweep ran').not.toBe('');
  const profile = singleProfile;
  const out = join(BASE, 'webgpu');
  const refused = await sweep([
    '--config',
    config,
    '--backend',
    'webgpu',
    '--out',
    out,
    '--profile',
    profile,
    ...buildArgs(),
  ]);
  expect(refused.code, refused.output).toBe(1);
  expect(refused.output).toMatch(
    /FAILED run conv4-r84-medimeta-k1-q2-ep5-s0-src-pixels-t-demo_oct_Layer_profile: .*webgpu was asked for, but the browser gave a software fallback adapter \(google swiftshader/,
  );
  expect(refused.output).toMatch(/sweep: run conv4-\S+ failed: .*--allow-fallback/);
  expect(status(out).failed).toHaveLength(1);
  expect(existsSync(join(out, 'runs', `${status(out).failed[0]?.id}.json`)), 'no result file for a failed run').toBe(
    false,
  );

  const allowed = await sweep([
    '--config',
    config,
    '--backend',
    'webgpu',
    '--allow-fallback',
    '--out',
    out,
    '--profile',
    profile,
    ...buildArgs(),
  ]);
  expect(allowed.code, allowed.output).toBe(0);
  const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as Plan;
  const { record: r } = record(out, plan.runs[0]?.id as string);
  expect(r.environment).toMatchObject({
    backend: 'webgpu',
    softwareFallback: true,
    adapter: { architecture: 'swiftshader' },
  });
  const csv = parseCSV(readFileSync(join(out, 'sweep.csv'), 'utf8'));
  expect(csv[0]).toMatchObject({ backend: 'webgpu', software_fallback: 'true' });
  expect(csv[0]?.adapter).toContain('swiftshader');
  expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('| backend | webgpu (software fallback) |');
});
