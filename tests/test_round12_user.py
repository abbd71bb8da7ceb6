"""What a new user meets in round 12 (branch r12user): whole-number prices with dots between thousands (987, 1.003)
read 1000x smaller without a word, in one series, in --data and in a panel, and a value of the other decimal mark
read as another number; a missing week of business days not said while Lunar New Year closures were; a double space
where a progress column had nothing to show; the note of a table's columns left out, the Next: command and the stop
lines folded when piped; a header repeated mid-file read as a bad date; Ctrl-C after the epochs or in the damped
growth's fit swallowed. Each test fails on main 0c471f5."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import flat

FAST = ("--epochs", "2", "--jobs", "1")


def _euro(prices, delim: str = ";", quote: bool = False, header: str = "Datum;Kurs") -> str:
    """Whole-number prices as a European spreadsheet writes them: 987, 1.003, 12.345 (dots between thousands)."""
    days = np.busday_offset("2023-01-02", np.arange(len(prices)), roll="forward")
    cells = [f"{int(p):,}".replace(",", ".") for p in prices]
    q = '"' if quote else ""
    return header + "\n" + "".join(f"{d}{delim}{q}{c}{q}\n" for d, c in zip(days, cells, strict=True))


def _around_1000(n: int = 120) -> np.ndarray:
    """Whole-number prices that cross 1,000 both ways (some written 987, some 1.003)."""
    rng = np.random.default_rng(3)
    return np.round(1000 * np.exp(np.cumsum(rng.normal(0, 0.02, n))) * np.r_[0.97, np.ones(n - 1)])


@pytest.mark.parametrize(
    ("delim", "quote", "header"), [(";", False, "Datum;Kurs"), (",", True, "Date,Close"), (",", False, "Date,Close")]
)
def test_whole_prices_with_dots_between_thousands_are_read_whole_and_said(tmp_path, delim, quote, header):
    """`Datum;Kurs` with 987, 1.003, 1.010, 995 ... (a German sheet's whole-number prices) read as 987, 1.003,
    1.01, 995: prices jumping 1000x between rows, trained on without a word (in ','-separated files too). The
    sizes of neighbours decide now (987 beside 1.003 is 1,003), and the Read line says so and how to ask for
    the other reading."""
    from lstmcli.data import cleaning_summary, read_prices

    prices = _around_1000()
    assert (prices < 1000).any() and (prices >= 1000).any()
    path = tmp_path / "kurs.csv"
    path.write_text(_euro(prices, delim, quote, header))
    s = read_prices(str(path))
    np.testing.assert_array_equal(s.values[:, 0], prices)
    line = cleaning_summary(s)
    assert "(dots group thousands: " in line and "would be 1,000x apart as decimal points; --decimal . reads it" in line
    s = read_prices(str(path), decimal=".")  # asked for: the other reading, as asked
    assert s.values[:, 0].max() < 1000 and not any("group" in n for n in s.notes)


def test_a_file_of_only_dotted_values_is_read_by_its_delimiters_convention_and_said(tmp_path):
    """Every value 1.xxx (prices from 1,001 to 1,400, or from 1.001 to 1.400): nothing in the file tells. A
    ';'-separated file (a European locale's, where a decimal is written 1,234) reads them as thousands, a
    ','-separated one as decimals, as before; either way the Read line now says which reading it used and how to
    ask for the other (main read ';' files as decimals without a word)."""
    from lstmcli.data import read_prices

    prices = np.round(np.linspace(1001, 1400, 60))
    (tmp_path / "semi.csv").write_text(_euro(prices))
    s = read_prices(str(tmp_path / "semi.csv"))
    np.testing.assert_array_equal(s.values[:, 0], prices)
    assert (
        "read 1.001 as 1,001 (dots group thousands: the convention of ';'-separated files; --decimal . reads it as "
        "1.001)" in s.notes
    ), s.notes
    (tmp_path / "comma.csv").write_text(_euro(prices, ",", header="Date,Close"))
    s = read_prices(str(tmp_path / "comma.csv"))
    np.testing.assert_allclose(s.values[:, 0], prices / 1000)
    assert (
        "read 1.001 as 1.001 (a decimal point: the convention of ','-separated files; --decimal , reads it as 1,001)"
        in s.notes
    ), s.notes
    s = read_prices(str(tmp_path / "comma.csv"), decimal=",")
    np.testing.assert_array_equal(s.values[:, 0], prices)


def test_values_only_one_mark_writes_decide_and_a_value_of_the_other_mark_is_refused(tmp_path):
    """1.234,50 or 0.987 decide the mark without a note (as before for 1.234,50; 0.987, a leading zero, reads one
    way only). A value written with the other mark was read as another number: 12,6 in a file of 12.5, 12.7 read
    as 126, and 1235.5 in a file of 1.234,5 as 12355. It is refused now, naming the line and --decimal; and a file
    whose values contradict the sizes of their neighbours (1,234,567 volumes beside 987 and 1.003 prices) too."""
    from lstmcli.data import read_prices
    from lstmcli.errors import DataError

    (tmp_path / "a.csv").write_text("Datum;Kurs\n2024-01-02;1.234,50\n2024-01-03;1.240,25\n2024-01-04;1.250\n")
    s = read_prices(str(tmp_path / "a.csv"))
    np.testing.assert_array_equal(s.values[:, 0], [1234.5, 1240.25, 1250])
    assert not any("--decimal" in n for n in s.notes), s.notes
    (tmp_path / "b.csv").write_text("Date,Close\n2024-01-02,0.987\n2024-01-03,1.003\n2024-01-04,1.010\n")
    s = read_prices(str(tmp_path / "b.csv"))
    np.testing.assert_array_equal(s.values[:, 0], [0.987, 1.003, 1.01])
    assert not any("--decimal" in n for n in s.notes), s.notes
    cases = {
        'Date,Close\n2024-01-02,12.5\n2024-01-03,"12,6"\n2024-01-04,12.7\n2024-01-05,12.8\n': (
            "another decimal mark at line 3: '12,6'; the file's other numbers read with decimal points"
        ),
        "Date;Close\n2024-01-02;1.234,5\n2024-01-03;1.235,5\n2024-01-04;1235.5\n2024-01-05;1.236,5\n": (
            "another decimal mark at line 4: '1235.5'; the file's other numbers read with decimal commas"
        ),
        'Date,Close,Volume\n2024-01-02,987,"1,234,567"\n2024-01-03,1.003,"2,234,567"\n2024-01-04,1.010,"3,234,567"\n': (
            "the numbers contradict each other: 1,234,567 (line 2) reads only with decimal points, but with them "
            "987 beside 1.003 on lines 2-3 of 'Close' would be 1,000x apart"
        ),
    }
    for text, said in cases.items():
        (tmp_path / "c.csv").write_text(text)
        with pytest.raises(DataError) as e:
            read_prices(str(tmp_path / "c.csv"))
        assert said in e.value.message and "--decimal" in e.value.hint, e.value


def test_decimal_is_an_option_of_every_command_that_reads_prices(run, tmp_path):
    """--decimal . / --decimal , on train, backtest, predict --data and inspect --data (main had no way to say
    it); train keeps it in the model file, so predict --data reads a newer file the same way without it."""
    prices = np.round(np.linspace(1001, 1400, 150) + 20 * np.sin(np.arange(150)))
    csv = tmp_path / "kurs.csv"
    csv.write_text(_euro(prices, ",", header="Date,Close"))  # all 1.xxx, ','-separated: decimals by default
    model = str(tmp_path / "k.npz")
    r = run("train", str(csv), *FAST, "--model", model, "--decimal", ",")
    assert r.exit_code == 0 and "read decimal commas (1.234,56 = 1234.56)" in flat(r.stderr), r
    from lstmcli.forecast import Forecaster

    fc = Forecaster.load(model)
    assert fc.info.data.decimal == "," and fc.info.tail.values[-1, 0] == prices[-1]
    r = run("predict", "--model", model, "--data", str(csv), "--json")  # the model's --decimal ,
    import json

    assert r.exit_code == 0 and json.loads(r.stdout)["last_value"] == prices[-1], r
    r = run("predict", "--model", model, "--data", str(csv), "--decimal", ".", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["last_value"] == prices[-1] / 1000, r
    r = run("inspect", "--model", model, "--step-trace", "--data", str(csv), "--decimal", "comma", "--json")
    assert r.exit_code == 0, r
    r = run("backtest", str(csv), *FAST, "--every", "10", "--decimal", ",", "--json")
    assert r.exit_code == 0, r
    r = run("predict", "--model", model, "--decimal", ",")
    assert r.exit_code == 2 and "--decimal , says how to read the numbers of a --data file" in flat(r.stderr), r
    r = run("train", str(csv), *FAST, "--model", model, "--decimal", ";")
    assert r.exit_code == 2 and "--decimal ; is not a decimal mark" in flat(r.stderr), r


def _business_csv(path, days) -> str:
    path.write_text("Date,Close\n" + "".join(f"{d},{100 + k % 7}\n" for k, d in enumerate(days)))
    return str(path)


def test_a_missing_week_of_business_days_is_said_and_lunar_new_year_closures_are_not(tmp_path):
    """A US stock's file with a whole week (5 weekdays) without a row read as complete: only gaps of 6 weekdays or
    more were counted, so that China's Golden Week (5 weekdays) was not, while its Lunar New Year closure (6-10
    weekdays) was, reported as data missing every year. A week is counted now; a closure over Lunar New Year's day
    or 1 October is not, when the data has one at most of those days in its span (a holiday recurs each year; a US
    file's one missing week at Lunar New Year is counted)."""
    from lstmcli.data import cleaning_summary, read_prices
    from lstmcli.periods import LUNAR_NEW_YEAR

    days = np.busday_offset("2015-01-02", np.arange(1560), roll="forward")  # 2015-2020, weekdays
    week = (days >= np.datetime64("2018-06-04")) & (days <= np.datetime64("2018-06-08"))
    s = read_prices(_business_csv(tmp_path / "us.csv", days[~week]))
    assert (
        "5 business days without a row in gaps of a week or more (the first after 2018-06-01): the rows are read as "
        "consecutive business days" in s.notes
    ), s.notes
    lny = (days >= np.datetime64("2018-02-12")) & (days <= np.datetime64("2018-02-16"))  # one week at LNY 2018
    s = read_prices(_business_csv(tmp_path / "us2.csv", days[~lny]))
    assert "5 business days without a row in gaps of a week or more (the first after 2018-02-09)" in cleaning_summary(s)

    closed = np.zeros(len(days), dtype=bool)  # a Shanghai stock: closed from 2 days before LNY to 6 after, Oct 1-7
    for h in LUNAR_NEW_YEAR:
        closed |= (days >= h - 2) & (days <= h + 6)
    for y in range(2015, 2021):
        closed |= (days >= np.datetime64(f"{y}-10-01")) & (days <= np.datetime64(f"{y}-10-07"))
    s = read_prices(_business_csv(tmp_path / "sh.csv", days[~closed]))
    assert not [n for n in s.notes if "without a row" in n], s.notes
    s = read_prices(_business_csv(tmp_path / "sh2.csv", days[~closed & ~week]))
    assert (
        "5 business days without a row in gaps of a week or more (the first after 2018-06-01; 12 closures at Lunar "
        "New Year or 1 October, recurring each year, not counted): the rows are read as consecutive business days"
        in s.notes
    ), s.notes


def test_with_a_calendar_its_own_sessions_decide_what_is_missing(run, tmp_path):
    """With --calendar XNYS the exchange's sessions say what is missing: one session without a row is said, and a
    week of holidays the exchange had (none in the US, but any calendar's) is no gap (main said nothing of a
    missing day or week, calendar or not)."""
    pytest.importorskip("exchange_calendars")
    from lstmcli.calendars import next_sessions

    days = next_sessions("XNYS", np.datetime64("2016-12-30"), 502).astype("datetime64[D]")  # 2017-2018
    kept = days[
        (days != np.datetime64("2018-03-14"))
        & ((days < np.datetime64("2018-06-04")) | (days > np.datetime64("2018-06-08")))
    ]
    csv = _business_csv(tmp_path / "ny.csv", kept)
    model = str(tmp_path / "ny.npz")
    r = run("train", csv, *FAST, "--model", model, "--calendar", "XNYS", "-q")
    said = flat(r.stderr)
    assert r.exit_code == 0 and (
        "6 XNYS sessions without a row (the first after 2018-03-13): the rows are read as consecutive sessions" in said
    ), r
    assert "business days without a row" not in said, r
    r = run("predict", "--model", model, "--data", csv)  # the model's calendar reads a newer file's gaps too
    assert r.exit_code == 0 and "6 XNYS sessions without a row (the first after 2018-03-13)" in flat(r.stderr), r


def _piped(exe: str, *args: str, cwd, columns: str | None):
    """`lstm ARGS` with stdout and stderr piped, at COLUMNS=columns (None: unset, as in a plain shell script)."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LSTM_MODEL", "FORCE_COLOR")}
    env |= {"NO_COLOR": "1"} | ({"COLUMNS": columns} if columns else {})
    return subprocess.run([exe, *args], cwd=cwd, env=env, capture_output=True, timeout=120)


def _short_daily(tmp_path, rows: int = 300):
    from conftest import SAMPLE

    csv = tmp_path / "d.csv"
    csv.write_text("".join((SAMPLE / "daily_stock.csv").read_text().splitlines(keepends=True)[: rows + 1]))
    return str(csv)


def test_the_epoch_line_has_no_double_space_where_the_bar_dropped_out(lstm_exe, tmp_path):
    """Piped at 60 columns (or a narrow terminal) the bar has no room and was drawn as nothing, its column's two
    spaces left: "epoch   3/3  loss 1.0535 val 0.8431 best 0.8396  ETA 0:00:00". The column is left out now."""
    import re

    csv = _short_daily(tmp_path)
    for columns in ("60", "40"):
        r = _piped(
            lstm_exe, "train", csv, "--model", "m.npz", "--epochs", "3", "--jobs", "1", cwd=tmp_path, columns=columns
        )
        assert r.returncode == 0, r.stderr.decode()
        line = next(x for x in r.stderr.decode().splitlines() if x.startswith("epoch"))
        # round 13: the text after the bar shortens to fit (tests/test_progress_width.py), and a bar may then fit
        assert re.match(r"epoch +3/3 (━+ )?(loss|val) \d", line) and "  " not in line.split("3/3")[1], line


def test_the_backtests_note_of_columns_left_out_is_one_line_when_piped(lstm_exe, tmp_path):
    """`lstm backtest prices.csv | cat` (80 columns) ended its table with "Not shown at this width: sMAPE %, MAPE %
    (a wider terminal or --json shows" / "them).", and at COLUMNS=60 over two lines too: piped output is a file,
    whose reader wraps, and the note is a sentence; it is one line now (in a terminal it wraps at words)."""
    csv = _short_daily(tmp_path)
    for columns, left_out in ((None, "sMAPE %, MAPE %"), ("60", "sMAPE %, MAPE %, RMSE, direction")):
        args = ("backtest", csv, "--epochs", "2", "--jobs", "1", "--every", "20", "--ensemble", "1", "--no-chart")
        r = _piped(lstm_exe, *args, cwd=tmp_path, columns=columns)
        assert r.returncode == 0, r.stderr.decode()
        lines = r.stdout.decode().splitlines()
        assert f"Not shown at this width: {left_out} (a wider terminal or --json shows them)." in lines, lines


def test_predict_data_reads_an_open_value_as_the_training_file_was_read(run, tmp_path):
    """A model trained on 987, 1.003, ... (read as thousands by the neighbours' sizes) and a newer file of rows all
    above 1,000 (1.003, 1.010: nothing in it tells) read the newer file by the ','-separated convention, as 1.003:
    a forecast from a price 1000x too small. The model file keeps how train read the open values; --data
    follows it where its own values leave the reading open, and says so; --decimal still decides."""
    import json

    prices = _around_1000(150)
    csv = tmp_path / "k.csv"
    csv.write_text(_euro(prices, ",", header="Date,Close"))
    model = str(tmp_path / "k.npz")
    r = run("train", str(csv), *FAST, "--model", model, "-q")
    assert r.exit_code == 0 and "dots group thousands" in flat(r.stderr), r
    newer = np.round(np.linspace(1001, 1090, 40))
    (tmp_path / "new.csv").write_text(_euro(newer, ",", header="Date,Close"))
    r = run("predict", "--model", model, "--data", str(tmp_path / "new.csv"), "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["last_value"] == 1090, r
    assert "(dots group thousands: as the model's training file was read; --decimal . reads it as 1.001)" in flat(
        r.stderr
    ), r
    r = run("predict", "--model", model, "--data", str(tmp_path / "new.csv"), "--decimal", ".", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["last_value"] == 1.09, r


def test_a_header_repeated_mid_file_is_dropped_as_one(tmp_path):
    """Two exports joined into one file repeat the header: with dates it was counted as "1 row whose date could not
    be read (first at line 132: 'Date')", and without dates it stopped the read ("a value that is not a number at
    line 4: 'Close'"). It is dropped and said as what it is."""
    from lstmcli.data import read_prices

    (tmp_path / "a.csv").write_text(
        '\ufeffDate,Close\n2024-01-03,"$10.5"\n2024-01-02,10.0\nDate,Close\n2024-01-01,9.5\n\n\n'
    )
    s = read_prices(str(tmp_path / "a.csv"))
    np.testing.assert_array_equal(s.values[:, 0], [9.5, 10.0, 10.5])
    assert s.notes[0] == "dropped 1 repeated header row (line 4)", s.notes
    (tmp_path / "b.csv").write_text("Close\n10\n11\nClose\n12\n13\n")
    s = read_prices(str(tmp_path / "b.csv"))
    np.testing.assert_array_equal(s.values[:, 0], [10, 11, 12, 13])


def test_the_member_bar_and_the_next_command_read_whole_when_piped(lstm_exe, tmp_path):
    """`lstm train short.csv 2>&1 | cat`: the ensemble's bar read "member   3/3 ━━━━━━━━━━━━━━━━━━━━  ETA 0:00:00"
    (an empty text column's two spaces), and at 40 columns (or with a long --model path at 80) the command to paste
    next folded: "Next: lstm predict --days 5 --model" / "m.npz". One space, and the command on one line."""
    csv = _short_daily(tmp_path, 200)  # under 300 rows: an ensemble of 3
    r = _piped(lstm_exe, "train", csv, "--model", "m.npz", "--epochs", "2", "--jobs", "1", cwd=tmp_path, columns="40")
    assert r.returncode == 0, r.stderr.decode()
    lines = r.stderr.decode().splitlines()
    member = next(x for x in lines if x.startswith("member"))
    assert "  ETA" not in member and "3/3 ━" in member, member
    assert "Next: lstm predict --days 5 --model m.npz" in lines, lines


def test_ctrl_c_during_the_damped_growth_fit_keeps_the_fit_without_it_and_says_so():
    """`timeout -s INT 4 lstm train daily.csv` (calendar days: --damped-growth auto by default) stopped in the second
    fit said nothing of the stop, and the summary's growth row compared the first fit with the half-trained one
    ("damped growth 0.9 not kept: one-step validation MAE 0.6278 with it, ..."), as if judged. The half-trained fit
    is not compared now: the fit without it is kept and the growth row says it was stopped (lstm train adds a
    Stopped line)."""
    from conftest import random_walk

    from lstmcli.forecast import Forecaster
    from lstmcli.training import TrainConfig

    y = random_walk(300, 4)
    epochs: list[int] = []

    def on_epoch(r) -> None:
        epochs.append(r.epoch)

    def stop() -> bool:  # Ctrl-C in the second fit's second epoch
        return len(epochs) >= 2 and epochs.count(1) == 2 and epochs[-1] >= 2

    config = TrainConfig(window=12, hidden=6, epochs=6, patience=10, seed=1)
    f = Forecaster(config, season="none", ensemble=1, choose_growth=True).fit(y, on_epoch=on_epoch, should_stop=stop)
    assert epochs.count(1) == 2, epochs  # the second fit started
    assert f.config.damped_growth == 0 and not f.result.interrupted and f.result.epochs_run == 6
    assert f.choices["growth"] == "damped growth 0.9 not kept: its fit was stopped by Ctrl-C before it finished"


def test_ctrl_c_after_the_epochs_is_said(run, tmp_path, monkeypatch):
    """Ctrl-C while the prediction intervals were calibrated (after the last epoch) was swallowed: the bar said
    "stopped", then the run went on, saved and exited 0 without a word. It says now that the model is complete."""
    import os
    import signal

    from lstmcli.forecast import Forecaster

    calibrate = Forecaster._interval_errors

    def interrupted(self, *args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # the user's Ctrl-C, caught by lstm train's stop flag
        return calibrate(self, *args, **kwargs)

    monkeypatch.setattr(Forecaster, "_interval_errors", interrupted)
    r = run("train", _short_daily(tmp_path), *FAST, "--ensemble", "1", "--model", str(tmp_path / "m.npz"))
    assert r.exit_code == 0, r
    assert "Stopped by SIGINT after the training had finished; the model is complete." in flat(r.stderr), r


def test_a_panel_reads_its_open_values_one_way_and_says_it(run, tmp_path):
    """A ';'-separated long file of two tickers written 1.100, 1.101, ... was read by each series on its own and
    said nowhere (a panel's Read line shows the file, not each series' notes). The file decides once now: the
    panel's Read line says the reading and --decimal, every series reads with it and keeps it for --data."""
    from lstmcli.panel import Panel

    days = np.busday_offset("2023-01-02", np.arange(80), roll="forward")
    rows = [
        f"{d};{t};{int(base + k):,}".replace(",", ".")
        for t, base in (("AAA", 1100), ("BBB", 1300))
        for k, d in enumerate(days)
    ]
    (tmp_path / "p.csv").write_text("Datum;Ticker;Kurs\n" + "\n".join(rows) + "\n")
    model = str(tmp_path / "p.npz")
    r = run("train", str(tmp_path / "p.csv"), *FAST, "--model", model)
    assert r.exit_code == 0, r
    assert (
        "read 1.100 as 1,100 (dots group thousands: the convention of ';'-separated files; --decimal . reads it as 1.1)"
        in flat(r.stderr)
    ), r
    panel = Panel.load(model)
    for sid, base in (("AAA", 1100), ("BBB", 1300)):
        info = panel.members[sid].info
        assert info.data.decimal == "," and info.tail.values[-1, 0] == base + 79, sid
