"""Early-stopped fit, `--refit-all` refit, and their blend (mean of the two forecasts), on the accuracy corpus.

    OPENBLAS_NUM_THREADS=1 python benchmarks/refit_blend_study.py --seeds 0,1,2 \
        --output benchmarks/results/refit-blend.json

The accuracy study's protocol (accuracy_study.py: last 20% held out, origins every H = 5 steps,
one fit on the rows before the first origin), but in-process: per series and seed ONE
`Forecaster.fit` with `TrainConfig(refit_all=True)` and the auto window, as `lstm train --refit-all`
makes it, keeping the early-stopped weights too (the fit makes them first; the refit starts again
from the same initial weights). From every origin: the early-stopped model's forecast (= `lstm
train`), the refitted model's (= `lstm train --refit-all`) and their mean. MAE / naive per series,
and the geometric mean of MAE / best of the stored AutoARIMA/AutoETS errors (--reuse's JSON).
The first two columns must reproduce the accuracy study's lstm and `--refit-all` figures.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import accuracy_study as study  # noqa: E402

KINDS = ("early-stopped", "refit", "blend")


def run(name: str, seed: int) -> dict:
    """MAE per kind (and naive's) for one series and seed."""
    from lstmcli.data import read_prices
    from lstmcli.forecast import Forecaster
    from lstmcli.training import TrainConfig

    class Keeping(Forecaster):  # keeps the early-stopped weights the refit replaces
        def _refit_all(self, should_stop):
            self.first_params = self.params
            super()._refit_all(should_stop)

    y, dates = study.load_series(name)
    origins = study.origins_of(len(y))
    train_n = origins[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "train.csv"
        study._write_csv(path, y[:train_n], dates[:train_n])
        series = read_prices(path)
    refit = Keeping(TrainConfig(seed=seed, refit_all=True), auto_window=True)
    refit.fit(series, frequency=series.frequency, source=series.source)
    first = Keeping(refit.config, refit.target, strategy=refit.strategy, horizon=refit.horizon)
    first.params, first.info, first.season = refit.first_params, refit.info, refit.season
    actual = np.array([y[o : o + study.H] for o in origins])  # (origins, H)
    naive = np.array([np.full(study.H, y[o - 1]) for o in origins])
    made = {
        "early-stopped": np.array([first.predict(study.H, y[:o], None, interval=None).values for o in origins]),
        "refit": np.array([refit.predict(study.H, y[:o], None, interval=None).values for o in origins]),
    }
    made["blend"] = (made["early-stopped"] + made["refit"]) / 2
    mae = {k: float(np.abs(v - actual).mean()) for k, v in made.items()}
    return {"series": name, "seed": seed, "naive": float(np.abs(naive - actual).mean()), "mae": mae}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", help="comma-separated corpus names (default: all)")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--reuse", default=str(study.RESULTS / "accuracy-2026-11-29.json"), help="stored AutoARIMA/AutoETS")
    ap.add_argument("--output", default=str(study.RESULTS / "refit-blend.json"))
    a = ap.parse_args(argv)
    names = a.series.split(",") if a.series else [s.name for s in study.CORPUS_SPEC]
    seeds = [int(s) for s in a.seeds.split(",")]
    stored = {s["series"]: s for s in json.loads(Path(a.reuse).read_text())["series"]}
    best = {
        n: min(m["mae"] for m in stored[n]["methods"] if m["method"] in ("autoarima", "autoets") and m.get("mae"))
        for n in names
    }
    rows = []
    for n in names:
        for seed in seeds:
            rows.append(run(n, seed))
            r = rows[-1]
            print(n, seed, *(f"{k} {r['mae'][k] / r['naive']:.3f}" for k in KINDS), file=sys.stderr, flush=True)
    print("| series | " + " | ".join(f"{k}: mean; seeds {' / '.join(map(str, seeds))}" for k in KINDS) + " |")
    print("| --- |" + " --- |" * len(KINDS))
    for n in names:
        cells = []
        for k in KINDS:
            v = [r["mae"][k] / r["naive"] for r in rows if r["series"] == n]
            cells.append(f"{np.mean(v):.3f}; {' / '.join(f'{x:.3f}' for x in v)}")
        print(f"| {n} | " + " | ".join(cells) + " |")
    summary = {}
    for k in KINDS:
        logs = [[math.log(r["mae"][k] / best[r["series"]]) for r in rows if r["seed"] == s] for s in seeds]
        per_seed = [math.exp(np.mean(v)) for v in logs]
        summary[k] = {"geomean_vs_best_stat_per_seed": per_seed, "mean_over_seeds": float(np.mean(per_seed))}
    print(
        "| **geo-mean / best statistical model** | "
        + " | ".join(
            f"{summary[k]['mean_over_seeds']:.3f}; "
            + " / ".join(f"{x:.3f}" for x in summary[k]["geomean_vs_best_stat_per_seed"])
            for k in KINDS
        )
        + " |"
    )
    Path(a.output).write_text(json.dumps({"argv": argv or sys.argv[1:], "rows": rows, "summary": summary}, indent=1))
    print(f"wrote {a.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
