import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type ReporterDescription } from '@playwright/test';
import { readOptions } from './options';

/**
 * The sweep's Playwright config: one test per planned run (sweep.spec.ts), one worker (a persistent
 * browser profile cannot be shared), tests spread over shards one by one (fullyParallel). Started by
 * `npm run sweep`, which passes everything in SWEEP_OPTIONS; the app is served from the sweep's build
 * by `vite preview` (COOP/COEP headers from vite.config.ts).
 */
const o = readOptions();
const root = fileURLToPath(new URL('..', import.meta.url));
const reporter: ReporterDescription[] = [['./reporter.ts']];
if (o?.shard) reporter.push(['blob', { outputDir: join(o.out, 'blob') }]);

export default defineConfig({
  testDir: '.',
  testMatch: 'sweep.spec.ts',
  fullyParallel: true,
  workers: 1,
  retries: 0,
  timeout: o?.timeoutMs ?? 7_200_000,
  outputDir: o ? join(o.out, 'test-results') : undefined,
  reporter,
  use: { trace: 'off' },
  webServer: o
    ? {
        // 127.0.0.1, not localhost: one address, the one whose port the CLI checked is free.
        command: `npx vite preview --host 127.0.0.1 --port ${o.port} --strictPort --outDir ${JSON.stringify(o.buildDir)}`,
        cwd: root,
        url: `http://127.0.0.1:${o.port}`,
        reuseExistingServer: false,
        timeout: 120_000,
        stdout: 'ignore',
        stderr: 'pipe',
      }
    : undefined,
});
