"""How far can choosing among the LSTM variants already measured go? An upper bound, not a method.

    python benchmarks/oracle_bound.py                      # every full-corpus lstm run under benchmarks/results
    python benchmarks/oracle_bound.py --only autoacc-final:lstm,autoacc-final:lstm-auto,\
        refit-corpus-epochs:lstm-s1,refit-corpus-epochs:lstm-s2        # main's defaults (3 seeds) and --auto

Every accuracy_study JSON under benchmarks/results holds, per series, the held-out MAE of the
methods it ran (same corpus, same protocol). For each lstm variant that ran on all 15 series
this prints its geometric mean of MAE / best of (AutoARIMA, AutoETS) (the stored statistical
run), then the same figure for an **oracle** that, on every series, takes whichever of the
given variants had the lowest held-out MAE. No real selection can do better than that oracle:
it looks at the test part. If the oracle over every variant ever measured is above (or barely
below) issue 13's target of 1.0, no way of choosing among those variants can reach it, and
what is missing is a model that forecasts better, not a better choice.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def best_statistical(stored: Path) -> dict[str, float]:
    """Per series, the lower held-out MAE of AutoARIMA and AutoETS in the stored run."""
    out = {}
    for s in json.loads(stored.read_text())["series"]:
        m = {x["method"]: x for x in s["methods"]}
        out[s["series"]] = min(m["autoarima"]["mae"], m["autoets"]["mae"])
    return out


def lstm_runs(folder: Path, series: set[str]) -> dict[str, dict[str, float]]:
    """{"file:method": {series: MAE}} for every lstm method that ran on every series of `series`."""
    runs: dict[str, dict[str, float]] = {}
    for f in sorted(folder.glob("*.json")):
        try:
            d = json.loads(f.read_text())
        except (OSError, ValueError):
            continue
        if not isinstance(d, dict) or not isinstance(d.get("series"), list):
            continue
        for s in d["series"]:
            for x in s.get("methods", []) if isinstance(s, dict) else []:
                if str(x.get("method", "")).startswith("lstm") and x.get("mae") is not None:
                    runs.setdefault(f"{f.stem}:{x['method']}", {})[s["series"]] = x["mae"]
    return {k: v for k, v in runs.items() if set(v) >= series}


def geo_mean(mae: dict[str, float], ref: dict[str, float]) -> float:
    return math.exp(sum(math.log(mae[s] / ref[s]) for s in ref) / len(ref))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stored", type=Path, default=RESULTS / "accuracy-2026-11-29.json")
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--only", help="comma-separated FILE:METHOD or METHOD names: the oracle chooses among these only")
    a = ap.parse_args(argv)
    ref = best_statistical(a.stored)
    runs = lstm_runs(a.results, set(ref))
    if a.only:
        keep = set(a.only.split(","))
        runs = {k: v for k, v in runs.items() if k in keep or k.split(":", 1)[1] in keep}
    if not runs:
        print("no lstm run covers every series")
        return 1
    print("| run:method | geo-mean MAE / best of AutoARIMA, AutoETS |")
    print("| --- | ---: |")
    for k, v in sorted(runs.items(), key=lambda kv: geo_mean(kv[1], ref)):
        print(f"| {k} | {geo_mean(v, ref):.3f} |")
    oracle = {s: min(v[s] for v in runs.values()) for s in ref}
    print(f"\noracle over these {len(runs)} runs (per series, the lowest held-out MAE): {geo_mean(oracle, ref):.3f}")
    print("\n| series | oracle MAE / best statistical | from |")
    print("| --- | ---: | --- |")
    for s in ref:
        k = min(runs, key=lambda k: runs[k][s])
        print(f"| {s} | {oracle[s] / ref[s]:.3f} | {k} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
