"""Round 12's defaults for one series (benchmarks/README.md, "Round 12's defaults"): the damped growth judged over a
season ahead on every series but business days (growth.DEFAULT_CHOICE = OVER_SEASON) and the season's fits shrunk,
then moved toward seasonal naive where validation says the network does not beat it (season_fits.ONE_SERIES =
SHRINK_SNAIVE). Both were options on their branches (r12bend, r12snaive) and judged on fresh3, a check set built for
it before any fit.

test_a_direct_head_is_judged_on_its_own_steps fails on b23c1f6 (the merge before the flip): a direct head with fewer
outputs than the season was asked for a whole season and the fit crashed; the others fail there on the defaults.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from lstmcli import growth, season_fits
from lstmcli.cli import app
from lstmcli.forecast import Forecaster

FAST = ["--epochs", "3", "--hidden", "4", "--ensemble", "1"]


def _monthly_csv(path, n: int = 120):
    """A monthly season on a growth that slows."""
    rng = np.random.default_rng(7)
    t = np.arange(n)
    y = 100 * np.exp(0.01 * t - 0.00004 * t**2 + 0.15 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.02, n))
    dates = pd.date_range("1990-01-01", periods=n, freq="MS")
    pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Value": y}).to_csv(path, index=False)
    return path


def _said(r) -> str:
    return " ".join(r.output.replace("│", " ").split())


def test_the_constants():
    assert growth.over_season(growth.DEFAULT_CHOICE)  # OVER_SEASON in round 12; TREND (its seasonal choice) since 13
    assert season_fits.ONE_SERIES == season_fits.SHRINK_SNAIVE
    assert season_fits.DEFAULT == season_fits.KEEP  # the library's Forecaster(), panels, --global: unchanged


def test_a_seasonal_series_tries_the_damped_growth_over_a_season_by_default(tmp_path):
    csv = _monthly_csv(tmp_path / "m.csv")
    r = CliRunner().invoke(app, ["train", str(csv), "--model", str(tmp_path / "m.npz"), *FAST, "--window", "24"])
    assert r.exit_code == 0, r.output
    said = _said(r)
    assert "steps ahead (a season)" in said and "not tried on a seasonal series" not in said, said
    f = Forecaster.load(tmp_path / "m.npz")
    assert f.season is not None and f.season.length == 12


def test_a_direct_head_is_judged_on_its_own_steps(tmp_path):
    """Season 12, a direct head of 3 outputs: the growth is judged over the head's 3 steps, not 12."""
    csv = _monthly_csv(tmp_path / "m.csv")
    model = tmp_path / "d.npz"
    args = ["train", str(csv), "--model", str(model), *FAST, "--window", "24", "--strategy", "direct"]
    r = CliRunner().invoke(app, [*args, "--horizon", "3", "--damped-growth", "season"])
    assert r.exit_code == 0, r.output
    assert "over 1-3 steps ahead" in _said(r), _said(r)
    assert Forecaster.load(model).predict(3).values.shape == (3,)
