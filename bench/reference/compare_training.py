#!/usr/bin/env python3
"""ProtoBench beside the PyTorch reference, cell by cell (issue 19).

  /usr/bin/python3 bench/reference/compare_training.py --torch torch.json --protobench RUN.json [--out compare.json]
        [--markdown compare.md]

torch.json: bench/reference/train_torch.py's output. RUN.json: ProtoBench's run record export (the page's JSON
button; tick "per-episode values" so that the paired differences can be made), with or without per-cell `repeats`.

Per (source, target, K) and metric (accuracy, AUROC):
- each side's mean ± CI (ProtoBench's own cell CI; the reference's by the same rule, src/core/stats/repeats.ts);
- the difference ProtoBench - PyTorch of the means over training seeds, with a 95 % CI:
  * both sides with R >= 2 repeats: Welch over the repeat means, t(df) * sqrt(s_a^2 / R_a + s_b^2 / R_b) with the
    Welch-Satterthwaite df (the episodes are the same on both sides, so their sampling error is shared and drops
    out of the difference);
  * R = 1 on either side: the episode-paired CI of the difference, 1.96 sd(d_i) / sqrt(n), d_i = episode i's value
    on one side minus the other's (the same episodes); this does not hold the training spread, which one run per
    side cannot show; without per-episode values on both sides, sqrt(ci_a^2 + ci_b^2) (independent);
  * "agree" when |difference| <= its CI (plus 1e-9: float32 rounding where both sides are deterministic);
- per side, trained - untrained and trained - pixels: paired over the same episodes, combined over repeats by the
  same rule as a cell (repeat r's difference uses repeat r of both rows: the same training seed; pixels have one).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_torch import jsonable, summarize, t975  # noqa: E402

METRICS = ("accuracy", "auroc")
BASELINES = ("untrained", "pixels")
NAN = float("nan")


def num(x: Any) -> float:
    return NAN if x is None else float(x)


def nums(xs: Optional[Sequence[Any]]) -> Optional[List[float]]:
    return None if xs is None else [num(x) for x in xs]


def side_cells(doc: Dict[str, Any], kind: str) -> Dict[Tuple[str, str, str, int], Dict[str, Any]]:
    """Cells of either file as {metric: {mean, ci95, repeatMeans, averaged (per episode, or None)}}."""
    out = {}
    for c in doc["cells"]:
        key = (c["source"], c.get("method", "protonet"), c["target"]["dataset"], c["target"]["task"], int(c["k"]))
        cell: Dict[str, Any] = {"episodes": c.get("episodes")}
        for m in METRICS:
            s = c[m]
            reps = c.get("repeats") or []
            if reps:
                means = [num(r[m]["mean"] if isinstance(r[m], dict) else r[m]) for r in reps]
            else:
                means = [num(s["mean"])]
            per = c.get("perEpisode")
            per_repeat = None
            if kind == "torch" and reps and all(r.get("perEpisode") for r in reps):
                per_repeat = [nums(r["perEpisode"][m]) for r in reps]
            cell[m] = {
                "mean": num(s["mean"]),
                "ci95": num(s["ci95"]),
                "repeats": len(means),
                "repeatMeans": means,
                "averaged": nums(per[m]) if per else None,
                "perRepeat": per_repeat,
            }
        cell["seeds"] = [r.get("seed") for r in (c.get("repeats") or [])]
        out[key] = cell
    return out


def mean(xs: Sequence[float]) -> float:
    v = [x for x in xs if not math.isnan(x)]
    return math.fsum(v) / len(v) if v else NAN


def paired(a: Sequence[float], b: Sequence[float]) -> Dict[str, float]:
    """Mean and 1.96 sd / sqrt(n) of the episode differences a_i - b_i (NaN pairs left out)."""
    d = [x - y for x, y in zip(a, b) if not (math.isnan(x) or math.isnan(y))]
    s = summarize(d)
    return {"mean": s["mean"], "ci95": s["ci95"], "n": s["n"]}


def welch(a: Sequence[float], b: Sequence[float]) -> Dict[str, float]:
    sa, sb = summarize(a), summarize(b)
    va, vb = sa["std"] ** 2 / len(a), sb["std"] ** 2 / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return {"mean": sa["mean"] - sb["mean"], "ci95": 0.0, "df": NAN}
    df = (va + vb) ** 2 / ((va**2 / (len(a) - 1) if len(a) > 1 else 0) + (vb**2 / (len(b) - 1) if len(b) > 1 else 0))
    return {"mean": sa["mean"] - sb["mean"], "ci95": t975(max(1, int(math.floor(df)))) * se, "df": df}


def difference(pb: Dict[str, Any], pt: Dict[str, Any]) -> Dict[str, Any]:
    """ProtoBench - PyTorch for one metric of one cell (see the module comment for the rule)."""
    d = mean(pb["repeatMeans"]) - mean(pt["repeatMeans"])
    if pb["repeats"] >= 2 and pt["repeats"] >= 2:
        w = welch(pb["repeatMeans"], pt["repeatMeans"])
        out = {"mean": d, "ci95": w["ci95"], "method": f"welch over repeat means (df {w['df']:.1f})"}
    elif pb["averaged"] is not None and pt["averaged"] is not None and len(pb["averaged"]) == len(pt["averaged"]):
        p = paired(pb["averaged"], pt["averaged"])
        out = {"mean": d, "ci95": p["ci95"], "method": "episode-paired (R = 1: no training spread)"}
    else:
        out = {"mean": d, "ci95": math.sqrt(pb["ci95"] ** 2 + pt["ci95"] ** 2), "method": "independent CIs (no per-episode values)"}
    # 1e-9: a deterministic row (pixels) differs by float32 rounding with a CI of 0.
    out["agree"] = bool(abs(out["mean"]) <= out["ci95"] + 1e-9) if not math.isnan(out["ci95"]) else None
    return out


def combine_from_means(means: Sequence[float], averaged: Sequence[float]) -> Dict[str, float]:
    """A cell's rule from its repeat means and its repeat-averaged episode values (repeats.ts)."""
    R = len(means)
    between = summarize(means)
    ep = summarize(averaged)
    training = t975(R - 1) * between["std"] / math.sqrt(R) if R > 1 else 0.0
    return {"mean": between["mean"] if R > 1 else ep["mean"], "ci95": math.sqrt(training**2 + ep["ci95"] ** 2), "repeats": R}


def baseline_difference(tr: Dict[str, Any], base: Dict[str, Any]) -> Optional[Dict[str, float]]:
    """Trained - baseline on the same episodes, repeat r against repeat r (a one-repeat baseline against every r)."""
    if tr["averaged"] is None or base["averaged"] is None or len(tr["averaged"]) != len(base["averaged"]):
        return None
    R = tr["repeats"]
    if base["repeats"] not in (1, R):
        return None
    bm = base["repeatMeans"] if base["repeats"] == R else base["repeatMeans"] * R
    means = [a - b for a, b in zip(tr["repeatMeans"], bm)]
    averaged = [a - b for a, b in zip(tr["averaged"], base["averaged"])]
    return combine_from_means(means, averaged)


def pct(x: Optional[float], signed: bool = False) -> str:
    if x is None or math.isnan(x):
        return "n/a"
    return f"{100 * x:+.1f}" if signed else f"{100 * x:.1f}"


CONFIG_FIELDS = ("encoder", "resolution", "mode", "way", "shots", "query", "episodes", "evalSplit", "seed")


def config_mismatches(a: Dict[str, Any], b: Dict[str, Any]) -> List[str]:
    out = [f"{k}: {a.get(k)!r} vs {b.get(k)!r}" for k in CONFIG_FIELDS if a.get(k) != b.get(k)]
    ta, tb = a.get("training", {}), b.get("training", {})
    out += [f"training.{k}: {ta.get(k)!r} vs {tb.get(k)!r}" for k in sorted(set(ta) | set(tb)) if ta.get(k) != tb.get(k)]
    for k in ("sources", "targets"):
        if json.dumps(a.get(k), sort_keys=True) != json.dumps(b.get(k), sort_keys=True):
            out.append(f"{k} differ")
    return out


def compare(pt_doc: Dict[str, Any], pb_doc: Dict[str, Any]) -> Dict[str, Any]:
    pt = side_cells(pt_doc, "torch")
    pb = side_cells(pb_doc, "protobench")
    keys = [k for k in pt if k in pb]
    rows = []
    for k in keys:
        row: Dict[str, Any] = {"source": k[0], "method": k[1], "target": {"dataset": k[2], "task": k[3]}, "k": k[4]}
        for m in METRICS:
            row[m] = {
                "protobench": {x: pb[k][m][x] for x in ("mean", "ci95", "repeats")},
                "torch": {x: pt[k][m][x] for x in ("mean", "ci95", "repeats")},
                "difference": difference(pb[k][m], pt[k][m]),
            }
        rows.append(row)
    baselines = []
    for name, cells in (("protobench", pb), ("torch", pt)):
        for k, c in cells.items():
            if k[0] in BASELINES:
                continue
            for b in BASELINES:
                bk = (b, k[1], k[2], k[3], k[4])
                if bk not in cells:
                    continue
                entry = {"side": name, "source": k[0], "method": k[1], "baseline": b, "target": {"dataset": k[2], "task": k[3]}, "k": k[4]}
                for m in METRICS:
                    entry[m] = baseline_difference(c[m], cells[bk][m])
                baselines.append(entry)
    trainings = []
    pbt = {(t["trainingKey"], t["repeat"]): t for t in pb_doc.get("trainings") or []}
    for t in pt_doc.get("trainings") or []:
        o = pbt.get((t["trainingKey"], t["repeat"]))
        trainings.append(
            {
                "trainingKey": t["trainingKey"],
                "repeat": t["repeat"],
                "seed": t["seed"],
                "torch": {"chosen": t["chosen"], "stoppedStep": t["stoppedStep"], "curve": [(v["step"], v["auroc"]) for v in t["curve"]]},
                "protobench": None
                if o is None
                else {"chosen": o.get("chosen"), "stoppedStep": o.get("stoppedStep"), "curve": [(v["step"], v.get("auroc")) for v in o.get("curve", [])]},
            }
        )
    return {
        "configMismatches": config_mismatches(pb_doc.get("config", {}), pt_doc.get("config", {})),
        "onlyProtobench": [list(k) for k in pb if k not in pt],
        "onlyTorch": [list(k) for k in pt if k not in pb],
        "cells": rows,
        "baselines": baselines,
        "trainings": trainings,
    }


def markdown(r: Dict[str, Any]) -> str:
    L = ["# ProtoBench vs PyTorch reference", ""]
    if r["configMismatches"]:
        L += ["**The configs differ:** " + "; ".join(r["configMismatches"]), ""]
    for m, title in (("accuracy", "Accuracy"), ("auroc", "AUROC")):
        L += [
            f"## {title} (%)",
            "",
            "| source | method | target | K | ProtoBench | PyTorch | PB - PT | agree | CI of the difference |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for row in r["cells"]:
            x = row[m]
            d = x["difference"]
            agree = "—" if d["agree"] is None else ("yes" if d["agree"] else "**no**")
            L.append(
                f"| {row['source']} | {row['method']} | {row['target']['dataset']}/{row['target']['task']} | {row['k']} | "
                f"{pct(x['protobench']['mean'])} ± {pct(x['protobench']['ci95'])} (R={x['protobench']['repeats']}) | "
                f"{pct(x['torch']['mean'])} ± {pct(x['torch']['ci95'])} (R={x['torch']['repeats']}) | "
                f"{pct(d['mean'], True)} ± {pct(d['ci95'])} | {agree} | {d['method']} |"
            )
        L.append("")
    n = sum(1 for row in r["cells"] for m in METRICS if row[m]["difference"]["agree"])
    total = sum(1 for row in r["cells"] for m in METRICS if row[m]["difference"]["agree"] is not None)
    L += [f"Agreement: {n} of {total} (cell, metric) pairs within the CI of their difference.", ""]
    if r["baselines"]:
        L += [
            "## Trained - baseline, paired over the same episodes (percentage points)",
            "",
            "| side | source | method | baseline | target | K | accuracy | AUROC |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for b in sorted(r["baselines"], key=lambda b: (b["source"], b["method"], b["target"]["dataset"], b["target"]["task"], b["k"], b["baseline"], b["side"])):
            cell = lambda d: "n/a (no per-episode values)" if d is None else f"{pct(d['mean'], True)} ± {pct(d['ci95'])}"  # noqa: E731
            L.append(
                f"| {b['side']} | {b['source']} | {b['method']} | {b['baseline']} | {b['target']['dataset']}/{b['target']['task']} | {b['k']} | "
                f"{cell(b['accuracy'])} | {cell(b['auroc'])} |"
            )
        L.append("")
    if r["trainings"]:
        L += ["## Trainings: chosen checkpoint (step, val AUROC) and last step", "", "| training | repeat | PyTorch | ProtoBench |", "| --- | --- | --- | --- |"]
        for t in r["trainings"]:
            tc = t["torch"]
            pbs = t["protobench"]
            f = lambda c, s: f"step {c['step']} (val AUROC {pct(num(c.get('valAuroc')))}), stopped {s}"  # noqa: E731
            L.append(f"| {t['trainingKey']} | {t['repeat']} | {f(tc['chosen'], tc['stoppedStep'])} | {'—' if not pbs or not pbs['chosen'] else f(pbs['chosen'], pbs['stoppedStep'])} |")
        L.append("")
    if r["onlyProtobench"] or r["onlyTorch"]:
        L += [f"Cells only in ProtoBench: {len(r['onlyProtobench'])}; only in PyTorch: {len(r['onlyTorch'])}.", ""]
    return "\n".join(L)


def main(argv: Optional[Sequence[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--torch", required=True)
    ap.add_argument("--protobench", required=True)
    ap.add_argument("--out", help="JSON with the same numbers")
    ap.add_argument("--markdown", help="also write the Markdown here")
    a = ap.parse_args(argv)
    with open(a.torch) as f:
        pt = json.load(f)
    with open(a.protobench) as f:
        pb = json.load(f)
    if pb.get("format") not in (None, "protobench/run-record"):
        raise SystemExit(f"{a.protobench}: not a ProtoBench run record (format {pb.get('format')!r})")
    r = compare(pt, pb)
    md = markdown(r)
    print(md)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(md + "\n")
    if a.out:
        with open(a.out, "w") as f:
            json.dump(jsonable(r), f, indent=1)


if __name__ == "__main__":
    main()
