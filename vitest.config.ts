import { defineConfig } from 'vitest/config';

// Unit tests: pure logic only (core, readers, generators). Anything that needs a browser is in e2e/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'sweep/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
