#!/usr/bin/env bash
# Bundle bench/gpu/embed-dawn.ts into one Node ESM file (Dawn's `webgpu` package left external), for a GPU
# server without a browser. Then: bash ../shared/gpu/prepare.sh bench/gpu/dist/bench.mjs (see bench/gpu/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
npx esbuild bench/gpu/embed-dawn.ts --bundle --platform=node --format=esm --target=node20 \
  --external:webgpu --log-level=warning --outfile=bench/gpu/dist/bench.mjs \
  --banner:js="import {createRequire} from 'module'; const require = createRequire(import.meta.url);"
ls -la bench/gpu/dist/bench.mjs
