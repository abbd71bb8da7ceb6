"""Reading messy real-world price CSVs: what is parsed, what is noted, what is refused."""

from __future__ import annotations

import hashlib
import io
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import read_csv as read
from conftest import read_error as error
from conftest import write_csv as write
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmcli.data import PriceSeries, cleaning_summary, read_prices
from lstmcli.errors import DataError

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def iso(series: PriceSeries) -> list[str]:
    return [str(d)[:10] for d in series.dates]


YAHOO = """Date,Open,High,Low,Close,Adj Close,Volume
2024-01-02,10.00,10.50,9.80,10.20,10.10,1000
2024-01-03,10.20,10.60,10.00,10.40,10.30,1100
2024-01-04,10.40,10.70,10.10,10.50,10.40,1200
2024-01-05,10.50,10.90,10.30,10.80,10.70,1300
"""


# ---------------------------------------------------------------------------------------
# the everyday file and the API


def test_yahoo_export(tmp_path):
    s = read(tmp_path, YAHOO)
    assert s.columns == ["Adj Close"]
    assert s.values.shape == (4, 1) and s.values.dtype == np.float64
    np.testing.assert_array_equal(s.values[:, 0], [10.1, 10.3, 10.4, 10.7])
    assert s.dates.dtype == np.dtype("datetime64[s]")
    assert iso(s) == ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]
    assert s.frequency == "B"
    assert s.notes == []
    assert s.source.endswith("prices.csv")
    assert s.sha256 == hashlib.sha256(YAHOO.encode()).hexdigest()


def test_column_and_features(tmp_path):
    s = read(tmp_path, YAHOO, column="close", features=["Volume", " high "])
    assert s.columns == ["Close", "Volume", "High"]
    np.testing.assert_array_equal(s.values[0], [10.2, 1000, 10.5])


def test_bytes_and_stdin(tmp_path, monkeypatch):
    s = read_prices(YAHOO.encode(), name="upload.csv")
    assert s.source == "upload.csv" and len(s.values) == 4
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(YAHOO.encode())))
    s = read_prices("-")
    assert s.source == "<stdin>" and s.values[-1, 0] == 10.7


def test_cleaning_summary(tmp_path):
    text = "Date,Close\n" + "".join(f"2024-01-{d:02d},{d}\n" for d in range(31, 0, -1)) + "2024-01-05,5\n"
    s = read(tmp_path, text)
    line = cleaning_summary(s)
    assert "\n" not in line
    assert line.startswith(f"Read {s.source}: 31 rows, 2024-01-01..2024-01-31 (calendar days), column 'Close'; ")
    assert "sorted 32 rows by date (the file was out of order), dropped 1 repeated row" in line


def test_summary_without_dates_and_with_features(tmp_path):
    s = read(tmp_path, "Price,Volume\n1,5\n2,6\n3,7\n", features=["Volume"])
    assert s.dates is None and s.frequency is None
    assert "no dates (rows are steps 0..2)" in cleaning_summary(s)
    assert "column 'Price' + features 'Volume'" in cleaning_summary(s)


# ---------------------------------------------------------------------------------------
# encodings, delimiters, layout


def test_utf8_bom_blank_lines_trailing_columns_and_header_spaces(tmp_path):
    text = "\ufeff Date , Close ,,\r\n\r\n2024-01-02,5,,\r\n,,,\r\n2024-01-03,6,,\r\n\r\n"
    s = read(tmp_path, text)
    assert s.columns == ["Close"] and iso(s) == ["2024-01-02", "2024-01-03"]
    np.testing.assert_array_equal(s.values[:, 0], [5, 6])


def test_latin1_file_is_read_and_noted(tmp_path):
    s = read(tmp_path, "Date,Prix €\n2024-01-02,€5.50\n2024-01-03,€6\n".encode("cp1252"))
    assert s.columns == ["Prix €"] and list(s.values[:, 0]) == [5.5, 6.0]
    assert any("Windows-1252" in n for n in s.notes)


def test_utf16_excel_unicode_text(tmp_path):
    s = read(tmp_path, "Date\tClose\n2024-01-02\t5\n2024-01-03\t6\n".encode("utf-16"))
    assert list(s.values[:, 0]) == [5, 6]


@pytest.mark.parametrize("delim", [";", "\t", "|"])
def test_delimiters_are_sniffed(tmp_path, delim):
    s = read(tmp_path, f"Date{delim}Open{delim}Close\n2024-01-02{delim}1{delim}5\n2024-01-03{delim}2{delim}6\n")
    assert s.columns == ["Close"] and list(s.values[:, 0]) == [5, 6]


def test_european_semicolon_decimal_comma(tmp_path):
    text = "Datum;Eröffnung;Schluss;Volumen\n31.12.2024;1.230,00;1.234,56;1.000\n30.12.2024;1.200,5;1.230,5;2.000\n"
    s = read(tmp_path, text, column="Schluss", features=["Volumen"])
    assert iso(s) == ["2024-12-30", "2024-12-31"]
    np.testing.assert_allclose(s.values, [[1230.5, 2000], [1234.56, 1000]])
    assert any("decimal commas" in n for n in s.notes)
    assert any("oldest-first" in n for n in s.notes)


def test_excel_sep_line(tmp_path):
    s = read(tmp_path, "sep=;\nDate;Close\n2024-01-02;5,5\n2024-01-03;6,25\n")
    assert list(s.values[:, 0]) == [5.5, 6.25]


def test_title_lines_before_the_header_are_skipped(tmp_path):
    s = read(tmp_path, "ACME Historical Data\nExported 2024-12-31\n\nDate,Close\n2024-01-02,5\n2024-01-03,6\n")
    assert s.columns == ["Close"] and list(s.values[:, 0]) == [5, 6]
    assert "skipped 3 lines before the header" in s.notes  # two titles and the blank line


def test_the_skipped_line_count_counts_blank_lines_too(tmp_path):
    """A title line and a blank line are two lines skipped, not one (the note counted title rows only)."""
    s = read(tmp_path, "ACME Historical Data\n\nDate,Close\n2024-01-02,5\n2024-01-03,6\n")
    assert "skipped 2 lines before the header" in s.notes
    s = read(tmp_path, "sep=,\nACME Historical Data\n\nDate,Close\n2024-01-02,5\n2024-01-03,6\n")
    assert "skipped 2 lines before the header" in s.notes  # the sep= hint line is not a skipped title
    s = read(tmp_path, "ACME Historical Data\nDate,Close\n2024-01-02,5\n2024-01-03,6\n")
    assert "skipped 1 line before the header" in s.notes
    # line numbers in messages still count the title and blank lines, as an editor does
    error(tmp_path, "ACME Historical Data\n\nDate,Close\n2024-01-02,5\n2024-01-03,x\n", "line 5", "'x'")


def test_headerless_file(tmp_path):
    s = read(tmp_path, "2024-01-02,5\n2024-01-03,6\n2024-01-04,7\n")
    assert s.columns == ["column 2"] and len(s.values) == 3
    assert any("no header row" in n for n in s.notes)


# ---------------------------------------------------------------------------------------
# numbers


def test_nasdaq_dollars_and_close_last(tmp_path):
    text = (
        'Date,Close/Last,Volume,Open,High,Low\n01/15/2024,"$1,250.42",39480720,$252.44,$253.28,$249.43\n'
        "01/12/2024,$251.00,39480720,$252.44,$253.28,$249.43\n"
    )
    s = read(tmp_path, text)
    assert s.columns == ["Close/Last"]
    assert iso(s) == ["2024-01-12", "2024-01-15"]
    np.testing.assert_allclose(s.values[:, 0], [251.0, 1250.42])


def test_investing_com_quotes_percent_and_volume_suffixes(tmp_path):
    text = (
        '"Date","Price","Open","High","Low","Vol.","Change %"\n'
        '"Dec 31, 2024","250.42","252.44","253.28","249.43","39.48M","-1.33%"\n'
        '"Dec 30, 2024","253.80","252.44","253.28","249.43","350K","1.00%"\n'
        '"Dec 27, 2024","1,253.80","252.44","253.28","249.43","1.2B","(0.50%)"\n'
    )
    s = read(tmp_path, text, features=["Vol.", "change %"])
    assert s.columns == ["Price", "Vol.", "Change %"]
    assert iso(s) == ["2024-12-27", "2024-12-30", "2024-12-31"]
    np.testing.assert_allclose(s.values, [[1253.8, 1.2e9, -0.5], [253.8, 350e3, 1.0], [250.42, 39.48e6, -1.33]])


@pytest.mark.parametrize("token", ["", "null", "NaN", "-", "N/A", "#N/A"])
def test_missing_tokens_are_forward_filled(tmp_path, token):
    s = read(tmp_path, f"Date,Close\n2024-01-01,5\n2024-01-02,{token}\n2024-01-03,{token}\n2024-01-04,8\n")
    np.testing.assert_array_equal(s.values[:, 0], [5, 5, 5, 8])
    assert "filled 2 missing prices forward" in s.notes


def test_leading_missing_rows_are_dropped(tmp_path):
    s = read(
        tmp_path,
        "Date,Close,Volume\n2024-01-01,,1\n2024-01-02,4,\n2024-01-03,5,3\n2024-01-04,6,\n",
        features=["Volume"],
    )
    assert iso(s) == ["2024-01-03", "2024-01-04"]
    np.testing.assert_array_equal(s.values, [[5, 3], [6, 3]])
    assert "dropped 2 leading rows with missing values" in s.notes
    assert "filled 1 missing value forward (Volume 1)" in s.notes


# ---------------------------------------------------------------------------------------
# dates


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["2024-12-30", "2024-12-31"], ["2024-12-30", "2024-12-31"]),
        (["12/30/2024", "12/31/2024"], ["2024-12-30", "2024-12-31"]),
        (["30.12.2024", "31.12.2024"], ["2024-12-30", "2024-12-31"]),
        (["30/12/2024", "31/12/2024"], ["2024-12-30", "2024-12-31"]),
        (["Dec 30, 2024", "Dec 31, 2024"], ["2024-12-30", "2024-12-31"]),
        (["30-Dec-2024", "31-Dec-2024"], ["2024-12-30", "2024-12-31"]),
        (["2024/12/30", "2024/12/31"], ["2024-12-30", "2024-12-31"]),
        (["20241230", "20241231"], ["2024-12-30", "2024-12-31"]),
        (["1735516800", "1735603200"], ["2024-12-30", "2024-12-31"]),
    ],
)
def test_date_formats(tmp_path, cells, expected):
    s = read(tmp_path, "Date,Close\n" + "".join(f'"{c}",{i}\n' for i, c in enumerate(cells)))
    assert iso(s) == expected


def test_intraday_datetimes(tmp_path):
    text = "Datetime,Close\n2024-12-31 15:30:00,5\n2024-12-31 15:31:00,6\n2024-12-31 15:32:00,7\n"
    s = read(tmp_path, text)
    assert str(s.dates[1]) == "2024-12-31T15:31:00" and s.frequency == "min"
    assert "2024-12-31 15:30..2024-12-31 15:32 (minutes)" in cleaning_summary(s)


def test_separate_date_and_time_columns(tmp_path):
    s = read(tmp_path, "Date,Time,Close\n2024.01.02,10:00,5\n2024.01.02,11:00,6\n2024.01.02,12:00,7\n")
    assert str(s.dates[2]) == "2024-01-02T12:00:00" and s.frequency == "h"


def test_daily_dates_with_offsets_keep_their_local_dates(tmp_path):
    text = "Date,Close\n2024-01-02 00:00:00-05:00,5\n2024-01-03 00:00:00-05:00,6\n2024-01-04T00:00:00+09:00,7\n"
    s = read(tmp_path, text)
    assert iso(s) == ["2024-01-02", "2024-01-03", "2024-01-04"]
    assert str(s.dates[0]) == "2024-01-02T00:00:00"
    assert any("time-zone" in n for n in s.notes)


def test_ambiguous_day_month_prefers_month_first_and_notes_it(tmp_path):
    s = read(tmp_path, "Date,Close\n01/02/2024,5\n01/03/2024,6\n01/04/2024,7\n")
    assert iso(s) == ["2024-01-02", "2024-01-03", "2024-01-04"]
    assert any("month-first" in n for n in s.notes)


def test_day_first_when_only_day_first_parses(tmp_path):
    s = read(tmp_path, "Date,Close\n30/01/2024,5\n31/01/2024,6\n01/02/2024,7\n")
    assert iso(s) == ["2024-01-30", "2024-01-31", "2024-02-01"]


def test_day_first_when_only_day_first_keeps_the_order(tmp_path):
    s = read(tmp_path, "Date,Close\n01/01/2024,5\n02/01/2024,6\n03/01/2024,7\n01/02/2024,8\n")
    assert iso(s) == ["2024-01-01", "2024-01-02", "2024-01-03", "2024-02-01"]
    assert any("day-first" in n for n in s.notes)


def test_date_column_found_by_values_or_named(tmp_path):
    s = read(tmp_path, "Ticker,When,Close\nACME,2024-01-02,5\nACME,2024-01-03,6\n")
    assert iso(s) == ["2024-01-02", "2024-01-03"]
    s = read(tmp_path, "Date,Settlement,Close\nx,2024-01-02,5\ny,2024-01-03,6\n", date_column="settlement")
    assert iso(s) == ["2024-01-02", "2024-01-03"]


def test_a_day_column_of_step_numbers_is_an_index_not_dates(tmp_path):
    s = read(tmp_path, "Day,Price\n1,5\n2,6\n3,7\n10,8\n")
    assert s.dates is None and s.columns == ["Price"]
    np.testing.assert_array_equal(s.values[:, 0], [5, 6, 7, 8])
    assert any("step numbers" in n for n in s.notes)


def test_descending_file_is_sorted(tmp_path):
    s = read(tmp_path, "Date,Close\n2024-01-04,7\n2024-01-03,6\n2024-01-02,5\n")
    np.testing.assert_array_equal(s.values[:, 0], [5, 6, 7])
    assert "sorted 3 rows oldest-first (the file was newest-first)" in s.notes


def test_duplicate_dates(tmp_path):
    text = (
        "Date,Close\n2024-01-02,5\n2024-01-02,5\n2024-01-03,6\n2024-01-03,6.5\n"
        "2024-01-04,7\n2024-01-04,7.1\n2024-01-04,7.2\n"
    )
    s = read(tmp_path, text)
    assert iso(s) == ["2024-01-02", "2024-01-03", "2024-01-04"]
    np.testing.assert_array_equal(s.values[:, 0], [5, 6.5, 7.2])  # the last row of each date
    assert "dropped 1 repeated row (same date and values)" in s.notes
    assert "dropped 2 duplicate dates with different prices (kept the last row of each)" in s.notes


@pytest.mark.parametrize("empty_first", [True, False])
def test_an_empty_row_sharing_a_date_never_replaces_the_price(tmp_path, empty_first):
    """A Yahoo `null` row after the day's price row once won the de-duplication: the real 7 became a filled 6."""
    day = ["2024-01-04,null", "2024-01-04,7"] if empty_first else ["2024-01-04,7", "2024-01-04,null"]
    s = read(tmp_path, "\n".join(["Date,Close", "2024-01-02,5", "2024-01-03,6", *day]) + "\n")
    np.testing.assert_array_equal(s.values[:, 0], [5, 6, 7])
    assert "dropped 1 empty row sharing a date with a row of prices" in s.notes
    assert not any("duplicate date" in n or "filled" in n for n in s.notes), s.notes


def test_a_few_unreadable_dates_are_dropped(tmp_path):
    text = "Date,Close\n" + "".join(f"2024-01-{d:02d},{d}\n" for d in range(1, 31)) + "Highest: 30,xx\n"
    s = read(tmp_path, text)
    assert len(s.values) == 30
    assert any("dropped 1 row whose date could not be read" in n and "line 32" in n for n in s.notes)


def test_many_unreadable_dates_are_an_error(tmp_path):
    error(
        tmp_path,
        "Date,Close\n2024-01-01,1\nsoon,2\nlater,3\n2024-01-04,4\n",
        "prices.csv",
        "'Date'",
        "line 3",
        "'soon'",
        "--date-column",
    )


# ---------------------------------------------------------------------------------------
# column choice


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("Date,Open,Close,Adj. Close", "Adj. Close"),
        ("Date,Open,Close,Adjusted Close", "Adjusted Close"),
        ("Date,Open,CLOSE,Volume", "CLOSE"),
        ("Date,Open,Price,Volume", "Price"),
        ("Date,Open,Last,Volume", "Last"),
        ("Date,Value", "Value"),
        ("Date,Sales,Volume", "Sales"),  # the only numeric non-volume column
    ],
)
def test_target_column_choice(tmp_path, header, chosen):
    n = header.count(",")
    s = read(tmp_path, header + "\n" + "2024-01-02" + ",1" * n + "\n" + "2024-01-03" + ",2" * n + "\n")
    assert s.columns == [chosen]


def test_unclear_column_is_an_error_listing_numeric_columns(tmp_path):
    error(tmp_path, "Date,Foo,Bar\n2024-01-02,5,6\n2024-01-03,6,7\n", "prices.csv", "'Foo'", "'Bar'", "--column")


def test_unknown_column_suggests_close_names(tmp_path):
    e = error(tmp_path, YAHOO, "prices.csv", "'Closing'", "Adj Close", "Volume", column="Closing")
    assert "did you mean" in e.hint


def test_unknown_feature_and_bad_features(tmp_path):
    error(tmp_path, YAHOO, "feature column 'Volum'", "did you mean 'Volume'", features=["Volum"])
    error(tmp_path, YAHOO, "feature 'close'", "target", column="Close", features=["close"])
    error(tmp_path, YAHOO, "listed twice", features=["Volume", "volume"])
    error(tmp_path, YAHOO, "date column", column="Date")


# ---------------------------------------------------------------------------------------
# values a user must fix


def test_text_in_the_price_column_names_line_and_value(tmp_path):
    e = error(
        tmp_path,
        "Date,Close\n2024-01-02,5\n2024-01-03,five\n2024-01-04,oops\n",
        "prices.csv",
        "'Close'",
        "line 3",
        "'five'",
        "1 more",
    )
    assert e.hint


def test_infinite_value_is_an_error(tmp_path):
    error(tmp_path, "Date,Close\n2024-01-02,5\n2024-01-03,inf\n", "'Close'", "infinite", "line 3")
    error(tmp_path, "Date,Close\n2024-01-02,5\n2024-01-03,1e999\n", "infinite", "line 3")


def test_all_missing_column_is_an_error(tmp_path):
    error(tmp_path, "Date,Close,Volume\n2024-01-02,,1\n2024-01-03,,2\n", "'Close'", "no numbers", column="Close")


def test_unquoted_thousands_separator_is_an_error(tmp_path):
    error(tmp_path, "Date,Close\n2024-01-02,1,234.56\n", "prices.csv", "line 2", "3 fields", "quoted")


def test_one_usable_row(tmp_path):
    error(tmp_path, "Date,Close\n2024-01-02,5\n", "prices.csv has 1 usable row; need at least 2")


# ---------------------------------------------------------------------------------------
# files that are not CSV text


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DataError, match=r"nope\.csv: no such file"):
        read_prices(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="is a directory, not a CSV file"):
        read_prices(tmp_path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path):
    p = write(tmp_path, YAHOO)
    p.chmod(0)
    with pytest.raises(DataError, match="permission denied"):
        read_prices(p)


def test_unreadable_file_even_as_root(tmp_path, monkeypatch):
    def denied(self):
        raise PermissionError(13, "Permission denied")

    p = write(tmp_path, YAHOO)
    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(DataError, match=r"prices\.csv: permission denied"):
        read_prices(p)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "prices.csv is empty"),
        (b"\n \n\r\n", "prices.csv is empty"),
        (b"\xef\xbb\xbf", "prices.csv is empty"),
        (b"Date,Close\n", "prices.csv has a header but no data rows"),
        (b"\x00\x01\x02\x03garbage\x00", "prices.csv looks binary"),
        (bytes(range(128, 256)) * 4, "prices.csv looks binary"),
        (b"PK\x03\x04rest-of-a-zip", "Excel workbook"),
    ],
)
def test_not_a_csv(tmp_path, raw, words):
    error(tmp_path, raw, words)


# ---------------------------------------------------------------------------------------
# round trip


@settings(max_examples=40, deadline=None)
@given(
    prices=st.lists(st.floats(min_value=0.0001, max_value=1e7, allow_nan=False), min_size=2, max_size=40),
    delim=st.sampled_from([",", ";", "\t"]),
    newest_first=st.booleans(),
    data=st.data(),
)
def test_round_trip_any_layout(prices, delim, newest_first, data):
    """Whatever the delimiter, decimal mark and order, the prices come back oldest-first, exactly."""
    dates = np.busday_offset("2020-01-01", np.arange(len(prices)), roll="forward")
    decimal = data.draw(st.sampled_from([".", ","])) if delim != "," else "."
    cells = [f"{p:.4f}".replace(".", decimal) for p in prices]
    rows = [f"{d}{delim}{c}" for d, c in zip(dates, cells, strict=True)]
    text = f"Date{delim}Close\n" + "\n".join(rows[::-1] if newest_first else rows) + "\n"
    s = read_prices(text.encode(), name="x.csv")
    np.testing.assert_array_equal(s.values[:, 0], [float(f"{p:.4f}") for p in prices])
    assert list(s.dates) == list(dates.astype("datetime64[s]"))


# ---------------------------------------------------------------------------------------
# the bundled sample files


def test_sample_daily_stock():
    s = read_prices(SAMPLE / "daily_stock.csv")
    assert s.columns == ["Adj Close"] and s.frequency == "B" and s.notes == []
    assert iso(s)[0] == "2015-01-02" and iso(s)[-1] == "2024-12-31"
    assert not np.any(np.is_busday(s.dates.astype("datetime64[D]"), weekmask="Sat Sun"))


@pytest.mark.parametrize(
    ("name", "column", "frequency"),
    [
        ("monthly_seasonal.csv", "Sales", "M"),
        ("trend_smooth.csv", "Value", "D"),
        ("seed_companies.csv", "Price", "D"),
    ],
)
def test_other_samples(name, column, frequency):
    s = read_prices(SAMPLE / name)
    assert s.columns == [column] and s.frequency == frequency and s.notes == []
    assert np.all(s.values >= 0)
