import { expect, test } from '@playwright/test';
import { openApp } from '../e2e/fixtures';
import type { RunRecord } from '../src/core/results';
import { report } from './report';

/**
 * The default demo run, as a person starts it: open the page (wasm), press Run with the defaults the page
 * proposes for that backend, wait for the matrix to fill. Reports the wall time the user waits for each
 * phase of the page (from the page's own phase changes) and the run record's timings per phase (training,
 * reading pixels, kernel compilation, warm-up, embedding, episodes). Nothing is compared: this is the
 * number the README and the closing note quote for "the demo run takes N minutes here".
 */

test('the default demo run on wasm, per phase', async ({ page }) => {
  test.setTimeout(3_600_000);
  const t0 = Date.now();
  await openApp(page, 'backend=wasm');
  await expect(page.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 300_000 });
  const pageReadyMs = Date.now() - t0;
  // The page's phase changes (data-phase on the run section), timed in the page.
  await page.evaluate(() => {
    const w = window as unknown as { __phases: { phase: string; t: number }[] };
    w.__phases = [];
    const body = document.getElementById('run-body') as HTMLElement;
    new MutationObserver(() => {
      const phase = body.dataset.phase ?? '';
      if (w.__phases.at(-1)?.phase !== phase) w.__phases.push({ phase, t: performance.now() });
    }).observe(body, { attributes: true, attributeFilter: ['data-phase'] });
  });
  const config = new URL(page.url()).search;
  const start = await page.evaluate(() => performance.now());
  await page.getByTestId('run-start').click();
  await expect(page.locator('#run-body[data-status="done"]')).toBeAttached({ timeout: 3_500_000 });
  const end = await page.evaluate(() => performance.now());
  const phases = await page.evaluate(
    () => (window as unknown as { __phases: { phase: string; t: number }[] }).__phases,
  );
  const id = await page.evaluate(async () => (await window.protobench.data.listRuns())[0]?.id);
  const record = (await page.evaluate((i) => window.protobench.data.getRun(i as string), id)) as RunRecord;

  // Wall time per page phase: from each change to the next (phases alternate: train, embed, episodes, ...).
  const wall = new Map<string, number>();
  phases.forEach((p, i) => {
    const next = phases[i + 1]?.t ?? end;
    wall.set(p.phase, (wall.get(p.phase) ?? 0) + (next - Math.max(p.t, start)));
  });
  const t = record.timings;
  const s = (ms: number): number => ms / 1000;
  const rows = [
    { phase: 'page load to ready (demo data written, backend up)', s: s(pageReadyMs) },
    ...[...wall].map(([phase, ms]) => ({ phase: `page phase "${phase}" (wall)`, s: s(ms) })),
    { phase: 'record: meta-training', s: s(t.trainMs) },
    { phase: 'record: reading pixels', s: s(t.loadMs) },
    { phase: 'record: kernel compilation', s: s(t.compileMs) },
    { phase: 'record: warm-up', s: s(t.warmupMs) },
    { phase: 'record: embedding', s: s(t.embedMs) },
    { phase: 'record: episodes', s: s(t.episodesMs) },
    { phase: 'record: total (start to last cell)', s: s(t.totalMs) },
    { phase: 'Run pressed to matrix complete (wall)', s: s(end - start) },
  ];
  report('demo-run', rows, {
    config,
    cells: record.cells.length,
    status: record.status,
    environment: { backend: record.environment.backend, wasm: record.environment.wasm },
    phases,
    timings: t,
  });
  console.log(`${record.cells.length} cells; config ${config}`);
  expect(record.status).toBe('done');
});
