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
