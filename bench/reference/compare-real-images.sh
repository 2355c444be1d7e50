#!/usr/bin/env bash
# Issue 19's side-by-side: ProtoBench (headless Chromium, wasm, through the page: npm run sweep) and the PyTorch
# reference (train_torch.py on the same episodes and initial weights) on the real-image set, then the table.
#
#   bash bench/reference/compare-real-images.sh [SWEEP_CONFIG] [OUT]
#        SWEEP_CONFIG: default bench/reference/configs/real-images-conv4.json; OUT: .protobench/compare/<name>
#
# Everything both sides need comes from the sweep config: its single run's page URL query is the config the
# PyTorch side plans from (tools/protocol/plan.ts), so the two run the same protocol.
set -euo pipefail
cd "$(dirname "$0")/../.."
CFG=${1:-bench/reference/configs/real-images-conv4.json}
NAME=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).name)' "$CFG")
OUT=${2:-.protobench/compare/$NAME}
DATA=.protobench/real-images
PROFILE=.protobench/profile-$NAME
mkdir -p "$OUT"
[ -f "$DATA/textures/info.yaml" ] || bash tools/real-images/build.sh "$DATA"
t0=$(date +%s)
# A profile of its own, holding only the real-image set (the PyTorch side sees exactly these datasets).
npm run sweep -- --config "$CFG" --data "$DATA" --profile "$PROFILE" --out "$OUT/protobench"
t1=$(date +%s)
RUN=$(ls "$OUT"/protobench/runs/*.json | grep -v '\.link' | head -n 1)
QUERY=$(npx tsx -e '
  import { readFileSync } from "node:fs";
  import { configToQuery } from "./src/core/config";
  import { recordFromJSON } from "./src/core/results";
  // Through the record reader: fields newer than the record take their defaults.
  const r = recordFromJSON(readFileSync(process.argv[1], "utf8"));
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("; "));
  process.stdout.write(configToQuery(r.record.config));' "$RUN")
bash bench/reference/train-reference.sh --data "$DATA" --config "$QUERY" --out "$OUT/torch" --protobench "$RUN"
t2=$(date +%s)
echo "compare-real-images: ProtoBench $((t1 - t0)) s, PyTorch $((t2 - t1)) s; table: $OUT/torch/compare.md"
