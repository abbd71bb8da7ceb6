"""Round 12's polish: what a new user meets first (issue list in the round-12 helper brief).

1. the too-short-series error says which numbers are defaults and which were given;
2. the summary's growth row formats its MAEs as the season row and the validation table do;
3. `lstm backtest` of one series takes `--season-fits` and `--damped-growth` as `lstm train` does.
"""

from __future__ import annotations

import re

from conftest import random_walk

from lstmcli.forecast import Forecaster
from lstmcli.render.common import price
from lstmcli.training import TrainConfig

# ---------------------------------------------------------------------------------------------------------------
# 2. the growth row's MAEs


def test_growth_row_formats_its_maes_as_prices():
    """The growth row once printed `:.4g` (`208` beside `249.1`, `1.235e+04`); now `render.common.price`, as the
    season row: both numbers read alike, thousands separated."""
    y = random_walk(120, 3, start=2_000_000.0, drift=0.002, vol=0.01)  # MAEs in the tens of thousands
    cfg = TrainConfig(window=12, hidden=4, epochs=2, patience=2, seed=1)
    f = Forecaster(cfg, season="none", ensemble=1, choose_growth=True).fit(y)
    row = f.choices["growth"]
    m = re.fullmatch(r"damped growth 0\.9 (?:not )?kept: one-step validation MAE (\S+) with it, (\S+) without", row)
    assert m, row
    for text in m.groups():
        assert "e+" not in text and re.fullmatch(r"\d{1,3}(?:,\d{3})*\.\d\d", text), row
    assert m.group(2) == price(f.info.validation.model.mae) or m.group(1) == price(f.info.validation.model.mae)
