import { test as base, expect, type Page } from '@playwright/test';
import type { Remote } from 'comlink';
import type { ComputeApi, DataApi } from '../workers/protocol';

/** What the page exposes for tests and benchmarks: the very workers the UI uses. */
export interface PageWorkers {
  data: Remote<DataApi>;
  compute: Remote<ComputeApi>;
}

declare global {
  interface Window {
    protobench: PageWorkers;
  }
}

/** What auditStore reports for a store with nothing in it: no datasets, no pending writes, no records. */
export const EMPTY_STORE = {
  datasets: 0,
  pendingWrites: 0,
  shardRecords: 0,
  arrayRecords: 0,
  unreachableRecords: 0,
  incompleteDatasets: [],
};

/** Open the app and wait until its backend and data panels have settled. */
export async function openApp(page: Page, query = 'backend=wasm&demo=off', origin = ''): Promise<void> {
  await page.goto(`${origin}/?${query}`);
  await expect(page.locator('body[data-ready="true"]')).toBeAttached({ timeout: 90_000 });
}

export const test = base.extend<{ app: Page }>({
  app: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openApp(page);
    await use(page);
    expect(errors, 'uncaught page errors').toEqual([]);
  },
});

export { expect };
