import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/browser';

const PORT = Number(process.env.PB_PORT ?? 4174);

/** `npm run bench`: benchmarks in real Chromium against the built app. Results go to bench/results/. */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.bench.ts',
  timeout: 900_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
  },
  webServer: {
    command: `npx vite build && npx vite preview --port ${PORT} --strictPort`,
    cwd: '..',
    url: `http://localhost:${PORT}`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: 'ignore',
  },
});
