"""Generate the format-version-1 model files in this folder, with the code as of commit d6c2988.

They were written before the model file became typed dataclasses (modelfile.ModelInfo) and are
kept unchanged, so tests/test_modelfile.py can check that files written by older lstmcli still
load and forecast the same. Run: python tests/data/make_v1_fixtures.py tests/data
"""

import json
import sys
from pathlib import Path

import numpy as np

from lstmcli.forecast import Forecaster
from lstmcli.training import TrainConfig

out = Path(sys.argv[1])
rng = np.random.default_rng(7)
n = 160
p = 50 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
vol = 1000 + np.cumsum(rng.normal(0, 5, n))
dates = np.busday_offset("2024-01-01", np.arange(n), roll="forward").astype("datetime64[s]")
fc = Forecaster(TrainConfig(window=8, hidden=4, epochs=3, seed=1), "log-return")
fc.fit(np.c_[p, vol], dates, ["Close", "Volume"], source="fixture.csv", sha256="0" * 64)
fc.save(out / "v1_dated_logreturn.npz")
# level target, no dates, too few validation rows for intervals
q = 10 + np.cumsum(rng.normal(0, 0.5, 60))
fc2 = Forecaster(TrainConfig(window=5, hidden=3, epochs=2, seed=2, dtype="float64"), "level")
fc2.fit(q)
fc2.save(out / "v1_undated_level.npz")
expect = {}
for name in ("v1_dated_logreturn", "v1_undated_level"):
    f = Forecaster.load(out / f"{name}.npz")
    expect[name] = f.predict(7, interval=0.8).to_dict()
(out / "v1_expected_forecasts.json").write_text(json.dumps(expect, indent=1, sort_keys=True) + "\n")
