"""Ctrl-C during a season's later fits (weekly data's three, a season's fit with the adjustment) with the default
ensemble of short series: the finished fit is kept, never thrown away with the one stopped before any member."""

from __future__ import annotations

import numpy as np

from lstmcli.forecast import STOPPED_BEFORE, Forecaster
from lstmcli.training import TrainConfig

TINY = TrainConfig(window=14, hidden=6, epochs=3, seed=0)


def _weekly(n: int = 300, seed: int = 8) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = 100 * np.exp(0.1 * np.sin(2 * np.pi * t / (365.25 / 7)) + np.cumsum(0.02 * rng.standard_normal(n)))
    return y, (np.datetime64("2001-01-07") + 7 * t).astype("datetime64[s]")


def _monthly(n: int = 120) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    t = np.arange(n)
    y = 100 * np.exp(0.004 * t) * (1 + 0.3 * np.sin(2 * np.pi * t / 12)) * np.exp(0.02 * rng.standard_normal(n))
    return y, (np.datetime64("2010-01", "M") + t).astype("datetime64[D]").astype("datetime64[s]")


def _stop_after(members: int):
    done: list[int] = []
    return done, (lambda: len(done) >= members), (lambda k, n: done.append(k) if k else None)  # 0: a fit starts


def test_weekly_a_stop_after_the_first_fit_keeps_it():
    """Fails on main: the second fit (season 52) stopped before any member finished raised TrainingError, and the
    finished ensemble of the position in the year was lost (`lstm train` wrote nothing, exit 130)."""
    y, d = _weekly()
    done, stop, on_member = _stop_after(3)
    f = Forecaster(TINY, ensemble=3, jobs=1).fit(y, d, should_stop=stop, on_member=on_member)
    assert done == [1, 2, 3]  # only the first fit's members ran
    assert f.season.cycle is not None and f.info.ensemble.seeds == (0, 1, 2) and not f.info.training.interrupted
    year = Forecaster(TINY, season_method="phase", ensemble=3, jobs=1).fit(y, d)
    for k, v in year.params.items():
        np.testing.assert_array_equal(f.params[k], v)
    line = f.choices["season"]
    assert f"{STOPPED_BEFORE} season 52's phase inputs or the fit without either" in line


def test_weekly_a_stop_in_the_second_fit_keeps_what_finished_and_tries_no_third():
    y, d = _weekly()
    done, stop, on_member = _stop_after(4)  # one member of season 52's fit finished
    f = Forecaster(TINY, ensemble=3, jobs=1).fit(y, d, should_stop=stop, on_member=on_member)
    assert done == [1, 2, 3, 1]
    assert f"{STOPPED_BEFORE} the fit without either" in f.choices["season"]


def test_a_season_s_adjusted_fit_stopped_before_any_member_keeps_the_first():
    """Fails on main (TrainingError): monthly data with a season, the adjusted fit never started a member."""
    y, d = _monthly()
    done, stop, on_member = _stop_after(3)
    f = Forecaster(TINY, ensemble=3, jobs=1).fit(y, d, should_stop=stop, on_member=on_member)
    assert done == [1, 2, 3]
    assert f.season.length == 12 and f.season.adjust is None and f.info.ensemble.seeds == (0, 1, 2)
    assert f.choices["season"].endswith(f"({STOPPED_BEFORE} a seasonal adjustment)")
    assert np.isfinite(f.predict(3).values).all()


def test_each_later_fit_of_an_ensemble_says_its_members_start():
    """Fails on main: the member bar of weekly data's three fits sat full ("member 3/3", ETA 0:00:00) while the next
    fit's members trained: `on_member(0, n)` now says a fit's members start (the bar restarts, "fit 2: ")."""
    y, d = _weekly()
    calls: list[int] = []
    Forecaster(TINY, ensemble=3, jobs=1).fit(y, d, on_member=lambda k, n: calls.append(k))
    assert calls == [1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]


def test_the_member_bar_names_the_fit(tmp_path, run):
    y, d = _weekly(150)
    csv = tmp_path / "w.csv"
    csv.write_text("Week,Sales\n" + "".join(f"{str(t)[:10]},{v:.3f}\n" for t, v in zip(d, y, strict=True)))
    fast = ["--epochs", "2", "--hidden", "4", "--window", "8", "--model", str(tmp_path / "m.npz")]
    r = run("train", str(csv), *fast, "--damped-growth", "0")  # one whole fit (round 11's default makes two)
    assert r.exit_code == 0, r
    assert "fit 3: member   3/3" in r.stderr, r.stderr  # the bar's last state (a terminal sees fit 2 too)
