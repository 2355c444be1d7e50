import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './browser';
import { expect, openApp, test } from './fixtures';

test.describe('backend panel tells the truth', () => {
  test('wasm: cross-origin isolated, SIMD, more than one thread', async ({ page }) => {
    await openApp(page, 'backend=wasm&demo=off');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.getByTestId('env-backend')).toHaveText('wasm');
    await expect(page.getByTestId('env-coi')).toHaveText('yes');
    await expect(page.getByTestId('env-fallback')).toHaveText('no');
    await expect(page.getByTestId('env-adapter')).toHaveText('none (runs on the CPU)');
    const env = await page.evaluate(() => window.protobench.compute.environment());
    expect(env?.wasm?.simd).toBe(true);
    expect(env?.wasm?.threadsSupported).toBe(true);
    expect(env?.wasm?.threads).toBeGreaterThan(1);
    await expect(page.getByTestId('env-wasm')).toHaveText(`SIMD on, ${env?.wasm?.threads} thread(s)`);
  });

  test('wasm served without COOP/COEP: one thread, and our SIMD kernels still run, on the unshared heap', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    // As a static host that sends no isolation headers would serve it: no SharedArrayBuffer, so tfjs-wasm loads
    // its single-threaded build, whose memory is not shared (our kernels' other binary, kernels-binary.ts).
    await page.route('**/*', async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    });
    await openApp(page, 'backend=wasm&demo=off');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await expect(page.getByTestId('env-backend')).toHaveText('wasm');
    await expect(page.getByTestId('env-coi')).toHaveText('no');
    await expect(page.getByTestId('env-wasm')).toHaveText('SIMD on, 1 thread(s) (threads unsupported)');
    await expect(page.getByTestId('env-own-kernels')).toHaveText('1 thread(s)');
    const c = { n: 3, h: 7, w: 10, cin: 16, cout: 32 };
    const got = await page.evaluate(
      async (cs) => [
        ...(await window.protobench.compute.winogradCheck(cs)),
        ...(await window.protobench.compute.filterGradCheck(cs)),
        ...(await window.protobench.compute.filterGradCheck([{ ...cs[0]!, cin: 3 }])),
      ],
      [c],
    );
    expect(got).toHaveLength(3);
    for (const [k, d] of got.entries()) expect(d, `check ${k}`).toBeLessThan(1e-5);
  });

  test('cpu: no adapter, not a GPU fallback', async ({ page }) => {
    await openApp(page, 'backend=cpu&demo=off');
    await expect(page.getByTestId('env-backend')).toHaveText('cpu');
    await expect(page.getByTestId('env-adapter')).toHaveText('none (runs on the CPU)');
    await expect(page.getByTestId('env-wasm')).toHaveText('-');
  });

  test('webgpu: the SwiftShader adapter is reported, and flagged as a software fallback', async ({ page }) => {
    await openApp(page, 'backend=webgpu&demo=off');
    await expect(page.getByTestId('env-backend')).toHaveText('webgpu');
    // Ask the browser independently (from the page, not the worker) which adapter it offers.
    const probe = await page.evaluate(async () => {
      const a = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
      return a ? { vendor: a.info.vendor, architecture: a.info.architecture } : null;
    });
    expect(probe).not.toBeNull();
    const env = await page.evaluate(() => window.protobench.compute.environment());
    expect(env?.adapter?.vendor).toBe(probe?.vendor);
    expect(env?.adapter?.architecture).toBe(probe?.architecture);
    expect(env?.adapter?.architecture).toMatch(/swiftshader/i);
    expect(env?.adapter?.isFallbackAdapter).toBe(true);
    expect(env?.softwareFallback).toBe(true);
    await expect(page.getByTestId('env-fallback')).toHaveText('yes');
    await expect(page.getByTestId('fallback-warning')).toContainText('Software adapter');
  });

  test('webgl: runs in the worker and reports its renderer', async ({ page }) => {
    await openApp(page, 'backend=webgl&demo=off');
    await expect(page.getByTestId('env-backend')).toHaveText('webgl');
    const env = await page.evaluate(() => window.protobench.compute.environment());
    expect(env?.adapter?.device).toBeTruthy();
    // Headless here renders WebGL with SwiftShader: must be flagged as software.
    expect(env?.softwareFallback).toBe(
      /swiftshader/i.test(env?.adapter?.device ?? '') || /swiftshader/i.test(env?.adapter?.vendor ?? ''),
    );
  });

  test('auto passes over the software WebGPU adapter, says why, and runs wasm', async ({ page }) => {
    await openApp(page, 'demo=off');
    await expect(page.getByTestId('env-requested')).toHaveText('auto');
    await expect(page.getByTestId('env-backend')).toHaveText('wasm');
    await expect(page.getByTestId('env-attempts')).toContainText('webgpu: skipped: software adapter');
  });

  test('an unknown backend in the URL is an error, and nothing is started', async ({ page }) => {
    await openApp(page, 'backend=%3Cimg%20src%3Dx%3E&demo=off');
    await expect(page.getByTestId('backend-error')).toContainText('Unknown backend "<img src=x>"');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => window.protobench.compute.environment())).toBeUndefined();
  });
});

test('a forced webgpu backend that cannot start is an error the user sees, not a silent switch', async () => {
  // A browser without --enable-unsafe-webgpu offers no WebGPU adapter in headless mode.
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS.filter((a) => a !== '--enable-unsafe-webgpu'),
  });
  try {
    const page = await browser.newPage({ baseURL: test.info().project.use.baseURL });
    await openApp(page, 'backend=webgpu&demo=off');
    await expect(page.getByTestId('backend-error')).toContainText('The requested backend "webgpu" could not start');
    await expect(page.getByTestId('env-backend')).toHaveCount(0);
    expect(await page.evaluate(() => window.protobench.compute.environment())).toBeUndefined();
  } finally {
    await browser.close();
  }
});
