"""The CLI's reading options (--series, --id-column, --dayfirst/--monthfirst, --date-format), the model
file remembering them for --data, intraday sessions and time zones in forecasts, and --output written
before stdout."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

FAST = ["--epochs", "2", "--hidden", "4", "--window", "5", "--val-fraction", "0.2", "-q"]


def _long_csv(path, tickers=("AAPL", "MSFT"), n=80):
    """A long-format Date,Ticker,Close file; MSFT trades near 400, AAPL near 150."""
    rng = np.random.default_rng(1)
    days = np.busday_offset(np.datetime64("2024-01-02"), np.arange(n), roll="forward")
    level = {"AAPL": 150.0, "MSFT": 400.0, "GOOG": 140.0}
    rows = []
    for t in tickers:
        close = level[t] * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
        rows += [f"{d},{t},{c:.2f}" for d, c in zip(days, close, strict=True)]
    path.write_text("Date,Ticker,Close\n" + "\n".join(rows) + "\n")
    return path, days


def test_a_long_file_trains_a_panel_then_series_picks_one(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f, days = _long_csv(tmp_path / "f.csv")
    r = run("train", str(f), *FAST)  # several series: one model per series (issue 14; it was refused before)
    assert r.exit_code == 0, r
    assert "long format, 2 series in column 'Ticker' (AAPL, MSFT), 160 rows" in r.stderr, r.stderr
    r = run("inspect", "--json")
    assert [s["id"] for s in json.loads(r.stdout)["series"]] == ["AAPL", "MSFT"]

    r = run("train", str(f), "--series", "MSFT", *FAST)
    assert r.exit_code == 0, r
    assert "80 rows" in r.stderr  # MSFT's rows only, not both tickers' 160
    r = run("inspect", "--json")
    assert json.loads(r.stdout)["data"]["series"] == "MSFT"

    r = run("predict", "--data", str(f), "--days", "2", "--json")  # no --series: the model remembers it
    assert r.exit_code == 0, r
    payload = json.loads(r.stdout)
    msft_last = float(f.read_text().splitlines()[-1].split(",")[2])
    assert payload["last_value"] == msft_last and payload["last_date"] == str(days[-1])


def test_id_column_names_the_series_column(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f, _ = _long_csv(tmp_path / "f.csv")
    f.write_text(f.read_text().replace("Date,Ticker,Close", "Date,Fund,Close", 1))
    r = run("train", str(f), "--id-column", "Fund", "--series", "AAPL", *FAST)
    assert r.exit_code == 0, r
    r = run("inspect", "--json")
    data = json.loads(r.stdout)["data"]
    assert data["series"] == "AAPL" and data["id_column"] == "Fund"


def test_a_newer_file_of_the_one_series_without_its_ticker_column_is_read(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f, _ = _long_csv(tmp_path / "f.csv")
    assert run("train", str(f), "--series", "MSFT", *FAST).exit_code == 0
    lines = [ln.split(",") for ln in f.read_text().splitlines()[1:] if ",MSFT," in ln]
    newer = tmp_path / "msft.csv"
    newer.write_text("Date,Close\n" + "\n".join(f"{d},{c}" for d, _, c in lines) + "\n")
    r = run("predict", "--data", str(newer), "--days", "1", "--json")
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["last_value"] == float(lines[-1][2])
    other = tmp_path / "aapl.csv"
    _long_csv(other, tickers=("AAPL",))
    r = run("predict", "--data", str(other), "--days", "1")  # another ticker: refused, not forecast
    assert r.exit_code == 2 and "MSFT" in r.stderr, r


def _ambiguous_csv(path, n=60):
    """Dates like 03/01/2024 that read either way; both readings are valid dates."""
    days = np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-01-01") + n)
    rows = []
    for k, d in enumerate(days):
        y, m, dd = str(d).split("-")
        rows.append(f"{dd}/{m}/{y},{100 + np.sin(k) + k * 0.1:.2f}")
    path.write_text("Date,Close\n" + "\n".join(rows) + "\n")
    return path, days


def test_dayfirst_and_date_format_reach_the_reader_and_the_model_file(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f, days = _ambiguous_csv(tmp_path / "d.csv")
    r = run("train", str(f), "--dayfirst", *FAST)
    assert r.exit_code == 0, r
    meta = json.loads(run("inspect", "--json").stdout)["data"]
    assert meta["dayfirst"] is True and meta["last_date"].startswith(str(days[-1]))
    r = run("train", str(f), "--date-format", "%d/%m/%Y", *FAST)
    assert r.exit_code == 0, r
    meta = json.loads(run("inspect", "--json").stdout)["data"]
    assert meta["date_format"] == "%d/%m/%Y" and meta["last_date"].startswith(str(days[-1]))
    r = run("predict", "--data", str(f), "--days", "1", "--json")  # read day-first again without the flag
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["forecast"][0]["date"] == str(days[-1] + 1)
    r = run("train", str(f), "--monthfirst", *FAST)  # 13/01/2024 cannot be month-first
    assert r.exit_code == 2 and r.stderr.count("Error:") == 1, r


def test_backtest_takes_the_reading_options(tmp_path, run):
    f, _ = _long_csv(tmp_path / "f.csv", n=120)
    r = run("backtest", str(f), "--days", "2", "--json", *FAST[:6])  # several series: each backtested (issue 14)
    assert r.exit_code == 0, r
    assert [s["series"] for s in json.loads(r.stdout)["series"]] == ["AAPL", "MSFT"]
    r = run(
        "backtest",
        str(f),
        "--series",
        "MSFT",
        "--days",
        "2",
        "--every",
        "4",
        "--epochs",
        "2",
        "--window",
        "5",
        "--json",
    )
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["column"] == "Close"


def _minute_bars(path, days=("2024-03-04", "2024-03-05", "2024-03-06"), zone=""):
    """1-minute bars 09:30-15:59 on each day."""
    rows, k = [], 0
    for day in days:
        for minute in range(9 * 60 + 30, 16 * 60):
            rows.append(
                f"{day} {minute // 60:02d}:{minute % 60:02d}:00{zone},{100 + 0.01 * np.sin(k / 7) + 1e-4 * k:.4f}"
            )
            k += 1
    path.write_text("Datetime,Close\n" + "\n".join(rows) + "\n")
    return path


def test_intraday_forecast_continues_at_the_next_session_open(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = _minute_bars(tmp_path / "bars.csv")
    r = run("train", str(f), *FAST)
    assert r.exit_code == 0, r
    r = run("predict", "--days", "3", "--json")
    assert r.exit_code == 0, r
    payload = json.loads(r.stdout)
    assert payload["last_date"] == "2024-03-06T15:59:00"  # ISO 8601 (a time without a zone in the data: local)
    assert [row["date"] for row in payload["forecast"]] == [
        "2024-03-07T09:30:00",
        "2024-03-07T09:31:00",
        "2024-03-07T09:32:00",
    ]
    r = run("predict", "--days", "3", "--no-chart")
    assert "2024-03-07 09:32" in r.stdout


def test_the_session_is_kept_in_the_model_file_so_a_short_data_file_still_continues_it(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = _minute_bars(tmp_path / "bars.csv")
    assert run("train", str(f), *FAST).exit_code == 0
    meta = json.loads(run("inspect", "--json").stdout)["data"]
    assert meta["session"] == {"open": 9 * 3600 + 30 * 60, "close": 15 * 3600 + 59 * 60, "weekdays": [0, 1, 2, 3, 4]}
    # the last 20 bars of one day: too short to learn a session from, the stored one is used
    lines = f.read_text().splitlines()
    short = tmp_path / "short.csv"
    short.write_text("\n".join([lines[0], *lines[-20:]]) + "\n")
    r = run("predict", "--data", str(short), "--days", "2", "--json")
    assert r.exit_code == 0, r
    assert [row["date"] for row in json.loads(r.stdout)["forecast"]] == ["2024-03-07T09:30:00", "2024-03-07T09:31:00"]


def test_forecast_times_carry_the_time_zone(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = _minute_bars(tmp_path / "bars.csv", zone="-05:00")
    assert run("train", str(f), *FAST).exit_code == 0
    payload = json.loads(run("predict", "--days", "1", "--json").stdout)
    assert payload["forecast"][0]["date"] == "2024-03-07T09:30:00-05:00"  # ISO 8601, for scripts
    assert payload["last_date"] == "2024-03-06T15:59:00-05:00"
    out = tmp_path / "fc.csv"
    r = run("predict", "--days", "1", "--output", str(out), "--no-chart")
    assert "2024-03-07 09:30 -05:00" in r.stdout  # the table stays for people
    assert "2024-03-07T09:30:00-05:00" in out.read_text()


@pytest.mark.parametrize(("zone", "iso"), [("Z", "Z"), ("+01:00", "+01:00")])
def test_machine_readable_forecast_times_are_iso_8601_that_pandas_reads_back(tmp_path, run, monkeypatch, zone, iso):
    """--json, --output f.csv / f.json / -: ISO 8601 with the zone, which pandas reads back to the same instants."""
    import pandas as pd

    monkeypatch.chdir(tmp_path)
    hours = pd.date_range("2024-01-01 00:00", periods=24 * 8, freq="h")
    values = 100 + np.sin(np.arange(len(hours)) / 5)
    f = tmp_path / "hourly.csv"
    f.write_text(
        "Time,Close\n" + "".join(f"{t:%Y-%m-%dT%H:%M:%S}{zone},{v:.4f}\n" for t, v in zip(hours, values, strict=True))
    )
    assert run("train", str(f), *FAST).exit_code == 0
    payload = json.loads(run("predict", "--days", "3", "--json").stdout)
    assert payload["last_date"] == f"2024-01-08T23:00:00{iso}"
    assert [row["date"] for row in payload["forecast"]] == [
        f"2024-01-09T00:00:00{iso}",
        f"2024-01-09T01:00:00{iso}",
        f"2024-01-09T02:00:00{iso}",
    ]
    expected = pd.DatetimeIndex(pd.to_datetime([row["date"] for row in payload["forecast"]]))
    want = pd.date_range("2024-01-09 00:00", periods=3, freq="h", tz="UTC" if zone == "Z" else zone)
    assert list(expected) == list(want)
    out = tmp_path / "fc.csv"
    assert run("predict", "--days", "3", "--output", str(out), "--no-chart").exit_code == 0
    back = pd.read_csv(out, parse_dates=["date"])
    assert str(back["date"].dtype).startswith("datetime64") and list(back["date"]) == list(want)
    rows = tmp_path / "fc.json"
    assert run("predict", "--days", "3", "--output", str(rows), "--no-chart").exit_code == 0
    assert [r["date"] for r in json.loads(rows.read_text())] == [row["date"] for row in payload["forecast"]]
    r = run("predict", "--days", "3", "--output", "-")
    assert f"2024-01-09T02:00:00{iso}" in r.stdout


def test_daily_dates_stay_dates_in_machine_readable_outputs(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    days = np.arange("2024-01-01", "2024-05-01", dtype="datetime64[D]")
    f = tmp_path / "daily.csv"
    f.write_text("Date,Close\n" + "".join(f"{d}T00:00:00Z,{100 + k % 7}\n" for k, d in enumerate(days)))
    assert run("train", str(f), *FAST).exit_code == 0
    payload = json.loads(run("predict", "--days", "2", "--json").stdout)
    assert payload["last_date"] == "2024-04-30" and payload["forecast"][0]["date"] == "2024-05-01"


def test_backtest_outputs_write_times_as_iso_8601_with_the_zone(tmp_path, run, monkeypatch):
    import pandas as pd

    monkeypatch.chdir(tmp_path)
    f = _minute_bars(tmp_path / "bars.csv", zone="-05:00")
    out = tmp_path / "bt.csv"
    r = run("backtest", str(f), *FAST, "--days", "2", "--every", "50", "--json", "--output", str(out))
    assert r.exit_code == 0, r
    payload = json.loads(r.stdout)
    assert payload["test"]["first_date"].endswith("-05:00") and "T" in payload["test"]["first_date"]
    back = pd.read_csv(out, parse_dates=["origin_date", "date"])
    assert str(back["date"].dtype).endswith(", UTC-05:00]"), back["date"].dtype  # a zone-aware column
    first = pd.Timestamp(payload["test"]["first_date"])
    assert back["date"].iloc[0] == first


def test_output_file_is_written_even_when_the_json_pipe_closes_early(tmp_path, lstm_exe, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f, _ = _long_csv(tmp_path / "f.csv", tickers=("MSFT",))
    assert run("train", str(f), *FAST).exit_code == 0
    for k in range(3):  # was lost most of the time: the JSON was printed first and the closed pipe ended lstm
        out = tmp_path / f"fc{k}.csv"
        p = subprocess.run(
            f"'{lstm_exe}' predict --days 400 --json --output '{out}' | head -c 1",
            shell=True,
            cwd=tmp_path,
            capture_output=True,
            timeout=120,
        )
        assert p.stdout == b"{"
        assert out.exists() and len(out.read_text().splitlines()) == 401, p.stderr
