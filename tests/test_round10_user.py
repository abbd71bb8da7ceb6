"""What round 10's changes print, read as a new user meets them on real files (branch r10user): the verdict's
"beyond chance" in every `--json` and in `lstm inspect`, the step trace of combined season fits, months without a
row, `--auto`'s selection verdict against the validation rows, panels' counts and suggested commands.
Each test fails on main 12a67c0."""

from __future__ import annotations

import json

import numpy as np

from lstmcli.modelfile import Scores, ValidationInfo
from lstmcli.render.train import verdict, verdict_json

T = np.arange(120)
#: quarterly, a season that drifts (as ukgas's and jj's)
QUARTERLY = 100 * np.exp(0.003 * T + 0.25 * np.sin(2 * np.pi * T / 4))
QUARTERLY = QUARTERLY * np.exp(np.cumsum(np.random.default_rng(3).normal(0, 0.02, len(T))))
FAST = ("--window", "12", "--hidden", "6", "--epochs", "3", "--ensemble", "1")


def _csv(tmp_path, values: np.ndarray, name: str = "q.csv") -> str:
    path = tmp_path / name
    dates = np.datetime64("1990-01", "M") + 3 * np.arange(len(values))
    path.write_text("Date,Value\n" + "".join(f"{d}-01,{float(v)!r}\n" for d, v in zip(dates, values, strict=True)))
    return str(path)


def _long_csv(tmp_path, series: dict[str, np.ndarray]) -> str:
    """A panel's long CSV (series, Date, Value), quarterly from 1990 for each series' own length."""
    days = np.datetime64("1990-01", "M") + 3 * np.arange(max(len(y) for y in series.values()))
    path = tmp_path / "long.csv"
    path.write_text(
        "series,Date,Value\n"
        + "".join(f"{sid},{d}-01,{float(v)!r}\n" for sid, y in series.items() for d, v in zip(days, y, strict=False))
    )
    return str(path)


def test_json_says_whether_the_win_over_naive_is_beyond_chance_as_the_verdict_does():
    """goog.csv: the verdict says "1.6% below naive's, but over 194 validation rows that could be chance
    (t = -1.5): it is not clearly better", while `train --json` and `predict --json` said only
    `"beats_naive": true`: a script saw a win the sentence denies (a panel's totals have the count)."""
    s = lambda mae, t=None, da=50.0: Scores(mae, mae, mae, da, t)  # noqa: E731
    goog = ValidationInfo(194, 1.0, 800, s(0.984), s(1.0, -1.5, None), s(1.0, -1.4))
    assert "could be chance" in verdict(goog, "B")[1]
    assert verdict_json(goog) == {
        "beats_naive": True,
        "beats_naive_beyond_chance": False,
        "beats_seasonal_naive": None,
        "beats_seasonal_naive_beyond_chance": None,
    }
    souvenirs = ValidationInfo(11, 1.0, 73, s(0.242), s(1.0, -1.5, None), s(1.0, -1.5), s(0.861, -3.7), 12)
    assert verdict_json(souvenirs) == {  # "beats seasonal naive by 71.9% (... beyond chance: t = -3.7)"
        "beats_naive": True,
        "beats_naive_beyond_chance": False,  # "... 11 rows are too few to judge"
        "beats_seasonal_naive": True,
        "beats_seasonal_naive_beyond_chance": True,
    }
    old = ValidationInfo(194, 1.0, 800, s(0.984), s(1.0, None, None), s(1.0))  # a file before round 10: no t
    assert verdict_json(old)["beats_naive"] is True and verdict_json(old)["beats_naive_beyond_chance"] is None


def test_train_and_predict_json_carry_the_beyond_chance_keys(run, tmp_path):
    csv, model = _csv(tmp_path, QUARTERLY), str(tmp_path / "m.npz")
    r = run("train", csv, *FAST, "--model", model, "--json")
    assert r.exit_code == 0, r
    trained = json.loads(r.stdout)
    predicted = json.loads(run("predict", "--model", model, "--json").stdout)
    keys = ("beats_naive", "beats_naive_beyond_chance", "beats_seasonal_naive", "beats_seasonal_naive_beyond_chance")
    for key in keys:
        assert isinstance(trained[key], bool), key
        assert trained[key] == predicted[key], key


def test_a_step_trace_of_combined_season_fits_ends_with_the_forecast_predict_gives(run, tmp_path, monkeypatch):
    """a10.csv with --season-fits combine: the step trace ended "The ensemble forecasts Value 22.57 for that step"
    (the kept fit's ensemble), while `lstm predict` forecast 23.28 for that step (the mean of the 2 fits)."""
    from lstmcli import season_fits
    from lstmcli.render.common import price

    monkeypatch.setattr(season_fits, "COMBINE_WITHIN", 1e9)  # combine every fit, whatever their MAEs
    csv, model = _csv(tmp_path, QUARTERLY[:100]), str(tmp_path / "m.npz")
    fast = ("--window", "12", "--hidden", "6", "--epochs", "3", "--seed", "1", "--season", "4")
    r = run("train", csv, *fast, "--ensemble", "2", "--season-fits", "combine", "--model", model, "-q")
    assert r.exit_code == 0, r
    newer = _csv(tmp_path, QUARTERLY[:110], "newer.csv")
    for data in ((), ("--data", newer)):
        predicted = json.loads(run("predict", "--model", model, "--days", "1", "--json", *data).stdout)
        step = predicted["forecast"][0]["forecast"]
        r = run("inspect", "--step-trace", "--model", model, "--json", *data)
        assert json.loads(r.stdout)["model"]["season_fits"]["forecast"] == step
        text = " ".join(run("inspect", "--step-trace", "--model", model, *data).stdout.split())
        assert "The kept fit's ensemble forecasts Value" in text
        assert f"The model forecasts Value {price(step)} for that step: the mean of its 3 fits' forecasts" in text


def test_months_without_a_row_are_said_on_the_read_line(run, tmp_path):
    """a10.csv with two months deleted read "202 rows, 1991-07-01..2008-06-01 (months)" and nothing else, though
    the span holds 204 months: the rows were read as consecutive months (a season's phase counts rows) unsaid."""
    from lstmcli.data import cleaning_summary, read_prices

    y = QUARTERLY[:60]
    months = np.datetime64("1990-01", "M") + np.arange(60)
    keep = np.r_[0:20, 22:60]
    path = tmp_path / "m.csv"
    path.write_text("Date,Value\n" + "".join(f"{months[i]}-01,{float(y[i])!r}\n" for i in keep))
    line = cleaning_summary(read_prices(str(path)))
    assert line.endswith("2 months without a row (the first after 1991-08-01): the rows are read as consecutive months")
    r = run("train", str(path), *FAST, "--model", str(tmp_path / "m.npz"), "--season", "none")
    assert "2 months without a row" in " ".join(r.stderr.split())
    for name, dates in {
        "quarters": np.datetime64("1990-01", "M") + 3 * np.r_[0:10, 11:40],
        "years": np.datetime64("1900", "Y") + np.r_[0:30, 33:40],
        "weeks": np.datetime64("2020-01-06") + 7 * np.r_[0:30, 31:60],
    }.items():
        path.write_text(
            "Date,Value\n" + "".join(f"{np.datetime64(d, 'D')},{float(v)!r}\n" for d, v in zip(dates, y, strict=False))
        )
        s = read_prices(str(path))
        assert s.frequency == {"quarters": "Q", "years": "Y", "weeks": "W"}[name]
        missing = {"quarters": 1, "years": 3, "weeks": 1}[name]
        unit = name if missing > 1 else name[:-1]
        assert f"{missing} {unit} without a row" in cleaning_summary(s), name
    full = tmp_path / "full.csv"  # a complete series, and business days (holidays are no gap): nothing said
    full.write_text("Date,Value\n" + "".join(f"{d}-01,{float(v)!r}\n" for d, v in zip(months, y, strict=True)))
    assert "without a row" not in cleaning_summary(read_prices(str(full)))
    days = np.busday_offset("2024-01-02", np.r_[0:20, 24:60])  # 4 weekdays (9/11's closure; round 12 counts 5)
    full.write_text("Date,Value\n" + "".join(f"{d},{float(v)!r}\n" for d, v in zip(days, y, strict=False)))
    assert "without a row" not in cleaning_summary(read_prices(str(full)))


def test_a_panels_inspect_keeps_the_command_it_suggests_on_one_line_when_piped(run, tmp_path):
    """`lstm inspect --model panel.npz | cat` folded "One series inside: lstm inspect --step-trace --series
    souvenirs --model" and "panel.npz" onto two lines at 80 columns: a command that no longer pastes."""
    walk = 100 * np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.02, 60)))
    csv = _long_csv(tmp_path, {"a_rather_long_series_name": QUARTERLY[:60], "walk": walk})
    folder = tmp_path / "models_kept_in_a_folder_with_a_long_name"
    folder.mkdir()
    model = str(folder / "panel_model_with_a_long_name.npz")
    r = run("train", csv, "--model", model, *FAST, "--jobs", "1", "-q")
    assert r.exit_code == 0, r
    r = run("inspect", "--model", model)
    command = f"lstm inspect --step-trace --series a_rather_long_series_name --model {model}"
    assert f"One series inside: {command}" in r.stdout.splitlines()


def test_inspect_says_the_verdict_train_and_predict_say(run, tmp_path):
    """goog.npz: `lstm train` and `lstm predict` say "... 1.6% below naive's, but over 194 validation rows that could
    be chance (t = -1.5): it is not clearly better than 'tomorrow = today'", while `lstm inspect` listed the MAEs
    alone: a reader of the model file could take 5.49 < 5.58 for the win the verdict denies."""
    from lstmcli.forecast import Forecaster

    csv, model = _csv(tmp_path, QUARTERLY), str(tmp_path / "m.npz")
    assert run("train", csv, *FAST, "--model", model, "-q").exit_code == 0
    info = Forecaster.load(model).info
    sentence = verdict(info.validation, info.data.frequency)[1]
    r = run("inspect", "--model", model)
    assert r.exit_code == 0, r
    assert sentence in " ".join(r.stdout.replace("│", " ").split())


def test_inspect_of_one_series_of_a_panel_suggests_commands_that_run(run, tmp_path):
    """`lstm inspect --model panel.npz --series a10` ended "See it think: lstm inspect --step-trace --model
    panel.npz", which is refused ("a panel model of 4 series; this shows one")."""
    csv = _long_csv(tmp_path, {"gas": QUARTERLY[:60], "oil": 2 * QUARTERLY[:60]})
    model = str(tmp_path / "p.npz")
    assert run("train", csv, "--model", model, *FAST, "--jobs", "1", "-q").exit_code == 0
    r = run("inspect", "--model", model, "--series", "oil")
    assert r.exit_code == 0, r
    line = r.stdout.strip().splitlines()[-1]
    assert line == (
        f"See it think: lstm inspect --step-trace --model {model} --series oil    "
        f"its weights: lstm inspect --weights --model {model} --series oil"
    )
    for command in line.removeprefix("See it think: ").split("    its weights: "):
        r = run(*command.split()[1:])
        assert r.exit_code == 0, (command, r)


def test_auto_does_not_say_trust_a_baseline_the_validation_rows_show_beaten_beyond_chance():
    """tas_takings --auto: "... did not beat the seasonal naive forecast by more than 1% in selection: 5-step MASE
    from 7 origins ... 1.183 against seasonal naive's 0.976 (+21.2%). ... fewer than two independent origins'
    worth ... Trust the seasonal naive forecast over this model's.", and three lines below "The model beats the naive
    forecast by 91.0% and seasonal naive by 66.2% (... 9 validation rows are few, but both differences are beyond
    chance: t = -5.6 and -4.8)"; `lstm predict` opened with "No better than seasonal naive" above that verdict."""
    from lstmcli.leaderboard import Entry, SelectionInfo
    from lstmcli.render.auto import predict_label
    from lstmcli.render.auto import verdict as auto_verdict

    name = "lstm train's defaults (log-return, window 30, 32 units, season auto)"
    kept = Entry(name, "lstm", 1.183, 5.0, {"target": "log-return", "window": 30, "auto_window": True})
    low = Entry("log-return, window 16, 32 units, season 4", "lstm", 0.823, 3.5, {"target": "log-return"})
    rule = (
        "The lowest score (0.823: log-return, window 16, 32 units, season 4) cannot be told from it on 7 origins of "
        "5-step forecasts 1 row apart: fewer than two independent origins' worth, no standard error"
    )
    board = (low, Entry("seasonal naive", "baseline", 0.976, 4.1), kept, Entry("naive", "baseline", 2.5, 9.0))
    info = SelectionInfo(5, 57, 46, 7, 4, "season 4", 20, 20, None, 20.0, 3.0, board, 2, rule=rule)
    s = lambda mae, t=None, da=50.0: Scores(mae, mae, mae, da, t)  # noqa: E731
    won = ValidationInfo(9, 1.0, 65, s(0.9), s(10.0, -5.6, None), s(10.0, -5.0), s(2.66, -4.8), 4)
    assert verdict(won, "Q")[0] == "green"
    style, sentence, first = auto_verdict(info, won)
    assert style == "yellow" and first and "Trust" not in sentence
    assert sentence.endswith(
        f"{rule}. On the held-out validation rows, which the selection never read, the model does beat the seasonal "
        "naive forecast beyond chance (one-step MAE: the validation verdict)."
    )
    label = predict_label(info, won)
    assert "No better than" not in label and "the model beats it beyond chance" in label
    # validation within chance (or a file before round 10): the selection's advice stands
    unclear = ValidationInfo(9, 1.0, 65, s(0.9), s(10.0, -5.6, None), s(10.0, -5.0), s(2.66, -1.2), 4)
    for v in (unclear, None):
        style, sentence, _ = auto_verdict(info, v)
        assert style == "bold red" and sentence.endswith("Trust the seasonal naive forecast over this model's.")
        assert predict_label(info, v).startswith("[bold red]No better than seasonal naive")


def test_a_panel_counts_the_wins_over_seasonal_naive_beyond_chance_as_over_naive():
    """canadian_gas in a panel of four: "3 of the 3 with a season beat seasonal naive", while its own verdict reads
    "its one-step MAE is 15.7% below seasonal naive's, but over 102 validation rows that could be chance: it is not
    clearly better than 'same month last year'"; naive's count beside it said "(2 beyond chance)"."""
    from lstmcli.render.panel import seasonal_wins

    s = lambda mae, t=None, da=50.0: Scores(mae, mae, mae, da, t)  # noqa: E731
    gas = ValidationInfo(102, 1.0, 440, s(0.84), s(2.0, -8.0, None), s(2.0, -8.0), s(1.0, -1.9), 12)
    souvenirs = ValidationInfo(11, 1.0, 73, s(0.242), s(1.0, -1.5, None), s(1.0, -1.5), s(0.861, -3.7), 12)
    walk = ValidationInfo(102, 1.0, 440, s(0.99), s(1.0, -0.5, None), s(1.0, -0.5))
    assert seasonal_wins([gas, souvenirs, walk]) == "; 2 of the 2 with a season beat seasonal naive (1 beyond chance)"
    lost = ValidationInfo(102, 1.0, 440, s(1.2), s(2.0, -8.0, None), s(2.0, -8.0), s(1.0, 3.0), 12)
    assert seasonal_wins([lost]) == "; 0 of the 1 with a season beat seasonal naive"
    old = ValidationInfo(102, 1.0, 440, s(0.84), s(2.0, None, None), s(2.0), s(1.0), 12)  # before round 10: no t
    assert seasonal_wins([old]) == "; 1 of the 1 with a season beat seasonal naive"


def test_a_panels_json_totals_count_seasonal_wins_beyond_chance(run, tmp_path):
    csv = _long_csv(tmp_path, {"gas": QUARTERLY[:100], "oil": 2 * QUARTERLY[:100]})
    r = run("train", csv, "--model", str(tmp_path / "p.npz"), *FAST, "--jobs", "1", "--json")
    assert r.exit_code == 0, r
    doc = json.loads(r.stdout)
    per_series = [s["beats_seasonal_naive_beyond_chance"] for s in doc["series"]]
    assert all(isinstance(b, bool) for b in per_series)
    assert doc["totals"]["beats_seasonal_naive_beyond_chance"] == sum(per_series)


def test_inspect_json_has_the_verdicts_booleans_as_train_json(run, tmp_path):
    csv, model = _csv(tmp_path, QUARTERLY), str(tmp_path / "m.npz")
    trained = json.loads(run("train", csv, *FAST, "--model", model, "--json").stdout)
    shown = json.loads(run("inspect", "--model", model, "--json").stdout)
    for key in (
        "beats_naive",
        "beats_naive_beyond_chance",
        "beats_seasonal_naive",
        "beats_seasonal_naive_beyond_chance",
    ):
        assert shown[key] == trained[key], key


def test_backtest_judges_chance_by_students_t_for_its_windows_as_train_does():
    """tas_takings' backtest: "Over 3 separate forecast windows LSTM's lower error is unlikely to be chance (t = -3.4)"
    by |t| >= 2, while on 3 windows Student's two-sided 5% value is 4.3 (lstm train's verdict uses it since round 10:
    on 3 rows it would say "could be chance")."""
    import types

    from lstmcli.backtest import BacktestResult

    def sentence(t, n):
        fake = types.SimpleNamespace(reference="naive", chance=lambda model="lstm", baseline=None: (t, n))
        return BacktestResult.chance_sentence(fake)

    assert sentence(-3.4, 3) == (
        "Over 3 separate forecast windows the difference between LSTM and naive could be chance "
        "(t = -3.4; |t| < 4.3): more data or a longer test window would tell."
    )
    assert sentence(-4.5, 3).endswith("LSTM's lower error is unlikely to be chance (t = -4.5).")
    assert sentence(-2.1, 200).endswith("LSTM's lower error is unlikely to be chance (t = -2.1).")
    assert "could be chance (t = -1.9; |t| < 2.0)" in sentence(-1.9, 200)
