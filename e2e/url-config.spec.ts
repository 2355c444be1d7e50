import type { Page } from '@playwright/test';
import { configFromQuery, configHash, configToQuery, type RunConfig } from '../src/core/config';
import { expect, openApp, test } from './fixtures';

const ready = (page: Page) => expect(page.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 90_000 });

/** The config the page's URL holds now (strict: every parameter must be there). */
function urlConfig(page: Page): RunConfig {
  const q = new URL(page.url()).searchParams;
  q.delete('demo');
  const r = configFromQuery(q.toString());
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.config;
}

test('the run config round-trips through the page URL: edits are written, a reload and a pasted URL read them', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openApp(page, 'backend=wasm');
  await ready(page);
  // The defaults are written to the URL at once, in full.
  const defaults = urlConfig(page);
  await expect(page.getByTestId('run-summary')).toContainText(`Config ${configHash(defaults)}`);

  await page.getByTestId('run-k').fill('1,10');
  await page.getByTestId('run-episodes').fill('37');
  await page.getByTestId('run-seed').fill('4242');
  const lastTarget = page.locator('[data-testid="run-target"]:checked').last();
  const dropped = (await lastTarget.getAttribute('data-target')) as string;
  await lastTarget.uncheck();
  const edited = urlConfig(page);
  expect(edited.shots).toEqual([1, 10]);
  expect(edited.episodes).toBe(37);
  expect(edited.seed).toBe(4242);
  expect(edited.targets.map((t) => `${t.dataset}/${t.task}`)).not.toContain(dropped);
  expect(edited.targets).toHaveLength(defaults.targets.length - 1);

  await page.reload();
  await ready(page);
  await expect(page.getByTestId('run-k')).toHaveValue('1,10');
  await expect(page.getByTestId('run-episodes')).toHaveValue('37');
  await expect(page.getByTestId('run-seed')).toHaveValue('4242');
  await expect(page.locator(`[data-testid="run-target"][data-target="${dropped}"]`)).not.toBeChecked();
  expect(configHash(urlConfig(page))).toBe(configHash(edited));
  await expect(page.getByTestId('run-summary')).toContainText(`Config ${configHash(edited)}`);

  // A full URL made elsewhere (a sweep, a bookmark) sets fields the form does not show, too.
  const made: RunConfig = {
    ...edited,
    targets: edited.targets.slice(0, 1),
    sources: [{ kind: 'untrained' }, { kind: 'pixels' }],
    resolution: 112,
    query: 7,
    training: { ...edited.training, steps: 9, valEvery: 3, lr: 0.0025 },
  };
  await page.goto(`/?${configToQuery(made)}`);
  await ready(page);
  await expect(page.getByTestId('run-issues')).toBeEmpty();
  await expect(page.getByTestId('run-start')).toBeEnabled();
  await expect(page.getByTestId('run-summary')).toContainText(`Config ${configHash(made)}`);
  expect(urlConfig(page)).toEqual(made);
  // Every field of the config is in the form.
  await expect(page.getByTestId('run-resolution')).toHaveValue('112');
  await expect(page.getByTestId('run-query')).toHaveValue('7');
  await expect(page.getByTestId('run-lr')).toHaveValue('0.0025');
  await expect(page.getByTestId('run-val')).toHaveValue('3');
  await expect(page.getByTestId('run-steps')).toHaveValue('9');
  await page.getByTestId('run-episodes').fill('12');
  expect(urlConfig(page)).toEqual({ ...made, episodes: 12 });
  await page.getByTestId('run-encoder').selectOption('resnet12');
  await page.getByTestId('run-mode').selectOption('medimeta');
  await page.getByTestId('run-train-shot').fill('3');
  // A domain as a source row, from the catalog's list.
  const domainBox = page.locator('[data-testid="run-source"][data-source^="domain:"]').first();
  const domainKey = (await domainBox.getAttribute('data-source')) as string;
  await page.locator('.more-sources summary').click();
  await domainBox.check();
  const changed = urlConfig(page);
  expect(changed.encoder).toBe('resnet12');
  expect(changed.mode).toBe('medimeta');
  expect(changed.training.shot).toBe(3);
  expect(changed.sources.map((x) => (x.kind === 'domain' ? `domain:${x.domain}` : x.kind))).toEqual([
    'untrained',
    'pixels',
    domainKey,
  ]);
  await page.reload();
  await ready(page);
  await expect(page.getByTestId('run-encoder')).toHaveValue('resnet12');
  await expect(page.locator(`[data-testid="run-source"][data-source="${domainKey}"]`)).toBeChecked();
  expect(urlConfig(page)).toEqual(changed);

  // A short hand-written URL fills the rest from the defaults.
  await page.goto('/?backend=wasm&k=3&ep=8');
  await ready(page);
  await expect(page.getByTestId('run-k')).toHaveValue('3');
  await expect(page.getByTestId('run-episodes')).toHaveValue('8');
  expect(urlConfig(page)).toEqual({ ...defaults, shots: [3], episodes: 8 });
});

test('a bad config in the URL is explained before anything runs, as text, and the URL is left alone', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const cases: { query: string; says: RegExp }[] = [
    { query: 'k=abc', says: /URL parameter "k\[0\]": expected .*found "abc"/ },
    { query: 'zzz=1', says: /URL parameter "zzz": expected no such parameter/ },
    { query: 'ep=5&ep=6', says: /URL parameter "ep": expected one value, found "2 values"/ },
    { query: 'v=9', says: /URL parameter "v": expected 1, found "9"/ },
    { query: 'res=100', says: /URL parameter "res"/ },
    { query: 'steps=5&val=9', says: /URL parameter "val": expected 0 \(never\) or an integer in \[1, steps = 5\]/ },
  ];
  for (const c of cases) {
    await openApp(page, `backend=wasm&${c.query}`);
    await ready(page);
    await expect(page.getByTestId('run-issues'), c.query).toContainText(c.says);
    await expect(page.getByTestId('run-start'), c.query).toBeDisabled();
    expect(new URL(page.url()).search, c.query).toBe(`?backend=wasm&${c.query}`);
  }

  // A target this browser does not hold: the catalog check names it and what there is.
  await openApp(page, 'backend=wasm&t=nosuch%2Ftask');
  await ready(page);
  await expect(page.getByTestId('run-issues')).toContainText('target dataset "nosuch" is not in the catalog (have ');
  await expect(page.getByTestId('run-start')).toBeDisabled();

  // Markup in a URL value is shown as text, never parsed.
  const hostile = '<img src=x onerror="window.__pwned=1">';
  await openApp(page, `backend=wasm&t=${encodeURIComponent(`${hostile}/x`)}&src=${encodeURIComponent(hostile)}`);
  await ready(page);
  await expect(page.getByTestId('run-issues')).toContainText('<img src=x');
  expect(await page.locator('#run-body img').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

  // Editing the form replaces the URL's errors with the form's own state.
  await openApp(page, 'backend=wasm&k=abc');
  await ready(page);
  await page.getByTestId('run-k').fill('5');
  await expect(page.getByTestId('run-issues')).toBeEmpty();
  await expect(page.getByTestId('run-start')).toBeEnabled();
  expect(new URL(page.url()).searchParams.get('k')).toBe('5');
});
