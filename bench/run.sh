#!/usr/bin/env bash
# npm run bench: the PyTorch CPU reference first (when Debian's python3-torch is installed), then the
# browser benchmarks, which print their ratios to it. Extra arguments go to Playwright (e.g. a file).
set -uo pipefail
cd "$(dirname "$0")/.."
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  /usr/bin/python3 bench/reference/protonet_torch.py --threads 2 || echo "bench: the PyTorch reference failed; ratios will be missing" >&2
else
  echo "bench: no PyTorch reference (apt-get install -y python3-torch); ratio columns will show '-'" >&2
fi
exec npx playwright test -c bench/playwright.config.ts "$@"
