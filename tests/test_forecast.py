"""Forecaster: fit/predict/save/load, no look-ahead, validation metrics, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import random_walk

from lstmcli import metrics, modelfile
from lstmcli.errors import DataError, OptionError
from lstmcli.forecast import MAX_DAYS, Forecaster, check_horizon
from lstmcli.intervals import interval_bounds
from lstmcli.modelfile import IntervalInfo
from lstmcli.training import TrainConfig
from lstmcli.transforms import Scaler, Target, check_target, next_price, to_target

SMALL = dict(window=10, hidden=8, epochs=4, patience=3, batch_size=32)


def _bdays(n, start="2020-01-01"):
    return np.busday_offset(np.datetime64(start, "D"), np.arange(n), roll="forward").astype("datetime64[s]")


@pytest.fixture(scope="module")
def fitted():
    p = random_walk(300)
    return Forecaster(TrainConfig(**SMALL)).fit(p, _bdays(len(p)), ["Close"], frequency="B", source="x.csv"), p


def test_predict_gives_dated_business_day_prices(fitted):
    fc_model, p = fitted
    fc = fc_model.predict(5)
    assert fc.values.shape == (5,) and np.isfinite(fc.values).all()
    assert fc.last_value == p[-1]
    weekdays = (fc.dates.astype("datetime64[D]").view("int64") - 4) % 7  # 0 = Monday
    assert (weekdays < 5).all()
    assert (np.diff(fc.dates) > np.timedelta64(0, "s")).all() and fc.dates[0] > fc.last_date


def test_save_load_predicts_bit_for_bit(fitted, tmp_path):
    fc_model, _ = fitted
    path = fc_model.save(tmp_path / "m.npz")
    again = Forecaster.load(path)
    a, b = fc_model.predict(7), again.predict(7)
    assert np.array_equal(a.values, b.values)
    assert np.array_equal(a.lower, b.lower) and np.array_equal(a.dates, b.dates)
    for k, v in fc_model.params.items():
        assert np.array_equal(v, again.params[k]) and v.dtype == again.params[k].dtype


def test_same_seed_same_model_apart_from_timestamp(tmp_path):
    p = random_walk(200)
    metas, params = [], []
    for k in range(2):
        m = Forecaster(TrainConfig(**SMALL, seed=7)).fit(p)
        m.save(tmp_path / f"{k}.npz")
        prm, meta = modelfile.load(tmp_path / f"{k}.npz")
        meta.pop("created")
        metas.append(meta)
        params.append(prm)
    assert metas[0] == metas[1]
    for k in params[0]:
        assert np.array_equal(params[0][k], params[1][k])


def test_no_look_ahead_scaler_and_validation_ignore_later_data():
    """Changing data after the training cut-off leaves the scaler unchanged."""
    p = random_walk(300)
    a = Forecaster(TrainConfig(**SMALL)).fit(p)
    cut = a.info.data.train_rows
    q = p.copy()
    q[cut:] *= 3.0  # a wild future
    b = Forecaster(TrainConfig(**SMALL)).fit(q)
    assert a.info.scaler.to_dict() == b.info.scaler.to_dict()
    assert a.info.validation.scale == b.info.validation.scale


def test_validation_metrics_against_hand_computation(fitted):
    forecaster, p = fitted
    v = forecaster.info.validation
    start = v.first_date_index
    actual, previous = p[start:], p[start - 1 : -1]
    assert v.rows == len(actual)
    assert v.naive.mae == pytest.approx(np.mean(np.abs(actual - previous)), rel=1e-12)
    train_end = forecaster.info.data.train_rows - 1
    scale = np.mean(np.abs(np.diff(p[: train_end + 1])))
    assert v.naive.mase == pytest.approx(np.mean(np.abs(actual - previous)) / scale, rel=1e-12)


def test_predict_from_newer_data_uses_its_end(fitted):
    fc_model, p = fitted
    newer = np.append(p, p[-1] * 1.5 * np.ones(40))
    fc = fc_model.predict(3, newer[:, None], _bdays(len(newer)))
    assert fc.last_value == newer[-1]
    assert abs(fc.values[0] / newer[-1] - 1) < 0.2


@pytest.mark.parametrize("days", [0, -3])
def test_impossible_days(fitted, days):
    with pytest.raises(OptionError, match="--days"):
        fitted[0].predict(days)


def test_too_little_data_is_a_data_error():
    with pytest.raises(DataError, match="usable rows"):
        Forecaster(TrainConfig(**SMALL)).fit(random_walk(15), source="short.csv")


def test_log_return_rejects_non_positive_prices():
    p = random_walk(100)
    p[40] = 0.0
    with pytest.raises(DataError, match="above 0"):
        Forecaster(TrainConfig(**SMALL), "log-return").fit(p, source="zero.csv")


@pytest.mark.parametrize("kind", ["log-return", "diff", "level"])
def test_target_transforms_invert(kind):
    p = random_walk(20)[:, None]
    z = to_target(p, kind)
    rebuilt = [p[0]] if kind != "level" else []
    for step in z:
        rebuilt.append(next_price(rebuilt[-1] if rebuilt else None, step, kind))
    np.testing.assert_allclose(np.array(rebuilt), p, rtol=1e-12)


def test_scaler_constant_column_does_not_divide_by_zero():
    s = Scaler.fit(np.ones((10, 1)) * 5)
    assert np.all(np.isfinite(s.transform(np.ones((3, 1)))))


def test_interval_bounds_grow_with_horizon_and_cover_the_forecast(fitted):
    fc_model, _ = fitted
    fc = fc_model.predict(40, interval=0.9)
    assert (fc.lower <= fc.values).all() and (fc.values <= fc.upper).all()
    width = fc.upper - fc.lower
    assert width[-1] > width[0]


def test_interval_bounds_difference_kind():
    info = IntervalInfo("difference", np.array([0.05, 0.5, 0.95]), np.array([[-1.0, 0, 1], [-2, 0, 2]]), (30, 29))
    lo, hi = interval_bounds(info, np.array([10.0, 10.0, 10.0, 10.0]), 0.9)
    np.testing.assert_allclose(lo[:2], [9, 8])
    np.testing.assert_allclose(hi[:2], [11, 12])
    assert hi[3] > hi[2] > 12  # beyond the measured horizons: grows like sqrt(h)


def test_metric_functions_by_hand():
    a, f, prev = np.array([10.0, 12, 9]), np.array([11.0, 12, 7]), np.array([9.0, 10, 12])
    assert metrics.mae(a, f) == 1.0
    assert metrics.rmse(a, f) == pytest.approx(np.sqrt(5 / 3))
    assert metrics.mape(a, f) == pytest.approx(100 * (0.1 + 0 + 2 / 9) / 3)
    assert metrics.smape(a, f) == pytest.approx(100 * (2 / 21 + 0 + 4 / 16) / 3)
    assert metrics.naive_scale(np.array([1.0, 3, 2, 6])) == pytest.approx((2 + 1 + 4) / 3)
    assert metrics.naive_scale(np.array([1.0, 3, 2, 6]), season=2) == pytest.approx((1 + 3) / 2)
    assert metrics.mase(a, f, 2.0) == 0.5
    # up (9->10) called up (11): right; up (10->12) called up (12): right; down (12->9) called down: right
    assert metrics.directional_accuracy(prev, a, f) == 100.0
    assert metrics.directional_accuracy(prev, a, prev + (prev - f)) == 0.0  # every call wrong


def test_fit_accepts_a_pandas_series_with_dates():
    pd = pytest.importorskip("pandas")
    idx = pd.bdate_range("2022-01-03", periods=150)
    s = pd.Series(random_walk(150), index=idx, name="Close")
    forecaster = Forecaster(TrainConfig(**SMALL)).fit(s)
    assert forecaster.info.columns == ("Close",) and forecaster.info.data.frequency == "B"
    assert str(forecaster.predict(1).dates[0])[:10] == str(np.busday_offset(idx[-1].date(), 1, roll="forward"))


def test_fit_accepts_a_price_series_from_read_prices(tmp_path):
    from lstmcli import data

    p = random_walk(120)
    days = _bdays(120)
    path = tmp_path / "p.csv"
    path.write_text("Date,Close\n" + "".join(f"{str(d)[:10]},{v:.4f}\n" for d, v in zip(days, p, strict=True)))
    forecaster = Forecaster(TrainConfig(**SMALL)).fit(data.read_prices(path))
    assert forecaster.info.data.source.endswith("p.csv") and forecaster.info.data.sha256
    assert forecaster.info.data.frequency == "B"


def test_too_little_data_names_the_true_minimum():
    from lstmcli.forecast import min_rows

    need = min_rows(10, 1, 0.2)
    Forecaster(TrainConfig(**{**SMALL, "epochs": 1})).fit(random_walk(need))
    with pytest.raises(DataError, match=f"needs at least {need}"):
        Forecaster(TrainConfig(**{**SMALL, "epochs": 1})).fit(random_walk(need - 1))


def test_days_and_interval_are_checked_in_one_place_with_one_wording(fitted):
    """check_horizon is what both Forecaster.predict and `lstm predict` run."""
    for days, interval, message in (
        (0, 0.9, "--days 0 is not possible"),
        (3, 1.5, "--interval 1.5 is not possible"),
        (3, float("nan"), "--interval nan is not possible"),
        (MAX_DAYS + 1, None, "is more than lstm forecasts"),
    ):
        with pytest.raises(OptionError, match=message):
            check_horizon(days, interval)
        with pytest.raises(OptionError, match=message):
            fitted[0].predict(days, interval=interval)
    assert fitted[0].predict(2, interval=0).lower is None  # 0 turns the interval off, as --interval 0 does


def test_target_is_a_string_enum():
    assert check_target("diff") is Target.DIFF and Target.LOG_RETURN == "log-return"
    assert [t.offset for t in Target] == [1, 1, 0]
    with pytest.raises(OptionError, match="--target 'astrology' is not known"):
        check_target("astrology")
