"""What a new user meets in round 11 (branch r11user): a piped epoch bar that folded at 80 columns, a panel's train
that said twice where it saved, no word on weeks of business days without a row, the step trace's sentences broken
at the width when piped, dates written several ways read scrambled, NaN in --json, a total row read as the last
price, --dask silently ignored for one series. Each test fails on main 3fa394b."""

from __future__ import annotations

import os
import subprocess

import numpy as np
from conftest import SAMPLE

FAST = ("--epochs", "2", "--jobs", "1")


def _panel_csv(tmp_path) -> str:
    rng = np.random.default_rng(0)
    lines = ["Date,Ticker,Close"]
    for ticker in ("AAA", "BBB"):
        walk = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 120)))
        lines += [f"{np.datetime64('2021-01-04') + j},{ticker},{v:.4f}" for j, v in enumerate(walk)]
    path = tmp_path / "panel.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _piped(exe: str, *args: str, cwd, columns: str | None) -> subprocess.CompletedProcess:
    """`lstm ARGS` with stdout and stderr piped, at COLUMNS=columns (None: unset, as in a plain shell script)."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LSTM_MODEL", "FORCE_COLOR")}
    env |= {"NO_COLOR": "1"} | ({"COLUMNS": columns} if columns else {})
    return subprocess.run([exe, *args], cwd=cwd, env=env, capture_output=True, timeout=120)


def test_the_piped_epoch_bar_stays_one_line_at_80_columns(lstm_exe, tmp_path):
    """Piped at 80 columns (COLUMNS=80, and unset: Rich's 80), the last epoch line read
    "epoch   3/3 ━━━━ loss 0.9976 val 1.5426 best 1.5426  ETA 0:00:00" and, on a line of its own, "(epoch 2)":
    the bar kept its 20 cells and the text folded. The bar now narrows so the line fits."""
    csv = tmp_path / "d.csv"
    csv.write_text("".join((SAMPLE / "daily_stock.csv").read_text().splitlines(keepends=True)[:301]))
    for columns in ("80", None):
        r = _piped(lstm_exe, "train", str(csv), "--model", "m.npz", *FAST, cwd=tmp_path, columns=columns)
        assert r.returncode == 0, r.stderr.decode()
        lines = r.stderr.decode().splitlines()
        bar = [line for line in lines if line.startswith("epoch")]
        assert len(bar) == 1 and "(epoch " in bar[0] and "ETA" in bar[0] and "━" in bar[0], lines
        assert all(len(line.rstrip()) <= 80 for line in lines if "━" in line), lines


def test_a_panel_train_says_once_where_it_saved(run, tmp_path):
    """`lstm train panel.csv` ended "... Saved the model to p.npz." (stdout) and then "Saved the panel model
    (2 series) to p.npz" (stderr): one sentence now, in the summary line (as one series' table has its `saved` row);
    with --json, where stdout is the JSON document, the sentence stays on stderr."""
    csv = _panel_csv(tmp_path)
    model = str(tmp_path / "p.npz")
    r = run("train", csv, *FAST, "--model", model)
    assert r.exit_code == 0, r
    both = " ".join((r.stdout + r.stderr).split())
    assert both.count("p.npz") == 2 and f"Next: lstm predict --days 5 --model {model}" in both, both  # Saved, Next
    assert f"Saved the panel model (2 series) to {model} (replaced" not in both
    assert f"Saved the panel model (2 series) to {model}." in " ".join(r.stdout.split()), r
    r = run("train", csv, *FAST, "--model", model, "--json")
    assert r.exit_code == 0 and "Saved the panel model (2 series) to " in " ".join(r.stderr.split()), r


def test_the_step_traces_opening_paragraphs_are_one_line_each_when_piped(lstm_exe, tmp_path):
    """`lstm inspect --step-trace | cat` at 80 columns (and unset) broke the opening sentences at the width, e.g.
    "... (its last rows, " / "stored in the model file).", the legend over five lines ending "Long-term memory" /
    "= cell state", and each step's heading "... scaled " / "input -0.281": piped output is a file, whose reader
    wraps; they are now one line each, as the other commands' sentences (in a terminal they wrap at words)."""
    csv = tmp_path / "d.csv"
    csv.write_text("".join((SAMPLE / "daily_stock.csv").read_text().splitlines(keepends=True)[:301]))
    r = _piped(lstm_exe, "train", str(csv), "--model", "m.npz", *FAST, "-q", cwd=tmp_path, columns="80")
    assert r.returncode == 0, r.stderr.decode()
    for columns in ("80", None):
        r = _piped(lstm_exe, "inspect", "--model", "m.npz", "--step-trace", cwd=tmp_path, columns=columns)
        assert r.returncode == 0, r.stderr.decode()
        lines = r.stdout.decode().splitlines()
        assert lines[0].startswith("Step trace of m.npz") and lines[0].endswith(
            "(its last rows, stored in the model file)."
        )
        assert lines[1].startswith("forget gate: share") and lines[1].endswith("near 0 closed (red).")
        headings = [line for line in lines if line.startswith("Step ") and "/30" in line]
        assert headings and all("scaled input" in h and "level vs mean" in h for h in headings), headings
        assert any(line.startswith("Head: ") and "short-term memory)" in line for line in lines), lines


def test_business_and_calendar_days_say_their_long_gaps_not_their_holidays(tmp_path):
    """daily_stock.csv with 15 rows deleted (three weeks of November 2018) read "2,555 rows, 2015-01-02..2024-12-31
    (business days)" and nothing more, as did daily calendar data with 10 days gone: round 10's "... without a row"
    counted weeks to years only. Gaps of more than a business week (3 calendar days) are now counted; single holidays,
    Good Friday's long weekend, 9/11's 4 closed weekdays and a week's holiday (round 10's test) are not."""
    from lstmcli.data import read_prices

    lines = (SAMPLE / "daily_stock.csv").read_text().splitlines()
    (tmp_path / "gap.csv").write_text("\n".join(lines[:1001] + lines[1016:]) + "\n")
    s = read_prices(str(tmp_path / "gap.csv"))
    assert s.frequency == "B" and (
        "16 business days without a row in gaps of a week or more (the first after 2018-11-20): the rows are read as "
        "consecutive business days" in s.notes  # 15 rows and Thanksgiving between them
    ), s.notes
    assert not [n for n in read_prices(str(SAMPLE / "daily_stock.csv")).notes if "without a row" in n]
    days = np.busday_offset("2001-08-01", np.arange(60), roll="forward")
    days = days[(days < np.datetime64("2001-09-11")) | (days > np.datetime64("2001-09-14"))]  # NYSE after 9/11
    (tmp_path / "nyse.csv").write_text("Date,Close\n" + "".join(f"{d},{100 + k}\n" for k, d in enumerate(days)))
    assert not [n for n in read_prices(str(tmp_path / "nyse.csv")).notes if "without a row" in n]
    days = np.datetime64("2022-01-01") + np.arange(400)
    kept = np.concatenate([days[:200], days[210:300], days[302:]])  # 10 days gone, then 2 (a long weekend)
    (tmp_path / "cal.csv").write_text("Date,Value\n" + "".join(f"{d},{50 + k % 7}\n" for k, d in enumerate(kept)))
    s = read_prices(str(tmp_path / "cal.csv"))
    assert s.frequency == "D" and (
        "10 calendar days without a row in gaps of 3 days or more (the first after 2022-07-19): the rows are read as "
        "consecutive calendar days" in s.notes
    ), s.notes


def test_dates_written_several_ways_are_read_each_by_its_own_way(tmp_path):
    """A file in date order whose dates were written three ways (2023-01-02, 01/03/2023, 04.01.2023: a sheet pasted
    together) read "287 rows, 2023-01-02..2024-12-02 (irregular dates); sorted 300 rows by date (the file was out of
    order), dropped 13 duplicate dates with different prices": pandas' guess read 04.01.2023 as April 1, and the
    model learnt a scrambled series. Each value is now read by the first way that reads it (a dotted date is
    day-first), and the Read line shows one example of each."""
    from lstmcli.data import read_prices

    days = np.busday_offset("2023-01-02", np.arange(120), roll="forward")
    ways = [lambda s: s, lambda s: f"{s[5:7]}/{s[8:10]}/{s[:4]}", lambda s: f"{s[8:10]}.{s[5:7]}.{s[:4]}"]
    text = "".join(f"{ways[k % 3](str(d))},{100 + k}\n" for k, d in enumerate(days))
    (tmp_path / "mixed.csv").write_text("Date,Close\n" + text)
    s = read_prices(str(tmp_path / "mixed.csv"))
    np.testing.assert_array_equal(s.dates.astype("datetime64[D]"), days)
    np.testing.assert_array_equal(s.values[:, 0], 100 + np.arange(120))
    assert s.frequency == "B" and s.notes == [
        "read dates written 3 ways (01/03/2023 as 2023-01-03, 04.01.2023 as 2023-01-04)"
    ], s.notes
    ways[1] = lambda s: f"{s[8:10]}/{s[5:7]}/{s[:4]}"  # day-first slashes: only that reading keeps the order
    text = "".join(f"{ways[k % 3](str(d))},{100 + k}\n" for k, d in enumerate(days))
    (tmp_path / "mixed.csv").write_text("Date,Close\n" + text)
    s = read_prices(str(tmp_path / "mixed.csv"))
    np.testing.assert_array_equal(s.dates.astype("datetime64[D]"), days)
    assert "03/01/2023 as 2023-01-03" in s.notes[0], s.notes


def _strict(text: str):
    """json.loads as jq or JavaScript read it: NaN and Infinity are not JSON."""
    import json

    def refuse(word):
        raise ValueError(f"{word} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_json_outputs_are_json_for_strict_parsers_on_a_flat_series(run, tmp_path):
    """A price that never moved (naive's training MAE 0: MASE undefined) made `train --json`,
    `predict --json` and `inspect --json` print `"mase": NaN`: `python -m json.tool` takes it, jq and JavaScript's
    JSON.parse refuse the whole document. A number that is not finite is now null (as `--output x.json` had it)."""
    months = np.datetime64("2020-01", "M") + np.arange(40)
    values = [5.0] * 40  # a price that did not move (a suspended stock, a fixed tariff)
    (tmp_path / "flat.csv").write_text(
        "Date,V\n" + "".join(f"{m}-01,{v}\n" for m, v in zip(months, values, strict=True))
    )
    model = str(tmp_path / "f.npz")
    r = run("train", str(tmp_path / "flat.csv"), *FAST, "--model", model, "--json")
    assert r.exit_code == 0, r
    assert _strict(r.stdout)["validation"]["model"]["mase"] is None, r.stdout
    for args in (("predict", "--model", model, "--json"), ("inspect", "--model", model, "--json")):
        r = run(*args)
        assert r.exit_code == 0 and _strict(r.stdout), r


def test_a_total_row_under_a_file_without_dates_is_not_read_as_the_last_price(run, tmp_path):
    """A spreadsheet's export of prices without a date column, with its total row: "Close" / "1,502.84" ... /
    "444,769.93" read as 301 prices, the last of them the sum, and the forecast started from 444,769.93 without a
    word (with dates, the row's "Total" label fails as a date and the row is dropped, said). The row is now dropped,
    said on the Read line; a last price that is not the sum is kept."""
    from lstmcli.data import read_prices

    prices = np.round(1500 * np.exp(np.cumsum(np.random.default_rng(2).normal(0, 0.01, 120))), 2)
    rows = "".join(f'"{p:,.2f}"\n' for p in prices)
    (tmp_path / "t.csv").write_text(f'Close\n{rows}"{prices.sum():,.2f}"\n')
    s = read_prices(str(tmp_path / "t.csv"))
    np.testing.assert_array_equal(s.values[:, 0], prices)
    assert s.notes == [f"dropped the last row (line 122: {prices.sum():,.10g}), the sum of the rows above (a total)"]
    r = run("train", str(tmp_path / "t.csv"), *FAST, "--model", str(tmp_path / "t.npz"), "-q")
    assert r.exit_code == 0 and "the sum of the rows above" in " ".join(r.stderr.split()), r
    (tmp_path / "t.csv").write_text(f"Close\n{rows}{prices[-1] + 1:.2f}\n")  # an ordinary last price: kept
    assert len(read_prices(str(tmp_path / "t.csv")).values) == 121


def test_dask_given_for_one_series_says_it_ran_here(run, tmp_path):
    """`lstm train prices.csv --dask tcp://host:8786` (the README's own example) on a file of one series trained
    locally without a word, the scheduler never contacted (the README: "a scheduler that does not answer is an
    error"): the user believed the cluster did the work. train, backtest and predict now say so."""
    csv = tmp_path / "d.csv"
    csv.write_text("".join((SAMPLE / "daily_stock.csv").read_text().splitlines(keepends=True)[:201]))
    model = str(tmp_path / "d.npz")
    said = (
        "Note: --dask runs the series of a panel as tasks on a Dask cluster; {} here (the scheduler at tcp://nowhere:1"
    )
    for args, what in (
        (("train", str(csv), *FAST, "--model", model), "one series trains"),
        (("predict", "--model", model), "a model of one series forecasts"),
        (("backtest", str(csv), *FAST, "--every", "20"), "one series is backtested"),
    ):
        r = run(*args, "--dask", "tcp://nowhere:1")
        assert r.exit_code == 0 and said.format(what) in " ".join(r.stderr.split()), r
        r = run(*args)
        assert r.exit_code == 0 and "--dask" not in r.stderr, r
