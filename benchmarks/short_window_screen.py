"""Short series without a season: which window, chosen how? (round 14, branch r14short)

    python benchmarks/short_window_screen.py fits SERIES,... SEED "FLAGS;..." >> OUT.jsonl
    python benchmarks/short_window_screen.py rules benchmarks/results/r14short-screen.jsonl

`fits`: for every series, `lstm train` (a subprocess, as the accuracy study runs it) on the study's training part
with each variant's flags ("" is the defaults; e.g. "--window 10"), then one JSON line per series and seed: each
fit's held-out MAE / naive (the study's figure), its window, best epochs, one-step validation MAE, held-out
forecasts (`fc`) and the forecasts from every validation origin (`vfc`, from data row `first`). The defaults' fit
is the first variant.

`rules`: choice rules compared offline on those fits: each fixed variant, and "lowest": the variant with the lower
one-step MAE on the DEFAULTS' validation rows (a shorter window validates on more rows, a superset of those, so the
rows are out-of-sample for every fit); `--short-window 10` is "lowest {defaults, --window 10}" (its measured runs,
r14short-*.json, equal this rule's figures per seed). Geometric mean of held-out MAE / best(AutoARIMA, AutoETS) per
seed, the best from the stored round-13 runs.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import accuracy_study as study

H = 5
RESULTS = Path(__file__).resolve().parent / "results"
STAT_FILES = ("r13trend-*.json", "r13judge-trend-fresh4.json")


def fits(names: list[str], seed: int, variants: list[str]) -> None:
    from lstmcli.forecast import Forecaster

    for name in names:
        y, dates = study.load_series(name)
        origins, actual, naive = study.held_out(y)
        n = origins[0]
        recs = {}
        with tempfile.TemporaryDirectory() as tmp:
            csv, model = Path(tmp) / "t.csv", Path(tmp) / "m.npz"
            study._write_csv(csv, y[:n], dates[:n])
            for v in variants:
                cmd = [sys.executable, "-m", "lstmcli", "train", str(csv), "--model", str(model), "-q"]
                p = subprocess.run([*cmd, "--seed", str(seed), *v.split()], capture_output=True, text=True)
                if p.returncode:
                    print(json.dumps(dict(series=name, seed=seed, variant=v, error=p.stderr[-200:])), flush=True)
                    continue
                f = Forecaster.load(model)
                fc = np.array([f.predict(H, y[:o], None, interval=None).values for o in origins])
                first = f.info.validation.first_date_index
                vfc = np.array([f.predict(H, y[:o], None, interval=None).values for o in range(first, n)])
                recs[v] = dict(
                    first=int(first),
                    vfc=vfc.tolist(),
                    held=float(np.abs(fc - actual).mean() / naive),
                    window=f.config.window,
                    val1=f.info.validation.model.mae,
                    damped=f.config.damped_growth,
                    epochs=None if f.info.ensemble is None else list(f.info.ensemble.best_epochs),
                    fc=fc.tolist(),
                )
        print(json.dumps(dict(series=name, seed=seed, rows=len(y), n=n, naive=float(naive), fits=recs)), flush=True)


def _best() -> dict[str, float]:
    best = {}
    for pattern in STAT_FILES:
        for path in RESULTS.glob(pattern):
            if path.suffix != ".json":
                continue
            for s in json.loads(path.read_text())["series"]:
                m = {r["method"]: r for r in s["methods"]}
                if "autoarima" in m and "autoets" in m:
                    best[s["series"]] = min(m["autoarima"]["mae_naive"], m["autoets"]["mae_naive"])
    return best


def _common(r: dict, v: str) -> float:
    """Fit v's one-step MAE on the defaults' validation rows."""
    y, _ = study.load_series(r["series"])
    f, start = r["fits"][v], r["fits"][""]["first"]
    vfc = np.array(f["vfc"])
    return float(np.mean([abs(vfc[o - f["first"]][0] - y[o]) for o in range(start, r["n"])]))


def rules(path: str) -> None:
    recs = [json.loads(line) for line in Path(path).read_text().splitlines() if '"fits"' in line]
    best = _best()
    variants = list(dict.fromkeys(v for r in recs for v in r["fits"]))

    def geo(values):
        return math.exp(sum(math.log(x) for x in values) / len(values))

    def lowest(cands, min_rows=0):
        def pick(r):
            if r["n"] - r["fits"][""]["first"] < min_rows:
                return ""
            scores = {c: _common(r, c) for c in cands if c in r["fits"]}
            return min(scores, key=lambda c: (scores[c], list(scores).index(c)))  # a tie: the defaults

        return pick

    chosen = {(v or "defaults"): (lambda r, v=v: v) for v in variants}
    for other in variants[1:]:
        chosen[f"lowest {{defaults, {other}}}"] = lowest(["", other])
    chosen["lowest of all"] = lowest(variants)
    chosen["lowest {defaults, --window 10}, 3+ validation rows"] = lowest(["", "--window 10"], 3)
    seeds = sorted({r["seed"] for r in recs})
    print(f"| rule ({len({r['series'] for r in recs})} series) | " + " | ".join(f"seed {s}" for s in seeds) + " |")
    print("| --- |" + " ---: |" * len(seeds))
    for name, pick in chosen.items():
        cells = []
        for s in seeds:
            vals = []
            for r in (r for r in recs if r["seed"] == s):
                v = pick(r)
                vals.append(r["fits"][v if v in r["fits"] else ""]["held"] / best[r["series"]])
            cells.append(f"{geo(vals):.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if sys.argv[1] == "fits":
        fits(sys.argv[2].split(","), int(sys.argv[3]), sys.argv[4].split(";"))
    else:
        rules(sys.argv[2])
