/**
 * `npm run sweep -- --config <file> [options]`: automated benchmark sweeps through the real page.
 *
 * 1. Checks everything that can be checked without a browser: the arguments, the sweep config (unknown
 *    keys, types, empty lists), `--data` (each zip or folder's info.yaml, labels and splits), every run
 *    config, and every target and source against the datasets the runs will find. Any problem: a clear
 *    message and exit status 2, no browser started.
 * 2. Writes `<out>/plan.json`, builds the app when its build is missing or older than the sources,
 *    and runs Playwright Test (sweep/playwright.config.ts): `vite preview` with the COOP/COEP headers
 *    and one test per run in headless Chromium, `--shard i/n` passed through.
 * 3. Exit status 0 when every run is done; 1 when a run failed or is missing (each named); 2 for a bad
 *    command line or config.
 *
 * `--merge <dir>` merges shards' blob reports (`npx playwright merge-reports`) into one CSV and summary.
 * See docs/sweeps.md.
 */

import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArgsError, parseArgs, USAGE, type SweepArgs } from './args';
import { DataError, readDataInputs, sweepCatalog, type DataInput } from './catalog';
import { readLedger } from './ledger';
import { MERGE_OUT_ENV, OPTIONS_ENV, type SweepOptions } from './options';
import { makePlan, parseSweepConfig, PlanError, type Plan } from './plan';
import type { SweepStatus } from './reporter';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Paths on the command line are relative to where the command was typed (npm run changes the cwd). */
const CWD = process.env.INIT_CWD ?? process.cwd();
const PLAYWRIGHT = join(ROOT, 'node_modules', '.bin', 'playwright');
const VITE = join(ROOT, 'node_modules', '.bin', 'vite');

function fail(code: number, lines: string[]): never {
  for (const l of lines) console.error(l);
  process.exit(code);
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newestMtime(join(path, e)));
  return m;
}

const BUILD_INPUTS = ['src', 'workers', 'public', 'index.html', 'vite.config.ts', 'package-lock.json', 'tsconfig.json'];
const STAMP = '.protobench-build.json';

/** Build the app into `dir` unless its build is newer than every source file. */
async function ensureBuild(dir: string): Promise<void> {
  const newest = Math.max(...BUILD_INPUTS.map((p) => newestMtime(join(ROOT, p))));
  const stamp = join(dir, STAMP);
  if (existsSync(join(dir, 'index.html')) && existsSync(stamp)) {
    const built = (JSON.parse(readFileSync(stamp, 'utf8')) as { sources: number }).sources;
    if (built >= newest) {
      console.log(`build: ${relative(CWD, dir) || dir} is up to date`);
      return;
    }
  }
  console.log(`build: vite build --outDir ${relative(CWD, dir) || dir}`);
  const t0 = Date.now();
  const code = await run(VITE, ['build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'], {});
  if (code !== 0) fail(1, [`build: vite build failed (exit status ${code})`]);
  writeFileSync(stamp, JSON.stringify({ sources: newest, builtAt: new Date().toISOString() }));
  console.log(`build: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

/** Whether a port is free on loopback. */
function portFree(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = createServer();
    s.once('error', () => ok(false));
    s.listen(port, '127.0.0.1', () => s.close(() => ok(true)));
  });
}

const PROFILE_STATE = 'protobench-sweep.json';

/**
 * The app's port for this profile. The page's data (imported datasets, trained encoders) lives in the
 * profile's IndexedDB under the page's origin, which includes the port: a profile keeps the port it was
 * first used with, so that later sweeps find its data.
 */
async function profilePort(profile: string, asked: number | undefined): Promise<number> {
  const file = join(profile, PROFILE_STATE);
  const state = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { port?: number }) : {};
  if (asked !== undefined && state.port !== undefined && asked !== state.port)
    console.log(
      `note: --port ${asked}: this profile's data is stored for http://127.0.0.1:${state.port}; on another port the page starts with an empty store (the demo is written again, --data imported again)`,
    );
  const port = asked ?? state.port ?? (await freePort());
  if (!(await portFree(port)))
    fail(2, [
      `sweep: port ${port} is in use${state.port === port && asked === undefined ? ` (the port of profile ${profile}: is another sweep using this profile?)` : ''}`,
    ]);
  writeFileSync(file, `${JSON.stringify({ ...state, port }, null, 1)}\n`);
  return port;
}

function freePort(): Promise<number> {
  return new Promise((ok, bad) => {
    const s = createServer();
    s.once('error', bad);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** Run a command with the terminal attached; its exit status (signals forwarded). */
function run(cmd: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((ok) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      ok(code ?? (signal ? 128 : 1));
    });
  });
}

function readStatus(out: string): SweepStatus | undefined {
  const p = join(out, 'status.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as SweepStatus) : undefined;
}

/** Exit status from the reporter's status.json and Playwright's own. */
function finish(out: string, code: number, startedAt: number): never {
  const s = readStatus(out);
  if (!s || statSync(join(out, 'status.json')).mtimeMs < startedAt)
    fail(1, [`sweep: no results were written (Playwright exit status ${code}); see the messages above`]);
  const bad = [
    ...s.failed.map((f) => `sweep: run ${f.id} failed: ${f.error}`),
    ...s.missing.map((m) =>
      m.id.startsWith('#')
        ? `sweep: run ${m.id} has no result (no report of it was merged: a shard missing?)`
        : `sweep: run ${m.id} (#${m.index}) has no result`,
    ),
  ];
  if (bad.length > 0) fail(1, bad);
  if (code !== 0) fail(1, [`sweep: Playwright exited with status ${code}`]);
  process.exit(0);
}

function zipsUnder(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) zipsUnder(p, out);
    else if (e.isFile() && e.name.endsWith('.zip')) out.push(p);
  }
  return out;
}

async function merge(a: SweepArgs): Promise<never> {
  const from = resolve(CWD, a.merge as string);
  const out = resolve(CWD, a.out as string);
  if (!existsSync(from) || !statSync(from).isDirectory()) fail(2, [`--merge ${a.merge}: no such folder`]);
  const zips = zipsUnder(from);
  if (zips.length === 0) fail(2, [`--merge ${a.merge}: no blob reports (*.zip) in it or its subfolders`]);
  // merge-reports reads one folder: gather the shards' reports (CI artifacts often sit in subfolders).
  const gathered = join(out, '.merge-blobs');
  rmSync(gathered, { recursive: true, force: true });
  mkdirSync(gathered, { recursive: true });
  zips.forEach((z, i) => copyFileSync(z, join(gathered, `${String(i).padStart(3, '0')}-${basename(z)}`)));
  console.log(`merge: ${zips.length} blob report(s) from ${a.merge}`);
  const started = Date.now();
  const code = await run(PLAYWRIGHT, ['merge-reports', '-c', 'sweep/merge.config.ts', gathered], {
    [MERGE_OUT_ENV]: out,
  });
  rmSync(gathered, { recursive: true, force: true });
  finish(out, code, started);
}

async function main(): Promise<void> {
  let a: SweepArgs;
  try {
    a = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof ArgsError) fail(2, [`sweep: ${e.message}`, '', USAGE]);
    throw e;
  }
  if (a.help) {
    console.log(USAGE);
    return;
  }
  if (a.merge !== undefined) await merge(a);

  // 1. Everything that can be checked before a browser starts.
  const configFile = a.config as string;
  const configPath = resolve(CWD, configFile);
  if (!existsSync(configPath)) fail(2, [`sweep: --config ${configFile}: no such file`]);
  const profile = resolve(CWD, a.profile);
  let plan: Plan;
  try {
    const sweep = parseSweepConfig(configFile, readFileSync(configPath, 'utf8'), a.backend);
    let data: DataInput[] = [];
    if (a.data !== undefined) {
      console.log(`data: reading ${a.data}`);
      data = await readDataInputs(resolve(CWD, a.data));
      for (const d of data) console.log(`data: ${d.kind} ${relative(CWD, d.path)}: dataset "${d.id}"`);
    }
    const earlier = readLedger(profile).map((e) => e.catalog);
    const catalog = sweepCatalog(sweep.demo, earlier, data);
    plan = makePlan(sweep, { configFile, catalog, data, allowFallback: a.allowFallback });
  } catch (e) {
    if (e instanceof PlanError) fail(2, ['sweep: the config cannot run:', ...e.problems.map((p) => `  ${p}`)]);
    if (e instanceof DataError) fail(2, [`sweep: ${e.message}`]);
    throw e;
  }
  if (a.browser !== undefined && !existsSync(resolve(CWD, a.browser)))
    fail(2, [`sweep: --browser ${a.browser}: no such file`]);

  const out = resolve(CWD, a.out ?? join('.protobench', 'sweeps', plan.name));
  mkdirSync(join(out, 'runs'), { recursive: true });
  writeFileSync(join(out, 'plan.json'), `${JSON.stringify(plan, null, 1)}\n`);
  const cells = plan.runs.length;
  console.log(
    `sweep ${plan.name}: ${cells} runs (backend ${plan.backend}${plan.allowFallback ? ', software WebGPU allowed' : ''}), plan ${plan.planHash} -> ${relative(CWD, out) || out}`,
  );
  for (const n of plan.notes.slice(0, 20)) console.log(`  ${n}`);
  if (plan.notes.length > 20) console.log(`  ... and ${plan.notes.length - 20} more notes in plan.json`);
  if (a.dryRun) {
    for (const r of plan.runs) console.log(`  [${r.index + 1}] ${r.id}  /?${r.query}`);
    console.log('dry run: no browser started');
    return;
  }

  // 2. Build, serve, run.
  const buildDir = resolve(CWD, a.buildDir);
  if (a.build) await ensureBuild(buildDir);
  else if (!existsSync(join(buildDir, 'index.html'))) fail(2, [`sweep: --no-build: ${a.buildDir} holds no build`]);
  mkdirSync(profile, { recursive: true });
  const options: SweepOptions = {
    plan: join(out, 'plan.json'),
    out,
    resume: a.resume,
    profile,
    ...(a.browser !== undefined ? { browser: resolve(CWD, a.browser) } : {}),
    headed: a.headed,
    chromiumArgs: a.chromiumArgs,
    ...(a.linkBase !== undefined ? { linkBase: a.linkBase } : {}),
    port: await profilePort(profile, a.port),
    buildDir,
    timeoutMs: Math.round(a.timeoutMin * 60_000),
    ...(a.shard ? { shard: a.shard } : {}),
  };
  const args = ['test', '-c', 'sweep/playwright.config.ts'];
  if (a.shard) args.push('--shard', `${a.shard.current}/${a.shard.total}`);
  const started = Date.now();
  const code = await run(PLAYWRIGHT, args, { [OPTIONS_ENV]: JSON.stringify(options) });
  finish(out, code, started);
}

main().catch((e: unknown) => {
  console.error(`sweep: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
