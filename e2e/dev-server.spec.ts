import { DEV_PORT } from '../playwright.config';
import { expect, openApp, test } from './fixtures';

test('the dev server is cross-origin isolated and serves the wasm binaries: wasm runs threaded', async ({ page }) => {
  await openApp(page, 'backend=wasm&demo=off', `http://localhost:${DEV_PORT}`);
  expect(new URL(page.url()).port).toBe(String(DEV_PORT));
  await expect(page.getByTestId('env-backend')).toHaveText('wasm');
  await expect(page.getByTestId('env-coi')).toHaveText('yes');
  const env = await page.evaluate(() => window.protobench.compute.environment());
  expect(env?.wasm?.threads).toBeGreaterThan(1);
});
