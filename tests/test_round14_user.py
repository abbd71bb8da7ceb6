"""Round 14, a new user on messy files (a fresh venv, no torch): what gave a wrong answer or a confusing message.
Every test here fails on main."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import write_csv

DAYS = np.busday_offset("2023-01-02", np.arange(120), roll="forward")  # 2023-01-02 .. 2023-06-16, business days


@pytest.mark.parametrize(
    "fmt, example",
    [
        ("%d-%m-%y", "02-01-23"),  # no format read it: pandas' guess, month-first where it could
        ("%y/%m/%d", "23/01/02"),  # %d/%m/%y read it: day 23 of January 2002, 2003, ...
        ("%y-%m-%d", "23-01-02"),
        ("%y.%m.%d", "23.01.02"),  # %d.%m.%y
    ],
)
def test_dates_with_two_digit_years_are_read_in_the_files_order(tmp_path, fmt, example):
    """Dates written 02-01-23 (day-month-year with a dash) read "200 rows, 2023-01-02..2023-12-09 (calendar days);
    sorted 200 rows by date (the file was out of order), 62 calendar days without a row": no format read them, and
    pandas' guess read 02-01-23 as 1 February but 13-01-23 as 13 January. Year-first ones (23/01/02) read as day 23
    of 2002, 2003, ...: "2001-02-23..2031-08-23 (irregular dates); sorted". Exit 0 both times, and the model learnt
    a scrambled series. Both are formats now, and when two formats read every date, the one that gives regular
    dates (else dates in the file's order) is kept, and the Read line says so."""
    import pandas as pd

    from lstmcli.data import read_prices

    text = "".join(f"{pd.Timestamp(d).strftime(fmt)},{100 + k}\n" for k, d in enumerate(DAYS))
    assert text.startswith(example)
    s = read_prices(str(write_csv(tmp_path, "Date,Close\n" + text)))
    np.testing.assert_array_equal(s.dates.astype("datetime64[D]"), DAYS)
    np.testing.assert_array_equal(s.values[:, 0], 100 + np.arange(120))
    assert s.frequency == "B", s.notes
    assert not any("sorted" in n for n in s.notes), s.notes
    if fmt.startswith("%y"):
        assert any("year-first" in n and example in n for n in s.notes), s.notes
