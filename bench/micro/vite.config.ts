import { defineConfig } from 'vite';

/** Dev server for the kernel micro-benchmarks (bench/micro/): cross-origin isolated for threaded wasm. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: import.meta.dirname,
  server: { headers: isolation, fs: { allow: ['../..'] } },
  worker: { format: 'es' },
});
