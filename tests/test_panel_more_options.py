"""Options of one series that now work on a panel too (issue 14 follow-up): train --calendar (every
series' forecast dates on the exchange's sessions, kept in the panel file), --sheet of a workbook holding
a long or wide panel (train, predict --data, backtest), train --json (one document for scripts) and
backtest --plot (MASE per series and the spread of MAE / naive, an image of the plot module's size)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import random_walk
from test_plot import png_size, svg_root

from lstmcli.panel import Panel

FAST = ("--epochs", "2", "--hidden", "4", "--window", "6", "--jobs", "1")
DAYS = pd.bdate_range(end="2021-07-02", periods=80)  # ends on a Friday: Monday 5 July 2021 NYSE was closed


def daily_frame(ids=("AAA", "BBB")) -> pd.DataFrame:
    return pd.concat(
        [pd.DataFrame({"Date": DAYS, "Ticker": sid, "Close": random_walk(len(DAYS), k)}) for k, sid in enumerate(ids)]
    )


def long_csv(tmp_path, frame: pd.DataFrame, name: str = "long.csv") -> str:
    path = tmp_path / name
    frame.assign(Date=pd.to_datetime(frame.Date).dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
    return str(path)


def forecast_dates(run, model, days: int = 2, calendar: str | None = None) -> dict[str, list[str]]:
    r = run("predict", "--model", str(model), "--days", str(days), "--json")
    assert r.exit_code == 0, r
    series = json.loads(r.stdout)["series"]
    assert [s.get("calendar") for s in series] == [calendar] * len(series)  # named as one series' --json does
    return {s["id"]: [row["date"] for row in s["forecast"]] for s in series}


# ---------------------------------------------------------------------------------------- --calendar


@pytest.mark.parametrize("how", [(), ("--global",)], ids=["local", "global"])
def test_calendar_dates_every_series_forecast_on_the_exchange_sessions(run, tmp_path, how):
    pytest.importorskip("exchange_calendars")
    monthly = pd.DataFrame(
        {"Date": pd.date_range("2015-01-31", periods=60, freq="ME"), "Ticker": "MON", "Close": random_walk(60, 9)}
    )
    f = long_csv(tmp_path, pd.concat([daily_frame(), monthly]))
    model = tmp_path / "cal.npz"
    r = run("train", f, "--model", str(model), *FAST, *how, "--calendar", "xnys")
    assert r.exit_code == 0, r
    assert "Skipped MON:" in r.stderr and "not daily" in r.stderr  # a calendar of trading days dates daily rows only
    if not how:  # Good Friday and Memorial Day rows: one note for the panel, not one per series
        assert r.stderr.count("series have rows on days XNYS is closed") == 1, r.stderr
    panel = Panel.load(model)
    assert panel.ids == ["AAA", "BBB"]
    assert {f.info.data.calendar for f in panel.members.values()} == {"XNYS"}
    assert forecast_dates(run, model, calendar="XNYS") == {sid: ["2021-07-06", "2021-07-07"] for sid in ("AAA", "BBB")}
    plain = tmp_path / "plain.npz"  # without --calendar: Mon-Fri business days, 5 July included
    assert run("train", f, "--model", str(plain), *FAST, *how).exit_code == 0
    dates = forecast_dates(run, plain)
    assert {sid: dates[sid] for sid in ("AAA", "BBB")} == {sid: ["2021-07-05", "2021-07-06"] for sid in ("AAA", "BBB")}


def test_calendar_unknown_name_fails_before_reading_and_writes_nothing(run, tmp_path):
    pytest.importorskip("exchange_calendars")
    model = tmp_path / "m.npz"
    r = run("train", long_csv(tmp_path, daily_frame()), "--model", str(model), *FAST, "--calendar", "XNYSE")
    assert r.exit_code == 2 and r.stderr.startswith("Error: --calendar XNYSE: no exchange calendar"), r
    assert "Read " not in r.stderr and not model.exists()


def test_calendar_in_the_python_api():
    pytest.importorskip("exchange_calendars")
    frame = daily_frame().rename(columns={"Ticker": "unique_id", "Date": "ds", "Close": "y"})
    from lstmcli.training import TrainConfig

    panel = Panel(TrainConfig(epochs=2, hidden=4, window=6), calendar="XNYS").fit(frame)
    assert [str(d)[:10] for d in panel.predict(1)["AAA"].dates] == ["2021-07-06"]


# ---------------------------------------------------------------------------------------- --sheet


@pytest.fixture
def workbook(tmp_path):
    pytest.importorskip("openpyxl")
    frame = daily_frame()
    wide = frame.pivot(index="Date", columns="Ticker", values="Close").reset_index()
    path = tmp_path / "panel.xlsx"
    with pd.ExcelWriter(path) as w:
        pd.DataFrame({"note": ["prices on the other sheets"]}).to_excel(w, sheet_name="Notes", index=False)
        frame.to_excel(w, sheet_name="Long", index=False)
        wide.to_excel(w, sheet_name="Wide", index=False)
    return path


def test_sheet_of_a_workbook_holding_a_long_panel(run, tmp_path, workbook):
    model = tmp_path / "long.npz"
    r = run("train", str(workbook), "--sheet", "Long", "--model", str(model), *FAST)
    assert r.exit_code == 0, r
    assert "long format, 2 series in column 'Ticker'" in r.stderr and "read sheet 'Long'" in r.stderr
    panel = Panel.load(model)
    assert panel.ids == ["AAA", "BBB"] and {f.info.data.sheet for f in panel.members.values()} == {"Long"}
    same = tmp_path / "csv.npz"  # the same rows as a CSV: the same models
    assert run("train", long_csv(tmp_path, daily_frame()), "--model", str(same), *FAST).exit_code == 0
    assert forecast_dates(run, model) == forecast_dates(run, same)
    for sid in panel.ids:
        a, b = panel.members[sid].predict(3).values, Panel.load(same).members[sid].predict(3).values
        np.testing.assert_array_equal(a, b)
    # predict --data of the workbook: the sheet train read is used again, or --sheet names it
    for extra in ((), ("--sheet", "Long")):
        r = run("predict", "--model", str(model), "--data", str(workbook), *extra, "--days", "1", "--json")
        assert r.exit_code == 0, r
        assert [s["forecast"][0]["date"] for s in json.loads(r.stdout)["series"]] == ["2021-07-05"] * 2


def test_sheet_of_a_workbook_holding_a_wide_panel_train_and_backtest(run, tmp_path, workbook):
    model = tmp_path / "wide.npz"
    r = run("train", str(workbook), "--sheet", "Wide", "--columns", "all", "--model", str(model), *FAST)
    assert r.exit_code == 0, r
    assert "wide format, 2 series, one per column (AAA, BBB), 80 rows each" in r.stderr
    assert Panel.load(model).ids == ["AAA", "BBB"]
    r = run("backtest", str(workbook), "--sheet", "Long", "--days", "2", "--every", "5", *FAST, "--json")
    assert r.exit_code == 0, r
    assert [s["series"] for s in json.loads(r.stdout)["series"]] == ["AAA", "BBB"]
    r = run("train", str(workbook), "--sheet", "Nope", "--model", str(tmp_path / "x.npz"), *FAST, "--columns", "all")
    assert r.exit_code == 2 and "Error: " in r.stderr and "Nope" in r.stderr, r


# ---------------------------------------------------------------------------------------- train --json


def test_train_json_of_a_panel_mirrors_the_single_series_document(run, tmp_path):
    short = pd.DataFrame({"Date": DAYS[:5], "Ticker": "TINY", "Close": random_walk(5, 3)})
    f = long_csv(tmp_path, pd.concat([daily_frame(), short]))
    r = run("train", f, "--model", str(tmp_path / "p.npz"), *FAST, "--json")
    assert r.exit_code == 0, r
    doc = json.loads(r.stdout)  # stdout holds the JSON alone; the Read line and progress are on stderr
    assert doc["kind"] == "panel" and doc["model"] == str(tmp_path / "p.npz") and doc["layout"] == "long"
    assert [s["id"] for s in doc["series"]] == ["AAA", "BBB"]
    assert doc["skipped"][0]["id"] == "TINY" and "rows" in doc["skipped"][0]["reason"]
    totals = doc["totals"]
    assert (totals["series"], totals["trained"], totals["skipped"], totals["interrupted"]) == (3, 2, 1, False)
    assert totals["beats_naive"] == sum(s["beats_naive"] is True for s in doc["series"])
    rel = sorted(s["validation"]["model"]["mae"] / s["validation"]["naive"]["mae"] for s in doc["series"])
    assert totals["median_mae_vs_naive"] == pytest.approx(sum(rel) / 2)
    one = run("train", f, "--series", "AAA", "--model", str(tmp_path / "one.npz"), *FAST, "--json", "--ensemble", "1")
    assert one.exit_code == 0, one
    single = json.loads(one.stdout)
    aaa = doc["series"][0]
    assert set(single) - {"model", "replaced"} <= set(aaa)  # every field of one series' document, per series
    assert doc["replaced"] is single["replaced"] is False  # the file's, as "model": at the top
    assert aaa["data"]["rows"] == 80 and aaa["data"]["first_date"].startswith(str(DAYS[0].date()))
    assert aaa["data"]["last_date"].startswith("2021-07-02") and aaa["config"]["window"] == 6
    # naive's scores on the same rows; its `t` (round 10) pairs them with each model's own errors (its own seed)
    naive = {k: v for k, v in aaa["validation"]["naive"].items() if k != "t"}
    assert naive == {k: v for k, v in single["validation"]["naive"].items() if k != "t"}
    assert "t" in aaa["validation"]["naive"] and "t" in single["validation"]["naive"]
    assert "tail" not in aaa


# ---------------------------------------------------------------------------------------- backtest --plot


def test_backtest_plot_of_a_panel_is_an_image_of_the_plot_size(run, tmp_path):
    pytest.importorskip("matplotlib")
    f = long_csv(tmp_path, daily_frame(("AAA", "BBB", "C$C")))
    png, svg = tmp_path / "bt.png", tmp_path / "bt.svg"
    for out in (png, svg):
        r = run("backtest", f, "--days", "2", "--every", "5", *FAST, "-q", "--plot", str(out))
        assert r.exit_code == 0, r
        assert "Wrote the chart to" in r.stderr
    assert png_size(png.read_bytes()) == (1000, 500)
    root = svg_root(svg.read_text())
    assert root.get("width") == "720pt" and root.get("height") == "360pt"


def test_backtest_plot_draws_every_series_up_to_the_limit_then_the_best_and_the_worst():
    from lstmcli.render.panel import PLOT_SERIES, plot_rows

    rows = [{"series": f"S{k}", "mae_vs_naive": v} for k, v in enumerate(np.linspace(2, 0.5, 40))]
    shown, left_out = plot_rows(rows)
    assert left_out == 40 - PLOT_SERIES and len(shown) == PLOT_SERIES
    assert shown[0]["series"] == "S39" and shown[-1]["series"] == "S0"  # best first, worst last
    few, none = plot_rows([*rows[:5], {"series": "nan", "mae_vs_naive": float("nan")}])
    assert none == 0 and [r["series"] for r in few] == ["S4", "S3", "S2", "S1", "S0", "nan"]


def test_backtest_plot_of_a_panel_refuses_an_unknown_suffix_before_any_work(run, tmp_path):
    r = run("backtest", long_csv(tmp_path, daily_frame()), "--days", "2", *FAST, "--plot", str(tmp_path / "b.jpg"))
    assert r.exit_code == 2 and "Error: --plot" in r.stderr and "Read " not in r.stderr, r


# ---------------------------------------------------------------------------------------- reading speed


@pytest.mark.parametrize(
    "text",
    [
        "Date,Ticker,Close\n2024-01-01,A,1\n2024-01-01,B,2\n\n2024-01-02, A ,3\n2024-01-02,B,\n2024-01-03,B,4,,\n",
        "Date;Ticker;Close\n01.01.2024;A;1,5\n01.01.2024;B;2,5\n02.01.2024;A\n ; ; \n02.01.2024;B;3,5",
        "Date\tTicker\tClose\tVolume\n2024-01-01\tA\t1\t10\n2024-01-01\tB\t2\t\n2024-01-02\tA\t3\t30\t\t\n",
    ],
    ids=["comma", "semicolon", "tab"],
)
def test_the_plain_cut_of_a_long_file_gives_the_bytes_of_the_csv_module_cut(text):
    from lstmcli.panel_data import _cut_plain, _cut_quoted

    delim = "," if text.startswith("Date,") else (";" if text.startswith("Date;") else "\t")
    width = len(text.split("\n")[0].split(delim))
    plain = _cut_plain(text, 2, delim, width, 1, "f.csv")
    assert plain == _cut_quoted(text, 2, delim, width, 1, "f.csv")
    assert list(plain[0]) == ["A", "B"] and plain[2] == {"A": 2, "B": 3}  # the file line each series starts on
    assert sum(plain[1].values()) == sum(1 for line in text.split("\n")[1:] if line.strip(" ;,\t"))


def test_the_plain_cut_names_the_line_with_too_many_fields_as_the_csv_module_cut():
    from lstmcli.errors import DataError
    from lstmcli.panel_data import _cut_plain, _cut_quoted

    text = "Date,Ticker,Close\n2024-01-01,A,1\n\n2024-01-02,A,2,9\n"
    messages = []
    for cut in (_cut_plain, _cut_quoted):
        with pytest.raises(DataError) as e:
            cut(text, 2, ",", 3, 1, "f.csv")
        messages.append(str(e.value))
    assert messages[0] == messages[1] and "line 4 has 4 fields" in messages[0]


def test_a_plainly_long_file_is_not_read_whole_as_one_series_first(run, tmp_path, monkeypatch):
    from lstmcli.cli import backtest as cli_backtest
    from lstmcli.cli import train as cli_train
    from lstmcli.panel_data import looks_long

    f = long_csv(tmp_path, daily_frame())
    assert looks_long(f) and looks_long(f, id_column="Ticker")

    def whole_read(*a, **k):  # main read the whole file as one series to learn that it holds several
        raise AssertionError("read as one series first")

    monkeypatch.setattr(cli_train, "read_series", whole_read)
    monkeypatch.setattr(cli_backtest, "read_series", whole_read)
    r = run("train", f, "--model", str(tmp_path / "p.npz"), *FAST)
    assert r.exit_code == 0 and "long format, 2 series in column 'Ticker'" in r.stderr, r
    r = run("backtest", f, "--days", "2", "--every", "10", *FAST, "--json")
    assert r.exit_code == 0 and len(json.loads(r.stdout)["series"]) == 2, r


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"Date": DAYS, "Ticker": "AAA", "Close": random_walk(len(DAYS))}),  # one name: one series
        pd.DataFrame({"Date": DAYS, "Sector": ["x", "y"] * 40, "Close": random_walk(len(DAYS))}),  # not an id name
        daily_frame().assign(Note="text"),  # a text column besides the id: the whole read decides
    ],
    ids=["one-name", "label-column", "other-text"],
)
def test_looks_long_leaves_every_other_file_to_the_whole_read(tmp_path, frame):
    from lstmcli.panel_data import looks_long

    assert not looks_long(long_csv(tmp_path, frame))
    assert not looks_long(str(tmp_path / "missing.csv")) and not looks_long("-") and not looks_long(str(tmp_path))


def test_the_panel_file_metadata_is_the_same_text_when_the_workers_encoded_it(tmp_path):
    from lstmcli.modelfile import META_KEY
    from lstmcli.training import TrainConfig

    odd = ("A", "\x00model 1\x00", "C")  # an id that reads as a placeholder: encoded in the parent instead
    for ids in (("A", "B", "C"), odd):
        f = daily_frame(ids).rename(columns={"Ticker": "unique_id", "Date": "ds", "Close": "y"})
        panel = Panel(TrainConfig(epochs=2, hidden=4, window=6)).fit(f)
        assert len(panel._encoded) == 3
        with np.load(panel.save(tmp_path / "p.npz")) as z:
            text = z[META_KEY].tobytes().decode()
        assert text == json.dumps(panel.to_meta(), sort_keys=True)
        assert Panel.load(tmp_path / "p.npz").ids == list(ids)


def test_prestart_starts_the_forkserver_early_and_a_run_forks_from_it():
    import subprocess
    import sys

    code = (
        "from multiprocessing import forkserver\n"
        "from lstmcli import parallel\n"
        "parallel.prestart(1)\n"
        "assert forkserver._forkserver._forkserver_pid is None  # jobs 1: no pool, no server\n"
        "parallel.prestart(2, ['lstmcli.panel', 'lstmcli.data'])\n"
        "pid = forkserver._forkserver._forkserver_pid\n"
        "assert pid is not None or parallel._context().get_start_method() != 'forkserver'\n"
        "assert parallel.map_ordered(abs, [-1, -2, 3], jobs=2) == [1, 2, 3]\n"
        "assert forkserver._forkserver._forkserver_pid == pid  # the same server\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
