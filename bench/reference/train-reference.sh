#!/usr/bin/env bash
# The PyTorch reference run of a ProtoBench config in one command: the protocol plan (ProtoBench's episodes and
# initial weights, tools/protocol/plan.ts), optionally the arithmetic check against tfjs (tools/protocol/check.ts),
# then the PyTorch training and evaluation (train_torch.py), and, given ProtoBench's run record, the comparison.
#
#   bash bench/reference/train-reference.sh --data DIR --config 'QUERY' --out OUTDIR
#        [--train-seeds R] [--patience P] [--threads 2] [--check] [--maxpool-ties first|all] [--selection best|gated]
#        [--softmax-underflow logodds|keep|flush] [--protobench RUN.json]
#
# Writes OUTDIR/plan.json, torch.json, torch.md (and check-tfjs.json, check.json; compare.json, compare.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
DATA= CONFIG= OUT= THREADS=2 CHECK= RUN= PLAN_OPTS=() TORCH_OPTS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data) DATA=$2; shift 2 ;;
    --config) CONFIG=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --train-seeds | --patience | --val-episodes | --backend) PLAN_OPTS+=("$1" "$2"); shift 2 ;;
    --check) CHECK=1; shift ;;
    --maxpool-ties | --selection | --softmax-underflow) TORCH_OPTS+=("$1" "$2"); shift 2 ;;
    --protobench) RUN=$2; shift 2 ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "train-reference: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -z "$DATA" ] || [ -z "$CONFIG" ] || [ -z "$OUT" ]; then
  echo "usage: bash bench/reference/train-reference.sh --data DIR --config 'QUERY' --out OUTDIR [...]" >&2
  exit 2
fi
"$PY" -c 'import torch, numpy, h5py' 2>/dev/null || {
  echo "train-reference: $PY needs torch, numpy and h5py (apt-get install -y python3-torch python3-numpy python3-h5py)" >&2
  exit 2
}
mkdir -p "$OUT"
now() { date +%s.%N; }
t0=$(now)
npx tsx tools/protocol/plan.ts --data "$DATA" --config "$CONFIG" --out "$OUT/plan.json" "${PLAN_OPTS[@]}" 2> >(grep -v -e 'tfjs-node' -e '^=\+$' -e 'Hi, looks like' -e '^$' >&2)
t1=$(now)
if [ -n "$CHECK" ]; then
  node --experimental-wasm-relaxed-simd --import tsx tools/protocol/check.ts --plan "$OUT/plan.json" --out "$OUT/check-tfjs.json" --data "$DATA"
  "$PY" bench/reference/train_torch.py --plan "$OUT/plan.json" --data "$DATA" --check "$OUT/check-tfjs.json" --out "$OUT/check.json" --threads "$THREADS" "${TORCH_OPTS[@]}" >/dev/null
  "$PY" - "$OUT/check.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
w = r.get("weights_after_rel_diff", {})
print(f"check vs tfjs: input max |diff| {r.get('input_max_abs_diff', float('nan')):.2e}, init embedding rel diff "
      f"{r.get('embed_init_rel_diff', float('nan')):.2e}, losses torch {r.get('losses_torch')} tfjs {r.get('losses_tfjs')}, "
      f"weights after the steps: worst rel diff {max(w.values()) if w else float('nan'):.2e}")
f = r.get("weights_after_sign_flips")
if f:
    print(f"  weights more than lr/2 apart (Adam sign flips): {r['sign_flips_first_ties']} with PyTorch's max-pool gradient, "
          f"{r['sign_flips_all_ties']} with ProtoBench's all-ties one, of {f['of']}")
if "episode_auroc" in r:
    e = r["episode_auroc"]
    rnd = lambda xs: [round(x, 4) for x in xs]
    print(f"  episode AUROC tfjs {rnd(e['tfjs'])} torch {rnd(e['torch'])} " + " ".join(f"{k} {rnd(v)}" for k, v in e.items() if k.startswith("torch_")))
PY
fi
t2=$(now)
"$PY" bench/reference/train_torch.py --plan "$OUT/plan.json" --data "$DATA" --out "$OUT/torch.json" --markdown "$OUT/torch.md" --threads "$THREADS" "${TORCH_OPTS[@]}"
t3=$(now)
if [ -n "$RUN" ]; then
  "$PY" bench/reference/compare_training.py --torch "$OUT/torch.json" --protobench "$RUN" --out "$OUT/compare.json" --markdown "$OUT/compare.md"
fi
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN { printf "train-reference: plan %.1f s, check %.1f s, torch %.1f s\n", b - a, c - b, d - c }' >&2
