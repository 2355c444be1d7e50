#!/usr/bin/env bash
# Meta-training step, side by side on a shared machine: PyTorch (2 threads) and the browser (wasm, 2 threads)
# alternate, ROUNDS times; the browser part times the committed formulation ("head", a copy in
# bench/micro/baseline/) against the working tree's ("new"), interleaved step by step.
# Usage: bash bench/train-side-by-side.sh [ROUNDS]   (results: bench/results/train-side-by-side-*.json)
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
mkdir -p bench/results
for r in $(seq 1 "$ROUNDS"); do
  /usr/bin/python3 bench/reference/protonet_torch.py --threads 2 --only-train | tee "bench/results/train-side-by-side-torch-$r.txt"
  cp bench/results/engine-torch.json "bench/results/train-side-by-side-torch-$r.json"
  MICRO=abSteps MICRO_ARGS='[["head","new"],5]' MICRO_OUT="bench/results/train-side-by-side-wasm-$r.json" \
    npx playwright test -c bench/micro/playwright.config.ts --output /tmp/pb-side-by-side >/dev/null 2>&1 ||
    echo "round $r: browser run failed" >&2
done
/usr/bin/python3 - "$ROUNDS" <<'PY'
import json, statistics, sys
n = int(sys.argv[1])
rows = []
for r in range(1, n + 1):
    t = json.load(open(f"bench/results/train-side-by-side-torch-{r}.json"))["raw"]["train"]["median_ms"]
    w = {o["impl"]: o["medianMs"] for o in json.load(open(f"bench/results/train-side-by-side-wasm-{r}.json"))["out"]}
    rows.append((t, w["head"], w["new"]))
    print(f"round {r}: torch {t:7.0f} ms  head {w['head']:7.0f} ms  new {w['new']:7.0f} ms  new/torch speed {t / w['new']:.2f}  head/torch {t / w['head']:.2f}")
mt, mh, mn = (statistics.median(c) for c in zip(*rows))
print(f"median: torch {mt:.0f} ms ({1000/mt:.2f} steps/s)  head {mh:.0f} ms ({1000/mh:.2f})  new {mn:.0f} ms ({1000/mn:.2f})  new vs torch {mt/mn:.2f}x  head vs torch {mt/mh:.2f}x")
PY
