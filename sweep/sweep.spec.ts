/**
 * One Playwright test per planned run (see plan.ts), driven through the page exactly as a person runs
 * it: open `/?<run config>`, wait for the Run section, press Run, wait for the matrix, Export JSON and
 * Share link. Results go to `<out>/runs/<run id>.json` (the exported file, written whole or not at all)
 * and `<run id>.link.txt`, and are attached to the test for the reporter (and for merge-reports).
 *
 * The browser is one persistent Chromium profile per worker (one worker: a profile cannot be shared);
 * before the first run the worker imports the sweep's `--data` inputs through the page's Import
 * section, unless the profile already holds them (see ledger.ts).
 *
 * Started by the CLI (sweep/cli.ts) with SWEEP_OPTIONS; not part of the e2e suite.
 */

import { cpus, platform, arch } from 'node:os';
import { readFile } from 'node:fs/promises';
import { chromium, test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/browser';
// For its `window.protobench` declaration (the page's workers; read only here).
import type {} from '../e2e/fixtures';
import { recordFromJSON, type RunEnvironment } from '../src/core/results';
import { readLedger, recordImport, writeAtomic } from './ledger';
import { finishedRun, linkFile, readOptions, readPlan, runFile, type SweepOptions } from './options';
import type { Plan } from './plan';
import type { PlannedRun } from './config';

/**
 * Chromium flags for WebGPU on a Linux GPU machine: Vulkan for WebGPU and ANGLE, no Vulkan surface
 * (headless), and the GPU blocklist ignored (server drivers are often on it). Documented in docs/sweeps.md.
 */
export const WEBGPU_LINUX_ARGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan,VulkanFromANGLE,DefaultANGLEVulkan',
  '--use-angle=vulkan',
  '--disable-vulkan-surface',
  '--ignore-gpu-blocklist',
];

export function browserArgs(backend: string, extra: string[]): string[] {
  const base = CHROMIUM_ARGS.filter((a) => backend !== 'webgpu' || !a.startsWith('--enable-features='));
  const gpu = backend === 'webgpu' ? WEBGPU_LINUX_ARGS.filter((a) => !base.includes(a)) : [];
  return [...base, ...gpu, ...extra];
}

/** What the reporter needs of each run, attached as `sweep-run` before anything can fail. */
export interface RunMeta {
  index: number;
  id: string;
  total: number;
  planHash: string;
  name: string;
  configHash: string;
  host: string;
}

function host(): string {
  const c = cpus();
  return `node ${process.version}, ${platform()} ${arch()}, ${c.length} x ${c[0]?.model.trim() ?? 'unknown CPU'}`;
}

const opts: SweepOptions | undefined = readOptions();
const plan: Plan | undefined = opts ? readPlan(opts.plan) : undefined;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Wait for the page's Import section to finish the import it just started; the results' text. */
async function awaitImport(page: Page): Promise<string> {
  const status = page.getByTestId('import-status');
  const results = page.getByTestId('import-results');
  await expect
    .poll(
      async () => {
        const s = (await status.textContent()) ?? '';
        const r = (await results.textContent()) ?? '';
        return s === 'Import finished.' || s.startsWith('Import cancelled') || r.includes('Import failed');
      },
      { timeout: 3_600_000, intervals: [500, 1000, 2000] },
    )
    .toBe(true);
  return (await results.textContent()) ?? '';
}

/** Import the plan's --data inputs the profile does not hold yet; check the store has every dataset the runs expect. */
async function prepareStore(ctx: BrowserContext, p: Plan, o: SweepOptions): Promise<void> {
  const page = await ctx.newPage();
  try {
    await page.goto(`/?backend=${p.backend}${p.demo ? '' : '&demo=off'}`);
    await expect(page.locator('body[data-ready="true"]')).toBeAttached({ timeout: 600_000 });
    const stored = await page.evaluate(() => window.protobench.data.listDatasets());
    const ledger = readLedger(o.profile);
    for (const input of p.data) {
      const had = ledger.find((e) => e.id === input.id && e.sourceHash === input.sourceHash);
      const now = stored.find((d) => d.id === input.id);
      if (had && now && now.fingerprint === had.fingerprint) {
        log(`data: ${input.id} already in the profile (${had.fingerprint.slice(0, 19)}…), not imported again`);
        continue;
      }
      const why = !now
        ? 'not in the store'
        : !had
          ? 'stored, but not from this file (or changed since)'
          : 'stored with another fingerprint';
      log(`data: importing ${input.path} (${input.kind}) as "${input.id}": ${why}`);
      const options = page.locator('.import-options');
      if (!(await options.evaluate((d) => (d as HTMLDetailsElement).open))) await options.locator('summary').click();
      await page.getByTestId('import-on-exists').selectOption('replace');
      await page.getByTestId(input.kind === 'zip' ? 'import-zip' : 'import-folder').setInputFiles(input.path);
      const text = await awaitImport(page);
      if (!text.includes(`Imported ${input.id}:`)) {
        const failure = (await page.getByTestId('import-results').innerText()).trim();
        throw new Error(`data: the import of ${input.path} failed: ${failure || 'no result shown'}`);
      }
      const m = await page.evaluate((id) => window.protobench.data.getDataset(id), input.id);
      recordImport(o.profile, {
        id: input.id,
        sourceHash: input.sourceHash,
        fingerprint: m.fingerprint,
        path: input.path,
        importedAt: new Date().toISOString(),
        catalog: input.catalog,
      });
      log(`data: imported ${input.id}: ${m.numImages} images, ${m.fingerprint.slice(0, 19)}…`);
    }
    const ids = (await page.evaluate(() => window.protobench.data.listDatasets())).map((d) => d.id);
    const missing = p.datasets.filter((d) => !ids.includes(d));
    if (missing.length > 0)
      throw new Error(`the browser's store lacks dataset(s) the sweep was planned with: ${missing.join(', ')}`);
    const extra = ids.filter((d) => !p.datasets.includes(d));
    if (extra.length > 0)
      log(
        `note: the profile also holds ${extra.join(', ')}; "all-except-target" sources train on them too (use a fresh --profile to leave them out)`,
      );
  } finally {
    await page.close();
  }
}

const test = base.extend<object, { sweepContext: BrowserContext }>({
  sweepContext: [
    // Playwright reads a fixture's dependencies from its first parameter's pattern: none here.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      if (!opts || !plan)
        throw new Error('run sweeps with `npm run sweep -- --config <file>` (SWEEP_OPTIONS is not set)');
      const ctx = await chromium.launchPersistentContext(opts.profile, {
        headless: !opts.headed,
        executablePath: opts.browser ?? chromiumPath(),
        args: browserArgs(plan.backend, opts.chromiumArgs),
        baseURL: `http://127.0.0.1:${opts.port}`,
        acceptDownloads: true,
        viewport: { width: 1280, height: 900 },
      });
      try {
        await prepareStore(ctx, plan, opts);
        await use(ctx);
      } finally {
        await ctx.close();
      }
    },
    { scope: 'worker', timeout: 3_600_000 },
  ],
});

interface Shown {
  status: string;
  phase: string;
  text: string;
  cells: { key: string; state: string; mean?: string; ci?: string }[];
}

async function shown(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const body = document.getElementById('run-body');
    return {
      status: body?.dataset.status ?? '',
      phase: body?.dataset.phase ?? '',
      text: document.querySelector('[data-testid="run-progress"]')?.textContent ?? '',
      cells: [...document.querySelectorAll<HTMLElement>('#run-body [data-testid="cell"]')].map((c) => ({
        key: c.dataset.cell ?? '',
        state: c.dataset.state ?? '',
        mean: c.dataset.mean,
        ci: c.dataset.ci,
      })),
    };
  });
}

function cellName(key: string): string {
  try {
    const [s, t, k] = JSON.parse(key) as [string, string, number];
    return `${s} -> ${t} K=${k}`;
  } catch {
    return key;
  }
}

const FINAL = new Set(['done', 'cancelled', 'error', 'failed']);

/** Press Run and report progress per cell until the run ends; its final status and text. */
async function runAndWatch(page: Page, tag: string): Promise<Shown> {
  await page.getByTestId('run-start').click();
  const reported = new Set<string>();
  let lastText = '';
  let lastPrint = 0;
  for (;;) {
    const s = await shown(page);
    const planned = s.cells.filter((c) => c.state !== 'skipped').length;
    for (const c of s.cells) {
      if (c.state !== 'done' || reported.has(c.key)) continue;
      reported.add(c.key);
      const acc = Number(c.mean);
      const ci = Number(c.ci);
      log(
        `${tag} cell ${reported.size}/${planned} ${cellName(c.key)}: accuracy ${(acc * 100).toFixed(1)} ± ${(ci * 100).toFixed(1)}`,
      );
    }
    if (s.status !== 'running' && FINAL.has(s.status)) return s;
    const now = Date.now();
    if (s.text !== lastText && now - lastPrint > 5_000) {
      log(`${tag} ${s.text}`);
      lastText = s.text;
      lastPrint = now;
    }
    await page.waitForTimeout(500);
  }
}

function fallbackError(env: RunEnvironment): string | undefined {
  if (env.backend !== 'webgpu' || !env.softwareFallback) return undefined;
  const a = env.adapter;
  const what = a ? `${a.vendor} ${a.architecture} ${a.description}`.trim() : 'unknown adapter';
  return `webgpu was asked for, but the browser gave a software fallback adapter (${what}); pass --allow-fallback to accept it, or check the GPU flags (docs/sweeps.md)`;
}

async function runOne(page: Page, run: PlannedRun, p: Plan, o: SweepOptions, tag: string): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const ready = page.locator('body[data-run-ready="true"]');
  await page.goto(`/?${run.query}`);
  await expect(ready, 'the Run section became ready').toBeAttached({ timeout: 600_000 });
  const backendError = page.getByTestId('backend-error');
  if (await backendError.count()) {
    // Once more from a fresh load (a busy machine can fail a fetch); a backend that cannot start fails again.
    log(`${tag} the backend did not start (${(await backendError.innerText()).slice(0, 200)}); reloading once`);
    await page.reload();
    await expect(ready, 'the Run section became ready').toBeAttached({ timeout: 600_000 });
    if (await backendError.count())
      throw new Error(`the page could not start backend ${p.backend}: ${await backendError.innerText()}`);
  }
  const env = await page.evaluate(() => window.protobench.compute.environment());
  if (!env) throw new Error(`the page reports no backend (asked for ${p.backend})`);
  const adapter = env.adapter
    ? `, adapter ${env.adapter.vendor} ${env.adapter.architecture} ${env.adapter.description}`.trimEnd()
    : '';
  log(`${tag} backend ${env.backend}${adapter}${env.softwareFallback ? ' (software fallback)' : ''}`);
  const fb = fallbackError(env);
  if (fb && p.backend === 'webgpu' && !p.allowFallback) throw new Error(fb);
  const issues = await page.locator('[data-testid="run-issues"] li').allInnerTexts();
  if (issues.length > 0) throw new Error(`the page refused the run config:\n  ${issues.join('\n  ')}`);
  await expect(page.getByTestId('run-start'), 'the Run button is enabled').toBeEnabled({ timeout: 30_000 });

  const end = await runAndWatch(page, tag);
  if (end.status !== 'done')
    throw new Error(
      `the run ended "${end.status}": ${end.text}${errors.length ? `\n  page errors: ${errors.join('; ')}` : ''}`,
    );

  const download = page.waitForEvent('download');
  await page.getByTestId('run-export-json').click();
  const text = await readFile(await (await download).path(), 'utf8');
  const parsed = recordFromJSON(text);
  if (!parsed.ok)
    throw new Error(`the exported record does not read back: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const record = parsed.record;
  if (record.configHash !== run.configHash)
    throw new Error(`the page ran config ${record.configHash}, not the planned ${run.configHash}`);
  if (record.status !== 'done') throw new Error(`the exported record has status "${record.status}"`);
  const fb2 = fallbackError(record.environment);
  if (fb2 && p.backend === 'webgpu' && !p.allowFallback) throw new Error(fb2);

  await page.getByTestId('run-share').click();
  const linkBox = page.getByTestId('run-share-link');
  await expect(linkBox).not.toHaveValue('', { timeout: 60_000 });
  const pageLink = await linkBox.inputValue();
  // The fragment is the link; the page's origin is the sweep's local server unless --link-base says otherwise.
  const link = o.linkBase ? `${o.linkBase}${pageLink.slice(pageLink.indexOf('#'))}` : pageLink;

  // The link first: the record's file is what --resume looks for, so it comes last, whole.
  writeAtomic(linkFile(o.out, run.id), `${link}\n`);
  writeAtomic(runFile(o.out, run.id), text);
  await test.info().attach('sweep-record', { body: text, contentType: 'application/json' });
  await test.info().attach('sweep-link', { body: link, contentType: 'text/plain' });
  log(
    `${tag} done: ${record.cells.length} cells in ${(record.timings.totalMs / 1000).toFixed(1)} s -> ${runFile(o.out, run.id)}`,
  );
}

if (plan && opts) {
  for (const run of plan.runs) {
    test(run.id, async ({ sweepContext }, testInfo) => {
      test.setTimeout(opts.timeoutMs);
      const meta: RunMeta = {
        index: run.index,
        id: run.id,
        total: plan.runs.length,
        planHash: plan.planHash,
        name: plan.name,
        configHash: run.configHash,
        host: host(),
      };
      await testInfo.attach('sweep-run', { body: JSON.stringify(meta), contentType: 'application/json' });
      const tag = `[${run.index + 1}/${plan.runs.length}]`;
      if (opts.resume) {
        const prev = finishedRun(opts.out, run.id, run.configHash);
        if (prev) {
          await testInfo.attach('sweep-record', { body: prev.text, contentType: 'application/json' });
          if (prev.link) await testInfo.attach('sweep-link', { body: prev.link, contentType: 'text/plain' });
          await testInfo.attach('sweep-resumed', { body: 'true', contentType: 'text/plain' });
          log(`${tag} ${run.id}: result file exists with config ${run.configHash}, skipped (--resume)`);
          return;
        }
      }
      const page = await sweepContext.newPage();
      try {
        await runOne(page, run, plan, opts, tag);
      } finally {
        await page.close();
      }
    });
  }
} else {
  test('sweep', () => {
    throw new Error('run sweeps with `npm run sweep -- --config <file>` (SWEEP_OPTIONS is not set)');
  });
}
