import type { Page } from '@playwright/test';
import { expect } from './fixtures';

/** What a matrix cell shows: its state, the mean and CI it holds (data attributes) and its text. */
export interface ShownCell {
  state: string;
  mean: string | undefined;
  ci: string | undefined;
  text: string;
  /** The "mean ± CI" span alone. */
  value: string;
}

/** Every matrix cell under `root` (the run section, or the shared view), by cell key. */
export async function matrixCells(page: Page, root = '#run-body'): Promise<Record<string, ShownCell>> {
  return page.$$eval(`${root} [data-testid="cell"]`, (tds) =>
    Object.fromEntries(
      tds.map((td) => {
        const e = td as HTMLElement;
        return [
          e.dataset.cell as string,
          {
            state: e.dataset.state ?? '',
            mean: e.dataset.mean,
            ci: e.dataset.ci,
            text: e.textContent ?? '',
            value: e.querySelector('.value')?.textContent ?? '',
          },
        ];
      }),
    ),
  );
}

/**
 * A short demo config in the Run form: the given K list, episodes, seed and training steps, and two
 * target tasks of different domains. Returns the chosen target keys.
 */
export async function configureShortRun(
  page: Page,
  o: { k: string; episodes: number; seed: number; steps: number; methods?: string; finetuneSteps?: number },
): Promise<string[]> {
  await page.getByTestId('run-k').fill(o.k);
  if (o.methods !== undefined) await page.getByTestId('run-methods').fill(o.methods);
  if (o.finetuneSteps !== undefined) await page.getByTestId('run-ft-steps').fill(String(o.finetuneSteps));
  await page.getByTestId('run-episodes').fill(String(o.episodes));
  await page.getByTestId('run-seed').fill(String(o.seed));
  await page.getByTestId('run-steps').fill(String(o.steps));
  const targets = page.getByTestId('run-target');
  const n = await targets.count();
  const keys: string[] = [];
  const domains: string[] = [];
  for (let i = 0; i < n; i++) {
    const box = targets.nth(i);
    const key = (await box.getAttribute('data-target')) as string;
    const domain = (await box.getAttribute('data-domain')) as string;
    if (keys.length < 2 && !domains.includes(domain)) {
      await box.check();
      keys.push(key);
      domains.push(domain);
    } else await box.uncheck();
  }
  expect(keys).toHaveLength(2);
  await expect(page.getByTestId('run-issues')).toBeEmpty();
  return keys;
}
