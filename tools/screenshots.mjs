#!/usr/bin/env node
/* global process */
// Screenshots of the page before, during and after a short demo run, at 1280x720 and at phone width,
// into docs/screenshots/. Needs the built app served: `npm run build && npm run preview` (port 4173),
// or pass the URL: node tools/screenshots.mjs http://localhost:4173
import { chromium } from '@playwright/test';
import { existsSync } from 'node:fs';

const base = process.argv[2] ?? 'http://localhost:4173';
const exe = process.env.PB_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const args = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const browser = await chromium.launch({ executablePath: exe, args });

async function shoot(name, viewport) {
  const page = await browser.newPage({ viewport });
  await page.goto(`${base}/?backend=wasm`);
  await page.waitForSelector('body[data-run-ready="true"]', { state: 'attached', timeout: 120_000 });
  await page.getByTestId('run-k').fill('1,5');
  await page.getByTestId('run-episodes').fill('30');
  await page.getByTestId('run-steps').fill('5');
  await page.screenshot({ path: `docs/screenshots/${name}-before.png` });
  await page.getByTestId('run-start').click();
  await page.waitForSelector('#run-body [data-testid="cell"][data-state="done"]', { timeout: 300_000 });
  await page.locator('#run-body table').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `docs/screenshots/${name}-during.png` });
  await page.waitForSelector('#run-body[data-status="done"]', { state: 'attached', timeout: 900_000 });
  await page.locator('#run-body table').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `docs/screenshots/${name}-after.png` });
  await page.close();
}

await shoot('desktop', { width: 1280, height: 720 });
await shoot('phone', { width: 390, height: 844 });
await browser.close();
