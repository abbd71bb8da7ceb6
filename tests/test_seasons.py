"""Seasons at training time: detection at fit, --season's edges, the model file, phase inputs, the trace."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import SAMPLE

from lstmcli import modelfile, seasons
from lstmcli.errors import OptionError
from lstmcli.forecast import Forecaster, recursive_forecast
from lstmcli.trace import trace
from lstmcli.training import TrainConfig

MONTHLY = SAMPLE / "monthly_seasonal.csv"
TINY = TrainConfig(window=14, hidden=6, epochs=3, seed=0)


def _monthly(n: int = 120, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A trending series with a strong 12-month multiplicative season, and its month dates."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = 100 * np.exp(0.004 * t) * (1 + 0.3 * np.sin(2 * np.pi * t / 12)) * np.exp(0.02 * rng.standard_normal(n))
    dates = np.datetime64("2010-01", "M") + t  # (n,) months
    return y, dates.astype("datetime64[D]").astype("datetime64[s]")


# ------------------------------------------------------------------ detection at fit


def test_fit_detects_the_season_on_the_training_part_and_says_why():
    y, d = _monthly()
    f = Forecaster(TINY, season_method="phase").fit(y, d)
    assert f.season is not None and f.season.length == 12 and f.season.phase_inputs
    assert f.choices["season"].startswith("season 12 (autocorrelation ") and "at lag 12)" in f.choices["season"]
    assert f.params["weight_ih_l0"].shape[1] == 4  # the value + season sin + season cos + the default's level vs mean
    assert f.params["head.weight"].shape[0] == 1  # the network predicts only the real column
    # what the training part alone says: the detector sees no row after the validation split
    train_rows = f.info.data.train_rows
    assert f.season.reason == seasons.detect_season(y[:train_rows], "M")[1]


def test_no_season_for_business_days_irregular_dates_or_none():
    rng = np.random.default_rng(1)
    y = 100 * np.exp(np.cumsum(0.01 * rng.standard_normal(200)))
    days = np.busday_offset(np.datetime64("2021-03-01"), np.arange(200), roll="forward")
    f = Forecaster(TINY).fit(y, days)
    assert f.season is None and "business days" in f.choices["season"]
    assert f.params["weight_ih_l0"].shape[1] == 2  # the value and the default's level vs mean: no season inputs
    f = Forecaster(TINY).fit(y)  # no dates: no frequency to suggest a season
    assert f.season is None and "no regular frequency" in f.choices["season"]
    y, d = _monthly()
    f = Forecaster(TINY, season="none").fit(y, d)
    assert f.season is None and "season" not in f.choices


def test_a_given_season_is_used_without_dates():
    y, _ = _monthly()
    f = Forecaster(TINY, season=12, season_method="phase").fit(y)
    assert f.season.length == 12 and f.season.reason == "season 12 (given with --season)"


def test_without_a_season_the_fit_is_what_it_was():
    """A series with no season trains exactly as before seasons existed (same weights)."""
    rng = np.random.default_rng(2)
    y = 50 + np.cumsum(rng.standard_normal(150))
    a = Forecaster(TINY, season="none").fit(y)
    b = Forecaster(TINY).fit(y)  # auto, no dates: no season
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])


def test_auto_method_keeps_the_lower_validation_mae():
    y, d = _monthly()
    auto = Forecaster(TINY).fit(y, d)
    phase = Forecaster(TINY, season_method="phase").fit(y, d)
    both = Forecaster(TINY, season_method="phase+adjust").fit(y, d)
    difference = Forecaster(TINY, season_method="difference").fit(y, d)  # round 9: the third fit
    maes = {
        k: f.info.validation.model.mae
        for k, f in (("phase", phase), ("phase+adjust", both), ("difference", difference))
    }
    kept = min(maes, key=maes.get)
    assert auto.info.validation.model.mae == maes[kept]
    assert (auto.season.adjust is not None) == (kept == "phase+adjust")
    assert auto.season.difference == (kept == "difference")
    assert "chosen on validation" in auto.choices["season"]


# ------------------------------------------------------------------ the option's edges


@pytest.mark.parametrize("text", ["1", "0", "-3", "1.5", "twelve"])
def test_parse_season_refuses_what_is_not_a_season(text):
    with pytest.raises(OptionError, match="--season") as e:
        seasons.parse_season(text)
    assert "--season none" in (e.value.hint or "") or "auto, none" in (e.value.hint or "")


def test_parse_season_accepts_auto_none_and_lengths():
    assert seasons.parse_season(None) == "auto"
    assert seasons.parse_season(" Auto ") == "auto" and seasons.parse_season("none") == "none"
    assert seasons.parse_season("12") == 12 and seasons.parse_season(4) == 4


@pytest.mark.parametrize("season", ["1", "0", "-2", "500"])
def test_train_season_edges_are_one_error_line(run, tmp_path, season):
    r = run("train", str(MONTHLY), "--season", season, "--epochs", "1", "-q", "--model", str(tmp_path / "m.npz"))
    assert r.exit_code == 2, r
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("Error:")]
    assert len(errors) == 1 and "--season" in errors[0], r.stderr
    assert "--season none" in r.stderr
    assert not (tmp_path / "m.npz").exists()


def test_backtest_season_uses_the_same_option(run):
    r = run("backtest", str(MONTHLY), "--season", "1", "--epochs", "1", "-q")
    assert r.exit_code == 2 and r.stderr.startswith("Error: --season 1"), r
    r = run("backtest", str(MONTHLY), "--season", "none", "--epochs", "1", "--days", "2", "--every", "6", "--json")
    assert r.exit_code == 0, r
    payload = json.loads(r.stdout)
    assert payload["season"] == 1 and payload["reference"] == "naive"
    assert all(run["season"] is None for run in payload["fit_runs"])


def test_backtest_fits_use_the_detected_season_and_the_auto_window(run):
    r = run("backtest", str(MONTHLY), "--epochs", "1", "--days", "2", "--every", "6", "--json")
    assert r.exit_code == 0, r
    payload = json.loads(r.stdout)
    assert payload["season"] == 12
    assert payload["fit_runs"][0]["season"].startswith("season 12")
    # 144 rows before the test window allow the longest window, 30 (the auto window's most)
    assert payload["fit_runs"][0]["window"] == 30 == payload["model"]["window"]


def test_backtest_auto_window_shortens_for_short_series():
    from lstmcli.backtest import BacktestSpec, run_backtest

    y, _ = _monthly(40)
    r = run_backtest(y, TrainConfig(epochs=1, hidden=4), "log-return", BacktestSpec(days=2), auto_window=True)
    assert r.fit_configs[0]["window"] < 30 and r.config.window == r.fit_configs[0]["window"]


# ------------------------------------------------------------------ the model file


def test_model_file_round_trip_with_a_season(tmp_path):
    y, d = _monthly()
    f = Forecaster(TINY, season_method="phase+adjust").fit(y, d)
    path = f.save(tmp_path / "m.npz")
    g = Forecaster.load(path)
    assert g.season.length == 12 and g.season.adjust == f.season.adjust and g.season.phase_inputs
    np.testing.assert_array_equal(g.season.indices, f.season.indices)
    assert g.info.to_dict() == f.info.to_dict()
    np.testing.assert_array_equal(g.predict(7).values, f.predict(7).values)
    meta = modelfile.load(path)[1]
    assert meta["season"]["length"] == 12 and meta["features"] == meta["outputs"] == 1


def test_model_file_refuses_a_malformed_season(tmp_path):
    y, d = _monthly()
    path = Forecaster(TINY, season_method="phase").fit(y, d).save(tmp_path / "m.npz")
    params, meta = modelfile.load(path)
    meta["season"]["length"] = 1
    modelfile.save(path, params, meta)
    with pytest.raises(Exception, match="season length"):
        modelfile.read(path)


def test_old_model_files_load_without_a_season():
    """The two v1 files written before seasons: no season, no `season` key written back."""
    for name in ("v1_dated_logreturn", "v1_undated_level"):
        f = Forecaster.load(SAMPLE.parent / "tests" / "data" / f"{name}.npz")
        assert f.season is None and f.info.season is None and f.last_phase() is None
        assert "season" not in f.info.to_dict()


# ------------------------------------------------------------------ phase inputs, dated


def test_phase_inputs_continue_after_the_last_row():
    """Each fed-back step reads the next row's season sin/cos: a forecast from the phase after is different."""
    y, d = _monthly()
    f = Forecaster(TINY, season_method="phase").fit(y, d)
    W = f.config.window
    hist = y[None, -(W + 1) :, None]  # (1, W + 1, 1)
    last = len(y) - 1
    run = lambda p: recursive_forecast(  # noqa: E731
        f.params, f.info.scaler, f.target, W, hist, 14, season=f.season, last_phase=p, level=f.level
    )[0, :, 0]
    np.testing.assert_array_equal(run(last), f.predict(14).values)
    np.testing.assert_array_equal(run(last), run(last + 12))  # a whole season later: the same phases
    assert not np.allclose(run(last), run(last + 3))


def test_newer_data_is_placed_by_its_dates():
    """--data cut from the front (dates given) forecasts as the whole file does; undated, row 0 is row 0."""
    y, d = _monthly(150)
    f = Forecaster(TINY, season_method="phase+adjust").fit(y[:120], d[:120])
    whole = f.predict(5, y[:140], d[:140]).values
    np.testing.assert_allclose(f.predict(5, y[7:140], d[7:140]).values, whole, rtol=1e-12)
    np.testing.assert_allclose(f.predict(5, y[:140]).values, whole, rtol=1e-12)  # undated, from row 0
    assert f.last_phase(140 - 7, d[7:140]) == f.last_phase(140) == 139 % 12


def test_predict_data_cli_matches_the_library(run, tmp_path):
    y, d = _monthly(150)
    train_csv, newer_csv = tmp_path / "train.csv", tmp_path / "newer.csv"
    dates = [str(x)[:10] for x in d]
    train_csv.write_text(
        "Date,Sales\n" + "".join(f"{a},{float(v)!r}\n" for a, v in zip(dates[:120], y[:120], strict=True))
    )
    newer_csv.write_text(
        "Date,Sales\n" + "".join(f"{a},{float(v)!r}\n" for a, v in zip(dates[5:140], y[5:140], strict=True))
    )
    model = tmp_path / "m.npz"
    r = run("train", str(train_csv), "--window", "14", "--hidden", "6", "--epochs", "3", "-q", "--model", str(model))
    assert r.exit_code == 0, r
    assert "season 12 (autocorrelation" in r.stdout
    r = run("predict", "--data", str(newer_csv), "--days", "4", "--json", "--model", str(model), "--interval", "0")
    assert r.exit_code == 0, r
    rows = json.loads(r.stdout)["forecast"]
    expected = Forecaster.load(model).predict(4, y[:140], interval=None)
    np.testing.assert_allclose([row["forecast"] for row in rows], expected.values, rtol=1e-9)
    assert rows[0]["date"].startswith("2021-09")  # row 140 of months from 2010-01


def test_steps_between_dates():
    s = np.datetime64
    assert seasons.steps_between(s("2020-01-01"), s("2021-03-01"), "M") == 14
    assert seasons.steps_between(s("2020-01-01"), s("2021-04-01"), "Q") == 5
    assert seasons.steps_between(s("2020-03-01"), s("2020-01-01"), "M") == -2
    assert seasons.steps_between(s("2024-01-05"), s("2024-01-12"), "B") == 5
    assert seasons.steps_between(s("2024-01-12"), s("2024-01-05"), "B") == -5
    assert seasons.steps_between(s("2024-01-01"), s("2024-02-05"), "W") == 5
    assert seasons.steps_between(s("2024-01-01"), s("2024-01-02T03:00"), "h") == 27
    assert seasons.steps_between(s("2024-01-01"), s("2024-01-02"), None) is None


# ------------------------------------------------------------------ adjustment


def test_seasonal_indices_recover_a_pure_season_and_invert():
    t = np.arange(60)
    pattern = np.array([0.8, 1.0, 1.2, 1.0])
    y = (100 + t) * pattern[t % 4]
    s = seasons.seasonal_indices(y, 4, True)
    np.testing.assert_allclose(s, pattern, rtol=0.02)
    info = seasons.SeasonInfo(4, "test", False, "multiplicative", s)
    adj = info.adjusted(y[:, None], t)
    np.testing.assert_allclose(info.reseasoned(adj[:, 0], t), y, rtol=1e-12)
    additive = seasons.seasonal_indices(t + np.array([-1.0, 0, 2, -1])[t % 4], 4, False)
    np.testing.assert_allclose(additive, [-1, 0, 2, -1], atol=1e-9)


# ------------------------------------------------------------------ the trace


def test_trace_names_the_season_inputs_and_forecasts_as_predict():
    y, d = _monthly()
    f = Forecaster(TINY, season_method="phase+adjust").fit(y, d)
    t = trace(f)
    assert t.input_names == ["value", "season sin", "season cos", "level vs mean"]  # the default's level input last
    assert t.scaled.shape == (f.config.window, 4)
    rows = t.rows  # each step's row: its phase is row mod 12
    np.testing.assert_allclose(t.scaled[:, 1:3], seasons.phase_columns(rows, 12), atol=1e-6)
    np.testing.assert_allclose(t.forecast[0], f.predict(1).values[0], rtol=1e-12)
    t = trace(f, y[:100], d[:100])
    np.testing.assert_allclose(t.forecast[0], f.predict(1, y[:100], d[:100]).values[0], rtol=1e-12)


def test_inspect_step_trace_shows_the_season_inputs(run, tmp_path):
    model = tmp_path / "m.npz"  # a window of 11 months does not reach a season back: no seasonal difference's fit
    r = run("train", str(MONTHLY), "--window", "11", "--hidden", "4", "--epochs", "2", "-q", "--model", str(model))
    assert r.exit_code == 0, r
    r = run("inspect", "--model", str(model), "--step-trace", "--units", "0,1", "--steps", "2")
    assert r.exit_code == 0, r
    assert "season sin" in r.stdout and "season cos" in r.stdout
    r = run("inspect", "--model", str(model), "--step-trace", "--units", "1", "--steps", "2")
    # the caption names the two season inputs only (the default's level input has its own column)
    assert "the network also reads season sin and season cos = sin(2 pi k/12)" in " ".join(r.stdout.split())
    r = run("inspect", "--model", str(model), "--step-trace", "--json")
    payload = json.loads(r.stdout)
    assert payload["model"]["inputs"] == ["Sales", "season sin", "season cos", "level vs mean"]
    assert len(payload["steps"][0]["scaled"]) == 4


# ------------------------------------------------------------------ documentation


def test_season_is_documented(run):
    root = SAMPLE.parent
    for verb in ("train", "backtest"):
        r = run(verb, "--help")
        assert "--season" in r.stdout and "none" in r.stdout, verb
    assert "--season" in (root / "README.md").read_text()
    assert "--season" in (root / "CHANGELOG.md").read_text().split("\n## ")[1]  # the newest section


def test_newer_data_holding_the_last_training_date_is_placed_by_it():
    """A newer file is placed by the model's last training date when it holds it, with gaps in the dates elsewhere."""
    assert seasons.last_phase(12, 120, np.datetime64("2019-12-01"), None, _monthly(140)[1][100:140], 40) == 139 % 12
    # not holding it: counted in months from it; without dates: row 0 is the training data's row 0
    d = _monthly(150)[1]
    assert seasons.last_phase(12, 120, d[119], "M", d[125:140], 15) == 139 % 12
    assert seasons.last_phase(12, 120, d[119], "M", None, 15) == 14 % 12
    assert seasons.last_phase(12, 120, d[119], "h", d[125:140], 15, countable=False) == 14 % 12


def test_features_and_a_season():
    """Extra input columns and the season's: the season columns after them (then the default's level input, of
    column 0); only column 0 is adjusted."""
    y, d = _monthly()
    rng = np.random.default_rng(3)
    values = np.column_stack([y, 1000 + rng.standard_normal(len(y)).cumsum()])  # (N, 2)
    f = Forecaster(TINY, season_method="phase+adjust").fit(values, d, ["Sales", "Volume"])
    assert f.params["weight_ih_l0"].shape[1] == 5 and f.params["head.weight"].shape[0] == 2
    t = trace(f)
    assert t.input_names == ["Sales", "Volume", "season sin", "season cos", "level vs mean"]
    np.testing.assert_allclose(t.forecast[0], f.predict(1).values[0], rtol=1e-12)
    assert np.isfinite(f.predict(12).values).all()


def test_season_choice_writes_both_maes_like_the_error_table():
    """3.9999 beside 4.106 read "4.106 ... 4 without": a rounded-looking figure the error table shows as 3.9999."""
    from lstmcli.forecast import season_choice

    text = season_choice("season 12", 4.106, 3.99995)
    assert (
        "4.1060 with the series seasonally adjusted, 3.9999 without" in text
        or "4.1060 with the series seasonally adjusted, 4.0000 without" in text
    )
