import type { Browser, Page } from '@playwright/test';
import { cellKey, targetKey } from '../src/core/config';
import { cellKs } from '../src/core/config/spec';
import {
  crc32,
  decodeShareLink,
  deflateRaw,
  encodeShareLink,
  SHARE_PREFIX,
  toBase64url,
  type SharePayload,
} from '../src/core/share';
import { medimetaPayload } from '../src/core/share/test-payload';
import { pack } from '../src/core/share/wire';
import { expect, openApp, test } from './fixtures';
import { configureShortRun, matrixCells } from './run-page';

/** What the shared view's matrix shows, per cell key. */
const sharedCells = (page: Page): ReturnType<typeof matrixCells> => matrixCells(page, '[data-testid="shared-view"]');

/** Every cell of the payload is shown with exactly the decoded mean and CI; no other cell is "done". */
async function expectShows(page: Page, p: SharePayload, metric: 'accuracy' | 'auroc'): Promise<void> {
  const shown = await sharedCells(page);
  for (const c of p.cells) {
    const key = cellKey(c.source, c.target, c.k);
    const m = metric === 'accuracy' ? c.accuracy : c.auroc;
    expect(shown[key]?.state, key).toBe('done');
    expect(shown[key]?.mean, key).toBe(String(m.mean));
    expect(shown[key]?.ci, key).toBe(String(m.ci95));
    if (Number.isFinite(m.mean)) expect(shown[key]?.text, key).toContain(`${(100 * m.mean).toFixed(1)} ±`);
  }
  expect(Object.values(shown).filter((s) => s.state === 'done')).toHaveLength(p.cells.length);
}

/** A small valid payload: 3 sources x 2 targets x K = 1 of the MedIMeta-sized fixture. */
function smallPayload(): SharePayload {
  const big = medimetaPayload(7);
  const config = { ...big.config, sources: big.config.sources.slice(0, 3), targets: big.config.targets.slice(0, 2) };
  config.shots = [config.shots[0]!];
  const ks = new Set(cellKs(config));
  const targets = new Set(config.targets.map(targetKey));
  const sources = new Set(['all-except-target', 'untrained', 'pixels']);
  const cells = big.cells.filter((c) => sources.has(c.source) && targets.has(targetKey(c.target)) && ks.has(c.k));
  const ids = new Set(config.targets.map((t) => t.dataset));
  return { ...big, config, cells, datasets: big.datasets.filter((d) => ids.has(d.id)) };
}

/** Envelope `bytes` exactly as encodeShareLink does (deflate-raw, CRC-32, base64url). */
async function envelope(bytes: Uint8Array, crc?: (good: number) => number): Promise<string> {
  const compressed = await deflateRaw(bytes);
  const framed = new Uint8Array(4 + compressed.length);
  const good = crc32(compressed);
  new DataView(framed.buffer).setUint32(0, crc ? crc(good) : good);
  framed.set(compressed, 4);
  return SHARE_PREFIX + toBase64url(framed);
}

/** Well-enveloped wire bytes of `p` with the header JSON and/or the body changed. */
async function forge(
  p: SharePayload,
  edit: { header?: (h: Record<string, unknown>) => unknown; headerText?: string; body?: (b: Uint8Array) => Uint8Array },
): Promise<string> {
  const bytes = pack(p);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + n))) as Record<string, unknown>;
  let body: Uint8Array = bytes.slice(4 + n);
  const text =
    edit.headerText ?? (edit.header ? JSON.stringify(edit.header(header) ?? header) : JSON.stringify(header));
  if (edit.body) body = edit.body(body);
  const h = new TextEncoder().encode(text);
  const out = new Uint8Array(4 + h.length + body.length);
  new DataView(out.buffer).setUint32(0, h.length);
  out.set(h, 4);
  out.set(body, 4 + h.length);
  return envelope(out);
}

const HOSTILE = '<img src=x onerror="window.__pwned=1;alert(1)">';
const SCRIPT = '<script>window.__pwned=2</script>';

/** Open `fragment` on a full page load; `dialogs` collects any dialog (none must fire). */
async function openShared(page: Page, fragment: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`/?backend=wasm&demo=off#${fragment}`);
}

async function freshPage(browser: Browser): Promise<{ page: Page; dialogs: string[]; errors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, dialogs, errors };
}

test('a link from the Share button shows the same numbers in a fresh browser context', async ({ page, browser }) => {
  test.setTimeout(150_000);
  await openApp(page, 'backend=wasm');
  await expect(page.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 60_000 });
  await configureShortRun(page, { k: '1', episodes: 10, seed: 3, steps: 1 });
  await page.getByTestId('run-start').click();
  await expect(page.locator('#run-body[data-status="done"]')).toBeAttached({ timeout: 90_000 });
  await page.getByTestId('run-share').click();
  const link = await page.getByTestId('run-share-link').inputValue();
  expect(link).toMatch(/#r=v1\./);
  const decoded = await decodeShareLink(new URL(link).hash);
  expect(decoded.ok, decoded.ok ? '' : decoded.error).toBe(true);
  if (!decoded.ok) return;
  const p = decoded.payload;
  expect(p.cells.length).toBeGreaterThan(0);

  // A fresh context: no stored datasets, no state from the first page. The link is opened as given.
  const fresh = await freshPage(browser);
  await fresh.page.goto(`${link.replace(/#.*/, '').replace(/\/?$/, '/')}?backend=wasm&demo=off${new URL(link).hash}`);
  const view = fresh.page.getByTestId('shared-view');
  await expect(view).toBeVisible();
  await expect(fresh.page.getByTestId('share-error')).toHaveCount(0);
  await expect(fresh.page.getByTestId('shared-backend')).toHaveText(p.environment.backend);
  await expect(fresh.page.getByTestId('shared-browser')).toHaveText(p.environment.browser);
  await expect(fresh.page.getByTestId('shared-tfjs')).toHaveText(p.environment.tfjsVersion);
  await expect(fresh.page.getByTestId('shared-date')).toContainText(p.createdAt.slice(0, 10));
  await expectShows(fresh.page, p, 'accuracy');
  await fresh.page.getByTestId('shared-metric-auroc').check();
  await expect(view.locator('table.matrix caption').first()).toContainText('AUROC');
  await expectShows(fresh.page, p, 'auroc');
  // The fresh store (demo=off) holds none of the link's datasets.
  await expect(fresh.page.getByTestId('shared-datasets-missing')).toHaveAttribute(
    'data-count',
    String(p.datasets.length),
  );
  for (const d of p.datasets) await expect(fresh.page.getByTestId('shared-datasets-missing')).toContainText(d.id);
  await expect(fresh.page.getByTestId('shared-datasets-present')).toHaveAttribute('data-count', '0');
  // The producing page holds them all (same demo data, same fingerprints): open the link there too.
  await page.goto(link);
  await expect(page.getByTestId('shared-datasets-present')).toHaveAttribute('data-count', String(p.datasets.length));
  await expectShows(page, p, 'accuracy');
  expect(fresh.dialogs).toEqual([]);
  expect(fresh.errors).toEqual([]);
  await fresh.page.context().close();
});

test('a MedIMeta-sized link encoded in Node shows its numbers, and names from it stay text', async ({ browser }) => {
  const p = medimetaPayload(3);
  p.environment = { ...p.environment, browser: HOSTILE.slice(0, 64), adapter: SCRIPT, softwareFallback: true };
  const fragment = await encodeShareLink(p);
  const decoded = await decodeShareLink(fragment);
  expect(decoded.ok).toBe(true);
  if (!decoded.ok) return;
  const { page, dialogs, errors } = await freshPage(browser);
  await openShared(page, fragment);
  await expect(page.getByTestId('shared-view')).toBeVisible();
  await expect(page.getByTestId('shared-matrix').locator('table.matrix')).toHaveCount(cellKs(p.config).length);
  await expectShows(page, decoded.payload, 'accuracy');
  await expect(page.getByTestId('shared-browser')).toHaveText(HOSTILE.slice(0, 64));
  await expect(page.getByTestId('shared-adapter')).toHaveText(SCRIPT);
  await expect(page.getByTestId('shared-fallback')).toBeVisible();
  await expect(page.locator('body[data-ready="true"]')).toBeAttached({ timeout: 60_000 });
  await expect(page.getByTestId('shared-datasets-missing')).toHaveAttribute('data-count', String(p.datasets.length));
  expect(await page.locator('img[src=x]').count()).toBe(0);
  expect(await page.locator('#shared script').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('malformed and hostile links show the decoder error and nothing from the link', async ({ browser }) => {
  test.setTimeout(120_000);
  const p = smallPayload();
  const good = await encodeShareLink(p);
  const data = good.slice(SHARE_PREFIX.length);
  // A valid payload whose names are markup: the hostile part of each case below.
  const named: SharePayload = {
    ...p,
    config: { ...p.config, targets: [{ dataset: HOSTILE, task: SCRIPT }, ...p.config.targets.slice(1)] },
    cells: p.cells.map((c) =>
      targetKey(c.target) === targetKey(p.config.targets[0]!)
        ? { ...c, target: { dataset: HOSTILE, task: SCRIPT } }
        : c,
    ),
    datasets: [{ id: HOSTILE, fingerprint: 'x' }],
  };
  const bomb = new Uint8Array(2 << 20);
  const cases: [string, string, string][] = [
    ['bad base64', `r=v1.${data.slice(0, 20)}!*%${data.slice(20)}`, 'bad-base64'],
    ['wrong version', `r=v2.${data}`, 'unsupported-version'],
    ['bad checksum', await envelope(pack(p), (c) => c ^ 1), 'bad-checksum'],
    ['truncated', good.slice(0, Math.floor(good.length / 2)), ''],
    ['too short', 'r=v1.AAAA', 'truncated'],
    ['oversized', `r=v1.${'A'.repeat(40_000)}`, 'too-large'],
    ['deflate bomb', await envelope(bomb), 'too-large'],
    ['not deflate', `r=v1.${toBase64url(new Uint8Array([0, 0, 0, 0, 0xff, 0xff, 0xff]))}`, ''],
    ['invalid JSON', await forge(named, { headerText: `{"c": "${HOSTILE}", ` }), 'bad-json'],
    [
      'NaN in JSON',
      await forge(named, { headerText: JSON.stringify({ c: '', t: '', e: [], d: [] }).replace('[]', '[NaN]') }),
      'bad-json',
    ],
    ['Infinity in JSON', await forge(named, { headerText: '{"c":"","t":"","e":[Infinity],"d":[]}' }), 'bad-json'],
    [
      'out-of-range value (an "Infinity" code)',
      await forge(named, {
        body: (b) => {
          const x = b.slice();
          // The body ends with four u16 columns of two byte planes each: the first is accuracy mean's high bytes.
          x[x.length - 4 * 2 * named.cells.length] = 0xfe;
          return x;
        },
      }),
      'bad-content',
    ],
    ['unexpected key', await forge(named, { header: (h) => ({ ...h, x: HOSTILE }) }), 'bad-content'],
    ['missing key', await forge(named, { header: (h) => ({ c: h.c, t: h.t, e: h.e }) }), 'bad-content'],
    ['extra body bytes', await forge(named, { body: (b) => new Uint8Array([...b, 1, 2, 3]) }), 'bad-content'],
    ['bad date', await forge(named, { header: (h) => ({ ...h, t: HOSTILE }) }), 'bad-content'],
    ['bad backend', await forge(named, { header: (h) => ({ ...h, e: [HOSTILE, null, 0, 'x', 'y'] }) }), 'bad-content'],
    ['empty fragment', 'r=', 'not-a-share-link'],
    ['empty data', 'r=v1.', ''],
  ];
  const { page, dialogs, errors } = await freshPage(browser);
  for (const [name, fragment, code] of cases) {
    const d = await decodeShareLink(fragment);
    expect(d.ok, `${name} decodes in Node`).toBe(false);
    await openShared(page, fragment);
    const err = page.getByTestId('share-error');
    await expect(err, name).toBeVisible();
    await expect(err, name).toHaveAttribute('role', 'alert');
    if (!d.ok) {
      // Up to the first parenthesis: JSON.parse words its errors differently in Node and in Chromium.
      // The page blanks the values the decoder quotes: a bad link's own text is not shown.
      await expect(err, name).toContainText(d.error.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').split(' (')[0]!);
      await expect(err, name).not.toContainText(HOSTILE);
      if (code) expect(d.code, name).toBe(code);
      await expect(err, name).toHaveAttribute('data-code', d.code);
    }
    // Nothing from the link: no banner, no matrix, no dataset list, no names.
    const view = page.getByTestId('shared-view');
    await expect(view.getByTestId('shared-banner'), name).toHaveCount(0);
    await expect(view.locator('table'), name).toHaveCount(0);
    await expect(view.getByTestId('shared-datasets'), name).toHaveCount(0);
    expect(await page.locator('img[src=x]').count(), name).toBe(0);
    expect(await view.locator('script').count(), name).toBe(0);
    // Nothing of the link outside the alert either.
    const outside = await page.evaluate(() => {
      const alert = document.querySelector('[data-testid="share-error"]');
      return document.body.innerText.replace(alert instanceof HTMLElement ? alert.innerText : '', '');
    });
    expect(outside, name).not.toContain('<img');
    expect(outside, name).not.toContain('<script');
  }
  // The hostile names themselves, in a valid link: shown, as text only.
  await openShared(page, await encodeShareLink(named));
  await expect(page.getByTestId('shared-view')).toContainText(HOSTILE);
  await expect(page.getByTestId('shared-view')).toContainText(SCRIPT);
  expect(await page.locator('img[src=x]').count()).toBe(0);
  expect(await page.locator('#shared script').count()).toBe(0);
  await expect(page.locator('body[data-ready="true"]')).toBeAttached({ timeout: 60_000 });
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(errors).toEqual([]);
  await page.context().close();
});
