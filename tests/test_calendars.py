"""`--calendar XNYS`: forecast dates on the exchange's sessions (holidays skipped), kept in the model file.
Skipped where exchange_calendars (lstmcli[calendars]) is absent, except the install hint."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest
from conftest import SAMPLE

from lstmcli import periods
from lstmcli.errors import OptionError
from lstmcli.forecast import Forecaster

TRAIN = ("--epochs", "2", "--hidden", "4", "-q")


def test_predict_skips_exchange_holidays_and_the_model_file_keeps_the_calendar(run, tmp_path):
    pytest.importorskip("exchange_calendars")
    plain, xnys = str(tmp_path / "plain.npz"), str(tmp_path / "xnys.npz")
    csv = str(SAMPLE / "daily_stock.csv")  # ends on 2024-12-31
    assert run("train", csv, *TRAIN, "--model", plain).exit_code == 0
    r = run("train", csv, *TRAIN, "--model", xnys, "--calendar", "xnys")
    assert r.exit_code == 0, r
    assert Forecaster.load(xnys).info.data.calendar == "XNYS"
    assert Forecaster.load(plain).info.data.calendar is None
    weekdays = [row.split(",")[1] for row in run("predict", "-m", plain, "-o", "-").stdout.splitlines()[1:3]]
    assert weekdays == ["2025-01-01", "2025-01-02"]  # business days: New Year's Day as a trading day
    sessions = [
        row.split(",")[1] for row in run("predict", "-m", xnys, "--days", "3", "-o", "-").stdout.splitlines()[1:]
    ]
    assert sessions == ["2025-01-02", "2025-01-03", "2025-01-06"]
    payload = json.loads(run("predict", "-m", xnys, "--json").stdout)
    assert payload["calendar"] == "XNYS" and payload["forecast"][0]["date"] == "2025-01-02"
    assert "calendar" not in json.loads(run("predict", "-m", plain, "--json").stdout)


def test_future_dates_on_a_calendar():
    pytest.importorskip("exchange_calendars")
    last = np.array(["2025-07-02T16:00"], dtype="datetime64[s]")
    got = periods.future_dates(last, "B", 3, calendar="XNYS")
    assert [str(d) for d in got] == ["2025-07-03T16:00:00", "2025-07-07T16:00:00", "2025-07-08T16:00:00"]
    assert str(periods.future_dates(last, "B", 2)[1]) == "2025-07-04T16:00:00"  # without: Independence Day


def test_unknown_calendar_names_the_closest_before_reading(run, tmp_path):
    pytest.importorskip("exchange_calendars")
    r = run("train", str(tmp_path / "missing.csv"), "--calendar", "XNYSE")
    assert r.exit_code == 2 and r.stderr.startswith("Error: --calendar XNYSE: no exchange calendar"), r
    assert "Did you mean XNYS" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_calendar_on_monthly_data_is_refused(run, tmp_path):
    pytest.importorskip("exchange_calendars")
    r = run("train", str(SAMPLE / "monthly_seasonal.csv"), *TRAIN, "--calendar", "XNYS", "-m", str(tmp_path / "m.npz"))
    assert r.exit_code == 2 and "--calendar XNYS: the data is months apart, not daily" in r.stderr


def test_data_on_closed_days_gets_a_note(run, tmp_path):
    pytest.importorskip("exchange_calendars")
    r = run("train", str(SAMPLE / "daily_stock.csv"), *TRAIN, "--calendar", "XLON", "-m", str(tmp_path / "m.npz"))
    assert r.exit_code == 0 and "of the data fall on days XLON is closed" in r.stderr


def test_without_the_extra_the_error_says_how_to_install_it(monkeypatch):
    from lstmcli.calendars import check_calendar

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "exchange_calendars" else real(n, *a))
    with pytest.raises(OptionError) as e:
        check_calendar("XNYS")
    assert "pip install 'lstmcli[calendars]'" in str(e.value)


# --- which calendar the data's own closed weekdays match (issue 12: "say which calendar matches") ---------------

MATCH = "closed weekdays match"


def _weekdays(first: str, last: str) -> np.ndarray:
    days = np.arange(np.datetime64(first), np.datetime64(last) + 1)  # (span,) datetime64[D]
    return days[np.is_busday(days)]


def _sessions(name: str, first: str = "2015-01-02", last: str = "2024-12-31") -> np.ndarray:
    """The exchange's trading days from exchange_calendars itself (its public API: the sessions)."""
    import warnings

    xcals = pytest.importorskip("exchange_calendars")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sessions = xcals.get_calendar(name, start=first, end=last).sessions
    return np.asarray(sessions.tz_localize(None) if sessions.tz else sessions).astype("datetime64[D]")


def _fixed_holidays_removed() -> np.ndarray:
    """Business days 2015..2024 without 1 January, 4 July, 25 and 26 December (no calendar package needed)."""
    days = _weekdays("2015-01-02", "2024-12-31")
    month_day = np.array([str(d)[5:] for d in days])
    return days[~np.isin(month_day, ["01-01", "07-04", "12-25", "12-26"])]


def _random_gaps(share: float = 0.04, seed: int = 3) -> np.ndarray:
    """Business days 2015..2024 with `share` of them missing at random: gaps in the data, not holidays."""
    days = _weekdays("2015-01-02", "2024-12-31")
    return days[np.random.default_rng(seed).random(len(days)) >= share]


def _csv(tmp_path, days: np.ndarray, name: str = "prices.csv") -> str:
    """A made-up price series on `days` (a random walk of log returns, seeded)."""
    prices = 50 * np.exp(np.cumsum(np.random.default_rng(7).normal(0, 0.01, len(days))))
    path = tmp_path / name
    path.write_text("Date,Close\n" + "".join(f"{d},{p:.2f}\n" for d, p in zip(days, prices, strict=True)))
    return str(path)


def _hide_exchange_calendars(monkeypatch) -> None:
    """As where the [calendars] extra is not installed: not found, and importing it fails."""
    import sys

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "exchange_calendars" else real(n, *a))
    monkeypatch.setitem(sys.modules, "exchange_calendars", None)  # `import exchange_calendars` raises


def test_holiday_like_closed_weekdays_but_not_random_gaps():
    from lstmcli.calendars import closed_weekdays, holiday_like

    every = _weekdays("2015-01-02", "2024-12-31")
    days = _fixed_holidays_removed()
    closed = closed_weekdays(days)
    assert np.array_equal(closed, np.setdiff1d(every, days)) and len(closed) == 27
    assert holiday_like(days, closed)
    gaps = _random_gaps()
    assert len(closed_weekdays(gaps)) > 80 and not holiday_like(gaps, closed_weekdays(gaps))
    assert len(closed_weekdays(every)) == 0 and not holiday_like(every, closed_weekdays(every))


def test_without_the_extra_holiday_like_closed_days_get_the_install_hint(run, tmp_path, monkeypatch):
    _hide_exchange_calendars(monkeypatch)
    hint = "pip install 'lstmcli[calendars]' lets lstm match them to an exchange"
    model = str(tmp_path / "m.npz")
    r = run("train", _csv(tmp_path, _fixed_holidays_removed()), *TRAIN, "-m", model)
    assert r.exit_code == 0, r
    lines = [ln for ln in r.stderr.splitlines() if "lstmcli[calendars]" in ln]
    assert len(lines) == 1 and hint in lines[0] and "weekdays that look like holidays" in lines[0], r.stderr
    assert Forecaster.load(model).info.data.calendar_match is None
    r = run("train", _csv(tmp_path, _random_gaps(), "gaps.csv"), *TRAIN, "-m", model)
    assert r.exit_code == 0 and "lstmcli[calendars]" not in r.stderr, r  # gaps, not holidays: nothing to match


def test_nyse_holidays_are_named_kept_and_not_applied(run, tmp_path):
    days = _sessions("XNYS")  # 2015-01-02 .. 2024-12-31: the next business day, 2025-01-01, is a holiday
    n = len(_weekdays("2015-01-02", "2024-12-31")) - len(days)
    csv, model = _csv(tmp_path, days), str(tmp_path / "m.npz")
    r = run("train", csv, *TRAIN, "-m", model)
    assert r.exit_code == 0, r
    said = f"Note: the data's {n} closed weekdays match XNYS ({n} of {n}; its holidays in range: {n})"
    assert said in r.stderr and "add --calendar XNYS to skip its holidays" in r.stderr, r.stderr
    assert Forecaster.load(model).info.data.calendar_match == dict(name="XNYS", closed=n, matched=n, holidays=n)
    assert Forecaster.load(model).info.data.calendar is None  # named, not applied: the user chooses
    assert run("predict", "-m", model, "--days", "1", "-o", "-").stdout.splitlines()[1].split(",")[1] == "2025-01-01"
    shown = run("inspect", "-m", model).stdout
    assert "match XNYS" in shown and "--calendar XNYS" in shown
    r = run("backtest", csv, *TRAIN, "--refit", "never")
    assert r.exit_code == 0 and said in r.stderr and "lstm train --calendar XNYS dates forecasts" in r.stderr, r
    r = run("train", csv, *TRAIN, "-m", model, "--calendar", "XNYS")  # chosen: nothing more to say
    assert r.exit_code == 0 and MATCH not in r.stderr and "Note:" not in r.stderr, r
    assert Forecaster.load(model).info.data.calendar_match is None


def test_lse_holidays_match_xlon_and_a_few_gaps_still_match():
    from lstmcli.calendars import closest_calendar, data_note

    london = _sessions("XLON")
    m = closest_calendar(london)
    assert (m.name, m.f1, m.matches) == ("XLON", 1.0, True)
    text, match = data_note(london.astype("datetime64[s]"), "B", "train")
    assert match == m and text.startswith(f"the data's {m.closed} closed weekdays match XLON")
    ny = _sessions("XNYS")
    lost = np.random.default_rng(5).choice(len(ny), 8, replace=False)  # 8 rows missing from the vendor's file
    m = closest_calendar(np.delete(ny, lost))
    assert m.name == "XNYS" and m.matched == m.holidays and m.closed == m.holidays + 8 and m.matches
    paris = closest_calendar(_sessions("XPAR"))  # Euronext's markets close on the same days
    assert paris.name == "XPAR" and "XAMS" in paris.also and "XBRU" in paris.also


def test_random_gaps_and_the_sample_file_match_no_calendar():
    from lstmcli.calendars import closest_calendar, data_note

    pytest.importorskip("exchange_calendars")
    gaps = _random_gaps()
    assert closest_calendar(gaps).f1 < 0.3 and data_note(gaps, "B", "train") == (None, None)
    assert data_note(_random_gaps(0.01, 4), "B", "train") == (None, None)  # few: still no holidays
    # the sample stock: 4 US holidays a year removed, while the NYSE closes on 9 or 10
    import pandas as pd

    days = pd.read_csv(SAMPLE / "daily_stock.csv")["Date"].to_numpy().astype("datetime64[D]")
    text, match = data_note(days, "B", "train")
    assert match is None and "match none of the" in text and "closest XNYS: 38 of 38 are its holidays" in text
    assert text.endswith("in range): forecasts are dated as business days (Monday to Friday)")  # what it means
    assert data_note(days, "D", "train") == (None, None) and data_note(None, None, "train") == (None, None)


def test_holidays_from_the_rules_equal_the_calendars_sessions():
    """The quick way (holiday rules, no sessions built) gives the days exchange_calendars' sessions leave out."""
    from lstmcli import calendars

    xcals = pytest.importorskip("exchange_calendars")
    for name in ("XNYS", "XLON", "XETR", "XTKS", "XHKG", "XASX", "XBOM"):
        closed, span = calendars._build_closed(xcals, name)
        days = _weekdays("2019-01-01", "2024-12-31")
        sessions = _sessions(name, "2019-01-01", "2024-12-31")
        expected = days[~np.isin(days, sessions)]
        got = closed[(closed >= days[0]) & (closed <= days[-1])]
        assert span[0] <= days[0] and span[1] >= days[-1]
        assert np.array_equal(got, expected), (name, np.setxor1d(got, expected))


def test_the_built_holidays_are_cached_on_disk(tmp_path, monkeypatch):
    from lstmcli import calendars

    pytest.importorskip("exchange_calendars")
    monkeypatch.setenv("LSTMCLI_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "exchange-holidays-1-0.0.1-2001.npz").write_bytes(b"an old version's")
    calendars.compared_holidays.cache_clear()
    try:
        built = calendars.compared_holidays()
        assert len(list((tmp_path / "cache").glob("exchange-holidays-*.npz"))) == 1
        assert set(built) == set(calendars.COMPARED)
        calendars.compared_holidays.cache_clear()
        monkeypatch.setattr(calendars, "_build_closed", lambda *a: pytest.fail("built again, not read"))
        read = calendars.compared_holidays()
        assert all(np.array_equal(read[n][0], built[n][0]) and np.array_equal(read[n][1], built[n][1]) for n in built)
    finally:
        calendars.compared_holidays.cache_clear()


def test_a_model_file_with_an_unreadable_calendar_match_is_refused(tmp_path):
    from lstmcli.modelfile import DataInfo

    base = dict(source="p.csv", sha256=None, rows=10, first_date=None, last_date=None, frequency="B")
    base |= dict(train_rows=8, train_end_date=None)
    good = dict(name="XNYS", closed=3, matched=3, holidays=3)
    assert DataInfo.from_dict(base | {"calendar_match": good}).calendar_match == good
    old = DataInfo.from_dict(base)  # a file from before the field
    assert old.calendar_match is None and "calendar_match" not in old.to_dict()
    for bad in (dict(good, name=3), dict(good, closed="3"), "XNYS", dict(good, also="XAMS")):
        with pytest.raises(ValueError, match="calendar match"):
            DataInfo.from_dict(base | {"calendar_match": bad})
