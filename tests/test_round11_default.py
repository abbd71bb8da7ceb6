"""Round 11: `--season-fits shrink` is the default of `lstm train` and `lstm backtest` on one series, and of
`lstm train --auto`'s refit (season_fits.ONE_SERIES); panels, --global and the library's Forecaster keep one fit.

Every test here fails on main (87f1277): there the CLI's default was keep, and neither `run_backtest` nor
`fit_auto` took `season_fits`.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_season_fits import QUARTERLY, _csv
from typer.testing import CliRunner

from lstmcli import season_fits
from lstmcli.cli import app
from lstmcli.forecast import Forecaster

FLAGS = ["--window", "12", "--hidden", "6", "--epochs", "4", "--patience", "3", "--seed", "1", "--season", "4"]


@pytest.fixture
def two_fits(monkeypatch):
    """As in test_season_fits_shrink.py: on QUARTERLY (seed 1) the adjustment's and the difference's fits are
    within 2.5x of each other's one-step validation MAE, and their blend beats seasonal naive on validation."""
    monkeypatch.setattr(season_fits, "COMBINE_WITHIN", 2.5)


def test_one_series_trains_with_shrink_unless_told(two_fits, tmp_path):
    runner = CliRunner()
    data = _csv(tmp_path / "q.csv", QUARTERLY)
    models = {how: tmp_path / f"{how or 'default'}.npz" for how in (None, "shrink", "keep")}
    for how, path in models.items():
        extra = [] if how is None else ["--season-fits", how]
        r = runner.invoke(app, ["train", str(data), "--model", str(path), "-q", *FLAGS, *extra])
        assert r.exit_code == 0, r.output
    default, shrink, keep = (Forecaster.load(p) for p in models.values())
    # round 12's default shrinks as shrink does (and moves toward seasonal naive only where validation says so)
    assert season_fits.ONE_SERIES == season_fits.SHRINK_SNAIVE and season_fits.DEFAULT == season_fits.KEEP
    assert default.info.season_fits.combine == season_fits.HALFWAY and keep.info.season_fits is None
    assert default.info.snaive_blend is None  # the network beats seasonal naive on this series' validation
    np.testing.assert_array_equal(default.predict(5).values, shrink.predict(5).values)
    assert not np.array_equal(default.predict(5).values, keep.predict(5).values)
    r = runner.invoke(app, ["train", "--help"], env={"COLUMNS": "200"})
    assert "shrink-snaive (the default for one series)" in " ".join(r.output.replace("│", " ").split())


def test_backtest_of_one_series_fits_as_train_does(monkeypatch, tmp_path):
    import lstmcli.backtest as bt

    seen, original = [], bt.run_backtest

    def spy(*args, **kwargs):
        seen.append(kwargs.get("season_fits"))
        return original(*args, **kwargs)

    monkeypatch.setattr(bt, "run_backtest", spy)
    data = _csv(tmp_path / "q.csv", QUARTERLY)
    flags = ["--window", "12", "--hidden", "6", "--epochs", "2", "--ensemble", "1"]
    r = CliRunner().invoke(app, ["backtest", str(data), "--test-fraction", "0.1", *flags])
    assert r.exit_code == 0, r.output
    assert seen == [season_fits.ONE_SERIES]
    # the library passes it on to every fit (and to --auto's refit)
    out = bt._lstm_block(
        QUARTERLY[:, None], 80, np.array([80]), *_block_args(), season="4", season_fits=season_fits.SHRINK
    )
    assert out[-1].season_fits == season_fits.SHRINK


def _block_args():
    from lstmcli.training import TrainConfig
    from lstmcli.transforms import Target

    config = TrainConfig(window=12, hidden=6, epochs=2, seed=1)
    return config, Target.LOG_RETURN, 3, 0.9, "q", None


def test_auto_refits_the_winner_with_shrink(monkeypatch, tmp_path):
    import lstmcli.autoselect as auto

    seen, original = [], auto.fit_auto

    def spy(*args, **kwargs):
        seen.append(kwargs.get("season_fits"))
        return original(*args, **{**kwargs, "max_candidates": 1})

    monkeypatch.setattr(auto, "fit_auto", spy)
    data = _csv(tmp_path / "q.csv", QUARTERLY)
    r = CliRunner().invoke(
        app, ["train", str(data), "--model", str(tmp_path / "m.npz"), "-q", "--auto", "--epochs", "2"]
    )
    assert r.exit_code == 0, r.output
    assert seen == [season_fits.ONE_SERIES]
    # --season-fits with --auto is the refit's (it was refused before round 11)
    r = CliRunner().invoke(
        app, ["train", str(data), "--model", str(tmp_path / "k.npz"), "-q", "--auto", "--epochs", "2",
              "--season-fits", "keep"]
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert seen[-1] == season_fits.KEEP
    f = original(QUARTERLY, max_candidates=1, season_fits=season_fits.SHRINK)
    assert f.season_fits == season_fits.SHRINK


def test_a_panel_keeps_one_fit_without_being_asked():
    from lstmcli.cli.train import one_series_only
    from lstmcli.errors import OptionError

    one_series_only(None, False, False)  # the default: a panel keeps one fit per series, no error
    one_series_only("keep", False, False)
    with pytest.raises(OptionError, match="is for one series"):
        one_series_only("shrink", False, False)
