"""An id column found by its content (issue 12/14): a long file whose series never share a date is a panel,
not one merged series; a constant or sparse text column (Currency, notes) or a label of one series is not an id."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import read_csv as read
from conftest import read_error as error

from lstmcli import panel_data

FAST = ("--epochs", "2", "--hidden", "4", "--window", "5", "--jobs", "1")


def disjoint(header: str = "Date,Ticker,Close", sort_by_date: bool = True) -> str:
    """A daily series in 2015 and a monthly one from 2020: no date repeats."""
    daily = [(d, "DAILY", 100 + i + (i % 3)) for i, d in enumerate(pd.bdate_range("2015-01-01", periods=60))]
    monthly = [(d, "MONTHLY", 5 + 0.5 * i) for i, d in enumerate(pd.date_range("2020-01-31", periods=40, freq="ME"))]
    rows = daily + monthly
    if not sort_by_date:
        rows = monthly + daily
    return header + "\n" + "".join(f"{d.date()},{t},{v}\n" for d, t, v in rows)


def two_tickers_apart() -> str:
    """Two tickers of one frequency with a gap of a year between them, sorted by ticker (later one first)."""
    a = [(d, "ZZZ", 50 + i) for i, d in enumerate(pd.bdate_range("2021-01-01", periods=30))]
    b = [(d, "AAA", 300 - i) for i, d in enumerate(pd.bdate_range("2018-01-01", periods=30))]
    return "Date,Label,Close\n" + "".join(f"{d.date()},{t},{v}\n" for d, t, v in a + b)


def _single_series_model(tmp_path, run, start: str, cycle: int):
    """A one-series model trained on 60 business days from `start` (price 100 + day % cycle): path."""
    one = tmp_path / "one.csv"
    days = pd.bdate_range(start, periods=60)
    one.write_text("Date,Close\n" + "".join(f"{d.date()},{100 + i % cycle}\n" for i, d in enumerate(days)))
    single = tmp_path / "single.npz"
    assert run("train", str(one), "--model", str(single), *FAST[:6]).exit_code == 0
    return single


@pytest.mark.parametrize("header", ["Date,Ticker,Close", "Date,Label,Close"])
@pytest.mark.parametrize("by_date", [True, False])
def test_series_that_never_share_a_date_are_not_merged(tmp_path, header, by_date):
    col = header.split(",")[1]
    e = error(tmp_path, disjoint(header, by_date), "2 series", f"column {col!r}", "DAILY", "MONTHLY", "--series")
    assert "duplicate" not in str(e)
    s = read(tmp_path, disjoint(header, by_date), series="MONTHLY")
    assert len(s.values) == 40 and s.frequency == "M" and s.series == "MONTHLY"


def test_two_tickers_with_a_gap_between_them_are_two_series(tmp_path):
    error(tmp_path, two_tickers_apart(), "2 series", "'Label'", "ZZZ", "AAA")


def test_a_constant_currency_and_a_sparse_notes_column_are_not_ids(tmp_path):
    days = pd.bdate_range("2024-01-01", periods=80)
    text = "Date,Currency,Close,Notes\n" + "".join(
        f"{d.date()},USD,{100 + i},{'earnings call' if i % 20 == 0 else ''}\n" for i, d in enumerate(days)
    )
    s = read(tmp_path, text)
    assert len(s.values) == 80 and s.columns == ["Close"] and s.series is None


def test_a_notes_column_filled_on_every_row_but_changing_often_is_not_an_id(tmp_path):
    days = pd.bdate_range("2024-01-01", periods=80)
    text = "Date,Close,Signal\n" + "".join(
        f"{d.date()},{100 + i},{('buy', 'hold', 'sell')[(i // 4) % 3]}\n" for i, d in enumerate(days)
    )
    s = read(tmp_path, text)
    assert len(s.values) == 80


@pytest.mark.parametrize("label", ["Month", "Source"])
def test_a_label_of_one_series_that_changes_once_per_block_is_not_an_id(tmp_path, label):
    """Blocks that run on in time at the same step (month names of one year; a vendor switch) are one series."""
    days = pd.bdate_range("2024-01-01", "2024-12-31")
    name = (lambda i, d: d.strftime("%B")) if label == "Month" else (lambda i, d: "Yahoo" if i < 150 else "Stooq")
    text = f"Date,{label},Close\n" + "".join(f"{d.date()},{name(i, d)},{100 + i}\n" for i, d in enumerate(days))
    s = read(tmp_path, text)
    assert len(s.values) == len(days) and s.series is None


def test_the_panel_reader_finds_the_id_column_on_a_file_longer_than_its_sample(tmp_path, monkeypatch):
    monkeypatch.setattr(panel_data, "SAMPLE_LINES", 20)  # the sample sees only the first series
    p = tmp_path / "p.csv"
    p.write_text(disjoint("Date,Label,Close"))
    with pytest.raises(Exception, match="no column of series names"):
        panel_data.read_panel([p])
    inp = panel_data.read_panel([p], id_column="Label")
    assert inp.ids == ["DAILY", "MONTHLY"]


def test_train_reads_such_a_file_as_a_panel_and_predict_data_refuses_it_naming_the_series(run, tmp_path, monkeypatch):
    monkeypatch.setattr(panel_data, "SAMPLE_LINES", 20)  # the id column is found on the whole file, not the sample
    f = tmp_path / "mixed.csv"
    f.write_text(disjoint("Date,Label,Close"))
    model = tmp_path / "m.npz"
    r = run("train", str(f), "--model", str(model), *FAST)
    assert r.exit_code == 0, r
    assert "long format, 2 series in column 'Label'" in r.stderr and "Trained 2 of 2 series" in r.stdout
    single = _single_series_model(tmp_path, run, "2015-01-01", 7)
    r = run("predict", "--model", str(single), "--data", str(f))
    assert r.exit_code == 2 and "2 series in column 'Label'" in r.stderr and "--series" in r.stderr, r
    r = run("predict", "--model", str(single), "--data", str(f), "--series", "DAILY", "--days", "2")
    assert r.exit_code == 0, r
    r = run("inspect", "--model", str(single), "--step-trace", "--data", str(f))
    assert r.exit_code == 2 and "2 series in column 'Label'" in r.stderr, r
    r = run("inspect", "--model", str(single), "--step-trace", "--data", str(f), "--series", "DAILY", "--steps", "1")
    assert r.exit_code == 0, r
    r = run("predict", "--model", str(single), "--series", "DAILY")
    assert r.exit_code == 2 and "model of one series" in r.stderr


# ---------------------------------------------------------------------------------------
# a yfinance download of several tickers is a panel


def yf_multi(n: int = 60) -> str:
    days = pd.bdate_range("2024-01-01", periods=n)
    return (
        "Price,Adj Close,Adj Close,Close,Close,High,High,Volume,Volume\n"
        "Ticker,AAPL,MSFT,AAPL,MSFT,AAPL,MSFT,AAPL,MSFT\n"
        "Date,,,,,,,,\n"
        + "".join(
            f"{d.date()},{99 + i % 5},{299 + i % 7},{100 + i % 5},{300 + i % 7},{101 + i},{301 + i},1000,2000\n"
            for i, d in enumerate(days)
        )
    )


def test_a_yfinance_download_of_several_tickers_is_one_series_per_ticker(tmp_path):
    p = tmp_path / "yf.csv"
    p.write_text(yf_multi())
    inp = panel_data.read_panel([p])
    assert inp.layout == "yfinance" and inp.ids == ["AAPL", "MSFT"]
    assert "a yfinance download of 2 tickers (AAPL, MSFT), 60 rows each" in inp.summary()
    aapl, msft = (s.read() for s in inp.series)
    assert aapl.columns == ["Adj Close"] and msft.columns == ["Adj Close"]  # the Adj Close rule, per ticker
    assert aapl.values[0, 0] == 99 and msft.values[0, 0] == 299 and len(msft.values) == 60
    assert b"MSFT" not in inp.series[0].raw  # each series' bytes hold its own ticker only
    high = panel_data.read_panel([p], column="High", series=["msft"])
    assert high.ids == ["MSFT"] and high.series[0].read().values[0, 0] == 301


def test_train_and_backtest_a_yfinance_download_as_a_panel_predict_data_refuses_it(run, tmp_path):
    f = tmp_path / "yf.csv"
    f.write_text(yf_multi())
    model = tmp_path / "m.npz"
    r = run("train", str(f), "--model", str(model), *FAST)
    assert r.exit_code == 0, r
    assert "yfinance download of 2 tickers" in r.stderr and "Trained 2 of 2 series" in r.stdout
    r = run("backtest", str(f), "--days", "2", "--json", *FAST)
    assert r.exit_code == 0, r
    assert '"AAPL"' in r.stdout and '"MSFT"' in r.stdout
    r = run("predict", "--model", str(model), "--days", "2", "--series", "MSFT")
    assert r.exit_code == 0 and "MSFT" in r.stdout, r
    single = _single_series_model(tmp_path, run, "2024-01-01", 5)
    r = run("predict", "--model", str(single), "--data", str(f))
    assert r.exit_code == 2 and "yfinance download of 2 tickers: AAPL, MSFT" in r.stderr and "--series" in r.stderr
    r = run("predict", "--model", str(single), "--data", str(f), "--series", "AAPL", "--days", "1")
    assert r.exit_code == 0, r
