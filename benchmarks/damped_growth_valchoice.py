"""Would a validation choice between off, --damped-growth 0.9 and 0.9 toward the mean pick well per series? (round 10)

    PYTHONPATH=. python benchmarks/damped_growth_valchoice.py austres,realgdp,cpi,shampoo,lynx,nile,bjsales,ausair,\
austa,livestock,guinearice > benchmarks/results/r10damp-valchoice.jsonl

In-process, the study's protocol: for every series and seed 0/1/2, the model `lstm train` builds on the rows before
the first origin (auto window, the default ensemble size) without the damped growth, with 0.9 toward zero and with
0.9 toward the mean; one JSON line each with the held-out MAE / naive (the study's figure), the one-step validation
MAE the fit records (val1) and the 5-step MAE from every validation origin (val5). benchmarks/README.md, "Damped
local growth", compares the choice rules offline:

    python benchmarks/damped_growth_valchoice.py --table benchmarks/results/r10damp-valchoice.jsonl
"""

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import accuracy_study as study

from lstmcli.ensemble import default_size
from lstmcli.forecast import Forecaster
from lstmcli.training import TrainConfig

H = 5
VARIANTS = {"off": {}, "dg90": {"damped_growth": 0.9}, "dm90": {"damped_growth": 0.9, "damped_toward": "mean"}}
RESULTS = Path(__file__).resolve().parent / "results"


def fits(names: list[str]) -> None:
    """Print one JSON line per series, seed and variant (see the module docstring)."""
    for name in names:
        y, dates = study.load_series(name)
        origins = study.origins_of(len(y))
        n = origins[0]
        d = np.array(dates, dtype="datetime64[s]")
        actual = np.array([y[o : o + H] for o in origins])
        naive = np.mean(np.abs(actual - y[np.array(origins) - 1, None]))
        for seed in (0, 1, 2):
            for v, kw in VARIANTS.items():
                f = Forecaster(TrainConfig(seed=seed, **kw), auto_window=True, ensemble=default_size(n), jobs=1).fit(
                    y[:n], d[:n]
                )
                fc = np.array([f.predict(H, y[:o], None, interval=None).values for o in origins])
                held = float(np.mean(np.abs(fc - actual)) / naive)
                val = f.info.validation
                first = val.first_date_index
                vo = list(range(first, n - H + 1))
                if vo:
                    vfc = np.array([f.predict(H, y[:o], None, interval=None).values for o in vo])
                    va = np.array([y[o : o + H] for o in vo])
                    v5 = float(np.mean(np.abs(vfc - va)))
                else:
                    v5 = float("nan")
                rec = dict(series=name, seed=seed, variant=v, held=held, val1=val.model.mae, val5=v5)
                print(json.dumps(rec), flush=True)


def table(path: str) -> None:
    """Markdown: the 3-seed mean held-out MAE / naive per series of each rule (the variant each seed picked), and the
    geometric mean over the series of that mean / the better of the stored AutoARIMA, AutoETS."""
    import math

    recs = [json.loads(line) for line in Path(path).read_text().splitlines() if line.startswith("{")]
    best = {}
    for f in ("accuracy-2026-11-29.json", "r9trend-devtrend-stat.json"):
        for s in json.loads((RESULTS / f).read_text())["series"]:
            m = {r["method"]: r for r in s["methods"]}
            if "autoarima" in m:
                best[s["series"]] = min(m["autoarima"]["mae_naive"], m["autoets"]["mae_naive"])
    by: dict = {}
    for r in recs:
        by.setdefault((r["series"], r["seed"]), {})[r["variant"]] = r
    names = list(dict.fromkeys(r["series"] for r in recs))

    def lowest(cands, key):
        def pick(d):
            vals = {v: d[v][key] for v in cands}
            if any(math.isnan(x) for x in vals.values()):  # no 5-step validation origin: the one-step score
                vals = {v: d[v]["val1"] for v in cands}
            return min(vals, key=vals.get)

        return pick

    rules = {v: (lambda d, v=v: v) for v in VARIANTS}
    for key in ("val1", "val5"):
        rules[f"{key} {{off, dg90}}"] = lowest(["off", "dg90"], key)
        rules[f"{key} {{all}}"] = lowest(list(VARIANTS), key)
    print("| rule | " + " | ".join(names) + " | geo-mean / best statistical model |")
    print("| --- | " + " | ".join("---" for _ in names) + " | ---: |")
    for name, pick in rules.items():
        cells, logs = [], []
        for n in names:
            picks = [pick(by[(n, s)]) for s in (0, 1, 2)]
            mean = float(np.mean([by[(n, s)][p]["held"] for s, p in zip((0, 1, 2), picks, strict=True)]))
            logs.append(math.log(mean / best[n]))
            chosen = "" if name in VARIANTS else " (" + "/".join(p.replace("off", "0") for p in picks) + ")"
            cells.append(f"{mean:.3f}{chosen}")
        print(f"| {name} | " + " | ".join(cells) + f" | {math.exp(np.mean(logs)):.3f} |")


if __name__ == "__main__":
    if sys.argv[1] == "--table":
        table(sys.argv[2])
    else:
        fits(sys.argv[1].split(","))
