"""train -> predict as a user runs them: messy CSVs, outputs, dates, the installed command."""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLE, random_walk, run_exe

FAST = ["--epochs", "3", "--hidden", "8", "--window", "10", "-q"]


def _daily_csv(path, n=160, order=1, seed=0):
    rng = np.random.default_rng(seed)
    days = np.busday_offset(np.datetime64("2021-03-01"), np.arange(n), roll="forward")
    close = random_walk(n, start=100, drift=0, rng=rng)
    vol = rng.integers(1000, 5000, n)
    rows = [f"{d},{c:.2f},{v}" for d, c, v in zip(days, close, vol, strict=True)][::order]
    path.write_text("Date,Close,Volume\n" + "\n".join(rows) + "\n")
    return path, days, close


@pytest.fixture
def trained(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    csv_path, days, close = _daily_csv(tmp_path / "prices.csv")
    r = run("train", str(csv_path), *FAST)
    assert r.exit_code == 0, r
    return tmp_path, r, days, close


def test_train_reports_data_and_naive_comparison(trained):
    tmp_path, r, _, _ = trained
    assert (tmp_path / "lstm-model.npz").exists()
    assert "Read " in r.stderr and "160 rows" in r.stderr
    for text in ("Training summary", "naive (tomorrow = today)", "drift", "MAE", "MASE"):
        assert text in r.stdout, text
    assert "naive forecast" in r.stdout  # the verdict sentence


def test_predict_table_has_business_days(trained, run):
    _, _, days, _ = trained
    r = run("predict", "--days", "5", "--no-chart")
    assert r.exit_code == 0, r
    last = days[-1]
    expected = np.busday_offset(last, np.arange(1, 6), roll="forward")
    for d in expected:
        assert str(d) in r.stdout
    assert "Close" in r.stdout and "recursive" in r.stdout


def test_predict_json_is_pure_json(trained, run):
    r = run("predict", "--days", "3", "--json")
    assert r.exit_code == 0, r
    payload = json.loads(r.stdout)
    assert [row["step"] for row in payload["forecast"]] == [1, 2, 3]
    assert payload["strategy"] == "recursive"
    assert all(row["lower_90"] <= row["forecast"] <= row["upper_90"] for row in payload["forecast"])


def test_predict_output_csv(trained, run):
    tmp_path = trained[0]
    r = run("predict", "--days", "4", "--output", "fc.csv", "--no-chart")
    assert r.exit_code == 0, r
    with open(tmp_path / "fc.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 4 and {"date", "forecast", "lower_90", "upper_90"} <= set(rows[0])


def test_predict_output_dash_prints_only_the_csv(trained, run):
    r = run("predict", "--days", "4", "--output", "-")
    assert r.exit_code == 0, r
    rows = list(csv.DictReader(r.stdout.splitlines()))
    assert [int(row["step"]) for row in rows] == [1, 2, 3, 4] and not (trained[0] / "-").exists()
    r = run("predict", "--json", "-o", "-")
    assert r.exit_code == 2 and "--json and --output - both print to standard output" in r.stderr, r


def test_model_env_var_and_flag(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    csv_path, _, _ = _daily_csv(tmp_path / "p.csv")
    monkeypatch.setenv("LSTM_MODEL", str(tmp_path / "env-model.npz"))
    assert run("train", str(csv_path), *FAST).exit_code == 0
    assert (tmp_path / "env-model.npz").exists() and not (tmp_path / "lstm-model.npz").exists()
    assert run("predict", "--no-chart").exit_code == 0
    monkeypatch.delenv("LSTM_MODEL")
    assert run("train", str(csv_path), *FAST, "--model", "other.npz").exit_code == 0
    assert run("predict", "--model", "other.npz", "--no-chart").exit_code == 0


def test_predict_from_newer_data(trained, run):
    tmp_path = trained[0]
    newer, days, close = _daily_csv(tmp_path / "newer.csv", n=200, seed=1)
    r = run("predict", "--data", str(newer), "--days", "2", "--json")
    assert r.exit_code == 0, r
    payload = json.loads(r.stdout)
    assert payload["last_value"] == pytest.approx(round(close[-1], 2))
    assert payload["last_date"] == str(days[-1])


def test_predict_without_model_is_a_clear_error(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("predict")
    assert r.exit_code == 2
    assert "no model file at lstm-model.npz" in r.stderr and "lstm train" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_descending_dates_and_features(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    csv_path, days, _ = _daily_csv(tmp_path / "desc.csv", order=-1)
    r = run("train", str(csv_path), *FAST, "--features", "Volume")
    assert r.exit_code == 0, r
    assert "oldest-first" in r.stderr or "sorted" in r.stderr
    assert "features Volume" in r.stdout
    p = run("predict", "--days", "2", "--json")
    assert json.loads(p.stdout)["last_date"] == str(days[-1])


def test_monthly_series_gets_monthly_dates(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("train", str(SAMPLE / "monthly_seasonal.csv"), "--window", "12", "--epochs", "3", "-q")
    assert r.exit_code == 0, r
    p = run("predict", "--days", "3", "--json")
    dates = [row["date"] for row in json.loads(p.stdout)["forecast"]]
    assert dates == ["2025-01-01", "2025-02-01", "2025-03-01"]


MESSY = {
    "bom_dollars_thousands": "\ufeffDate,Close\n"
    + "\n".join(f'2024-01-{d:02d},"$1,{200 + d}.50"' for d in range(1, 32))
    + "\n",
    "semicolon_decimal_comma": "Datum;Schluss\n"
    + "\n".join(f"{d:02d}.01.2024;1.{200 + d},75" for d in range(1, 32))
    + "\n",
    "blank_lines_and_missing": "Date,Price\n\n"
    + "\n".join(f"2024-02-{d:02d},{'' if d == 10 else 50 + d}" for d in range(1, 29))
    + "\n\n",
    "duplicates": "Date,Close\n" + "\n".join(f"2024-03-{d:02d},{60 + d}" for d in range(1, 31)) + "\n2024-03-05,65\n",
}


@pytest.mark.parametrize("name", sorted(MESSY))
def test_messy_csvs_train_end_to_end(tmp_path, run, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / f"{name}.csv"
    path.write_bytes(MESSY[name].encode("utf-8"))
    r = run("train", str(path), "--window", "3", "--epochs", "2", "--hidden", "4", "-q")
    assert r.exit_code == 0, r
    assert "Read " in r.stderr
    p = run("predict", "--days", "2", "--json")
    assert p.exit_code == 0, p
    assert len(json.loads(p.stdout)["forecast"]) == 2


def test_train_from_stdin(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    csv_path, _, _ = _daily_csv(tmp_path / "p.csv")
    r = run("train", "-", *FAST, input=csv_path.read_bytes())
    assert r.exit_code == 0, r
    assert "<stdin>" in r.stdout


def test_round_trip_through_the_installed_command(tmp_path, lstm_exe):
    csv_path, _, _ = _daily_csv(tmp_path / "p.csv")
    t = run_exe(lstm_exe, "train", str(csv_path), *FAST, cwd=tmp_path)
    assert t.returncode == 0, t.stderr.decode()
    p = run_exe(lstm_exe, "predict", "--days", "3", "--json", cwd=tmp_path)
    assert p.returncode == 0, p.stderr.decode()
    assert len(json.loads(p.stdout)["forecast"]) == 3


def test_broken_pipe_is_quiet(tmp_path, lstm_exe):
    """`lstm predict | head -1`: the reader leaving is no error: exit 0, nothing on stderr."""
    import subprocess

    csv_path, _, _ = _daily_csv(tmp_path / "p.csv")
    assert run_exe(lstm_exe, "train", str(csv_path), *FAST, cwd=tmp_path).returncode == 0
    for args in ("--no-chart", "--json", "--output -"):
        p = subprocess.run(
            f"'{lstm_exe}' predict --days 2000 {args} | head -1; exit ${{PIPESTATUS[0]}}",
            shell=True,
            executable="/bin/bash",
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert p.returncode == 0 and p.stderr == "", (args, p.returncode, p.stderr)


def test_a_flat_forecast_gets_a_note_that_does_not_push_a_worse_model(tmp_path, run, monkeypatch):
    """Daily stock prices: the default model forecasts about no change, like naive; say so on stderr only."""
    monkeypatch.chdir(tmp_path)
    assert run("train", str(SAMPLE / "daily_stock.csv"), "-q").exit_code == 0
    r = run("predict", "--days", "2", "--json")
    assert r.exit_code == 0, r
    json.loads(r.stdout)  # stdout stays pure JSON
    assert "Note: the forecast is almost flat" in r.stderr and "lstm backtest" in r.stderr, r.stderr
    assert "--target level" not in r.stderr  # level models score several times naive's error on prices


def test_a_short_series_gets_a_band_from_its_few_errors_and_says_how_many(tmp_path, run, monkeypatch):
    """Fewer than 20 validation origins (12 here): a symmetric band from the errors there are, with a note
    saying how many; a coverage they cannot reach gives no band (not a narrower one) and names what can."""
    monkeypatch.chdir(tmp_path)
    csv_path, _, _ = _daily_csv(tmp_path / "short.csv", n=70)
    assert run("train", str(csv_path), *FAST).exit_code == 0
    r = run("predict", "--days", "3", "--no-chart")
    assert r.exit_code == 0, r
    assert "90% low" in r.stdout and "Note: no prediction interval" not in r.stderr
    assert (
        "Note: the interval is calibrated on only 12 validation errors for step 1, down to 9 for step 4, as a band"
        in r.stderr
    ), r.stderr
    payload = json.loads(run("predict", "--days", "3", "--json").stdout)
    assert payload["interval_calibration"] == {
        "steps": 4, "errors_per_step": [12, 11, 10, 9], "band": "symmetric", "widest_coverage": 0.9,
    }  # fmt: skip
    for row in payload["forecast"]:  # symmetric around the forecast (in log terms: a log-return model)
        assert row["upper_90"] / row["forecast"] == pytest.approx(row["forecast"] / row["lower_90"])
    wide = run("predict", "--days", "3", "--interval", "0.95", "--no-chart")
    assert wide.exit_code == 0 and "95% low" not in wide.stdout
    assert "Note: no 95% interval: a 95% band needs 19 validation errors per step" in wide.stderr, wide.stderr
    assert "--interval 0.9 or less gives one" in wide.stderr
    assert "Note:" not in run("predict", "--interval", "0", "--no-chart").stderr


# ------------------------------------------------------------- --target auto, the auto window, worse than naive


def test_auto_target_trains_on_zeros_with_diff_and_says_why(tmp_path, run, monkeypatch):
    """A series with zeros (no log-returns possible) trains with the defaults: diff, and the summary says why."""
    monkeypatch.chdir(tmp_path)
    days = np.busday_offset(np.datetime64("2021-03-01"), np.arange(120), roll="forward")
    values = np.round(np.sin(np.arange(120) / 4) * 3, 2)  # crosses and touches 0
    assert (values <= 0).any()
    (tmp_path / "p.csv").write_text("Date,Close\n" + "".join(f"{d},{v}\n" for d, v in zip(days, values, strict=True)))
    r = run("train", "p.csv", "--epochs", "2", "--hidden", "4", "-q")
    assert r.exit_code == 0, r
    assert "learns diff (auto: the data has values <= 0)" in " ".join(r.stdout.split())
    from lstmcli.forecast import Forecaster

    assert Forecaster.load(tmp_path / "lstm-model.npz").info.target == "diff"  # stored resolved
    r = run("train", "p.csv", "--epochs", "2", "--hidden", "4", "-q", "--target", "log-return")
    assert r.exit_code == 2 and "needs prices above 0" in r.stderr  # explicit stays strict


def test_auto_target_on_positive_prices_is_log_return(trained):
    tmp_path, r, _, _ = trained
    from lstmcli.forecast import Forecaster

    assert "learns log-return (auto: all values are above 0)" in " ".join(r.stdout.split())
    assert Forecaster.load(tmp_path / "lstm-model.npz").info.target == "log-return"


def test_short_series_gets_a_shorter_default_window_and_says_so(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _daily_csv(tmp_path / "p.csv", n=40)
    r = run("train", "p.csv", "--epochs", "2", "--hidden", "4", "-q")
    assert r.exit_code == 0, r
    from lstmcli.forecast import Forecaster, min_rows

    window = Forecaster.load(tmp_path / "lstm-model.npz").info.config.window
    assert window < 30 and min_rows(window, 1, 0.2) <= 40 < min_rows(window + 1, 1, 0.2)  # the longest that fits
    assert f"window {window} (auto: 40 rows)" in " ".join(r.stdout.split())
    r = run("train", "p.csv", "--epochs", "2", "--hidden", "4", "-q", "--window", "30")
    assert r.exit_code == 2 and "--window 30" in r.stderr  # an explicit window too long still errors


def test_a_model_worse_than_naive_says_so_first_and_predict_labels_it(trained, run):
    from conftest import rewrite_model

    from lstmcli import modelfile

    tmp_path = trained[0]
    _, meta = modelfile.load(tmp_path / "lstm-model.npz")
    v = meta["validation"]
    v["model"]["mae"] = v["naive"]["mae"] * 1.5  # a model that lost to naive on validation
    rewrite_model(tmp_path / "lstm-model.npz", tmp_path / "worse.npz", meta=meta)
    r = run("predict", "--model", "worse.npz", "--no-chart")
    assert r.exit_code == 0, r
    first = r.stdout.strip().splitlines()[0]
    assert "Worse than naive" in first  # above the table
    assert "does NOT beat the naive forecast" in r.stdout
    r = run("predict", "--model", "worse.npz", "--json")
    assert json.loads(r.stdout)["beats_naive"] is False
    r = run("predict", "--json")
    assert json.loads(r.stdout)["beats_naive"] == (v["naive"]["mae"] > meta["validation"]["model"]["mae"] / 1.5)


def test_train_verdict_comes_first_when_worse_than_naive():
    from lstmcli.modelfile import Scores, ValidationInfo
    from lstmcli.render.train import beats_naive, verdict

    def validation(model_mae: float, naive_mae: float) -> ValidationInfo:
        return ValidationInfo(
            rows=30,
            scale=1.0,
            first_date_index=100,
            model=Scores(model_mae, model_mae, model_mae, 50.0),
            naive=Scores(naive_mae, naive_mae, naive_mae, None),
            drift=Scores(naive_mae, naive_mae, naive_mae, 50.0),
        )

    v = validation(2.0, 1.0)
    assert beats_naive(v) is False and "does NOT beat" in verdict(v)[1]
    assert beats_naive(validation(0.5, 1.0)) is True
    assert beats_naive(validation(float("nan"), 1.0)) is None


def test_train_verdict_on_a_few_validation_rows_says_it_cannot_judge(run, tmp_path):
    """Six validation rows 'beating naive by 40%' is luck as often as skill: the verdict says the
    sample is too small instead (issue 12), in train and in predict."""
    from lstmcli.modelfile import Scores, ValidationInfo
    from lstmcli.render.train import MIN_VERDICT_ROWS, verdict

    few = ValidationInfo(6, 1.0, 100, Scores(0.6, 0.6, 0.6, 50.0), Scores(1.0, 1.0, 1.0, None), Scores(1, 1, 1, 50.0))
    style, sentence = verdict(few)
    assert style == "yellow" and sentence.startswith("6 validation rows are too few to judge")
    assert "-40.0%" in sentence and "beats" not in sentence
    enough = ValidationInfo(MIN_VERDICT_ROWS, 1.0, 100, few.model, few.naive, few.drift)
    assert "beats the naive forecast by 40.0%" in verdict(enough)[1]
    rng = np.random.default_rng(3)
    dates = pd.date_range("2020-01-31", periods=40, freq="ME")
    prices = 100 * np.exp(np.cumsum(rng.normal(0, 0.03, 40)))
    pd.DataFrame({"Date": dates, "Sales": prices}).to_csv(tmp_path / "short.csv", index=False)
    model = str(tmp_path / "m.npz")
    r = run("train", str(tmp_path / "short.csv"), "--model", model, "--epochs", "3")
    assert r.exit_code == 0 and "too few to judge the model against the naive forecast" in r.stdout
    assert "beats the naive forecast" not in r.stdout
    assert "too few to judge" in run("predict", "--model", model).stdout


def test_an_interval_wider_than_the_model_stores_is_refused(trained, run):
    """--interval 0.99 once silently gave the 95% band; now it says what the model can give."""
    r = run("predict", "--days", "3", "--interval", "0.99", "--no-chart")
    assert r.exit_code == 2, r
    assert "--interval 0.99 is wider than this model can calibrate (at most 0.95)" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert run("predict", "--days", "3", "--interval", "0.95", "--no-chart").exit_code == 0


def test_the_interval_level_is_named_in_csv_and_json_columns(trained, run):
    tmp_path = trained[0]
    r = run("predict", "--days", "3", "--interval", "0.8", "--output", "fc.csv", "--no-chart")
    assert r.exit_code == 0, r
    with open(tmp_path / "fc.csv") as f:
        rows = list(csv.DictReader(f))
    assert {"lower_80", "upper_80"} <= set(rows[0]) and "lower" not in rows[0], rows[0]
    payload = json.loads(run("predict", "--days", "3", "--json").stdout)
    assert payload["interval"] == 0.9
    assert all(row["lower_90"] <= row["forecast"] <= row["upper_90"] for row in payload["forecast"])


def test_newer_data_of_another_frequency_is_refused(trained, run):
    """A daily model given weekly --data once forecast weekly returns dated as business days."""
    tmp_path = trained[0]
    rng = np.random.default_rng(3)
    weeks = np.datetime64("2021-03-05") + 7 * np.arange(80)
    close = random_walk(80, start=100, drift=0, rng=rng)
    rows = [f"{d},{c:.2f},{v}" for d, c, v in zip(weeks, close, rng.integers(1000, 5000, 80), strict=True)]
    (tmp_path / "weekly.csv").write_text("Date,Close,Volume\n" + "\n".join(rows) + "\n")
    for verb in (["predict", "--days", "2", "--no-chart"], ["inspect"]):
        r = run(*verb, "--data", "weekly.csv")
        assert r.exit_code == 2, r
        assert "Error:" in r.stderr and "weeks" in r.stderr and "business days" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr


def test_newer_data_on_another_scale_gets_a_note(trained, run):
    """Prices moving 20 times as much as in training: forecast, but say so on stderr."""
    tmp_path, _, days, close = trained
    wild = close[0] * (close / close[0]) ** 20  # the same dates, each log return 20 times larger
    rows = [f"{d},{c:.2f},{2000}" for d, c in zip(days, wild, strict=True)]
    (tmp_path / "wild.csv").write_text("Date,Close,Volume\n" + "\n".join(rows) + "\n")
    r = run("predict", "--days", "2", "--no-chart", "--data", "wild.csv")
    assert r.exit_code == 0, r
    assert "Note:" in r.stderr and "as much per step as in training" in r.stderr, r.stderr
    same = run("predict", "--days", "2", "--no-chart", "--data", str(_daily_csv(tmp_path / "newer.csv", seed=1)[0]))
    assert same.exit_code == 0 and "as in training" not in same.stderr, same.stderr
