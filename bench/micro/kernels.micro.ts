import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { MicroApi } from './worker';

/** Run: npx playwright test -c bench/micro/playwright.config.ts  (MICRO=profile|dw|ops, MICRO_ARGS=json). */
declare global {
  interface Window {
    micro: import('comlink').Remote<MicroApi>;
  }
}

test('micro', async ({ page }) => {
  test.setTimeout(1_800_000);
  page.on('console', (m) => console.log('page:', m.text()));
  await page.goto('/');
  await expect(page.locator('body[data-ready="true"]')).toBeAttached({ timeout: 90_000 });
  const env = await page.evaluate(() => window.micro.init());
  console.log(JSON.stringify(env));
  const what = process.env.MICRO ?? 'profile';
  const args = JSON.parse(process.env.MICRO_ARGS ?? '[]') as unknown[];
  const r = await page.evaluate(
    ([w, a]) => (window.micro as unknown as Record<string, (...x: unknown[]) => Promise<unknown>>)[w]!(...a),
    [what, args] as const,
  );
  const out = process.env.MICRO_OUT ?? `/tmp/micro-${what}.json`;
  writeFileSync(out, JSON.stringify(r, null, 1));
  console.log(JSON.stringify(r, null, 1).slice(0, 20000));
});
