"""Does `--global` (one network for all series) beat local models (one per series) on short related series?

The corpus: the 12 quarterly US macro series of statsmodels' `macrodata` (1959 Q1 .. 2009 Q3,
203 quarters: real GDP, consumption, investment, government spending, disposable income, CPI,
M1, T-bill rate, unemployment, population, inflation, real interest rate), related series of
one economy. `--extract` writes them once, as a long CSV, to benchmarks/corpus_panel/macrodata.csv;
the study reads only that file.

Protocol, per series: the last `--test` quarters (8) are the test; the `--train` quarters (40,
10 years: short) before them are all a model sees (a local model trains and validates on them;
the global network trains on the same 40 quarters of all 12 series together). Forecasts start
from every test origin using the actual history before it (no refit): one step ahead, and 1..4
steps ahead from the origins that have 4 actuals after them. Score: MAE relative to naive (last
value) per series; then the geometric mean over series and how many series beat naive. Repeated
with `--seeds` seeds (0, 1, 2); the same with `--train 187` (all the history) as a long-series check.

    pip install statsmodels && python benchmarks/panel_global_study.py --extract
    python benchmarks/panel_global_study.py [--train 40] [--seeds 3] [--out results.json]
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the lstm command: the same numbers for any --jobs

import numpy as np

from lstmcli.panel import FitTask, Panel, series_seed
from lstmcli.panel_data import read_panel
from lstmcli.training import TrainConfig

CSV = Path(__file__).resolve().parent / "corpus_panel" / "macrodata.csv"
SERIES = ["realgdp", "realcons", "realinv", "realgovt", "realdpi", "cpi", "m1", "tbilrate", "unemp", "pop", "infl"]
SERIES += ["realint"]


def extract() -> None:
    import statsmodels.api as sm

    d = sm.datasets.macrodata.load_pandas().data
    dates = [f"{int(y)}-{3 * int(q) - 2:02d}-01" for y, q in zip(d["year"], d["quarter"], strict=True)]
    CSV.parent.mkdir(exist_ok=True)
    with CSV.open("w") as f:
        f.write("Date,Series,Value\n")
        for name in SERIES:
            f.writelines(f"{dt},{name},{v:.6g}\n" for dt, v in zip(dates, d[name], strict=True))
    print(f"wrote {CSV} ({len(SERIES)} series x {len(d)} quarters)")


def score(panel: Panel | None, full: dict, n_train: int, test: int) -> dict:
    """Per series: one-step and 1..4-step MAE of the model and of naive over the test origins."""
    out = {}
    for sid, y in full.items():
        start = len(y) - test - n_train  # first row the model saw
        one_m, one_n, h4_m, h4_n = [], [], [], []
        for origin in range(len(y) - test, len(y)):
            history = y[start:origin]
            last = history[-1]
            steps = min(4, len(y) - origin)
            if panel is not None:
                fc = panel.members[sid].predict(steps, values=history[:, None], interval=None).values
            else:
                fc = np.full(steps, last)
            one_m.append(abs(fc[0] - y[origin]))
            one_n.append(abs(last - y[origin]))
            if steps == 4:
                h4_m.append(np.mean(np.abs(fc - y[origin : origin + 4])))
                h4_n.append(np.mean(np.abs(last - y[origin : origin + 4])))
        out[sid] = {
            "one_step": float(np.mean(one_m) / np.mean(one_n)),
            "h1_4": float(np.mean(h4_m) / np.mean(h4_n)),
        }
    return out


def summary(rel: dict) -> dict:
    one = np.array([r["one_step"] for r in rel.values()])
    h4 = np.array([r["h1_4"] for r in rel.values()])
    return {
        "geo_mean_one_step": float(np.exp(np.mean(np.log(one)))),
        "geo_mean_h1_4": float(np.exp(np.mean(np.log(h4)))),
        "beat_naive_one_step": int((one < 1).sum()),
        "beat_naive_h1_4": int((h4 < 1).sum()),
        "series": len(one),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extract", action="store_true")
    ap.add_argument("--train", type=int, default=40)
    ap.add_argument("--test", type=int, default=8)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    if args.extract:
        extract()
        return
    inp = read_panel([CSV])
    full = {s.id: s.read().values[:, 0] for s in inp.series}
    # what the models may see: the n_train rows before the test
    cut = {sid: y[len(y) - args.test - args.train : len(y) - args.test] for sid, y in full.items()}
    results: dict = {"train_rows": args.train, "test_rows": args.test, "runs": []}
    for seed in range(args.seeds):
        config = TrainConfig(seed=seed)
        for how in ("local", "global"):
            panel = Panel(config, auto_window=True)
            tasks = [
                FitTask(
                    sid,
                    config if how == "global" else TrainConfig(seed=series_seed(seed, sid)),
                    auto_window=True,
                    values=y,
                    columns=["Value"],
                    name=sid,
                )
                for sid, y in cut.items()
            ]
            if how == "global":
                panel.fit_global(tasks)
            else:
                panel.fit_tasks(tasks, jobs=1)
            assert not panel.skipped, panel.skipped
            rel = score(panel, full, args.train, args.test)
            s = summary(rel)
            window = sorted({f.config.window for f in panel.members.values()})
            results["runs"].append({"seed": seed, "method": how, **s, "windows": window, "per_series": rel})
            print(
                f"seed={seed} method={how} window={window} geo_mean_mae_vs_naive_one_step={s['geo_mean_one_step']:.3f} "
                f"h1_4={s['geo_mean_h1_4']:.3f} beat_naive_one_step={s['beat_naive_one_step']}/{s['series']} "
                f"h1_4={s['beat_naive_h1_4']}/{s['series']}",
                flush=True,
            )
    for how in ("local", "global"):
        runs = [r for r in results["runs"] if r["method"] == how]
        print(
            f"median_over_seeds method={how} "
            f"one_step={np.median([r['geo_mean_one_step'] for r in runs]):.3f} "
            f"h1_4={np.median([r['geo_mean_h1_4'] for r in runs]):.3f}"
        )
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
