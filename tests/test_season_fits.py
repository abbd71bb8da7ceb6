"""Combining the season's fits (round 10, `lstm train --season-fits combine`, season_fits.py): the mean of the
forecasts of the fits within COMBINE_WITHIN of the lowest one-step validation MAE, instead of keeping one.

Every test here fails on main (c0e4a38): no `season_fits` option, no `season_fits` in the model file.
"""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from typer.testing import CliRunner

from lstmcli import season_fits
from lstmcli.cli import app
from lstmcli.errors import ModelFileError, OptionError
from lstmcli.forecast import Forecaster, histories
from lstmcli.modelfile import META_KEY
from lstmcli.training import TrainConfig

T = np.arange(120)
#: a quarterly series with a season, a trend and noise: the three fits score within a few percent of each other
QUARTERLY = 100 * np.exp(0.003 * T + 0.25 * np.sin(2 * np.pi * T / 4))
QUARTERLY = QUARTERLY * np.exp(np.cumsum(np.random.default_rng(3).normal(0, 0.02, len(T))))
CFG = TrainConfig(window=12, hidden=6, epochs=4, patience=3, seed=1)


@pytest.fixture
def every_fit(monkeypatch):
    """Combine every fit whatever their MAEs (the tests check the mechanics, not the factor)."""
    monkeypatch.setattr(season_fits, "COMBINE_WITHIN", 1e9)


def _fit(how: str = "combine", values=QUARTERLY, **kw) -> Forecaster:
    return Forecaster(CFG, season=4, season_fits=how, **kw).fit(values)


def _own_forecasts(f: Forecaster, hist, days, last) -> list[np.ndarray]:
    """Each combined fit's own forecast (the kept fit's first), as if it were alone."""
    from lstmcli import ensemble

    own = ensemble.combine(f.member_paths(hist, days, None, last), f.combine)
    return [own, *(p.paths(hist, days, None, last) for p in f.partners)]


@pytest.mark.parametrize("ensemble", [1, 2])
def test_the_combination_forecasts_the_mean_of_its_fits(every_fit, ensemble):
    f = _fit(ensemble=ensemble)
    kept = Forecaster(CFG, season=4, ensemble=ensemble).fit(QUARTERLY)  # the default: one fit kept
    assert len(f.partners) == 2 and f.info.season_fits.methods[0] == season_fits.method_of(f.season)
    assert sorted(f.info.season_fits.methods) == ["difference", "phase", "phase+adjust"]
    assert kept.partners is None and kept.info.season_fits is None
    np.testing.assert_array_equal(f.params["head.weight"], kept.params["head.weight"])  # the kept fit is the same
    assert f.info.season_fits.mae == kept.info.validation.model.mae
    W, off = f.config.window, f.target.offset
    hist = QUARTERLY[None, -(W + off) :, None]
    last = len(QUARTERLY) - 1
    each = _own_forecasts(f, hist, 7, last)
    np.testing.assert_allclose(f.paths(hist, 7, last_phase=last), np.mean(each, axis=0), rtol=1e-12)
    assert not np.allclose(each[0], each[1])  # the fits differ: the mean is not one of them


def test_validation_and_intervals_are_the_combinations_own(every_fit):
    f = _fit()
    v = f.info.validation
    rows = np.arange(v.first_date_index, v.first_date_index + v.rows)  # price rows of the validation targets
    hist = histories(QUARTERLY[:, None], f.config.window, f.target, rows - f.target.offset)
    one_step = f.paths(hist, 1, last_phase=rows - 1)[:, 0, 0]
    assert v.model.mae == pytest.approx(np.mean(np.abs(one_step - QUARTERLY[rows])), rel=1e-12)
    assert v.model.mae != f.info.season_fits.mae  # not the kept fit's own
    from lstmcli import intervals

    origins = (rows - f.target.offset)[-intervals.MAX_INTERVAL_ORIGINS :]
    H = len(f.info.intervals.quantiles)
    paths = f.paths(histories(QUARTERLY[:, None], f.config.window, f.target, origins), H, last_phase=origins)
    again = intervals.calibrate(paths[:, :, 0], QUARTERLY, origins + f.target.offset, True)
    np.testing.assert_allclose(f.info.intervals.quantiles, again.quantiles, rtol=1e-12)


def test_the_model_file_keeps_the_combination(every_fit, tmp_path):
    f = _fit(ensemble=2)
    path = f.save(tmp_path / "m.npz")
    with zipfile.ZipFile(path) as z:
        names = {n.removesuffix(".npy") for n in z.namelist()}
    assert {"fit1/weight_ih_l0", "fit1/member1/weight_ih_l0", "fit2/head.bias"} <= names
    g = Forecaster.load(path)
    assert [p.season.to_dict() for p in g.partners] == [p.season.to_dict() for p in f.partners]
    assert g.info.season_fits.to_dict() == f.info.season_fits.to_dict()
    newer = QUARTERLY * 1.01
    for values in (None, newer):
        a, b = f.predict(6, values), g.predict(6, values)
        np.testing.assert_array_equal(a.values, b.values)
        np.testing.assert_array_equal(a.lower, b.lower)
        np.testing.assert_array_equal(a.upper, b.upper)


def test_the_kept_default_writes_a_file_as_before(tmp_path):
    f = _fit("keep")
    path = f.save(tmp_path / "m.npz")
    with np.load(path) as z:
        meta = json.loads(z[META_KEY].tobytes())
        assert not any(n.startswith("fit") for n in z.files)
    assert "season_fits" not in meta


def test_a_file_missing_a_combined_fits_arrays_is_refused(every_fit, tmp_path):
    path = _fit().save(tmp_path / "m.npz")
    with np.load(path) as z:
        arrays = {n: z[n] for n in z.files if not n.startswith("fit2/")}
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ModelFileError, match="missing fit2/"):
        Forecaster.load(tmp_path / "bad.npz")


def test_nothing_is_combined_when_no_other_fit_is_close(monkeypatch):
    monkeypatch.setattr(season_fits, "COMBINE_WITHIN", 1.0)  # only a tie would be combined
    f = _fit()
    assert f.partners is None and f.info.season_fits is None
    assert "no other fit within 1x: nothing combined" in f.choices["season"]


def test_within_orders_the_best_first():
    assert season_fits.within({"phase": 2.0, "phase+adjust": 1.0, "difference": 1.2}, 1.25) == [
        "phase+adjust",
        "difference",
    ]
    assert season_fits.within({"phase": 1.0, "phase+adjust": 1.0}, 1.25) == ["phase", "phase+adjust"]


def test_an_unknown_choice_is_refused():
    with pytest.raises(OptionError, match="--season-fits 'best'"):
        Forecaster(CFG, season_fits="best")


# ----------------------------------------------------------------------------- the CLI


def _csv(path, values):
    dates = np.arange("1990-01", "2020-01", dtype="datetime64[M]")[: len(values)].astype("datetime64[D]")
    path.write_text("Date,Value\n" + "".join(f"{d},{v:.6f}\n" for d, v in zip(dates, values, strict=False)))
    return path


def test_cli_predict_data_gives_the_librarys_forecast(every_fit, tmp_path):
    runner = CliRunner()
    data = _csv(tmp_path / "q.csv", QUARTERLY[:100])
    model = tmp_path / "m.npz"
    flags = ["--window", "12", "--hidden", "6", "--epochs", "4", "--patience", "3", "--seed", "1", "--season", "4"]
    r = runner.invoke(app, ["train", str(data), "--model", str(model), "-q", "--season-fits", "combine", *flags])
    assert r.exit_code == 0, r.output
    upto = _csv(tmp_path / "upto.csv", QUARTERLY[:110])
    r = runner.invoke(app, ["predict", "--model", str(model), "--days", "5", "--data", str(upto), "--json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["forecast"]
    f = Forecaster.load(model)
    assert f.partners
    from lstmcli.data import read_prices

    newer = read_prices(upto)  # the values as the file holds them (6 decimals), undated: placed from row 0
    api = f.predict(5, newer.values, interval=0.9)
    np.testing.assert_array_equal([r["forecast"] for r in rows], api.values)
    np.testing.assert_array_equal([r["lower_90"] for r in rows], api.lower)
    r = runner.invoke(app, ["inspect", "--model", str(model), "--step-trace"])
    assert r.exit_code == 0, r.output
    assert "The model combines the season's fits: the network traced is the kept fit's" in " ".join(r.output.split())
    r = runner.invoke(app, ["inspect", "--model", str(model)])
    assert "season fits" in r.output


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--season-fits", "best"], "--season-fits 'best' is not known"),
        (["--season-fits", "combine", "--global"], "--season-fits combine cannot be combined with --global"),
    ],
)
def test_cli_refuses_bad_season_fits(run, tmp_path, flags, message):
    data = _csv(tmp_path / "q.csv", QUARTERLY[:100])
    r = run("train", str(data), "--model", str(tmp_path / "m.npz"), *flags)
    assert r.exit_code == 2, r
    assert message in " ".join(r.stderr.split())
    assert not (tmp_path / "m.npz").exists()


def test_refit_all_refits_every_combined_fit(every_fit):
    from dataclasses import replace

    f = Forecaster(replace(CFG, refit_all=True), season=4, season_fits="combine").fit(QUARTERLY)
    assert len(f.partners) == 2
    assert all(g.info.training.refit_epochs is not None for g in [f, *f.partners])
    assert not any(hasattr(g, "_refit_job") or hasattr(g, "_rows") for g in [f, *f.partners])
