import { defineConfig } from 'vite';

// Cross-origin isolation (COOP + COEP) makes SharedArrayBuffer available, which tfjs-backend-wasm needs
// for its threaded build. Any static host must send the same two headers (see README).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: {
    format: 'es',
    rolldownOptions: {
      // tfjs-wasm hands its Emscripten pthread code to workers as source text; the minifier's compress
      // pass breaks it and setBackend('wasm') never settles. Mangling alone is safe.
      output: { minify: { compress: false, mangle: true } },
    },
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 4096,
  },
});
