import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../../e2e/browser';

const PORT = Number(process.env.PB_MICRO_PORT ?? 4181);

/** Kernel micro-benchmarks (bench/micro/*.micro.ts) against a Vite dev server of bench/micro/. */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.micro.ts',
  timeout: 1_800_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
  },
  webServer: {
    command: `npx vite --config bench/micro/vite.config.ts --port ${PORT} --strictPort`,
    cwd: '../..',
    url: `http://localhost:${PORT}`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
  },
});
