#!/usr/bin/env bash
# The training-budget study of docs/training-protocol.md on the small real-image set, in the PyTorch reference
# (which agrees with ProtoBench cell by cell, docs/training-protocol.md): one variant of e2e/real-images.spec.ts's
# config per line of VARIANTS ("name {json overrides of its training budget}"), then a table of trained - untrained.
#
#   bash bench/reference/study/run.sh [VARIANTS] [OUT]     (default: the variants below; OUT .protobench/study)
set -euo pipefail
cd "$(dirname "$0")/../../.."
OUT=${2:-.protobench/study}
DATA=.protobench/real-images-small
[ -f "$DATA/textures/info.yaml" ] || bash tools/real-images/build.sh "$DATA" --small
VARIANTS=${1:-/dev/stdin}
if [ -z "${1:-}" ]; then
  VARIANTS=$(mktemp)
  cat > "$VARIANTS" <<'V'
steps30 {}
way5 {"way":5}
q10 {"query":10}
lr3e-4 {"lr":0.0003}
lr3e-3 {"lr":0.003}
steps60 {"steps":60}
steps100 {"steps":100,"valEvery":20}
way5steps100 {"way":5,"steps":100,"valEvery":20}
V
fi
names=()
while read -r name json; do
  [ -z "$name" ] && continue
  names+=("$name")
  [ -f "$OUT/$name/torch.json" ] && continue
  Q=$(npx tsx bench/reference/study/query.ts "$json")
  bash bench/reference/train-reference.sh --data "$DATA" --config "$Q" --out "$OUT/$name" > "$OUT/$name.log" 2>&1 ||
    { echo "study: $name failed, see $OUT/$name.log" >&2; exit 1; }
done < "$VARIANTS"
/usr/bin/python3 bench/reference/study/summary.py --dir "$OUT" "${names[@]}"
