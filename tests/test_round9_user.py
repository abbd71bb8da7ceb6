"""What round 9's changes print, read as a new user meets them on real files: the verdict of a seasonal model
on few validation rows (every quarterly series under 100 rows), the summary's model row and the step trace's
title of a seasonal-difference model. Each test fails on main 49ea554."""

from __future__ import annotations

import io
import json

import numpy as np
from rich.console import Console

from lstmcli.forecast import Forecaster
from lstmcli.modelfile import Scores, ValidationInfo
from lstmcli.render.train import training_summary, verdict
from lstmcli.training import TrainConfig

CFG = TrainConfig(window=12, hidden=6, epochs=4, patience=3, seed=1)
T = np.arange(120)
#: quarterly, a season that drifts (as ukgas's and jj's): the seasonal difference fits it
QUARTERLY = 100 * np.exp(0.003 * T + 0.25 * np.sin(2 * np.pi * T / 4))
QUARTERLY = QUARTERLY * np.exp(np.cumsum(np.random.default_rng(3).normal(0, 0.02, len(T))))


def _text(renderable, width: int = 200) -> str:
    out = io.StringIO()
    Console(file=out, width=width, no_color=True).print(renderable)
    return " ".join(out.getvalue().replace("│", " ").split())


def _difference() -> Forecaster:
    return Forecaster(CFG, season=4, season_method="difference").fit(QUARTERLY)


def _csv(tmp_path, values: np.ndarray) -> str:
    path = tmp_path / "q.csv"
    dates = np.datetime64("1990-01", "M") + 3 * np.arange(len(values))
    path.write_text("Date,Value\n" + "".join(f"{d}-01,{float(v)!r}\n" for d, v in zip(dates, values, strict=True)))
    return str(path)


def test_too_few_rows_to_judge_names_seasonal_naive_as_well():
    """jj.csv (84 quarters, 11 validation rows) said only "too few to judge the model against the naive forecast
    (one-step MAE -75.1%)": the seasonal naive row of the table above it, the bar for a seasonal series, went
    unmentioned, and on a quarterly series under 100 rows the verdict never names it."""
    s = lambda v: Scores(v, v, v, 50.0)  # noqa: E731
    v = ValidationInfo(11, 1.0, 73, s(0.6773), Scores(2.7245, 2.7245, 2.7245, None), s(2.7223), s(1.6445), 4)
    style, sentence = verdict(v, "Q")
    assert style == "yellow"
    assert sentence == (
        "11 validation rows are too few to judge the model against the naive forecast (one-step MAE -75.1%) "
        "or seasonal naive (-58.8%); more rows (or a larger --val-fraction) would tell."
    )
    worse = ValidationInfo(11, 1.0, 73, s(2.0), v.naive, v.drift, s(1.6445), 4)
    assert "or seasonal naive (+21.6%)" in verdict(worse, "Q")[1]
    no_season = ValidationInfo(11, 1.0, 73, v.model, v.naive, v.drift)
    assert "seasonal" not in verdict(no_season)[1]


def test_train_and_predict_on_a_short_quarterly_series_say_both_figures(run, tmp_path):
    csv, model = _csv(tmp_path, QUARTERLY[:84]), str(tmp_path / "m.npz")
    flags = ["--window", "12", "--hidden", "6", "--epochs", "3", "--ensemble", "1", "--season-fits", "keep"]
    r = run("train", csv, *flags, "--model", model)  # keep: one fit (round 11's default blends two here)
    assert r.exit_code == 0, r
    out = " ".join(r.stdout.split())
    # round 10: naive's comparison is beyond chance on these 14 rows (t = -22.5), seasonal naive's is not: the
    # verdict judges the one and names the other's figure (tests/test_round10_verdict.py)
    assert "The model beats the naive forecast by" in out and "14 validation rows are few, but the difference" in out
    assert "; against seasonal naive (one-step MAE" in out and "14 rows are too few to judge." in out
    predicted = " ".join(run("predict", "--model", model, "--no-chart").stdout.split())
    assert "; against seasonal naive (one-step MAE" in predicted


def test_the_summary_says_a_seasonal_difference_model_learns_the_change_over_a_season():
    """The model row said "learns log-return" beside a season row saying "a seasonal difference over 4 steps"
    (inspect's own row: "the next log change over 4 steps")."""
    f = _difference()
    text = _text(training_summary(f.info, "m.npz", {"target": "auto: all values are above 0"}))
    assert "learns log change over 4 steps (auto: all values are above 0)" in text
    assert "log-return" not in text
    plain = Forecaster(CFG, season=4, season_method="phase").fit(QUARTERLY)
    assert "learns log-return," in _text(training_summary(plain.info, "m.npz"))


def test_the_step_trace_title_names_the_seasonal_difference_and_its_rows(run, tmp_path):
    """The title said "window 11 steps of scaled log-returns): rows 108..119": the steps are log changes over 4,
    and their first reads the price 4 rows back (15 prices, rows 105..119, as `inspect` says "(15 prices)")."""
    f = _difference()
    f.save(tmp_path / "m.npz")
    r = run("inspect", "--model", str(tmp_path / "m.npz"), "--step-trace", "--steps", "2", "--units", "0")
    assert r.exit_code == 0, r
    title = " ".join(r.stdout.split())
    steps = CFG.window + 1 - 4
    assert f"window {steps} steps of scaled log changes over 4): rows {120 - steps - 4}..119 of" in title
    summary = " ".join(run("inspect", "--model", str(tmp_path / "m.npz")).stdout.split())
    assert f"window {steps} of them ({steps + 4} prices)" in summary
    payload = json.loads(run("inspect", "--model", str(tmp_path / "m.npz"), "--step-trace", "--json").stdout)
    assert payload["forecast"]["season_before"] == [QUARTERLY[-4]]


def test_a_panel_of_seasonal_series_says_how_many_beat_seasonal_naive(run, tmp_path):
    """A long file of ukgas, jj and arrivals_us said "3 of 3 beat the naive forecast" and nothing of seasonal naive
    (train's summary line, predict's last line), and neither `--json` had `beats_seasonal_naive`."""
    walk = 100 * np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.02, 120)))
    days = np.datetime64("1990-01", "M") + 3 * np.arange(120)
    text = "series,Date,Value\n" + "".join(
        f"{sid},{d}-01,{float(v)!r}\n"
        for sid, y in (("gas", QUARTERLY), ("walk", walk))
        for d, v in zip(days, y, strict=True)
    )
    (tmp_path / "long.csv").write_text(text)
    model, fast = str(tmp_path / "p.npz"), ("--window", "12", "--hidden", "6", "--epochs", "3", "--ensemble", "1")
    r = run("train", str(tmp_path / "long.csv"), "--model", model, *fast, "--jobs", "1", "--json")
    assert r.exit_code == 0, r
    payload = json.loads(r.stdout)
    flags = {s["id"]: s["beats_seasonal_naive"] for s in payload["series"]}
    assert flags["walk"] is None and isinstance(flags["gas"], bool)  # only the seasonal series is held to it
    assert payload["totals"]["with_season"] == 1 and payload["totals"]["beats_seasonal_naive"] == int(flags["gas"])
    r = run("train", str(tmp_path / "long.csv"), "--model", model, *fast, "--jobs", "1")
    line = f"; {int(flags['gas'])} of the 1 with a season beat seasonal naive"
    if flags["gas"]:  # round 10 (r10user): and how many of those beyond chance, as for naive
        line += f" ({payload['totals']['beats_seasonal_naive_beyond_chance']} beyond chance)"
    assert line + ". Saved the panel model" in " ".join(r.stdout.split())
    r = run("predict", "--model", model, "--days", "2")
    assert line + "; lstm inspect lists each." in " ".join(r.stdout.split())
    r = run("predict", "--model", model, "--days", "2", "--json")
    assert {s["id"]: s["beats_seasonal_naive"] for s in json.loads(r.stdout)["series"]} == flags
    # "lstm inspect lists each": its list has seasonal naive's MAE beside naive's ("-" without a season)
    from lstmcli.panel import Panel
    from lstmcli.render.common import price

    gas = Panel.load(model).members["gas"].info.validation
    r = run("inspect", "--model", model)
    assert r.exit_code == 0, r
    lines = r.stdout.splitlines()
    assert "snaive MAE" in r.stdout
    row = {line.split()[0]: line.split() for line in lines if line.split()[:1] in (["gas"], ["walk"])}
    assert row["gas"][-2] == price(gas.seasonal_naive.mae) and row["walk"][-2] == "-"


def test_train_json_has_beats_seasonal_naive_as_predict_json_does(run, tmp_path):
    csv, model = _csv(tmp_path, QUARTERLY), str(tmp_path / "m.npz")
    r = run(
        "train", csv, "--window", "12", "--hidden", "6", "--epochs", "3", "--ensemble", "1", "--model", model, "--json"
    )
    assert r.exit_code == 0, r
    trained = json.loads(r.stdout)
    predicted = json.loads(run("predict", "--model", model, "--json").stdout)
    assert isinstance(trained["beats_seasonal_naive"], bool)
    assert trained["beats_seasonal_naive"] == predicted["beats_seasonal_naive"]


def test_train_says_a_loss_to_seasonal_naive_first_as_a_loss_to_naive(run, tmp_path, monkeypatch):
    """predict puts "Worse than seasonal naive" above its table; train said its red verdict only below the tables."""
    from lstmcli.render import train as render

    lost = "The model beats the naive forecast by 50.0%, but NOT seasonal naive: ..."
    monkeypatch.setattr(render, "verdict", lambda validation, frequency=None: ("bold red", lost))
    r = run("train", _csv(tmp_path, QUARTERLY), "--window", "12", "--hidden", "6", "--epochs", "2", "--ensemble", "1")
    assert r.exit_code == 0, r
    assert r.stdout.index(lost) < r.stdout.index("Training summary") and r.stdout.count(lost) == 2


def test_auto_keeping_the_defaults_below_naive_says_so_in_two_sentences_naming_them_once():
    """shampoo --auto: "The configuration --auto kept, lstm train's defaults (...) (lstm train's defaults: no other
    scored clearly lower), did not beat ... 5-step MASE from 1 origins ...; the lowest, ..., a difference within the
    noise of the origins." named the defaults twice, said "1 origins", and called one origin "noise of the origins"
    where the rule's own words say there is no standard error. The green verdict was two sentences already."""
    from lstmcli.leaderboard import Entry, SelectionInfo
    from lstmcli.render.auto import leaderboard_table
    from lstmcli.render.auto import verdict as auto_verdict

    name = "lstm train's defaults (log-return, window 11 (auto: 22 rows), 32 units, season auto)"
    kept = Entry(name, "lstm", 1.863, 130.27, {"target": "log-return", "window": 30, "auto_window": True})
    low = Entry("log-return, window 5, 32 units", "lstm", 0.783, 54.79, {"target": "log-return", "window": 5})
    rule = (
        "The lowest score (0.783: log-return, window 5, 32 units) cannot be told from it on 1 origin of 5-step "
        "forecasts 1 row apart: fewer than two independent origins' worth, no standard error"
    )
    board = (low, Entry("naive", "baseline", 1.266, 88.56), kept)
    info = SelectionInfo(5, 27, 22, 1, 1, "no season", 5, 5, None, 60.0, 1.0, board, 2, rule=rule)
    style, sentence, first = auto_verdict(info)
    assert style == "bold red" and first
    assert sentence == (
        f"--auto kept {name}, which did not beat the naive forecast by more than 1% in selection: 5-step MASE from "
        f"1 origin in the training part 1.863 against naive's 1.266 (+47.2%). {rule}. Trust the naive forecast over "
        "this model's."
    )
    assert sentence.count("lstm train's defaults") == 1
    assert "from 1 origin in the training part" in _text(leaderboard_table(info))


def test_auto_on_a_short_series_says_why_the_refit_window_is_not_the_boards(run, tmp_path, monkeypatch):
    """shampoo --auto: the board's defaults read "window 11 (auto: 22 rows)" and the summary "window 25 (--auto:
    lstm train's defaults, ...)" with nothing to say that lstm train picks 25 for all 36 rows (its own summary:
    "window 25 (auto: 36 rows)")."""
    from lstmcli import autoselect
    from lstmcli.autoselect import _Outcome

    def keep_the_defaults(task, should_stop=None):
        O = len(task.origins)
        errors = np.full(O, 0.5) if task.candidate.is_defaults else 0.49 + 0.1 * np.resize([-1.0, 1.0], O)
        return _Outcome("done", float(errors.mean()), 0.01, 1, None, errors)

    monkeypatch.setattr(autoselect, "_run", keep_the_defaults)
    t = np.arange(36)
    csv = _csv(tmp_path, 100 + 2.0 * t + 8 * np.random.default_rng(3).normal(0, 1, 36))
    r = run("train", csv, "--auto", "--epochs", "3", "--jobs", "1", "--model", str(tmp_path / "a.npz"))
    assert r.exit_code == 0, r
    out = " ".join(r.stdout.replace("│", " ").split())
    W = Forecaster.load(tmp_path / "a.npz").config.window
    assert f"window {W} (auto: 36 rows; --auto: lstm train's defaults, no other of" in out


def test_train_says_too_few_rows_to_judge_once_even_when_the_model_lost_on_them(run, tmp_path, monkeypatch):
    """guinearice (2 validation rows, the model 51% above naive on them) opened with "2 validation rows are too few
    to judge ..." above the summary and said it again below the tables: a verdict that judges nothing, twice."""
    from lstmcli.render import train as render

    few = "2 validation rows are too few to judge the model against the naive forecast (one-step MAE +51.1%); ..."
    monkeypatch.setattr(render, "verdict", lambda validation, frequency=None: ("yellow", few))
    monkeypatch.setattr(render, "beats_naive", lambda validation: False)
    r = run("train", _csv(tmp_path, QUARTERLY), "--window", "12", "--hidden", "6", "--epochs", "2", "--ensemble", "1")
    assert r.exit_code == 0, r
    assert r.stdout.count(few) == 1 and r.stdout.index(few) > r.stdout.index("One-step-ahead error")


def test_a_step_trace_on_too_few_rows_names_the_seasonal_differences(run, tmp_path):
    """jj's model on 28 rows of --data said "a window of 30 steps (log-return) needs 31 price rows": its network
    reads 27 log changes over 4 (the title's words), from those 31 prices."""
    f = _difference()
    f.save(tmp_path / "m.npz")
    r = run("inspect", "--model", str(tmp_path / "m.npz"), "--step-trace", "--data", _csv(tmp_path, QUARTERLY[:10]))
    assert r.exit_code == 2, r
    steps = CFG.window + 1 - 4
    assert f"a window of {steps} steps (log changes over 4) needs {CFG.window + 1} price rows" in r.stderr


def test_auto_verdict_on_a_seasonal_series_names_seasonal_naive_beside_naive():
    """jj --auto: "... 1.573, 38.9% below naive's 2.572." with seasonal naive (2.555, the bar on a seasonal series)
    on the board above it but not in the sentence."""
    from lstmcli.leaderboard import Entry, SelectionInfo
    from lstmcli.render.auto import verdict as auto_verdict

    won = Entry("diff, window 16, 32 units, season 4", "lstm", 1.0, 0.3, {"target": "diff", "window": 16})
    board = (won, Entry("seasonal naive", "baseline", 1.6, 0.5), Entry("naive", "baseline", 2.0, 0.6))
    info = SelectionInfo(5, 65, 52, 9, 4, "season 4 (autocorrelation 0.71 at lag 4)", 24, 24, None, 60.0, 5.0, board, 0)
    style, sentence, first = auto_verdict(info)
    assert style == "green" and not first
    assert sentence == (
        "--auto chose diff, window 16, 32 units, season 4: 5-step MASE from 9 origins in the training part 1.000, "
        "50.0% below naive's 2.000 and 37.5% below seasonal naive's 1.600."
    )


def test_the_auto_bars_last_frame_names_no_candidate_once_all_are_done():
    """Round 10: piped, `lstm train --auto`'s bar ended "best MASE 0.926  last done: diff, window 32, 32" with
    "units, season 4" folded onto two more lines under it. Fails on main c0e4a38 (the last frame kept the name)."""
    from lstmcli.cli.auto import candidate_fields

    assert candidate_fields(24, 24, "diff, window 32, 32 units, season 4", 0.9261) == {
        "done": "24/24",
        "best": "0.926",
        "last": "",
    }
    assert candidate_fields(23, 24, "diff, window 4", 0.9261)["last"] == "last done: diff, window 4"


def test_a_panels_model_column_says_a_seasonal_difference_model_learns_the_change_over_a_season():
    """Round 10: `lstm train`'s panel table and `lstm inspect`'s list said "log-return, w12, season 4" for a
    seasonal difference's model (as the single-series summary did before r9user). Fails on main c0e4a38."""
    from lstmcli.render.panel import _model

    f = _difference()
    assert _model(f.info) == f"log change over 4, w{f.config.window}, season 4"
    plain = Forecaster(CFG, season=4, season_method="adjust").fit(QUARTERLY)
    assert _model(plain.info) == f"log-return, w{plain.config.window}, season 4"


def test_the_auto_bar_says_lowest_mase_not_best():
    """Round 10: the bar said "best MASE 0.926" on woolyrnq, where --auto then kept lstm train's defaults (1.437:
    the lowest was not clearly lower). It says "lowest MASE". Fails on main c0e4a38."""
    import io

    from rich.console import Console

    from lstmcli.cli.auto import candidate_bar

    bar = candidate_bar(Console(file=io.StringIO()), quiet=True)
    assert bar.after[0].startswith("lowest MASE {task.fields[best]}") and "best MASE" not in "".join(bar.after)
