"""Round 14, the lead's fixes. Each test fails on main before its fix (named in the test)."""

from __future__ import annotations

import json

import numpy as np
from test_season_fits import _csv
from typer.testing import CliRunner

from lstmcli.cli import app
from lstmcli.errors import DataError, OptionError

TINY = ["--window", "6", "--hidden", "4", "--epochs", "2", "--patience", "2", "--seed", "1", "--ensemble", "1", "-q"]


def test_predict_without_days_forecasts_all_a_short_direct_model_emits(tmp_path):
    """`lstm train --strategy direct --horizon 3`, then `lstm predict` (no --days): it forecasts the model's 3 steps.
    Fails on 6932af7: the default --days 5 was refused ("--days 5 is more than this model forecasts")."""
    y = 100 * np.exp(np.cumsum(np.random.default_rng(0).normal(0, 0.01, 120)))
    data, model = _csv(tmp_path / "p.csv", y), tmp_path / "m.npz"
    runner = CliRunner()
    r = runner.invoke(app, ["train", str(data), "--model", str(model), "--strategy", "direct", "--horizon", "3", *TINY])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["predict", "--model", str(model), "--json"])
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)["forecast"]) == 3
    r = runner.invoke(app, ["predict", "--model", str(model), "--days", "5"])  # asked for: still refused, as before
    assert isinstance(r.exception, OptionError) and "--days 5 is more than this model forecasts" in str(r.exception)
    r = runner.invoke(app, ["train", str(data), "--model", str(model), *TINY])  # recursive: 5 by default
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["predict", "--model", str(model), "--json"])
    assert r.exit_code == 0 and len(json.loads(r.stdout)["forecast"]) == 5


def test_a_panels_newer_data_of_other_bars_is_refused(tmp_path):
    """r14user refused `predict --data` of 1-minute bars with a model of 5-minute bars for one series; a panel's
    `predict --data` still forecast them in 1-minute steps, exit 0. Fails on 8561065."""
    rng = np.random.default_rng(0)

    def bars(minutes: int, n: int, start: str) -> str:
        t = np.datetime64(f"{start}T09:30") + np.arange(n) * np.timedelta64(minutes, "m")
        rows = []
        for ticker in ("AAA", "BBB"):
            prices = 100 * np.exp(np.cumsum(rng.normal(0, 0.001, n)))
            rows += [f"{str(a).replace('T', ' ')},{ticker},{p:.3f}\n" for a, p in zip(t, prices, strict=True)]
        return "Datetime,Ticker,Close\n" + "".join(rows)

    five, model = tmp_path / "five.csv", tmp_path / "m.npz"
    five.write_text(bars(5, 150, "2024-03-04"))
    runner = CliRunner()
    r = runner.invoke(app, ["train", str(five), "--model", str(model), *TINY])
    assert r.exit_code == 0, r.output
    one, later = tmp_path / "one.csv", tmp_path / "later.csv"
    one.write_text(bars(1, 150, "2024-03-05"))
    later.write_text(bars(5, 150, "2024-03-05"))
    r = runner.invoke(app, ["predict", "--model", str(model), "--data", str(one), "--days", "2"])
    assert isinstance(r.exception, DataError), r.output
    assert "series 'AAA' has bars 1 minute apart, but its model was trained on bars 5 minutes apart" in str(r.exception)
    r = runner.invoke(app, ["predict", "--model", str(model), "--data", str(later), "--days", "2", "--json"])
    assert r.exit_code == 0, r.output
