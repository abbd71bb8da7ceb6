"""Compare an accuracy_study run made without statsforecast with the AutoARIMA/AutoETS of a stored run.

    python benchmarks/compare_stored.py benchmarks/results/auto-corpus.json \\
        --stored benchmarks/results/accuracy-2026-11-29.json

Same protocol and corpus (accuracy_study.py), so the statistical models' MAE per series can be
taken from the stored run. Prints, per series, MAE/naive of every method of the new run beside
the stored AutoARIMA/AutoETS, the fit seconds of the lstm methods, and per method the geometric
mean over series of MAE relative to the better of AutoARIMA/AutoETS (series a method failed on
are left out of its mean, and listed).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path


def by_method(series: dict) -> dict:
    return {m["method"]: m for m in series["methods"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", help="accuracy_study JSON of the new run")
    ap.add_argument("--stored", default=str(Path(__file__).parent / "results" / "accuracy-2026-11-29.json"))
    a = ap.parse_args(argv)
    new, stored = json.loads(Path(a.run).read_text()), json.loads(Path(a.stored).read_text())
    stat = {s["series"]: by_method(s) for s in stored["series"]}
    methods = new["meta"]["methods"]
    lstms = [m for m in methods if m.startswith("lstm")]
    head = ["series", "rows", "season", *methods, "autoarima", "autoets", *[f"{m} fit s" for m in lstms]]
    print("| " + " | ".join(head) + " |")
    print("| --- " * 3 + "| ---: " * (len(head) - 3) + "|")
    logs: dict[str, list[float]] = {m: [] for m in [*methods, "autoarima", "autoets"]}
    failed: dict[str, list[str]] = {m: [] for m in logs}
    for s in new["series"]:
        name, mine, theirs = s["series"], by_method(s), stat.get(s["series"], {})
        best = min((theirs[m]["mae"] for m in ("autoarima", "autoets") if theirs.get(m, {}).get("mae")), default=None)
        cells = [name, str(s["rows"]), str(s["season"])]
        for m in [*methods, "autoarima", "autoets"]:
            r = mine.get(m) or theirs.get(m) or {}
            rel = r.get("mae_naive")
            cells.append("–" if rel is None else f"{rel:.3f}")
            if r.get("mae") and best:
                logs[m].append(math.log(r["mae"] / best))
            elif m != "snaive" or s["season"] > 1:
                failed[m].append(name)
        cells += [f"{(mine.get(m) or {}).get('fit_seconds') or float('nan'):.1f}" for m in lstms]
        print("| " + " | ".join(cells) + " |")
    print("\n| method | geo-mean MAE / best of AutoARIMA, AutoETS | series | failed on |")
    print("| --- | ---: | ---: | --- |")
    for m, v in logs.items():
        gm = f"{math.exp(sum(v) / len(v)):.3f}" if v else "–"
        print(f"| {m} | {gm} | {len(v)} | {', '.join(failed[m]) or '–'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
