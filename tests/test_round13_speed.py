"""Round 13 (branch r13speed): a fit's own forecasts are made once (`Forecaster._own_paths`, `_paths_cache`).

`_combine_fits`, `_steps_maes` and `_toward_snaive`'s `_evaluate` forecast the same calibration origins with the same
weights; the second time the forecast made the first time is returned. An ensemble's members make the fit's
validation and calibration forecasts in their workers (EvaluationForecasts): those are kept as the fit's own too.
These tests pin that the cache changes no bit: a fit with the cache and one with it switched off give equal arrays
and choices. Every test here fails on main (66315b9): no `_own_paths`, no `_paths_cache`.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_season_fits import CFG, QUARTERLY
from test_season_fits_snaive import PATTERN

from lstmcli import ensemble as _ensemble
from lstmcli import growth
from lstmcli.forecast import Forecaster, histories


def _uncached(self, hist, days, scaler, last_phase):
    return _ensemble.combine(self.member_paths(hist, days, scaler, last_phase), self.combine)


def _state(f: Forecaster) -> dict:
    return {
        "validation": f.info.validation.to_dict(),
        "intervals": None if f.info.intervals is None else f.info.intervals.quantiles.tobytes(),
        "blend": f.info.snaive_blend,
        "fits": None if f.info.season_fits is None else f.info.season_fits.to_dict(),
        "choices": dict(f.choices),
        "weights": {k: v.tobytes() for k, v in f.params.items()},
        "snaive_weight": f.snaive_weight,
        "partners": len(f.partners or []),
    }


@pytest.mark.parametrize(
    ("values", "kw"),
    [
        (PATTERN, {"season": 4}),  # the blend toward seasonal naive fires
        (QUARTERLY, {"season": 4, "choose_growth": growth.OVER_SEASON}),  # both growth fits, a season ahead
        (QUARTERLY, {"choose_growth": growth.DEFAULT_CHOICE}),  # lstm train's default growth choice
        (QUARTERLY, {"season": 4, "ensemble": 2, "jobs": 1, "season_fits": "shrink"}),
        (PATTERN, {"season": 4, "ensemble": 3, "jobs": 2}),  # the members' forecasts made in worker processes
        (QUARTERLY, {"season": 4, "ensemble": 3, "jobs": 2, "choose_growth": growth.DEFAULT_CHOICE}),
        (PATTERN, {"season": "none", "naive_fits": "shrink-naive"}),  # toward naive without a season
    ],
)
def test_a_fit_with_the_cache_is_bit_for_bit_the_fit_without_it(monkeypatch, values, kw):
    kw = {"season_fits": "shrink-snaive", **kw}
    made = []
    real = Forecaster.member_paths
    monkeypatch.setattr(Forecaster, "member_paths", lambda self, *a, **k: made.append(1) or real(self, *a, **k))
    cached = Forecaster(CFG, **kw).fit(values)
    assert "_paths_cache" not in cached.__dict__  # dropped with the fit's other scratch state
    n_cached, made[:] = len(made), []
    with monkeypatch.context() as m:
        m.setattr(Forecaster, "_own_paths", _uncached)
        plain = Forecaster(CFG, **kw).fit(values)
    assert _state(cached) == _state(plain)
    assert n_cached <= len(made) and (cached.snaive_weight == 0 or n_cached < len(made))  # forecasts made once
    rows = np.arange(100, 120)
    hist = histories(values[:, None], CFG.window, cached.target, rows - cached.target.offset)
    np.testing.assert_array_equal(cached.paths(hist, 6, None, rows - 1), plain.paths(hist, 6, None, rows - 1))


def test_the_cache_returns_the_same_forecast_and_misses_when_the_weights_change(monkeypatch):
    f = Forecaster(CFG, season=4, season_fits="shrink-snaive").fit(QUARTERLY)
    rows = np.arange(90, 120)
    hist = histories(QUARTERLY[:, None], CFG.window, f.target, rows - f.target.offset)
    made = []
    real = Forecaster.member_paths
    monkeypatch.setattr(Forecaster, "member_paths", lambda self, *a, **k: made.append(1) or real(self, *a, **k))
    f._paths_cache = {}
    first = f.paths(hist, 5, None, rows - 1)
    again = f.paths(hist, 5, None, rows - 1)
    assert len(made) == 1 + len(f.partners or [])  # the second call forecast nothing
    np.testing.assert_array_equal(first, again)
    again[:] = 0.0  # a caller writing into its result does not reach the cache
    np.testing.assert_array_equal(f.paths(hist, 5, None, rows - 1), first)
    np.testing.assert_array_equal(f.paths(hist, 4, None, rows - 1), _uncached_paths(f, hist, 4, rows - 1))
    f.params = {k: v * 1.5 for k, v in f.params.items()}  # new weights (a refit): forecast again
    before = len(made)
    changed = f.paths(hist, 5, None, rows - 1)
    assert len(made) > before and not np.array_equal(changed, first)
    f.__dict__.pop("_paths_cache")
    np.testing.assert_array_equal(f.paths(hist, 5, None, rows - 1), changed)


def _uncached_paths(f: Forecaster, hist, days, last):
    cache = f.__dict__.pop("_paths_cache")
    try:
        return f.paths(hist, days, None, last)
    finally:
        f._paths_cache = cache


def test_an_ensemble_fit_keeps_its_members_forecasts_and_makes_none_again(monkeypatch):
    made = []
    real = Forecaster.member_paths
    monkeypatch.setattr(Forecaster, "member_paths", lambda self, *a, **k: made.append(1) or real(self, *a, **k))
    f = Forecaster(CFG, season=4, season_fits="shrink-snaive", ensemble=2, jobs=1).fit(PATTERN)
    assert f.snaive_weight > 0 and f.info.snaive_blend is not None  # the season's fits, then toward seasonal naive
    assert made == []  # every forecast the fit scored was its members' own, made beside their training
