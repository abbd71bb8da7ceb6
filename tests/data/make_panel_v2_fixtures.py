"""Generate the panel model files of format version 2 in this folder, with the code as of commit ebe4184.

Format 2 kept every number of every series' metadata in the JSON and every array under its series'
prefix; format 3 (lstmcli.panel) keeps them in a few panel-wide arrays. These files stay unchanged,
so tests/test_panel_many.py can check that panel files written by older lstmcli still load and
forecast the same. Run, with that commit's lstmcli first on the path:

    mkdir /tmp/v2 && git archive ebe4184 lstmcli | tar -x -C /tmp/v2
    PYTHONPATH=/tmp/v2 python tests/data/make_panel_v2_fixtures.py tests/data
"""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from lstmcli.panel import PANEL_FORMAT_VERSION, Panel
from lstmcli.training import TrainConfig

assert PANEL_FORMAT_VERSION == 2, "run this with the lstmcli of commit ebe4184"
out = Path(sys.argv[1])
rng = np.random.default_rng(11)
frames = []
for sid, n, start in (("AAA", 160, 50.0), ("BBB", 120, 3000.0), ("CCC", 90, 0.8)):
    frames.append(
        pd.DataFrame(
            {
                "unique_id": sid,
                "ds": np.busday_offset("2024-01-01", np.arange(n), roll="forward").astype("datetime64[s]"),
                "y": start * np.exp(np.cumsum(rng.normal(0, 0.01, n))),
            }
        )
    )
frame = pd.concat(frames)
local = Panel(TrainConfig(window=8, hidden=4, epochs=3, seed=1)).fit(frame)
local.save(out / "panel_v2.npz")
shared = Panel(TrainConfig(window=8, hidden=4, epochs=3, seed=1))
shared.fit_global(shared.tasks_from_frame(frame, "unique_id", "ds", "y"))
shared.save(out / "panel_v2_global.npz")
expect = {}
for name in ("panel_v2", "panel_v2_global"):
    forecasts = Panel.load(out / f"{name}.npz").predict(7, interval=0.8)
    expect[name] = {sid: fc.to_dict() for sid, fc in forecasts.items()}
(out / "panel_v2_expected_forecasts.json").write_text(json.dumps(expect, indent=1, sort_keys=True) + "\n")
