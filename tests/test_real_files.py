"""Real files that used to give a silent wrong answer (issue 12): each is read right or refused."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import read_csv as read
from conftest import read_error as error

from lstmcli.data import PriceSeries, cleaning_summary


def iso(series: PriceSeries) -> list[str]:
    return [str(d)[:10] for d in series.dates]


# ---------------------------------------------------------------------------------------
# 1. several series in one file

DAYS = [f"2024-01-{d:02d}" for d in (2, 3, 4, 5, 8, 9)]
LONG = "Date,Ticker,Close\n" + "".join(
    f"{d},{t},{p + i}\n" for i, d in enumerate(DAYS) for t, p in (("AAPL", 100), ("MSFT", 300), ("GOOG", 130))
)


def test_long_format_with_a_ticker_column_is_refused_naming_the_series(tmp_path):
    e = error(tmp_path, LONG, "3 series", "'Ticker'", "AAPL", "MSFT", "GOOG", "series")
    assert "duplicate" not in str(e)


def test_long_format_sorted_by_ticker_is_refused_too(tmp_path):
    rows = sorted(LONG.splitlines()[1:], key=lambda r: r.split(",")[1])
    error(tmp_path, "Date,Ticker,Close\n" + "\n".join(rows) + "\n", "3 series", "'Ticker'")


def test_series_picks_one_series(tmp_path):
    s = read(tmp_path, LONG, series="MSFT")
    assert iso(s) == DAYS
    np.testing.assert_array_equal(s.values[:, 0], [300, 301, 302, 303, 304, 305])
    assert s.series == "MSFT"
    assert any("series 'MSFT' of 3" in n for n in s.notes)
    assert "duplicate" not in cleaning_summary(s)
    assert read(tmp_path, LONG, series="msft").series == "MSFT"  # case does not matter


def test_unknown_series_suggests_the_nearest(tmp_path):
    error(tmp_path, LONG, "no series 'MSFY'", "did you mean 'MSFT'", series="MSFY")


def test_an_unnamed_text_column_that_repeats_across_dates_is_an_id_column(tmp_path):
    text = "Date,Close,Label\n" + "".join(
        f"{d},{p + i},{t}\n" for i, d in enumerate(DAYS) for t, p in (("north", 1), ("south", 2))
    )
    error(tmp_path, text, "2 series", "'Label'", "north", "south")
    assert read(tmp_path, text, series="south").values[0, 0] == 2


def test_numeric_store_ids_and_id_column_override(tmp_path):
    text = "store,Date,Sales\n" + "".join(f"{s},{d},{10 * s + i}\n" for i, d in enumerate(DAYS) for s in (1, 2))
    error(tmp_path, text, "2 series", "'store'")
    s = read(tmp_path, text, series="2")
    np.testing.assert_array_equal(s.values[:, 0], [20, 21, 22, 23, 24, 25])
    text2 = "Date,Region,Kind,Close\n" + "".join(f"{d},{r},x,{i}\n" for i, d in enumerate(DAYS) for r in "AB")
    s = read(tmp_path, text2, id_column="Region", series="B")
    assert len(s.values) == 6
    error(tmp_path, text2, "no id column 'Nope'", id_column="Nope", series="B")


def test_many_series_are_listed_first_few_and_counted(tmp_path):
    text = "Date,unique_id,y\n" + "".join(f"{d},S{k:02d},{k + i}\n" for i, d in enumerate(DAYS) for k in range(40))
    e = error(tmp_path, text, "40 series", "S00", "S01")
    assert "S39" not in str(e)


def test_a_constant_ticker_column_is_one_series(tmp_path):
    s = read(tmp_path, "Date,Ticker,Close\n" + "".join(f"{d},AAPL,{i}\n" for i, d in enumerate(DAYS)))
    assert len(s.values) == 6 and s.series == "AAPL"
    s = read(tmp_path, "Date,Ticker,Close\n" + "".join(f"{d},AAPL,{i}\n" for i, d in enumerate(DAYS)), series="AAPL")
    assert len(s.values) == 6 and s.series == "AAPL"


def test_series_without_an_id_column_is_an_error(tmp_path):
    error(tmp_path, "Date,Close\n2024-01-02,1\n2024-01-03,2\n", "no column of series names", series="AAPL")


YF_MULTI = (
    "Price,Close,Close,High,High,Low,Low,Open,Open,Volume,Volume\n"
    "Ticker,AAPL,MSFT,AAPL,MSFT,AAPL,MSFT,AAPL,MSFT,AAPL,MSFT\n"
    "Date,,,,,,,,,,\n"
    + "".join(
        f"{d},{100 + i},{300 + i},{101 + i},{301 + i},{99 + i},{299 + i},{100 + i},{300 + i},1000,2000\n"
        for i, d in enumerate(DAYS)
    )
)


def test_yfinance_multi_ticker_csv_is_refused_naming_the_tickers(tmp_path):
    error(tmp_path, YF_MULTI, "yfinance download of 2 tickers: AAPL, MSFT", "--series")
    error(tmp_path, YF_MULTI, "no ticker 'MSFX'", series="MSFX")


def test_yfinance_multi_ticker_csv_series_picks_a_ticker(tmp_path):
    s = read(tmp_path, YF_MULTI, series="MSFT")
    assert s.columns == ["Close"] and iso(s) == DAYS and s.series == "MSFT"
    np.testing.assert_array_equal(s.values[:, 0], [300, 301, 302, 303, 304, 305])
    s = read(tmp_path, YF_MULTI, series="AAPL", column="High", features=["Volume"])
    np.testing.assert_array_equal(s.values[:, 0], [101, 102, 103, 104, 105, 106])
    np.testing.assert_array_equal(s.values[:, 1], [1000] * 6)
    assert not any("could not be read" in n for n in s.notes)
    error(tmp_path, YF_MULTI, "did you mean 'MSFT'", series="MSFX")


def test_yfinance_single_ticker_csv(tmp_path):
    text = "Price,Close,High,Low,Open,Volume\nTicker,AAPL,AAPL,AAPL,AAPL,AAPL\nDate,,,,,\n" + "".join(
        f"{d},{100 + i},{101 + i},{99 + i},{100 + i},1000\n" for i, d in enumerate(DAYS)
    )
    s = read(tmp_path, text)
    assert s.columns == ["Close"] and iso(s) == DAYS and s.series == "AAPL"
    assert not any("could not be read" in n for n in s.notes)


def test_duplicate_column_names_are_told_apart(tmp_path):
    text = "Date,Close,Close\n2024-01-02,1,10\n2024-01-03,2,20\n2024-01-04,3,30\n"
    s = read(tmp_path, text, column="Close.1")
    np.testing.assert_array_equal(s.values[:, 0], [10, 20, 30])
    e = error(tmp_path, text, "did you mean", column="Closes")
    assert "'Close', 'Close'" not in str(e)


# ---------------------------------------------------------------------------------------
# 2. day-first dates, explicit formats, Excel serial dates

UK_MONTHLY = "Month,Passengers\n" + "".join(
    f"01/{m:02d}/{y},{100 + 12 * (y - 1949) + m}\n" for y in range(1949, 1961) for m in range(1, 13)
)


def test_day_first_monthly_file_is_read_as_months(tmp_path):
    s = read(tmp_path, UK_MONTHLY)
    assert s.frequency == "M"
    assert iso(s)[:3] == ["1949-01-01", "1949-02-01", "1949-03-01"] and iso(s)[-1] == "1960-12-01"
    assert any("day-first" in n and "regular" in n for n in s.notes)
    assert "day-first" in cleaning_summary(s)


def test_month_first_kept_when_only_it_is_regular(tmp_path):
    text = "Date,Close\n" + "".join(
        f"{m:02d}/01/{y},{i}\n" for i, (y, m) in enumerate((y, m) for y in (2020, 2021, 2022) for m in range(1, 13))
    )
    s = read(tmp_path, text)
    assert s.frequency == "M" and iso(s)[1] == "2020-02-01"


def test_ambiguous_and_both_regular_keeps_month_first_and_says_so(tmp_path):
    s = read(tmp_path, "Date,Close\n01/02/2024,5\n01/03/2024,6\n01/04/2024,7\n")
    assert iso(s) == ["2024-01-02", "2024-01-03", "2024-01-04"]
    assert any("month-first" in n for n in s.notes)


def test_dayfirst_parameter(tmp_path):
    s = read(tmp_path, "Date,Close\n01/02/2024,5\n01/03/2024,6\n01/04/2024,7\n", dayfirst=True)
    assert iso(s) == ["2024-02-01", "2024-03-01", "2024-04-01"]
    assert not any("ambiguous" in n for n in s.notes)
    s = read(tmp_path, UK_MONTHLY, dayfirst=False)
    assert iso(s)[0] == "1949-01-01" and iso(s)[1] == "1949-01-02" and s.frequency != "M"
    # the user's reading is kept, but a forced reading that wrecks a regular file is said out loud
    assert any("--monthfirst reads dates like 01/02/1949 as irregular" in n and "regular months" in n for n in s.notes)
    assert not any("--dayfirst" in n for n in read(tmp_path, UK_MONTHLY, dayfirst=True).notes)
    error(tmp_path, "Date,Close\n01/12/2024,5\n13/12/2024,6\n14/12/2024,7\n", "line 3", "'13/12/2024'", dayfirst=False)


def test_date_format_parameter(tmp_path):
    s = read(tmp_path, "Date,Close\n2024|02|01,5\n2024|03|01,6\n2024|04|01,7\n", date_format="%Y|%m|%d")
    assert iso(s) == ["2024-02-01", "2024-03-01", "2024-04-01"] and s.frequency == "M"
    error(
        tmp_path,
        "Date,Close\n01/02/2024,5\n2024-03-01,6\n01/04/2024,7\n",
        "line 3",
        "'2024-03-01'",
        "'%d/%m/%Y'",
        date_format="%d/%m/%Y",
    )
    error(tmp_path, "Date,Close\n01/02/2024,5\n", "date format", "'%d/%Q/%Y'", date_format="%d/%Q/%Y")


def test_excel_serial_dates(tmp_path):
    s = read(tmp_path, "Date,Close\n45292,5\n45293,6\n45294,7\n45295,8\n")
    assert iso(s) == ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]
    assert any("Excel" in n for n in s.notes)
    s = read(tmp_path, "Timestamp,Close\n45292.5,5\n45292.75,6\n45293.5,7\n")
    assert str(s.dates[1]) == "2024-01-01T18:00:00"
    s = read(tmp_path, "Day,Price\n1,5\n2,6\n3,7\n10,8\n")  # small numbers stay step numbers
    assert s.dates is None


# ---------------------------------------------------------------------------------------
# 5. annotation rows (a Yahoo copy-paste's dividends and splits)

YAHOO_PASTE = (
    "Date\tOpen\tHigh\tLow\tClose*\tAdj Close**\tVolume\n"
    "Mar 04, 2020\t12.00\t12.50\t11.80\t12.20\t12.20\t1,000\n"
    "Mar 03, 2020\t11.00\t11.50\t10.80\t11.20\t11.20\t1,100\n"
    "{a}"
    "Mar 02, 2020\t10.00\t10.50\t9.80\t10.20\t10.20\t1,200\n"
    "{b}"
    "Feb 28, 2020\t9.00\t9.50\t8.80\t9.20\t9.20\t1,300\n"
    "Feb 27, 2020\t8.00\t8.50\t7.80\t8.20\t8.20\t1,300\n"
)


@pytest.mark.parametrize("where", ["a", "b"])
def test_annotation_rows_are_dropped_whatever_their_place(tmp_path, where):
    notes = "Mar 02, 2020\t2:1 Stock Split\nMar 02, 2020\t0.5 Dividend\n"
    s = read(tmp_path, YAHOO_PASTE.format(**{where: notes, "ab".replace(where, ""): ""}))
    assert iso(s) == ["2020-02-27", "2020-02-28", "2020-03-02", "2020-03-03", "2020-03-04"]
    np.testing.assert_array_equal(s.values[:, 0], [8.2, 9.2, 10.2, 11.2, 12.2])
    assert "dropped 2 annotation rows (stock split, dividend)" in s.notes
    assert not any("duplicate" in n or "filled" in n for n in s.notes)


def test_a_quoted_csv_annotation_row(tmp_path):
    text = (
        'Date,Open,High,Low,Close,Adj Close,Volume\n"Mar 03, 2020",11,11.5,10.8,11.2,11.2,1100\n'
        '"Mar 02, 2020",10,10.5,9.8,10.2,10.2,1200\n"Mar 02, 2020",0.24 Dividend,,,,,\n'
        '"Feb 28, 2020",9,9.5,8.8,9.2,9.2,1300\n'
    )
    s = read(tmp_path, text)
    np.testing.assert_array_equal(s.values[:, 0], [9.2, 10.2, 11.2])
    assert "dropped 1 annotation row (dividend)" in s.notes


# ---------------------------------------------------------------------------------------
# 6. time zones

DST_AUTUMN = (
    "Datetime,Close\n2024-11-03 00:30:00-04:00,1\n2024-11-03 01:00:00-04:00,2\n"
    "2024-11-03 01:30:00-04:00,3\n2024-11-03 01:00:00-05:00,4\n2024-11-03 01:30:00-05:00,5\n"
    "2024-11-03 02:00:00-05:00,6\n"
)


def test_the_repeated_hour_of_the_autumn_clock_change_keeps_both_observations(tmp_path):
    s = read(tmp_path, DST_AUTUMN)
    np.testing.assert_array_equal(s.values[:, 0], [1, 2, 3, 4, 5, 6])
    assert [str(d)[11:16] for d in s.dates] == ["04:30", "05:00", "05:30", "06:00", "06:30", "07:00"]
    assert s.timezone == "UTC" and s.frequency == "min"
    assert "converted times with offsets -04:00, -05:00 to UTC" in s.notes
    assert "2024-11-03 04:30 UTC" in cleaning_summary(s)


def test_z_times_keep_their_zone(tmp_path):
    s = read(tmp_path, "Date,Close\n2024-01-02T14:30:00Z,5\n2024-01-02T15:30:00Z,6\n2024-01-02T16:30:00Z,7\n")
    assert str(s.dates[0]) == "2024-01-02T14:30:00" and s.timezone == "UTC" and s.frequency == "h"
    assert "2024-01-02 14:30 UTC..2024-01-02 16:30 UTC" in cleaning_summary(s)


def test_one_fixed_offset_is_kept_as_written_and_remembered(tmp_path):
    s = read(tmp_path, "Date,Close\n2024-01-02 09:30-05:00,5\n2024-01-02 10:30-05:00,6\n2024-01-02 11:30-05:00,7\n")
    assert str(s.dates[0]) == "2024-01-02T09:30:00" and s.timezone == "-05:00"
    assert "times are in time zone -05:00 (kept as written)" in s.notes


def test_daily_dates_with_changing_offsets_keep_their_local_dates(tmp_path):
    s = read(
        tmp_path, "Date,Close\n2024-03-08 00:00:00-05:00,5\n2024-03-11 00:00:00-04:00,6\n2024-03-12 00:00:00-04:00,7\n"
    )
    assert iso(s) == ["2024-03-08", "2024-03-11", "2024-03-12"] and s.timezone is None
    assert "kept the local dates of time-zone-stamped dates (offsets -05:00, -04:00)" in s.notes


def test_no_zone_no_timezone(tmp_path):
    assert read(tmp_path, "Date,Close\n2024-01-02,5\n2024-01-03,6\n").timezone is None


# ---------------------------------------------------------------------------------------
# 8. intraday bars: the session is learnt from the data


def test_minute_bars_note_their_session(tmp_path):
    days = [d for d in np.arange("2024-01-08", "2024-01-20", dtype="datetime64[D]") if np.is_busday(d)]
    rows = [
        f"{d} {h:02d}:{m:02d},{i}"
        for d in days
        for i, (h, m) in enumerate((h, m) for h in range(9, 16) for m in range(60) if (h, m) >= (9, 30))
    ]
    s = read(tmp_path, "Datetime,Close\n" + "\n".join(rows) + "\n")
    assert s.frequency == "min" and s.session is not None and s.session.describe() == "09:30-15:59 Mon-Fri"
    assert "bars in a session 09:30-15:59 Mon-Fri (learnt from the data)" in s.notes


def test_bars_without_a_clear_session_say_steps_are_bars(tmp_path):
    times = [
        "2024-01-08 09:30",
        "2024-01-08 09:31",
        "2024-01-08 09:32",
        "2024-01-09 11:00",
        "2024-01-09 11:01",
        "2024-01-09 11:02",
        "2024-01-10 13:17",
        "2024-01-10 13:18",
    ]
    s = read(tmp_path, "Datetime,Close\n" + "".join(f"{t},{i}\n" for i, t in enumerate(times)))
    assert s.frequency == "min" and s.session is None
    assert "steps are bars: a gap between bars (overnight, a weekend) counts as one step" in s.notes


def test_lstm_train_refuses_a_file_of_several_tickers_with_one_error_line(run, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(LONG, encoding="utf-8")
    r = run("train", str(path), "--model", str(tmp_path / "m.npz"))
    assert r.exit_code == 2 and "Traceback" not in r.stderr, r
    assert "3 series in column 'Ticker'" in r.stderr and not (tmp_path / "m.npz").exists()


def test_a_separate_time_column_is_not_an_id_column(tmp_path):
    rows = [f"{d},{h:02d}:00,{i}" for i, (d, h) in enumerate((d, h) for d in DAYS for h in range(10, 16))]
    s = read(tmp_path, "Date,Time,Close\n" + "\n".join(rows) + "\n")
    assert len(s.values) == 36 and s.frequency == "h" and s.series is None
    rows = [f"{d},{t},{i}" for i, (d, t) in enumerate((d, t) for d in DAYS for t in ("2024-01-01", "2024-02-01"))]
    s = read(tmp_path, "Date,Settle,Close\n" + "\n".join(rows) + "\n")  # a second date column repeats too
    assert s.series is None


def test_the_id_column_is_not_a_price_column(tmp_path):
    error(tmp_path, LONG, "'Ticker' is the column of series names", column="Ticker", series="AAPL")
