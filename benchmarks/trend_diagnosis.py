"""Where the LSTM's error on smooth trending series comes from (round 9, branch r9trend): per-step growth.

    PYTHONPATH=. python benchmarks/trend_diagnosis.py austres,realgdp,pop          # seeds 0, 1, 2
    PYTHONPATH=. python benchmarks/trend_diagnosis.py realgdp --seeds 0 --single   # one network, not the ensemble

The study's protocol (accuracy_study.py: the last 20% held out, origins every 5 steps, one fit on the rows
before the first origin), the model `lstm train` builds there (`Forecaster(auto_window=True)`, the default
ensemble size), fitted in-process. For each series it prints, in % per step of log growth:
- the training part's mean growth, the realised growth after each origin and the recent growth before it;
- the LSTM's forecast growth per origin and per step (a recursive path that drifts back to the training
  mean shows as a rising or falling row), the forecast's mean relative error per step (its bias);
- the same bias for drift and for a Holt linear trend on log prices (alpha, beta by a grid on the training
  part's one-step squared errors; a diagnosis baseline only, never a forecast of the tool);
- each network's best epoch and MAE / naive, and its *responsiveness*: the least-squares slope of its
  one-step forecast growth on the mean growth of the 4 steps before, over every row from 40 on (training
  rows and held-out rows apart), beside the same slope of the realised growth (the data's own).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import accuracy_study as study

H, RECENT, LAGS = 5, 8, 4


def holt_log(ly: np.ndarray, train_n: int):
    """(forecast(origin) -> (H,) log forecasts and the trend, alpha, beta): Holt's linear trend on log prices."""

    def run(a: float, b: float, upto: int) -> tuple[float, float, float]:
        level, trend, sse = ly[0], ly[1] - ly[0], 0.0
        for x in ly[1:upto]:
            e = x - (level + trend)
            sse += e * e
            level, trend = level + trend + a * e, trend + b * a * e  # error-correction form
        return level, trend, sse

    grid = [(a, b) for a in np.linspace(0.05, 1, 20) for b in np.linspace(0, 1, 21)]
    a, b = min(grid, key=lambda ab: run(*ab, train_n)[2])

    def forecast(origin: int) -> tuple[np.ndarray, float]:
        level, trend, _ = run(a, b, origin)
        return level + trend * np.arange(1, H + 1), trend

    return forecast, a, b


def slope(x: np.ndarray, y: np.ndarray) -> float:
    x = x - x.mean()
    return float(np.dot(x, y - y.mean()) / np.dot(x, x))


def pct(values) -> str:
    return " ".join(f"{100 * v:6.3f}" for v in values)


def diagnose(name: str, seeds: list[int], single: bool) -> None:
    from lstmcli.ensemble import default_size
    from lstmcli.forecast import Forecaster
    from lstmcli.training import TrainConfig

    y, dates = study.load_series(name)
    origins, actual, naive_mae = study.held_out(y)  # actual: (O, H)
    n = origins[0]
    d = np.array(dates, dtype="datetime64[s]")
    ly = np.log(y)
    train_growth = (ly[n - 1] - ly[0]) / (n - 1)
    realised = [np.mean(np.diff(ly[o - 1 : o + H])) for o in origins]
    recent = [np.mean(np.diff(ly[o - 1 - RECENT : o])) for o in origins]
    holt, a, b = holt_log(ly, n)
    holt_fc = np.exp(np.array([holt(o)[0] for o in origins]))
    drift_fc = y[np.array(origins) - 1, None] * np.exp(train_growth * np.arange(1, H + 1))
    rows = np.arange(40, len(y))  # one-step origins for the responsiveness slopes
    before = np.array([np.mean(np.diff(ly[o - 1 - LAGS : o])) for o in rows])
    after = ly[rows] - ly[rows - 1]
    in_train = rows < n
    print(f"\n== {name}: {len(y)} rows, fit on {n}, {len(origins)} origins; growth in % per step")
    print(f"  training mean growth {100 * train_growth:.3f}; Holt on log prices: alpha {a:.2f}, beta {b:.2f}")
    print(f"  realised after each origin     {pct(realised)}")
    print(f"  recent ({RECENT} steps) before each  {pct(recent)}")
    print(f"  Holt's trend at each origin    {pct([holt(o)[1] for o in origins])}")
    print(
        f"  data's responsiveness (slope of growth on the {LAGS} steps before): training "
        f"{slope(before[in_train], after[in_train]):.2f}, held-out {slope(before[~in_train], after[~in_train]):.2f}"
    )
    for seed in seeds:
        ens = 1 if single else default_size(n)
        f = Forecaster(TrainConfig(seed=seed), auto_window=True, ensemble=ens, jobs=1).fit(y[:n], d[:n])
        fc = np.array([f.predict(H, y[:o], None, interval=None).values for o in origins])
        growth = np.diff(np.log(np.column_stack([y[np.array(origins) - 1], fc])), axis=1)  # (O, H)
        members = [f.member(k) for k in range(len(f.members or [f.params]))]
        epochs = f.info.ensemble.best_epochs if f.info.ensemble else (f.result.best_epoch,)
        mae = np.mean(np.abs(fc - actual)) / naive_mae
        print(
            f"  seed {seed}: window {f.config.window}, {f.target}, season {f.season and f.season.period}, "
            f"{len(members)} network(s), best epochs {list(epochs)}; MAE / naive {mae:.3f}"
        )
        for k, m in enumerate(members):
            mfc = np.array([m.predict(H, y[:o], None, interval=None).values for o in origins])
            one = np.array([math.log(m.predict(1, y[:o], None, interval=None).values[0] / y[o - 1]) for o in rows])
            r_train, r_held = slope(before[in_train], one[in_train]), slope(before[~in_train], one[~in_train])
            print(
                f"    network {k}: MAE / naive {np.mean(np.abs(mfc - actual)) / naive_mae:.3f}, responsiveness "
                f"training {r_train:.2f}, held-out {r_held:.2f}"
            )
        print(f"    forecast growth per origin   {pct(growth.mean(axis=1))}")
        print(f"    forecast growth per step     {pct(growth.mean(axis=0))}")
        print(f"    relative error per step      {pct(((fc - actual) / actual).mean(axis=0))}")
    for label, fc in (("Holt", holt_fc), ("drift", drift_fc)):
        print(
            f"  {label:5s} MAE / naive {np.mean(np.abs(fc - actual)) / naive_mae:.3f}; relative error per step "
            f"{pct(((fc - actual) / actual).mean(axis=0))}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("series", help="comma-separated names of corpus or check-set series")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--single", action="store_true", help="one network per fit instead of the default ensemble")
    a = ap.parse_args(argv)
    for name in a.series.split(","):
        diagnose(name, [int(s) for s in a.seeds.split(",")], a.single)
    return 0


if __name__ == "__main__":
    sys.exit(main())
