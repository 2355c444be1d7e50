import { defineConfig } from '@playwright/test';

/** `npx playwright merge-reports -c sweep/merge.config.ts <blob-dir>` (what `npm run sweep -- --merge` runs). */
export default defineConfig({
  testDir: '.',
  reporter: [['./reporter.ts']],
});
