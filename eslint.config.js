import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', '**/dist/', 'node_modules/', 'test-results/', 'playwright-report/', 'blob-report/', 'bench/results/', '.gpu/', '.protobench/',
    // AssemblyScript (its own types: i32, usize, v128), compiled by tools/build-wasm-kernels.mjs.
    'src/engine/wasm-simd/assembly/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The page must never insert data as HTML (see README, Security).
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Build DOM nodes and set textContent; never insert data as HTML.' },
        { property: 'outerHTML', message: 'Build DOM nodes and set textContent; never insert data as HTML.' },
        { property: 'insertAdjacentHTML', message: 'Build DOM nodes and set textContent; never insert data as HTML.' },
      ],
    },
  },
);
