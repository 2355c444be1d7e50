import type { Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';
import { configureShortRun, matrixCells, type ShownCell } from './run-page';

const ready = (page: Page) => expect(page.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 90_000 });
const status = (page: Page, s: string) => page.locator(`#run-body[data-status="${s}"]`);

function doneCells(cells: Record<string, ShownCell>): Record<string, ShownCell> {
  return Object.fromEntries(Object.entries(cells).filter(([, c]) => c.state === 'done'));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

test('the page stays responsive during a run; a reload mid-run keeps the finished cells and Resume completes it to the uninterrupted numbers', async ({
  page,
  browser,
}) => {
  test.setTimeout(420_000);
  // The config: 3 rows x 2 targets x K in {1, 5}, taken from the form into the URL.
  await openApp(page, 'backend=wasm');
  await ready(page);
  await configureShortRun(page, { k: '1,5', episodes: 40, seed: 21, steps: 4 });
  const url = page.url();

  // 1. An uninterrupted run of that URL in a fresh browser context, with the user clicking and typing meanwhile.
  const ctx = await browser.newContext();
  const clean = await ctx.newPage();
  await clean.goto(url.replace(/^https?:\/\/[^/]+/, ''));
  await ready(clean);
  await clean.evaluate(() => {
    const w = window as unknown as { __delays: number[]; __long: number[] };
    w.__delays = [];
    w.__long = [];
    // Input delay: from the moment the browser took the input (event.timeStamp) to the handler running.
    const delay = (e: Event): void => {
      if ((document.getElementById('run-body') as HTMLElement).dataset.status === 'running')
        w.__delays.push(performance.now() - e.timeStamp);
    };
    document.addEventListener('pointerdown', delay, true);
    document.addEventListener('keydown', delay, true);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__long.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  await clean.getByTestId('run-start').click();
  await expect(status(clean, 'running')).toBeAttached();
  const etas: string[] = [];
  for (let i = 0; i < 40 && (await status(clean, 'running').count()) > 0; i++) {
    // Switch the metric (redraws every matrix) and walk the cells with the keyboard.
    await clean.getByTestId(i % 2 ? 'metric-accuracy' : 'metric-auroc').click();
    await clean.locator('#run-body td.cell').first().focus();
    await clean.keyboard.press('ArrowRight');
    etas.push((await clean.getByTestId('run-eta').textContent()) ?? '');
    await clean.waitForTimeout(250);
  }
  await expect(status(clean, 'done')).toBeAttached({ timeout: 240_000 });
  const { delays, long } = await clean.evaluate(() => {
    const w = window as unknown as { __delays: number[]; __long: number[] };
    return { delays: w.__delays, long: w.__long };
  });
  const responsiveness = {
    inputs: delays.length,
    medianDelayMs: median(delays),
    maxDelayMs: Math.max(...delays),
    longTasks: long.length,
    longestTaskMs: long.length ? Math.max(...long) : 0,
  };
  console.log(`responsiveness during the run: ${JSON.stringify(responsiveness)}`);
  test.info().annotations.push({ type: 'responsiveness', description: JSON.stringify(responsiveness) });
  expect(delays.length).toBeGreaterThanOrEqual(10);
  // Progress says how far the run is and, once a cell is done, how long is left.
  expect(
    etas.some((t) => /^\d+ of \d+ cells, about \d+ (s|min) left/.test(t)),
    etas.join('\n'),
  ).toBe(true);
  // The UI thread only renders: inputs are handled within a frame or two even while the workers compute.
  expect(responsiveness.medianDelayMs).toBeLessThan(50);
  expect(responsiveness.maxDelayMs).toBeLessThan(300);
  expect(responsiveness.longestTaskMs).toBeLessThan(300);
  await clean.getByTestId('metric-accuracy').click();
  const uninterrupted = await matrixCells(clean);
  const total = Object.keys(doneCells(uninterrupted)).length;
  expect(total).toBeGreaterThanOrEqual(8);
  await ctx.close();

  // 2. The same run here, reloaded while it runs.
  await page.getByTestId('run-start').click();
  await expect
    .poll(async () => Object.keys(doneCells(await matrixCells(page))).length, { timeout: 180_000 })
    .toBeGreaterThanOrEqual(3);
  const before = doneCells(await matrixCells(page));
  expect(await status(page, 'running').count(), 'still running when reloaded').toBe(1);
  expect(Object.keys(before).length).toBeLessThan(total);
  await page.reload();
  await ready(page);
  await expect(page.getByTestId('run-progress')).toContainText('can be resumed');
  await expect(page.getByTestId('run-resume')).toBeEnabled();
  const after = doneCells(await matrixCells(page));
  // Every cell shown before the reload is still there, with the same numbers (saved before it was shown).
  for (const [key, c] of Object.entries(before)) {
    expect(after[key]?.mean, key).toBe(c.mean);
    expect(after[key]?.ci, key).toBe(c.ci);
  }
  await page.getByTestId('run-resume').click();
  await expect(status(page, 'done')).toBeAttached({ timeout: 240_000 });
  const resumed = await matrixCells(page);
  expect(Object.keys(resumed).sort()).toEqual(Object.keys(uninterrupted).sort());
  for (const [key, c] of Object.entries(uninterrupted)) {
    expect(resumed[key]?.state, key).toBe(c.state);
    expect(resumed[key]?.mean, key).toBe(c.mean);
    expect(resumed[key]?.ci, key).toBe(c.ci);
  }
});
