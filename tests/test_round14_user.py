"""Round 14, a new user on messy files (a fresh venv, no torch): what gave a wrong answer or a confusing message.
Every test here fails on main."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import daily_csv, write_csv

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


def test_a_destination_that_cannot_be_written_is_refused_before_any_work(run, tmp_path):
    """`lstm train big.csv --model models/m.npz` without a `models` folder (or a read-only one) read the file, trained
    every fit and only then said "cannot save the model ...: the folder models does not exist": minutes lost on a
    real series, an --auto run or a panel. `lstm backtest --output` too, after all its fits. They are refused now
    before the data is read (no `Read ...` line)."""
    csv = daily_csv(tmp_path, 200)
    r = run("train", str(csv), "--model", str(tmp_path / "models" / "m.npz"), "--epochs", "2", "-q")
    assert r.exit_code == 2, r
    assert "the folder" in r.stderr and "does not exist" in r.stderr and "--model" in r.stderr, r.stderr
    assert "Read " not in r.stderr, r.stderr  # refused before reading the data
    r = run("backtest", str(csv), "--output", str(tmp_path / "out" / "b.csv"), "--epochs", "2", "-q")
    assert r.exit_code == 2, r
    assert "does not exist" in r.stderr and "--output" in r.stderr and "Read " not in r.stderr, r.stderr


def test_an_output_that_is_a_folder_is_refused_as_one_before_any_work(run, tmp_path):
    """`lstm predict --output .` (or any folder) forecast, then said "cannot write .: Device or resource busy. Free
    some disk space or choose another --output path" (for another folder: "Is a directory. Free some disk
    space ..."): the work done, and a hint about the disk. A folder is now refused first, as a folder."""
    csv = daily_csv(tmp_path, 200)
    model = tmp_path / "m.npz"
    assert run("train", str(csv), "--model", str(model), "--epochs", "2", "--ensemble", "1", "-q").exit_code == 0
    folder = tmp_path / "out"
    folder.mkdir()
    for where in (str(folder), "."):
        r = run("predict", "--model", str(model), "--output", where)
        assert r.exit_code == 2, r
        assert f"--output {where} is a folder" in r.stderr and "disk" not in r.stderr, r.stderr
        assert "forecast.csv" in r.stderr and r.stdout == "", r  # nothing forecast first
    r = run("backtest", str(csv), "--output", str(folder), "--epochs", "2", "-q")
    assert r.exit_code == 2 and "is a folder" in r.stderr and "Read " not in r.stderr, r


def test_auto_says_the_held_out_win_over_drift_with_its_figures():
    """`lstm train prices.csv --auto` on a stock price: "--auto kept lstm train's defaults ..., which did not beat the
    drift forecast by more than 1% in selection ... On the held-out validation rows ... the model does beat the drift
    forecast beyond chance (one-step MAE: the validation verdict)." and the validation verdict under it: "The model's
    one-step MAE is 9.4% below naive's, but over 54 validation rows that could be chance (t = -2.0): it is not clearly
    better than 'tomorrow = today'" -- about naive only, never drift (`predict`: "... (the verdict below)"). The
    sentence now gives drift's figures itself."""
    from lstmcli.leaderboard import Entry, SelectionInfo
    from lstmcli.modelfile import Scores, ValidationInfo
    from lstmcli.render.auto import predict_label
    from lstmcli.render.auto import verdict as auto_verdict

    name = "lstm train's defaults (log-return, window 30, 32 units, season auto)"
    kept = Entry(name, "lstm", 1.563, 10.83, {"target": "log-return", "window": 30, "auto_window": True})
    low = Entry("diff, window 5, 16 units", "lstm", 1.513, 10.49, {"target": "diff"})
    rule = "The lowest score (1.513: diff, window 5, 16 units) is not lower by more than 2.85 standard errors"
    board = (low, Entry("drift", "baseline", 1.551, 10.76), kept, Entry("naive", "baseline", 1.585, 10.99))
    info = SelectionInfo(5, 238, 190, 44, 1, None, 24, 24, None, 5.0, 4.0, board, 2, rule=rule)
    s = lambda mae, t=None: Scores(mae, mae, mae, 50.0, t)  # noqa: E731
    validation = ValidationInfo(54, 7.0, 246, s(5.4634), s(6.0307, -2.0), s(6.0428, -2.3), None, None)
    style, sentence, _ = auto_verdict(info, validation)
    assert style == "yellow" and "the validation verdict" not in sentence, sentence
    assert sentence.endswith(
        "the model does beat the drift forecast beyond chance (one-step MAE 5.4634 against drift's 6.0428 over 54 "
        "validation rows, t = -2.3)."
    ), sentence
    label = predict_label(info, validation)
    assert "the verdict below" not in label and "against drift's 6.0428 over 54 validation rows, t = -2.3)" in label


@pytest.mark.parametrize("verb", ["train", "backtest"])
def test_help_at_80_columns_cuts_no_word(run, monkeypatch, verb):
    """`lstm train --help` in an 80-column terminal cut seven words of its options' help with an ellipsis:
    `lstmcli[calendar…` (the extra to install), `$LSTM_DASK_SCHED…`, `benchmarks/READM…`, `stable-seasonali…`.
    A word longer than the help column now folds onto the next line."""
    monkeypatch.setenv("COLUMNS", "80")
    r = run(verb, "--help")
    assert r.exit_code == 0, r
    assert "…" not in r.stdout, [line for line in r.stdout.splitlines() if "…" in line]
    if verb == "train":
        cells = "".join(line.split("│")[-2].strip() for line in r.stdout.splitlines() if line.count("│") >= 2)
        assert "lstmcli[calendars]" in cells and "$LSTM_DASK_SCHEDULER" in cells, cells


def test_dates_after_the_last_price_are_dropped_not_filled(run, tmp_path):
    """A sheet with the coming days' dates already in it (or today's row before the close) and no price on them:
    "Read ...: 210 rows, 2023-01-02..2023-10-20; filled 10 missing prices forward", exit 0. The model learnt ten
    prices that never were (no change), and `predict` forecast from 2023-10-23, two weeks after the last price.
    Trailing rows without a price are dropped now, and said."""
    from lstmcli.data import read_prices

    days = np.busday_offset("2023-01-02", np.arange(130), roll="forward")
    prices = 100 + np.cumsum(np.random.default_rng(0).normal(0, 1, 120))
    cells = [f"{p:.2f}" for p in prices] + [""] * 5 + ["#N/A"] * 5
    csv = write_csv(tmp_path, "Date,Close,Volume\n" + "".join(f"{d},{c},7\n" for d, c in zip(days, cells, strict=True)))
    s = read_prices(str(csv))
    assert len(s.values) == 120 and str(s.dates[-1])[:10] == str(days[119]), s.notes
    np.testing.assert_allclose(s.values[:, 0], np.round(prices, 2))
    assert s.notes == [f"dropped 10 trailing rows without a price (from {days[120]})"], s.notes
    model = tmp_path / "m.npz"
    r = run("train", str(csv), "--model", str(model), "--epochs", "2", "--ensemble", "1", "-q")
    assert r.exit_code == 0 and "dropped 10 trailing rows without a price" in r.stderr, r
    r = run("predict", "--model", str(model), "--days", "1", "--json")
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["forecast"][0]["date"] == str(days[120]), r.stdout
    # a feature missing on the last day keeps the row (its price is there): filled forward, as before
    cells = [f"{p:.2f},7" for p in prices[:-1]] + [f"{prices[-1]:.2f},"]
    s = read_prices(
        str(
            write_csv(
                tmp_path, "Date,Close,Volume\n" + "".join(f"{d},{c}\n" for d, c in zip(days[:120], cells, strict=True))
            )
        ),
        features=["Volume"],
    )
    assert len(s.values) == 120 and s.values[-1, 1] == 7, s.notes


def test_a_feature_that_decides_the_target_is_named(run, tmp_path):
    """`lstm train investing.csv --features 'Change %'` (a price above 0 and its daily change in %) said "learns diff
    (auto: the data has values <= 0)": the price has none, so the user looks for a bad price. The reason names the
    feature now."""
    days = np.busday_offset("2023-01-02", np.arange(150), roll="forward")
    prices = 100 * np.exp(np.cumsum(np.random.default_rng(0).normal(0, 0.01, 150)))
    change = np.r_[0, 100 * np.diff(prices) / prices[:-1]]
    text = "".join(f"{d},{p:.2f},{c:.2f}\n" for d, p, c in zip(days, prices, change, strict=True))
    csv = write_csv(tmp_path, "Date,Close,Change %\n" + text)
    r = run(
        "train",
        str(csv),
        "--features",
        "Change %",
        "--model",
        str(tmp_path / "m.npz"),
        "--epochs",
        "1",
        "--ensemble",
        "1",
        "-q",
        "--json",
    )
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["choices"]["target"] == "auto: feature 'Change %' has values <= 0", r.stdout


def test_one_step_and_one_row_are_singular(run, tmp_path):
    """`lstm predict --days 1` of a panel titled its table "Forecast, next 1 steps, per series"; a long file whose
    total row had no series name said "column 'Ticker' has 1 rows without a series name"; a folder of one file
    "Read folder: 1 files, one series per file"."""
    days = np.busday_offset("2023-01-02", np.arange(60), roll="forward")
    rows = [f"{d},{t},{100 + k + (7 if t == 'B' else 0)}\n" for k, d in enumerate(days) for t in ("A", "B")]
    csv = write_csv(tmp_path, "Date,Ticker,Close\n" + "".join(rows))
    model = tmp_path / "m.npz"
    r = run("train", str(csv), "--model", str(model), "--epochs", "1", "-q", "--jobs", "1")
    assert r.exit_code == 0, r
    r = run("predict", "--model", str(model), "--days", "1")
    assert r.exit_code == 0 and "Forecast, next 1 step, per series" in r.stdout, r
    csv = write_csv(tmp_path, "Date,Ticker,Close\n" + "".join(rows) + "Total,,12345\n", "total.csv")
    r = run("train", str(csv), "--model", str(model), "--epochs", "1", "-q", "--jobs", "1")
    assert r.exit_code == 2 and "has 1 row without a series name" in r.stderr, r
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "a.csv").write_text("Date,Close\n" + "".join(f"{d},{100 + k}\n" for k, d in enumerate(days)))
    r = run("train", str(folder), "--model", str(model), "--epochs", "1", "-q", "--jobs", "1")
    assert r.exit_code == 0 and "Read " + str(folder) + ": 1 file, one series" in r.stderr, r


@pytest.mark.parametrize("label", ["{y} Q{q}", "Q{q} {y}", "{y}-Q{q}", "Q{q}/{y}"])
def test_quarters_written_as_labels_are_dates(tmp_path, label):
    """A quarterly series as the UK's ONS exports it ("1955 Q1") or a spreadsheet writes it ("Q1 2005") read "60
    rows, no dates (rows are steps 0..59)": the quarter column was dropped, the summary said "no season: the dates
    have no regular frequency", and predict's forecasts had no dates. Such labels are the first day of their
    quarter now (2005 Q1 = 2005-01-01); months written 2005M01 (Eurostat, the IMF) too."""
    from lstmcli.data import read_prices

    quarters = [(2005 + k // 4, k % 4 + 1) for k in range(60)]
    text = "".join(f"{label.format(y=y, q=q)},{1000 + 10 * k}\n" for k, (y, q) in enumerate(quarters))
    s = read_prices(str(write_csv(tmp_path, "Quarter,GDP\n" + text)))
    assert s.frequency == "Q" and str(s.dates[0])[:10] == "2005-01-01" and str(s.dates[-1])[:10] == "2019-10-01"
    assert len(s.values) == 60 and s.columns == ["GDP"], s.notes
    months = "".join(f"{2005 + k // 12}M{k % 12 + 1:02d},{100 + k}\n" for k in range(40))
    s = read_prices(str(write_csv(tmp_path, "Period,Value\n" + months, "m.csv")))
    assert s.frequency == "M" and str(s.dates[-1])[:10] == "2008-04-01", s.notes


def test_a_futures_settle_column_is_the_price():
    """A futures history (Date, Open, High, Low, Settle, Volume, as CME and Quandl export it) was refused: "cannot
    tell which column holds the prices (numeric columns: 'Open', 'High', 'Low', 'Settle'). Choose one with --column
    NAME, e.g. --column 'Open'". The settlement price is the futures' close."""
    from lstmcli.data import read_prices

    days = np.busday_offset("2023-01-02", np.arange(40), roll="forward")
    text = "".join(f"{d},{99 + k},{101 + k},{98 + k},{100 + k},{5 * k}\n" for k, d in enumerate(days))
    s = read_prices(("Date,Open,High,Low,Settle,Volume\n" + text).encode(), name="cl.csv")
    assert s.columns == ["Settle"] and s.values[-1, 0] == 139, s.columns


def test_predict_from_data_older_than_the_training_data_says_so(run, tmp_path):
    """`lstm predict --data prices.csv` given last month's export of the file the model was trained on forecast the
    days after its end, dates the model had trained on, with no word but the title's "after 2023-12-14"."""
    days = np.busday_offset("2023-01-02", np.arange(200), roll="forward")
    prices = 100 * np.exp(np.cumsum(np.random.default_rng(0).normal(0, 0.01, 200)))
    lines = [f"{d},{p:.2f}\n" for d, p in zip(days, prices, strict=True)]
    csv = write_csv(tmp_path, "Date,Close\n" + "".join(lines))
    old = write_csv(tmp_path, "Date,Close\n" + "".join(lines[:150]), "old.csv")
    model = tmp_path / "m.npz"
    assert run("train", str(csv), "--model", str(model), "--epochs", "1", "--ensemble", "1", "-q").exit_code == 0
    r = run("predict", "--model", str(model), "--data", str(old), "--days", "1")
    assert r.exit_code == 0, r
    said = " ".join(r.stderr.split())
    assert f"ends {days[149]}, before the training data did ({days[199]})" in said, r.stderr
    r = run("predict", "--model", str(model), "--data", str(csv), "--days", "1")  # the same file: nothing to say
    assert r.exit_code == 0 and "before the training data" not in r.stderr, r


def test_columns_on_a_long_file_is_refused(run, tmp_path):
    """`lstm train long.csv --columns all` (Date, Ticker, Close: thinking "all the series") read the Close column as
    one wide series: "Note: Close: dropped 300 duplicate dates with different prices (kept the last row of each)",
    then trained the last ticker's prices under the name 'Close' and saved it, exit 0. It is refused now, naming
    the id column and what to do instead."""
    days = np.busday_offset("2023-01-02", np.arange(100), roll="forward")
    rows = [f"{d},{t},{100 + k + (50 if t == 'B' else 0)}\n" for t in ("A", "B") for k, d in enumerate(days)]
    csv = write_csv(tmp_path, "Date,Ticker,Close\n" + "".join(rows))
    model = tmp_path / "m.npz"
    for columns in ("all", "Close"):
        r = run("train", str(csv), "--columns", columns, "--model", str(model), "--epochs", "1", "-q", "--jobs", "1")
        assert r.exit_code == 2 and not model.exists(), r
        said = " ".join(r.stderr.split())
        assert "is a long file: column 'Ticker' names its series (A, B)" in said and "Leave out --columns" in said, r
    r = run("train", str(csv), "--model", str(model), "--epochs", "1", "-q", "--jobs", "1")  # as the hint says
    assert r.exit_code == 0 and "2 series in column 'Ticker'" in r.stderr, r


def test_a_price_of_zero_among_prices_is_noted(tmp_path):
    """Stock prices with a day recorded as 0 (a missing close written as 0) read "200 rows, ... column 'Close'" and
    nothing more, exit 0: the 0 turned the target to diff and the network learnt a -100/+100 jump. A 20x spike is
    noted as a likely typo; a 0 among prices above 0 now is too (and a last price of 0: the forecast starts
    there)."""
    from lstmcli.data import read_prices

    days = np.busday_offset("2023-01-02", np.arange(60), roll="forward")
    prices = 100 + np.arange(60) / 10
    prices[[20, 40]] = 0
    text = "".join(f"{d},{p:.2f}\n" for d, p in zip(days, prices, strict=True))
    s = read_prices(str(write_csv(tmp_path, "Date,Close\n" + text)))
    assert s.notes == [
        f"2 prices of 0 among prices above 0, the first: {days[20]}'s price is 0 after 101.9 and before 102.1: a "
        "missing value written as 0? (read as written; an empty cell is filled forward)"
    ], s.notes
    prices = 100 + np.arange(60) / 10
    prices[-1] = 0
    text = "".join(f"{d},{p:.2f}\n" for d, p in zip(days, prices, strict=True))
    s = read_prices(str(write_csv(tmp_path, "Date,Close\n" + text)))
    assert len(s.notes) == 1 and f"{days[59]}'s price is 0 after 105.8, last" in s.notes[0], s.notes
    # a series that is often 0 (counts, a spread) says nothing
    counts = np.where(np.arange(60) % 3 == 0, 0, 5)
    text = "".join(f"{d},{c}\n" for d, c in zip(days, counts, strict=True))
    assert read_prices(str(write_csv(tmp_path, "Date,Sold\n" + text))).notes == []


def test_several_series_for_a_model_of_one_says_it_forecasts_one(run, tmp_path):
    """`lstm predict --model m.npz --data long.csv --series A,B` (a model of one series; the help's "several (AAPL,MSFT)
    make a panel") said "long.csv has no series 'A,B' in column 'Ticker'. Did you mean 'B', 'A'?": both names are
    in the file. It says the model forecasts one series at a time now, and how to get both."""
    days = np.busday_offset("2023-01-02", np.arange(120), roll="forward")
    one = write_csv(tmp_path, "Date,Close\n" + "".join(f"{d},{100 + k / 10}\n" for k, d in enumerate(days)))
    model = tmp_path / "m.npz"
    assert run("train", str(one), "--model", str(model), "--epochs", "1", "--ensemble", "1", "-q").exit_code == 0
    rows = [f"{d},{t},{100 + k / 10}\n" for t in ("A", "B") for k, d in enumerate(days)]
    long = write_csv(tmp_path, "Date,Ticker,Close\n" + "".join(rows), "long.csv")
    r = run("predict", "--model", str(model), "--data", str(long), "--series", "A,B")
    assert r.exit_code == 2, r
    said = " ".join(r.stderr.split())
    assert "is a model of one series" in said and "--series A," in said and "Did you mean" not in said, said
    r = run("predict", "--model", str(model), "--data", str(long), "--series", "A", "--days", "1")
    assert r.exit_code == 0, r


def test_a_narrow_backtest_keeps_the_baseline_its_verdict_names(run, tmp_path, monkeypatch):
    """`lstm backtest` of a monthly series at 40 columns: "MASE by horizon" kept LSTM, naive and drift and left out
    seasonal naive (the rightmost first), while the line under it read "LSTM beats seasonal naive at every step".
    The moving average, the coverage and drift go first now; the LSTM and the verdict's baseline stay."""
    months = np.datetime64("2015-01", "M") + np.arange(96)
    k = np.arange(96)
    values = 1000 + 3 * k + 150 * np.sin(2 * np.pi * k / 12) + np.random.default_rng(0).normal(0, 10, 96)
    csv = write_csv(
        tmp_path, "Month,Sales\n" + "".join(f"{m}-01,{v:.2f}\n" for m, v in zip(months, values, strict=True))
    )
    monkeypatch.setenv("COLUMNS", "40")
    r = run(
        "backtest", str(csv), "--season", "12", "--epochs", "1", "--ensemble", "1", "--jobs", "1", "-q", "--no-chart"
    )
    assert r.exit_code == 0, r
    table = r.stdout.split("MASE by horizon")[1].split("└")[0]
    assert "seasonal" in table and "LSTM" in table, r.stdout
    assert "moving" not in table, table


@pytest.mark.parametrize(
    "cell, value",
    [("R$ 1.234,56", 1234.56), ("kr 12,50", 12.5), ("12,50 zł", 12.5), ("1 234,56 Kč", 1234.56), ("SEK 12.5", 12.5)],
)
def test_prices_with_more_currencies_are_numbers(tmp_path, cell, value):
    """A Brazilian export (`Data;Preço` with `R$ 1.234,56`) was refused with "br.csv has no column of numbers (the
    columns are: Data, Preço)", which does not say why; so were Swedish, Polish and Czech prices (kr, zł, Kč). `$`,
    `€`, `USD`, ... were already stripped."""
    from lstmcli.data import read_prices

    days = np.busday_offset("2023-01-02", np.arange(30), roll="forward")
    delim = "," if "." in cell and "," not in cell else ";"
    s = read_prices(str(write_csv(tmp_path, f"Date{delim}Price\n" + "".join(f"{d}{delim}{cell}\n" for d in days))))
    assert s.values[-1, 0] == value, s.notes


def test_no_column_of_numbers_shows_a_value_that_did_not_read(tmp_path):
    """ "br.csv has no column of numbers (the columns are: Data, Preço)": the user sees numbers in Preço. The message
    now shows one of its values, the one thing that tells what to fix."""
    from lstmcli.errors import DataError

    text = "Data;Preço\n" + "".join(f"2023-01-{d:02d};Q$ 1.{200 + d},56\n" for d in range(2, 30))
    with pytest.raises(DataError) as info:
        from lstmcli.data import read_prices

        read_prices(str(write_csv(tmp_path, text)))
    assert "column 'Preço' holds values such as 'Q$ 1.202,56', which do not read as numbers" in str(info.value)


def test_newer_data_of_other_bars_is_refused(run, tmp_path):
    """`lstm predict --data one_minute.csv` with a model of 5-minute bars forecast without a word: both are
    "minutes", so the frequency check passed, and the forecast was made in 1-minute steps by a network that learnt
    5-minute changes, with a band calibrated on them. Bars of another length are refused now, as weekly data for a
    daily model is."""
    rng = np.random.default_rng(0)

    def bars(minutes: int, n: int, start: str) -> str:
        t = np.datetime64(f"{start}T09:30") + np.arange(n) * np.timedelta64(minutes, "m")  # within one long session
        prices = 100 * np.exp(np.cumsum(rng.normal(0, 0.001, n)))
        return "Datetime,Close\n" + "".join(
            f"{str(a).replace('T', ' ')},{p:.3f}\n" for a, p in zip(t, prices, strict=True)
        )

    five = write_csv(tmp_path, bars(5, 150, "2024-03-04"), "five.csv")
    model = tmp_path / "m.npz"
    assert run("train", str(five), "--model", str(model), "--epochs", "1", "--ensemble", "1", "-q").exit_code == 0
    one = write_csv(tmp_path, bars(1, 150, "2024-03-05"), "one.csv")
    for verb in (["predict", "--days", "2"], ["inspect", "--step-trace"]):
        r = run(*verb, "--model", str(model), "--data", str(one))
        assert r.exit_code == 2, r
        assert "its bars are 1 minute apart, but the model was trained on bars 5 minutes apart" in r.stderr, r
    later = write_csv(tmp_path, bars(5, 150, "2024-03-05"), "later.csv")  # the model's own bars: as before
    assert run("predict", "--model", str(model), "--data", str(later), "--days", "2").exit_code == 0
