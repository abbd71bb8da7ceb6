"""Many series at once (issue 14): reading a panel, one model per series, one file, the verbs on a panel."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import SAMPLE, random_walk, run_exe

from lstmcli import panel_data
from lstmcli.errors import DataError, ModelFileError
from lstmcli.panel import Panel, is_panel_file, series_seed
from lstmcli.training import TrainConfig

FAST = ("--epochs", "2", "--hidden", "4", "--window", "10")
TICKERS = (("AAPL", 100.0), ("MSFT", 300.0), ("GOOG", 130.0))


def dates(n: int) -> list[str]:
    return [str(np.datetime64("2021-01-01") + k) for k in range(n)]


def long_text(n: int = 120, tickers=TICKERS, rows=None) -> str:
    lines = ["Date,Ticker,Close"]
    for k, (t, start) in enumerate(tickers):
        x = random_walk(n, seed=k, start=start)
        lines += [f"{d},{t},{v:.4f}" for d, v in zip(dates(n), x, strict=True)]
    return "\n".join(lines + (rows or [])) + "\n"


def wide_text(n: int = 120) -> str:
    cols = [random_walk(n, seed=k, start=s) for k, (_, s) in enumerate(TICKERS)]
    lines = ["Date," + ",".join(t for t, _ in TICKERS)]
    lines += [d + "," + ",".join(f"{c[i]:.4f}" for c in cols) for i, d in enumerate(dates(n))]
    return "\n".join(lines) + "\n"


def write(tmp_path, text: str, name: str = "panel.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ---------------------------------------------------------------------------------------
# reading: three shapes


def test_a_long_file_is_cut_into_one_input_per_series(tmp_path):
    inp = panel_data.read_panel([write(tmp_path, long_text())])
    assert inp.layout == "long" and inp.ids == ["AAPL", "MSFT", "GOOG"] and inp.id_column == "Ticker"
    assert "long format, 3 series in column 'Ticker' (AAPL, MSFT, GOOG), 360 rows" in inp.summary()
    s = inp.series[1].read()
    expected = random_walk(120, seed=1, start=300.0)
    assert s.series == "MSFT" and s.values.shape == (120, 1)
    np.testing.assert_allclose(s.values[:, 0], np.round(expected, 4))


def test_the_id_column_can_be_named(tmp_path):
    text = long_text().replace("Ticker", "Shop")  # not a known id name, but its values repeat across dates
    inp = panel_data.read_panel([write(tmp_path, text)], id_column="Shop")
    assert inp.id_column == "Shop" and len(inp.ids) == 3


def test_a_wide_file_reads_one_series_per_column(tmp_path):
    path = write(tmp_path, wide_text())
    inp = panel_data.read_panel([path], columns="all")
    assert inp.layout == "wide" and inp.ids == ["AAPL", "MSFT", "GOOG"]
    assert "wide format, 3 series" in inp.summary()
    assert panel_data.read_panel([path], columns="MSFT,goog").ids == ["MSFT", "GOOG"]
    np.testing.assert_allclose(inp.series[2].read().values[:, 0], np.round(random_walk(120, seed=2, start=130.0), 4))


def test_several_files_and_a_folder_name_series_by_file(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    for t, start in TICKERS:
        x = random_walk(60, start=start)
        (folder / f"{t}.csv").write_text(
            "Date,Close\n" + "".join(f"{d},{v}\n" for d, v in zip(dates(60), x, strict=True))
        )
    by_folder = panel_data.read_panel([folder])
    assert by_folder.layout == "files" and by_folder.ids == ["AAPL", "GOOG", "MSFT"]  # sorted by name
    by_files = panel_data.read_panel([folder / "MSFT.csv", folder / "AAPL.csv"])
    assert by_files.ids == ["MSFT", "AAPL"] and "2 files, one series per file" in by_files.summary()


def test_series_selects_and_an_unknown_name_suggests_the_nearest(tmp_path):
    path = write(tmp_path, long_text())
    assert panel_data.read_panel([path], series=["goog", "AAPL"]).ids == ["GOOG", "AAPL"]
    with pytest.raises(DataError, match=r"no series 'APPL'.*did you mean 'AAPL'"):
        panel_data.read_panel([path], series=["APPL"])


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["2021-01-01,,5"], ["without a series name", "line 362"]),
        (["2021-01-01,AA\x07PL,5"], ["control character", "line 362"]),
        (["2021-06-01,aapl,5"], ["'AAPL'", "'aapl'", "differ only by case or spaces"]),
    ],
)
def test_bad_ids_are_refused_naming_the_line(tmp_path, extra, words):
    with pytest.raises(DataError) as e:
        panel_data.read_panel([write(tmp_path, long_text(rows=extra))])
    for w in words:
        assert w in str(e.value)


def test_two_files_of_one_name_are_refused(tmp_path):
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "X.csv").write_text("Date,Close\n2021-01-01,1\n")
    with pytest.raises(DataError, match="would both be series 'X'"):
        panel_data.read_panel([tmp_path / "a" / "X.csv", tmp_path / "b" / "X.csv"])


# ---------------------------------------------------------------------------------------
# models


def test_series_seeds_are_stable_and_differ_by_series():
    assert series_seed(0, "AAPL") == series_seed(0, "AAPL") == 912611164  # crc32: the same on every machine
    assert len({series_seed(s, t) for s in (0, 1) for t in ("AAPL", "MSFT")}) == 4


def test_a_panel_from_a_long_dataframe_fits_predicts_saves_and_loads(tmp_path):
    pd = pytest.importorskip("pandas")
    frames = [
        pd.DataFrame(
            {"unique_id": t, "ds": pd.date_range("2021-01-01", periods=100), "y": random_walk(100, k, start=s)}
        )
        for k, (t, s) in enumerate(TICKERS)
    ]
    df = pd.concat(frames).sample(frac=1.0, random_state=0)  # shuffled: each series is sorted by date
    panel = Panel(TrainConfig(epochs=2, hidden=4, window=10)).fit(df)
    assert panel.ids == ["GOOG", "AAPL", "MSFT"] or sorted(panel.ids) == ["AAPL", "GOOG", "MSFT"]
    forecasts = panel.predict(3)
    path = panel.save(tmp_path / "p.npz")
    assert is_panel_file(path)
    again = Panel.load(path).predict(3)
    for sid, fc in forecasts.items():
        np.testing.assert_array_equal(fc.values, again[sid].values)
        assert str(fc.dates[0]).startswith("2021-04-11")
    with pytest.raises(ModelFileError, match="panel model file"):
        from lstmcli.forecast import Forecaster

        Forecaster.load(path)


def test_a_series_that_cannot_train_is_skipped_with_its_reason(tmp_path):
    rows = [f"{d},TINY,{1 + k}" for k, d in enumerate(dates(5))]
    rows += [f"{d},EMPTY," for d in dates(50)]
    inp = panel_data.read_panel([write(tmp_path, long_text(rows=rows))])
    panel = Panel(TrainConfig(epochs=2, hidden=4, window=10))
    panel.fit_tasks(panel.tasks_for(inp.series))
    assert panel.ids == ["AAPL", "MSFT", "GOOG"]
    assert "usable rows" in panel.skipped["TINY"] or "row" in panel.skipped["TINY"]
    assert "no numbers" in panel.skipped["EMPTY"]


def test_a_series_too_short_for_any_window_is_skipped_without_a_task(tmp_path):
    """100,000 tiny series took ~12 ms of a worker each to be refused (about 20 minutes); their row count
    alone says they cannot train, so they are skipped before any task runs, and the bar still hears them."""
    rows = [f"{d},TINY,{1 + k}" for k, d in enumerate(dates(5))]
    inp = panel_data.read_panel([write(tmp_path, long_text(rows=rows))])
    panel = Panel(TrainConfig(epochs=2, hidden=4, window=10))
    sent, heard = [], []

    def runner(fn, tasks, jobs):
        sent.extend(t.id for t in tasks)
        yield from ((k, fn(t)) for k, t in enumerate(tasks))

    panel.fit_tasks(panel.tasks_for(inp.series), runner=runner, on_done=lambda o, done, total: heard.append(o.id))
    assert sent == ["AAPL", "MSFT", "GOOG"] and sorted(heard) == ["AAPL", "GOOG", "MSFT", "TINY"]
    assert panel.ids == ["AAPL", "MSFT", "GOOG"]
    assert panel.skipped["TINY"].endswith(
        "has 5 rows: too few to train (even --window 1 with the default validation fraction 0.2 needs at least 11)"
    )


def test_a_stop_keeps_the_finished_series_in_a_valid_file(tmp_path):
    inp = panel_data.read_panel([write(tmp_path, long_text())])
    panel = Panel(TrainConfig(epochs=2, hidden=4, window=10))
    stop = []
    panel.fit_tasks(panel.tasks_for(inp.series), on_done=lambda o, d, t: stop.append(1), should_stop=lambda: bool(stop))
    assert panel.interrupted and panel.ids == ["AAPL"]  # the first finished; the stop came before the rest
    loaded = Panel.load(panel.save(tmp_path / "p.npz"))
    assert loaded.interrupted and loaded.ids == ["AAPL"]


def test_a_damaged_panel_file_is_refused(tmp_path):
    inp = panel_data.read_panel([write(tmp_path, long_text())], series=["AAPL"])
    panel = Panel(TrainConfig(epochs=1, hidden=4, window=10))
    path = panel.fit_tasks(panel.tasks_for(inp.series)).save(tmp_path / "p.npz")
    with np.load(path) as z:
        content = {k: z[k] for k in z.files}
    content["__panel__/params.float32"] = content["__panel__/params.float32"][:-1]  # head.bias, cut
    np.savez(tmp_path / "bad.npz", **content)
    with pytest.raises(ModelFileError, match=r"params.float32 holds fewer numbers"):
        Panel.load(tmp_path / "bad.npz")


# ---------------------------------------------------------------------------------------
# the CLI


def test_train_and_predict_a_long_file(run, tmp_path):
    model = tmp_path / "m.npz"
    r = run("train", str(write(tmp_path, long_text())), "--model", str(model), *FAST, "--jobs", "1")
    assert r.exit_code == 0, r
    assert "Read " in r.stderr and "long format, 3 series in column 'Ticker'" in r.stderr
    assert "Trained 3 of 3 series" in r.stdout and is_panel_file(model)
    r = run("predict", "--model", str(model), "--days", "2")
    assert r.exit_code == 0, r
    assert all(t in r.stdout for t, _ in TICKERS) and "per series" in r.stdout
    r = run("predict", "--model", str(model), "--days", "2", "--series", "msft,aapl", "--json")
    payload = json.loads(r.stdout)
    assert [s["id"] for s in payload["series"]] == ["MSFT", "AAPL"] and len(payload["series"][0]["forecast"]) == 2
    r = run("predict", "--model", str(model), "--days", "2", "--output", "-")
    lines = r.stdout.strip().splitlines()
    assert lines[0] == "series,step,date,forecast,lower_90,upper_90,extrapolated" and len(lines) == 7
    assert lines[1].startswith("AAPL,1,2021-05-01,")
    r = run("predict", "--model", str(model), "--series", "APPL")
    assert r.exit_code == 2 and "Did you mean 'AAPL'? The series are" in r.stderr


def test_train_a_wide_file_and_a_folder(run, tmp_path):
    r = run("train", str(write(tmp_path, wide_text())), "--columns", "all", "--model", str(tmp_path / "w.npz"), *FAST)
    assert r.exit_code == 0 and "wide format, 3 series" in r.stderr, r
    folder = tmp_path / "data"
    folder.mkdir()
    for t, start in TICKERS[:2]:
        x = random_walk(80, start=start)
        (folder / f"{t}.csv").write_text(
            "Date,Close\n" + "".join(f"{d},{v}\n" for d, v in zip(dates(80), x, strict=True))
        )
    r = run("train", str(folder / "AAPL.csv"), str(folder / "MSFT.csv"), "--model", str(tmp_path / "f.npz"), *FAST)
    assert r.exit_code == 0 and "2 files, one series per file" in r.stderr, r
    assert Panel.load(tmp_path / "f.npz").ids == ["AAPL", "MSFT"]


def test_skipped_series_are_named_and_none_trained_is_exit_2_with_the_old_file_untouched(run, tmp_path):
    model = tmp_path / "m.npz"
    model.write_bytes(b"previous model")
    rows = [f"{d},TINY,{1 + k}" for k, d in enumerate(dates(5))]
    r = run("train", str(write(tmp_path, long_text(rows=rows))), "--model", str(model), *FAST)
    assert r.exit_code == 0 and "Skipped TINY:" in r.stderr and "3 of 4 series, 1 skipped" in r.stdout, r
    model.write_bytes(b"previous model")
    tiny = "Date,Ticker,Close\n" + "".join(f"{d},{t},{k}\n" for k, d in enumerate(dates(6)) for t in "ABC")
    r = run("train", str(write(tmp_path, tiny, "tiny.csv")), "--model", str(model), *FAST)
    assert r.exit_code == 2 and "none of the 3 series could be trained" in r.stderr, r
    assert model.read_bytes() == b"previous model"


def test_duplicate_series_dates_are_noted_naming_the_series(run, tmp_path):
    rows = ["2021-01-05,MSFT,1.0"]
    r = run("train", str(write(tmp_path, long_text(rows=rows))), "--model", str(tmp_path / "m.npz"), *FAST)
    assert r.exit_code == 0 and "Note: MSFT: dropped 1 duplicate date with different prices" in r.stderr, r


@pytest.mark.parametrize("jobs", ["0", "-1"])
def test_impossible_jobs_exit_2_before_reading(run, tmp_path, jobs):
    r = run("train", str(tmp_path / "missing.csv"), "--jobs", jobs)
    assert r.exit_code == 2 and "--jobs" in r.stderr and "no such file" not in r.stderr, r


def test_results_are_the_same_for_any_jobs(lstm_exe, tmp_path):
    """The installed command (one BLAS thread in every process) with --jobs 1 and 2: identical weights."""
    path = write(tmp_path, long_text())
    for jobs in ("1", "2"):
        p = run_exe(lstm_exe, "train", str(path), "--model", str(tmp_path / f"j{jobs}.npz"), *FAST, "--jobs", jobs)
        assert p.returncode == 0, p.stderr.decode()
    with np.load(tmp_path / "j1.npz") as a, np.load(tmp_path / "j2.npz") as b:
        assert sorted(a.files) == sorted(b.files) and "__panel__/params.float32" in a.files
        for k in a.files:
            if k != "__meta__":
                np.testing.assert_array_equal(a[k], b[k])


def test_backtest_a_panel_scores_each_series_and_the_whole(run, tmp_path):
    path = write(tmp_path, long_text(n=150))
    r = run("backtest", str(path), "--days", "2", *FAST, "--jobs", "1")
    assert r.exit_code == 0, r
    assert "Backtest per series" in r.stdout and "Backtest over 3 series" in r.stdout
    assert "wins/ties/losses vs naive" in r.stdout and "Best series (MAE / naive)" in r.stdout
    r = run("backtest", str(path), "--days", "2", *FAST, "--json", "--series", "GOOG,AAPL")
    payload = json.loads(r.stdout)
    assert [s["series"] for s in payload["series"]] == ["GOOG", "AAPL"]
    agg = payload["aggregate"]
    assert agg["series"] == 2 and sum(agg["vs_naive"].values()) == 2
    assert agg["median_mase"] == pytest.approx(np.median([s["lstm_mase"] for s in payload["series"]]))
    r = run("backtest", str(path), "--days", "2", *FAST, "--output", "-")
    lines = r.stdout.strip().splitlines()
    assert (
        lines[0].startswith("series,rows,origins,season,lstm_mae,naive_mae,mae_vs_naive,lstm_mase") and len(lines) == 4
    )


def test_inspect_lists_a_panel_and_traces_one_series(run, tmp_path):
    model = tmp_path / "m.npz"
    assert run("train", str(write(tmp_path, long_text())), "--model", str(model), *FAST).exit_code == 0
    r = run("inspect", "--model", str(model))
    assert r.exit_code == 0 and "Panel model" in r.stdout and "MSFT" in r.stdout, r
    r = run("inspect", "--model", str(model), "--step-trace", "--series", "msft", "--json")
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["model"]["path"] == str(model)
    r = run("inspect", "--model", str(model), "--step-trace")
    assert r.exit_code == 2 and "panel model of 3 series" in r.stderr and "--series" in r.stderr, r


def test_ctrl_c_keeps_the_finished_series_in_a_valid_model_file(lstm_exe, tmp_path):
    """SIGINT to a running `lstm train` of 60 series: exit 0, the finished series saved and said."""
    import signal
    import subprocess
    import time

    tickers = tuple((f"T{k:02d}", 50.0 + k) for k in range(60))
    path = write(tmp_path, long_text(n=200, tickers=tickers))
    model = tmp_path / "m.npz"
    cmd = [lstm_exe, "train", str(path), "--model", str(model), "--epochs", "30", "--patience", "30", "--jobs", "1"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={"NO_COLOR": "1", "PATH": ""})
    time.sleep(8)  # start-up, reading, and a few series (each takes a fraction of a second)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 0, err.decode()
    kept = Panel.load(model)
    assert kept.interrupted and 1 <= len(kept.ids) < 60
    assert f"Stopped by SIGINT: kept the {len(kept.ids)} series finished so far (of 60)" in " ".join(
        err.decode().split()
    )


def test_a_global_network_is_shared_by_every_series_and_stored_once(run, tmp_path):
    rows = [f"{d},TINY,{1 + k}" for k, d in enumerate(dates(6))]
    model = tmp_path / "g.npz"
    r = run("train", str(write(tmp_path, long_text(rows=rows))), "--global", "--model", str(model), *FAST)
    assert r.exit_code == 0 and "Skipped TINY:" in r.stderr and "one global network" in r.stdout, r
    panel = Panel.load(model)
    assert panel.global_model and panel.ids == ["AAPL", "MSFT", "GOOG"] and panel.skipped.keys() == {"TINY"}
    first = panel.members["AAPL"].params
    assert all(f.params is first for f in panel.members.values())  # one network
    with np.load(model) as z:
        [net] = json.loads(z["__meta__"].tobytes())["panel"]["networks"]  # stored once
        assert net["prefix"] == "global." and [name for name, _ in net["arrays"]] == sorted(first)
        assert len(z["__panel__/params.float32"]) == sum(a.size for a in first.values())
    scalers = [f.info.scaler.mean[0] for f in panel.members.values()]
    assert len(set(scalers)) == 3  # each series scaled on its own training part
    r = run("predict", "--model", str(model), "--days", "2", "--json")
    assert r.exit_code == 0 and len(json.loads(r.stdout)["series"]) == 3, r


def test_many_skipped_series_are_named_up_to_20_then_counted(run, tmp_path):
    rows = [f"{d},TINY{k:02d},{1 + j}" for k in range(25) for j, d in enumerate(dates(5))]
    r = run("train", str(write(tmp_path, long_text(rows=rows))), "--model", str(tmp_path / "m.npz"), *FAST, "-q")
    assert r.exit_code == 0, r
    assert r.stderr.count("Skipped TINY") == 20 and "... and 5 more series skipped" in r.stderr
    assert "Trained 3 of 28 series, 25 skipped" in " ".join(r.stdout.split())


def test_several_series_on_standard_input_say_to_use_a_file(run, tmp_path):
    r = run("train", "-", "--model", str(tmp_path / "m.npz"), *FAST, input=long_text().encode())
    assert r.exit_code == 2 and "<stdin> holds several series" in r.stderr and "--series NAME" in r.stderr, r
    assert not (tmp_path / "m.npz").exists()


def test_predict_of_a_panel_does_not_import_pandas(lstm_exe, tmp_path):
    model = tmp_path / "m.npz"
    assert run_exe(lstm_exe, "train", str(write(tmp_path, long_text())), "--model", str(model), *FAST).returncode == 0
    code = (
        "import sys; from lstmcli.cli import main; "
        f"sys.argv = ['lstm', 'predict', '--model', {str(model)!r}, '--series', 'AAPL', '--json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('pandas' in sys.modules, file=sys.stderr)"
    )
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert json.loads(p.stdout)["series"][0]["id"] == "AAPL" and p.stderr.strip().endswith("False"), p.stderr


def test_series_of_different_lengths_and_frequencies_keep_their_own(run, tmp_path):
    daily = [f"{d},DAILY,{v:.4f}" for d, v in zip(dates(300), random_walk(300, 1), strict=True)]
    months = [f"{2000 + k // 12}-{k % 12 + 1:02d}-01" for k in range(120)]
    monthly = [f"{m},MONTHLY,{v:.4f}" for m, v in zip(months, random_walk(120, 2), strict=True)]
    text = "Date,Ticker,Close\n" + "\n".join(daily + monthly) + "\n"
    model = tmp_path / "m.npz"
    # dates never repeat across the two series, so the id column must be named (data.py's detection rule)
    r = run("train", str(write(tmp_path, text)), "--id-column", "Ticker", "--model", str(model), *FAST)
    assert r.exit_code == 0 and "long format, 2 series" in r.stderr, r
    payload = json.loads(run("predict", "--model", str(model), "--days", "2", "--json").stdout)
    by_id = {s["id"]: s for s in payload["series"]}
    assert by_id["DAILY"]["forecast"][0]["date"] == "2021-10-28" and by_id["DAILY"]["frequency"] == "D"
    assert by_id["MONTHLY"]["forecast"][0]["date"] == "2010-01-01" and by_id["MONTHLY"]["frequency"] == "M"


def test_train_with_an_unknown_series_suggests_the_nearest_and_writes_nothing(run, tmp_path):
    model = tmp_path / "m.npz"
    r = run("train", str(write(tmp_path, long_text())), "--series", "AAPL,MSFTT", "--model", str(model), *FAST)
    assert r.exit_code == 2 and "no series 'MSFTT'" in r.stderr and "Did you mean 'MSFT'" in r.stderr, r
    assert not model.exists()


def test_panel_tables_cut_no_number_at_80_columns(tmp_path, run, monkeypatch):
    """A cut number ('2,5…', '0.…') is a wrong number: at 80 columns names fold, numbers stay whole."""
    monkeypatch.setenv("COLUMNS", "80")
    files = [str(SAMPLE / f) for f in ("daily_stock.csv", "monthly_seasonal.csv", "trend_smooth.csv")]
    model = str(tmp_path / "p.npz")
    r = run("train", *files, "--model", model, "--epochs", "2", "-q")
    assert r.exit_code == 0, r
    shown = run("inspect", "--model", model)
    assert shown.exit_code == 0, shown
    for out in (r.stdout, shown.stdout):
        assert "…" not in out and "2,570" in out
        rows = [line for line in out.splitlines() if line.startswith("  ")]  # the tables (sentences soft-wrap)
        assert rows and max(len(line) for line in rows) <= 80
