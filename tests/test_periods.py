"""Dates without pandas: frequency inference, continuing a series, formatting."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from lstmcli.periods import FREQUENCY_NAMES, format_date, future_dates, infer_frequency


def days(start: str, stop: str) -> np.ndarray:
    return np.arange(start, stop, dtype="datetime64[D]")


def business_days(start: str, stop: str, holidays: list[str] = ()) -> np.ndarray:
    d = days(start, stop)
    return d[np.is_busday(d, holidays=list(holidays))]


def month_ends(start: str, n: int) -> np.ndarray:
    m = np.datetime64(start, "M") + np.arange(n)
    return (m + 1).astype("datetime64[D]") - 1


def month_starts(start: str, n: int) -> np.ndarray:
    return (np.datetime64(start, "M") + np.arange(n)).astype("datetime64[D]")


# ---------------------------------------------------------------------------------------
# infer_frequency


def test_business_days_with_holidays_and_a_missing_day():
    d = business_days("2024-01-01", "2024-12-31", ["2024-01-01", "2024-07-04", "2024-11-28", "2024-12-25"])
    d = np.delete(d, [40, 41, 100])  # a few missing rows
    assert infer_frequency(d) == "B"


def test_calendar_days_with_a_few_gaps():
    d = np.delete(days("2023-01-01", "2023-06-30"), [5, 17, 60])
    assert infer_frequency(d) == "D"


def test_weekly_with_a_holiday_shift():
    d = np.datetime64("2024-01-05") + 7 * np.arange(52)  # Fridays
    d[20] -= 1  # a Thursday instead, before a Friday holiday
    assert infer_frequency(d) == "W"


@pytest.mark.parametrize("dates", [month_ends("2020-01", 36), month_starts("2010-01", 180)])
def test_monthly_month_ends_and_starts(dates):
    assert infer_frequency(dates) == "M"


def test_monthly_with_one_missing_month():
    assert infer_frequency(np.delete(month_starts("2010-01", 60), 30)) == "M"


def test_quarterly_and_yearly():
    assert infer_frequency(month_ends("2015-03", 40)[::3]) == "Q"
    assert infer_frequency(np.arange("2000", "2024", dtype="datetime64[Y]")) == "Y"


def test_hourly_trading_hours_and_minutes():
    one_day = np.datetime64("2024-03-04T09:30") + np.arange(7) * np.timedelta64(1, "h")  # 09:30 .. 15:30
    week = np.concatenate([one_day + np.timedelta64(k, "D") for k in range(5)])
    assert infer_frequency(week) == "h"
    assert infer_frequency(np.datetime64("2024-03-04T09:30") + np.arange(300) * np.timedelta64(1, "m")) == "min"
    assert infer_frequency(np.datetime64("2024-03-04T09:30") + np.arange(300) * np.timedelta64(5, "m")) == "min"


def test_irregular_or_too_short_is_none():
    rng = np.random.default_rng(0)
    irregular = np.datetime64("2020-01-01") + np.cumsum(rng.integers(1, 40, size=50))
    assert infer_frequency(irregular) is None
    assert infer_frequency(days("2024-01-01", "2024-01-03")) is None  # 2 dates
    assert infer_frequency(None) is None


def test_unsorted_input_and_other_units():
    d = business_days("2024-01-01", "2024-03-01").astype("datetime64[ns]")[::-1]
    assert infer_frequency(d) == "B"


def test_every_code_has_a_name():
    assert set(FREQUENCY_NAMES) == {"B", "D", "W", "M", "Q", "Y", "h", "min"}
    assert FREQUENCY_NAMES["B"] == "business days" and FREQUENCY_NAMES["M"] == "months"


# ---------------------------------------------------------------------------------------
# future_dates


def iso(a: np.ndarray) -> list[str]:
    return [format_date(x) for x in a]


def test_business_days_skip_the_weekend():
    d = business_days("2024-12-02", "2025-01-04")  # ends Friday 2025-01-03
    out = future_dates(d, "B", 3)
    assert out.dtype == np.dtype("datetime64[s]")
    assert iso(out) == ["2025-01-06", "2025-01-07", "2025-01-08"]


def test_business_days_from_a_single_date_and_from_a_saturday():
    assert iso(future_dates(np.datetime64("2025-01-03"), "B", 1)) == ["2025-01-06"]
    assert iso(future_dates(np.datetime64("2025-01-04"), "B", 1)) == ["2025-01-06"]  # Sat counts from Fri


def test_month_ends_continue_as_month_ends():
    d = month_ends("2023-10", 4)  # .. 2024-01-31
    assert iso(future_dates(d, "M", 3)) == ["2024-02-29", "2024-03-31", "2024-04-30"]
    d = month_ends("2024-10", 4)  # .. 2025-01-31
    assert iso(future_dates(d, "M", 2)) == ["2025-02-28", "2025-03-31"]


def test_month_starts_continue_as_month_starts():
    d = month_starts("2024-01", 12)
    assert iso(future_dates(d, "M", 3)) == ["2025-01-01", "2025-02-01", "2025-03-01"]


def test_last_business_day_of_month():
    ends = month_ends("2024-01", 12)
    bends = np.busday_offset(ends, 0, roll="backward")  # e.g. 2024-03-29 (Friday)
    assert iso(future_dates(bends, "M", 3)) == ["2025-01-31", "2025-02-28", "2025-03-31"]
    assert iso(future_dates(bends[:5], "M", 1)) == ["2024-06-28"]  # 2024-06-30 is a Sunday


def test_same_day_of_month_is_clipped_to_short_months():
    d = np.array(["2024-10-30", "2024-11-30", "2024-12-30"], dtype="datetime64[D]")
    assert iso(future_dates(d, "M", 3)) == ["2025-01-30", "2025-02-28", "2025-03-30"]


def test_quarters_years_weeks_days():
    assert iso(future_dates(month_ends("2023-03", 12)[::3], "Q", 2)) == ["2024-03-31", "2024-06-30"]
    assert iso(future_dates(month_starts("2020-01", 5 * 12)[::12], "Y", 1)) == ["2025-01-01"]
    assert iso(future_dates(np.datetime64("2024-12-27") + 7 * np.arange(-5, 1), "W", 2)) == ["2025-01-03", "2025-01-10"]
    assert iso(future_dates(days("2024-12-01", "2025-01-01"), "D", 2)) == ["2025-01-01", "2025-01-02"]


def test_hours_and_minutes_keep_the_series_step():
    h = np.datetime64("2024-03-04T13:00") + np.arange(5) * np.timedelta64(1, "h")
    out = future_dates(h, "h", 2)
    assert [format_date(x, "h") for x in out] == ["2024-03-04 18:00", "2024-03-04 19:00"]
    m5 = np.datetime64("2024-03-04T09:30") + np.arange(10) * np.timedelta64(5, "m")
    assert [format_date(x, "min") for x in future_dates(m5, "min", 2)] == ["2024-03-04 10:20", "2024-03-04 10:25"]


def test_time_of_day_is_kept_for_daily_data():
    d = business_days("2024-12-02", "2025-01-04").astype("datetime64[s]") + np.timedelta64(16 * 3600, "s")
    assert format_date(future_dates(d, "B", 1)[0], "B") == "2025-01-06 16:00"


def test_no_frequency_gives_none_and_unknown_code_is_a_bug():
    assert future_dates(days("2024-01-01", "2024-02-01"), None, 3) is None
    with pytest.raises(ValueError, match="unknown frequency"):
        future_dates(days("2024-01-01", "2024-02-01"), "fortnight", 3)


# ---------------------------------------------------------------------------------------
# format_date


def test_format_date():
    assert format_date(np.datetime64("2025-01-03"), "B") == "2025-01-03"
    assert format_date(np.datetime64("2025-01-01"), "M") == "2025-01-01"
    assert format_date(np.datetime64("2025-01-03T14:00"), "h") == "2025-01-03 14:00"
    assert format_date(np.datetime64("2025-01-03"), "h") == "2025-01-03 00:00"
    assert format_date(np.datetime64("2025-01-03T14:00:30"), "min") == "2025-01-03 14:00:30"
    assert format_date(np.datetime64("2025-01-03T00:00:00.000000000"), None) == "2025-01-03"
    assert format_date(np.datetime64("NaT"), "D") == "NaT"


def test_importing_periods_does_not_import_pandas():
    code = "import lstmcli.periods, sys; assert 'pandas' not in sys.modules, 'pandas was imported'"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_coverage_tells_a_complete_series_from_a_sparse_one():
    from lstmcli.periods import coverage

    months = np.arange("1949-01", "1961-01", dtype="datetime64[M]").astype("datetime64[D]")
    assert coverage(months, "M") == 1.0
    month_first = np.array([f"{y}-01-{d:02d}" for y in range(1949, 1961) for d in range(1, 13)], dtype="datetime64[D]")
    assert infer_frequency(month_first) == "D" and coverage(month_first, "D") < 0.05
    assert coverage(business_days("2024-01-01", "2024-03-01"), "B") == 1.0
    assert coverage(None, "D") == 0.0


def test_format_date_shows_the_time_zone_with_times_only():
    t = np.datetime64("2024-11-03T05:30:00")
    assert format_date(t, "min", "UTC") == "2024-11-03 05:30 UTC"
    assert format_date(t, "min", "-05:00") == "2024-11-03 05:30 -05:00"
    assert format_date(np.datetime64("2024-11-03"), "D", "UTC") == "2024-11-03"
    assert format_date(t, "min") == "2024-11-03 05:30"


# ---------------------------------------------------------------------------------------
# intraday sessions


def bars(start: str, stop: str, open_: str, close: str, step_min: int, weekdays_only: bool = True) -> np.ndarray:
    """Bars every step_min minutes from open_ to close (inclusive) on each day of [start, stop)."""
    out = []
    for day in days(start, stop):
        if weekdays_only and not np.is_busday(day):
            continue
        t = np.datetime64(f"{day}T{open_}")
        end = np.datetime64(f"{day}T{close}")
        out.append(np.arange(t, end + np.timedelta64(1, "m"), np.timedelta64(step_min, "m")))
    return np.concatenate(out).astype("datetime64[s]")


def test_a_session_is_learnt_from_minute_bars():
    from lstmcli.periods import learn_session

    d = bars("2024-01-08", "2024-01-20", "09:30", "15:59", 1)
    s = learn_session(d)
    assert s is not None and s.describe() == "09:30-15:59 Mon-Fri"
    assert infer_frequency(d) == "min"
    fut = future_dates(d, "min", 3)  # after Friday 15:59: Monday's open
    assert [str(x) for x in fut] == ["2024-01-22T09:30:00", "2024-01-22T09:31:00", "2024-01-22T09:32:00"]
    fut = future_dates(d[:-2], "min", 3)  # Friday 15:57: two more bars, then Monday
    assert [str(x) for x in fut] == ["2024-01-19T15:58:00", "2024-01-19T15:59:00", "2024-01-22T09:30:00"]


def test_hourly_bars_jump_to_the_next_open():
    d = bars("2024-01-08", "2024-01-20", "09:30", "15:30", 60)
    fut = future_dates(d[:-1], "h", 3)  # Friday 14:30
    assert [str(x) for x in fut] == ["2024-01-19T15:30:00", "2024-01-22T09:30:00", "2024-01-22T10:30:00"]


def test_round_the_clock_bars_have_no_session():
    from lstmcli.periods import learn_session

    d = np.arange(np.datetime64("2024-01-01T00", "h"), np.datetime64("2024-01-15T00", "h")).astype("datetime64[s]")
    assert learn_session(d) is None
    assert str(future_dates(d, "h", 1)[0]) == "2024-01-15T00:00:00"


def test_a_session_given_serves_a_short_tail():
    from lstmcli.periods import Session, learn_session

    full = bars("2024-01-08", "2024-01-20", "09:30", "15:59", 1)
    s = learn_session(full)
    assert Session.from_dict(s.to_dict()) == s
    tail = full[-5:]  # too short to learn a session from
    assert learn_session(tail) is None
    assert str(future_dates(tail, "min", 1)[0]) == "2024-01-19T16:00:00"
    assert str(future_dates(tail, "min", 1, session=s)[0]) == "2024-01-22T09:30:00"


def test_a_week_of_sunday_to_friday_sessions_keeps_sunday():
    from lstmcli.periods import learn_session

    d = bars("2024-01-07", "2024-01-27", "08:00", "16:00", 60, weekdays_only=False)
    d = d[(d.astype("datetime64[D]").astype(np.int64) + 3) % 7 != 5]  # no Saturdays
    s = learn_session(d)
    assert s.describe() == "08:00-16:00 Mon-Fri, Sun"
    assert str(future_dates(d, "h", 1)[0]) == "2024-01-28T08:00:00"  # Friday 16:00 -> Sunday 08:00


def test_iso_date_is_iso_8601_with_the_zone_for_machine_readable_outputs():
    from lstmcli.periods import iso_date

    t = np.datetime64("2024-01-09T08:00:00")
    assert iso_date(t, "h", "UTC") == "2024-01-09T08:00:00Z"
    assert iso_date(t, "h", "+01:00") == "2024-01-09T08:00:00+01:00"
    assert iso_date(t, "min", "-05:00") == "2024-01-09T08:00:00-05:00"
    assert iso_date(t, "h") == "2024-01-09T08:00:00"  # no zone in the data: a local time, as written
    assert iso_date(np.datetime64("2024-01-09T08:00:30"), "min", "UTC") == "2024-01-09T08:00:30Z"
    # days stay dates, with or without a zone (a zone is only ever kept for times)
    assert iso_date(np.datetime64("2024-01-09"), "B", "UTC") == "2024-01-09"
    assert iso_date(np.datetime64("2024-01-31"), "M") == "2024-01-31"
    assert iso_date(np.datetime64("2024-01-09T00:00:00"), "h", "UTC") == "2024-01-09T00:00:00Z"  # midnight bar
    assert iso_date(np.datetime64("NaT"), "h", "UTC") is None
