"""The guarded combination of the season's fits (round 11, `lstm train --season-fits shrink`, season_fits.py):
halfway between the kept fit and the mean of the fits within COMBINE_WITHIN, and the kept fit alone unless that
blend's one-step validation MAE is below seasonal naive's.

Every test here fails on main (3fa394b): no "shrink" choice, no `shrink_weights`, no "halfway" in a model file.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_season_fits import CFG, QUARTERLY, _csv, _own_forecasts
from typer.testing import CliRunner

from lstmcli import season_fits
from lstmcli.cli import app
from lstmcli.errors import ModelFileError
from lstmcli.forecast import Forecaster, histories
from lstmcli.modelfile import META_KEY


def _fit(how: str = "shrink", values=QUARTERLY, **kw) -> Forecaster:
    return Forecaster(CFG, season=4, season_fits=how, **kw).fit(values)


@pytest.fixture
def two_fits(monkeypatch):
    """On QUARTERLY (seed 1) the adjustment's fit is kept (one-step MAE 2.24) and within 2.5x of it only the
    difference's (4.68; phase inputs 31.3): the blend of those two beats seasonal naive (4.75) on validation."""
    monkeypatch.setattr(season_fits, "COMBINE_WITHIN", 2.5)


def test_shrink_weights_are_halfway_to_the_mean():
    np.testing.assert_allclose(season_fits.shrink_weights(2), [0.75, 0.25], rtol=0, atol=1e-15)
    np.testing.assert_allclose(season_fits.shrink_weights(3), [2 / 3, 1 / 6, 1 / 6], rtol=0, atol=1e-15)
    a, b, c = (np.full((1, 2, 1), v) for v in (1.0, 2.0, 4.0))
    halfway = (1.0 + 7 / 3) / 2  # the kept fit's 1 and the mean 7/3
    np.testing.assert_allclose(season_fits.combine([a, b, c], season_fits.HALFWAY), np.full((1, 2, 1), halfway))
    np.testing.assert_array_equal(season_fits.combine([a, b, c]), np.mean(np.stack([a, b, c]), axis=0))


@pytest.mark.parametrize("ensemble", [1, 2])
def test_shrink_forecasts_halfway_between_the_kept_fit_and_the_mean(two_fits, ensemble):
    f = _fit(ensemble=ensemble)
    kept = Forecaster(CFG, season=4, ensemble=ensemble).fit(QUARTERLY)  # the default: one fit kept
    assert f.info.season_fits.combine == "halfway" and f.info.season_fits.methods == ("phase+adjust", "difference")
    np.testing.assert_array_equal(f.params["head.weight"], kept.params["head.weight"])  # the kept fit is the same
    W, off = f.config.window, f.target.offset
    hist = QUARTERLY[None, -(W + off) :, None]
    last = len(QUARTERLY) - 1
    own, other = _own_forecasts(f, hist, 7, last)
    np.testing.assert_allclose(f.paths(hist, 7, last_phase=last), 0.75 * own + 0.25 * other, rtol=1e-12)
    assert not np.allclose(own, other)
    # validation is the blend's own, below seasonal naive's on the same rows
    v = f.info.validation
    rows = np.arange(v.first_date_index, v.first_date_index + v.rows)
    one_step = f.paths(histories(QUARTERLY[:, None], W, f.target, rows - off), 1, last_phase=rows - 1)[:, 0, 0]
    assert v.model.mae == pytest.approx(np.mean(np.abs(one_step - QUARTERLY[rows])), rel=1e-12)
    assert v.model.mae < v.seasonal_naive.mae and v.model.mae != f.info.season_fits.mae
    assert "weighted mean (the kept fit 0.75, the other 0.25: halfway to their mean)" in f.choices["season"]


def test_shrink_keeps_the_kept_fit_alone_unless_below_seasonal_naive(monkeypatch):
    """Every fit combined (phase inputs' 31.3 among them): the blend's one-step MAE (4.92) is above seasonal naive's
    (4.75), so the model is the kept fit alone, as `keep` makes it: no partners, no season_fits in the file."""
    monkeypatch.setattr(season_fits, "COMBINE_WITHIN", 1e9)
    f = _fit()
    kept = _fit("keep")
    assert f.partners is None and f.info.season_fits is None
    assert f.info.validation.model.mae == kept.info.validation.model.mae
    np.testing.assert_array_equal(f.predict(6).values, kept.predict(6).values)
    np.testing.assert_array_equal(f.predict(6).lower, kept.predict(6).lower)
    assert "halfway to their mean, are not below seasonal naive on validation" in f.choices["season"]
    assert "the kept fit alone" in f.choices["season"]
    combined = _fit("combine")  # the plain mean of round 10 has no such guard
    assert combined.partners and combined.info.validation.model.mae > combined.info.validation.seasonal_naive.mae


def test_the_model_file_keeps_the_halfway_blend(two_fits, tmp_path):
    f = _fit(ensemble=2)
    path = f.save(tmp_path / "m.npz")
    with np.load(path) as z:
        meta = json.loads(z[META_KEY].tobytes())
    assert meta["season_fits"]["combine"] == "halfway"
    g = Forecaster.load(path)
    assert g.partners_combine == "halfway" and g.info.season_fits.to_dict() == f.info.season_fits.to_dict()
    for values in (None, QUARTERLY * 1.01):
        a, b = f.predict(6, values), g.predict(6, values)
        np.testing.assert_array_equal(a.values, b.values)
        np.testing.assert_array_equal(a.upper, b.upper)
    # an unknown way of combining is refused, naming the file
    with np.load(path) as z:
        arrays = {n: z[n] for n in z.files}
    meta["season_fits"]["combine"] = "median"
    arrays[META_KEY] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ModelFileError):
        Forecaster.load(tmp_path / "bad.npz")


def test_cli_shrink_predict_and_step_trace(two_fits, tmp_path):
    runner = CliRunner()
    data = _csv(tmp_path / "q.csv", QUARTERLY)
    model = tmp_path / "m.npz"
    flags = ["--window", "12", "--hidden", "6", "--epochs", "4", "--patience", "3", "--seed", "1", "--season", "4"]
    r = runner.invoke(app, ["train", str(data), "--model", str(model), "-q", "--season-fits", "shrink", *flags])
    assert r.exit_code == 0, r.output
    upto = _csv(tmp_path / "upto.csv", QUARTERLY * 1.01)
    r = runner.invoke(app, ["predict", "--model", str(model), "--days", "5", "--data", str(upto), "--json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["forecast"]
    f = Forecaster.load(model)
    assert f.info.season_fits.combine == "halfway"
    from lstmcli.data import read_prices

    api = f.predict(5, read_prices(upto).values, interval=0.9)
    np.testing.assert_array_equal([r["forecast"] for r in rows], api.values)
    np.testing.assert_array_equal([r["lower_90"] for r in rows], api.lower)
    r = runner.invoke(app, ["inspect", "--model", str(model), "--step-trace"])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "the model forecasts the weighted mean (the kept fit 0.75, the other 0.25: halfway" in text
    r = runner.invoke(app, ["inspect", "--model", str(model)])
    assert "weighted mean (the kept fit 0.75" in " ".join(r.output.split())


def test_cli_refuses_shrink_with_global(run, tmp_path):
    """Round 11 made shrink the default of one series; with --auto it is the refit's (test_round11_default.py)."""
    data = _csv(tmp_path / "q.csv", QUARTERLY[:100])
    r = run("train", str(data), "--model", str(tmp_path / "m.npz"), "--season-fits", "shrink", "--global")
    assert r.exit_code == 2, r
    assert "--season-fits shrink cannot be combined with --global" in " ".join(r.stderr.split())
