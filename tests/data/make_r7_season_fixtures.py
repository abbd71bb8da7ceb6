"""Generate the seasonal model files written by main as of commit 4cdf4f6 (round 7), in this folder.

Round 8 added `season.cycle` (weekly data: the position in the year) and `season.level_adjust` (the level input of a
phase-only seasonal model reads the seasonally adjusted level). Files written before have neither key and must
load and forecast exactly as that commit's code did: tests/test_level_adjust.py checks it with these files.
Run, with that commit's lstmcli first on the path:

    mkdir /tmp/r7 && git archive 4cdf4f6 lstmcli | tar -x -C /tmp/r7
    PYTHONPATH=/tmp/r7 python tests/data/make_r7_season_fixtures.py tests/data
"""

import json
import sys
from pathlib import Path

import numpy as np

from lstmcli.forecast import Forecaster
from lstmcli.training import TrainConfig

out = Path(sys.argv[1])
rng = np.random.default_rng(8)
t = np.arange(120)
quarterly = 100 * np.exp(0.005 * t + 0.15 * np.sin(2 * np.pi * t / 4) + np.cumsum(rng.normal(0, 0.02, len(t))))
quarters = (np.datetime64("1990-01", "M") + 3 * t).astype("datetime64[D]").astype("datetime64[s]")
weeks = np.arange(300)
weekly = 100 * np.exp(0.1 * np.sin(2 * np.pi * weeks / (365.25 / 7)) + np.cumsum(rng.normal(0, 0.02, len(weeks))))
sundays = (np.datetime64("2001-01-07") + 7 * weeks).astype("datetime64[s]")
cfg = TrainConfig(window=12, hidden=6, epochs=4, seed=1, level_input=True)
models = {
    "r7_quarterly_phase_level": Forecaster(cfg, season_method="phase").fit(quarterly[:100], quarters[:100]),
    "r7_weekly_level": Forecaster(cfg).fit(weekly[:260], sundays[:260]),
}
expect = {}
for name, f in models.items():
    f.save(out / f"{name}.npz")
    g = Forecaster.load(out / f"{name}.npz")
    values, dates = (quarterly, quarters) if "quarterly" in name else (weekly, sundays)
    expect[name] = {
        "own": g.predict(6).values.tolist(),
        "newer": g.predict(6, values[5:], dates[5:]).values.tolist(),  # newer data placed by its dates
    }
(out / "r7_season_expected_forecasts.json").write_text(json.dumps(expect, indent=1, sort_keys=True) + "\n")
