"""Method - ProtoNet, paired over the same episodes, from a ProtoBench run record with per-episode values.

  /usr/bin/python3 bench/reference/paired_methods.py RUN.json [--markdown OUT.md]

Every method of a (row, target, K) runs on the same seeded episodes (docs/methods.md), so the difference of two
methods is read episode by episode: mean difference +- 1.96 sd(d) / sqrt(n) over the episodes where both are
defined (AUROC is undefined in some episodes). "beyond" marks a difference whose CI excludes 0.
"""

import argparse
import json
import math
from typing import Any, Dict, List, Optional, Sequence, Tuple


def paired(a: Sequence[Optional[float]], b: Sequence[Optional[float]]) -> Tuple[float, float, int]:
    d = [x - y for x, y in zip(a, b) if x is not None and y is not None and not math.isnan(x) and not math.isnan(y)]
    n = len(d)
    if n == 0:
        return float("nan"), float("nan"), 0
    m = math.fsum(d) / n
    sd = math.sqrt(math.fsum((x - m) ** 2 for x in d) / (n - 1)) if n > 1 else float("nan")
    return m, 1.96 * sd / math.sqrt(n), n


def rows(record: Dict[str, Any]) -> List[Dict[str, Any]]:
    cells = {(c["source"], c["target"]["dataset"], c["target"]["task"], c["k"], c.get("method", "protonet")): c for c in record["cells"]}
    out = []
    for (src, ds, task, k, method), c in cells.items():
        base = cells.get((src, ds, task, k, "protonet"))
        if method == "protonet" or base is None or not c.get("perEpisode") or not base.get("perEpisode"):
            continue
        row = {"source": src, "target": f"{ds}/{task}", "k": k, "method": method}
        for m in ("accuracy", "auroc"):
            row[m] = paired(c["perEpisode"][m], base["perEpisode"][m])
        out.append(row)
    return out


def markdown(rs: List[Dict[str, Any]]) -> str:
    fmt = lambda t: "n/a" if math.isnan(t[0]) else f"{100 * t[0]:+.1f} ± {100 * t[1]:.1f}{' *' if abs(t[0]) > t[1] else ''}"  # noqa: E731
    lines = [
        "| source | method | target | K | accuracy: method - ProtoNet | AUROC: method - ProtoNet |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rs:
        lines.append(f"| {r['source']} | {r['method']} | {r['target']} | {r['k']} | {fmt(r['accuracy'])} | {fmt(r['auroc'])} |")
    for m in ("accuracy", "auroc"):
        above = sum(1 for r in rs if r[m][0] - r[m][1] > 0)
        below = sum(1 for r in rs if r[m][0] + r[m][1] < 0)
        lines.append("")
        lines.append(f"{m}: {above} of {len(rs)} cells above ProtoNet beyond the CI, {below} below (* = beyond).")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("record")
    ap.add_argument("--markdown")
    a = ap.parse_args()
    with open(a.record) as f:
        md = markdown(rows(json.load(f)))
    print(md)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(md + "\n")


if __name__ == "__main__":
    main()
