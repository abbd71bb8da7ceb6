"""What round 8's changes print, read as a new user reads it: the training row of an ensemble stopped by Ctrl-C,
the season line of a phase-only model, `--auto`'s summary when its rule kept another configuration, the
leaderboard's caption and the candidate bar."""

from __future__ import annotations

import io
import json

import numpy as np
from rich.console import Console

from lstmcli import autoselect
from lstmcli.autoselect import _Outcome, fit_auto, select
from lstmcli.forecast import Forecaster
from lstmcli.render.auto import leaderboard_table
from lstmcli.render.common import price
from lstmcli.render.inspect import summary_table
from lstmcli.render.train import training_summary
from lstmcli.training import TrainConfig
from lstmcli.transforms import Target

CFG = TrainConfig(window=12, hidden=6, epochs=4, patience=3, seed=1)
T = np.arange(140)
QUARTERLY = 100 * np.exp(
    0.004 * T + 0.2 * np.sin(2 * np.pi * T / 4) + np.cumsum(np.random.default_rng(5).normal(0, 0.02, len(T)))
)
WALK = 100 + np.cumsum(np.random.default_rng(0).normal(0, 1, 160))


def _text(renderable, width: int = 200) -> str:
    out = io.StringIO()
    Console(file=out, width=width, no_color=True).print(renderable)
    return " ".join(out.getvalue().replace("│", " ").split())


def test_an_ensemble_stopped_after_two_members_says_its_training_row_finished():
    """Fails on main: "4 of 4 epochs (interrupted (Ctrl-C))" for a member that ran every epoch (the dropped member
    was stopped, not it), and "1 of the 3 members asked for were stopped"."""
    done: list[int] = []
    f = Forecaster(CFG, ensemble=3, jobs=1)
    f.fit(QUARTERLY, should_stop=lambda: len(done) >= 2, on_member=lambda k, n: done.append(k))
    assert f.info.training.interrupted and len(f.info.ensemble.seeds) == 2
    text = _text(training_summary(f.info, "m.npz"))
    assert "interrupted" not in text and ("(all epochs)" in text or "(early stop)" in text)
    assert "1 of the 3 members asked for was stopped (Ctrl-C)" in text
    shown = _text(summary_table(f.info, f.params, "m.npz"))
    assert "interrupted" not in shown and "was stopped (Ctrl-C)" in shown


def test_a_single_network_stopped_says_so_without_nested_brackets():
    f = Forecaster(CFG).fit(QUARTERLY, should_stop=lambda: True)
    assert "epochs (interrupted by Ctrl-C); best epoch" in _text(training_summary(f.info, "m.npz"))


def test_the_season_line_of_a_phase_only_model_names_what_each_fit_adjusted():
    """Fails on main: "phase inputs and the level input seasonally adjusted (multiplicative) (chosen on validation:
    one-step MAE a with a seasonal adjustment, b without)": two brackets in a row, and "without" for the fit whose
    level input was adjusted."""
    f = Forecaster(CFG, season=4).fit(QUARTERLY)
    line = f.choices["season"]
    assert ") (" not in line
    assert "with the series seasonally adjusted," in line and "with only the level input adjusted," in line
    phase_only = Forecaster(CFG, season=4, season_method="phase").fit(QUARTERLY)
    assert phase_only.season.describe().endswith("phase inputs and a multiplicative adjustment of the level input")


def _fake_run(task, should_stop=None):
    """Made-up selection errors: the defaults' candidate 0.5 at every origin, one other 0.495 +- 0.1 (lower on
    average, within noise), every other 5.0. No network is fitted."""
    c, O = task.candidate, len(task.origins)
    if (c.target, c.window, c.hidden, c.strategy) == (Target.LOG_RETURN, 30, 32, "recursive"):
        errors = np.full(O, 0.5)
    elif (c.target, c.window, c.hidden, c.strategy) == (Target.LOG_RETURN, 15, 16, "direct"):
        errors = 0.495 + 0.1 * np.resize([1.0, -1.0], O)
    else:
        errors = np.full(O, 5.0)
    return _Outcome("done", float(errors.mean()), 0.01, 1, None, errors)


def test_auto_s_summary_does_not_call_the_kept_configuration_the_best(monkeypatch):
    """Fails on main: "window 30 (--auto, best of 24 of 24)" for the configuration the rule kept, not the best."""
    monkeypatch.setattr(autoselect, "_run", _fake_run)
    f = fit_auto(WALK, config=TrainConfig(epochs=2, patience=1))
    sel = f.info.selection
    assert sel.rule and sel.lowest is not sel.winner
    assert "best of" not in f.choices["window"] and "lstm train's defaults" in f.choices["window"]
    summary = _text(training_summary(f.info, "m.npz", f.choices))
    # round 9: said once (it was repeated after the target), and "of 24", not "of 24 of 24"
    assert "window 30 (--auto: lstm train's defaults, no other of 24 clearly lower)" in summary
    assert "learns log-return (--auto)" in summary and summary.count("clearly lower") == 1


def test_the_leaderboard_caption_s_season_sentence_starts_with_a_capital(monkeypatch):
    """Fails on main: "... before the held-out validation part. no season; MASE scales ..."."""
    monkeypatch.setattr(autoselect, "_run", _fake_run)
    caption = leaderboard_table(select(WALK, TrainConfig(epochs=2, patience=1)).info).caption
    assert "validation part. No season; MASE scales" in caption


def test_the_candidate_bar_names_the_last_candidate_done_not_beside_best_as_if_it_were_the_best():
    """Fails on main (no candidate_fields: the bar read "best MASE 0.293  diff, window 15, ..." where 0.293 was
    another configuration's score)."""
    from lstmcli.cli.auto import candidate_fields

    fields = candidate_fields(3, 16, "diff, window 15, 32 units", 0.2934)
    assert fields == {"done": "3/16", "best": "0.293", "last": "last done: diff, window 15, 32 units"}
    assert candidate_fields(0, 16, "", None) == {"done": "0/16", "best": "-", "last": ""}


def test_the_step_trace_of_an_ensemble_gives_the_ensemble_s_forecast_beside_the_member_s(tmp_path, run):
    """Fails on main: the trace of the default ensemble ended on member 0's forecast only (246.12 where
    `lstm predict` said 246.80), with no number to tie it to predict's."""
    f = Forecaster(CFG, ensemble=3, jobs=1).fit(QUARTERLY)
    model = str(f.save(tmp_path / "e.npz"))
    together = float(f.predict(1).values[0])
    members = [float(f.member(k).predict(1).values[0]) for k in range(3)]
    r = run("inspect", "--model", model, "--step-trace", "--member", "1")
    assert r.exit_code == 0, r
    text = " ".join(r.stdout.split())
    each = ", ".join(price(v) for v in members)
    assert f"The ensemble forecasts value {price(together)} for that step: the median of its 3 members' {each}" in text
    assert "(member 1's is traced above)" in text
    member = json.loads(run("inspect", "--model", model, "--step-trace", "--json").stdout)["model"]["member"]
    np.testing.assert_allclose(member["ensemble_forecast"], together, rtol=1e-12)
    np.testing.assert_allclose(member["member_forecasts"], members, rtol=1e-12)


def test_auto_s_season_is_said_as_found_not_as_given_with_season():
    """Fails on main: `lstm train --auto` on quarterly data said "season 4 (given with --season)" in its summary,
    `lstm inspect` and the model file, with no --season given."""
    f = fit_auto(QUARTERLY, config=TrainConfig(epochs=2, patience=1), frequency="Q", max_candidates=2)
    assert f.season is not None and f.season.length == 4 and f.info.season is f.season
    assert f.season.reason == f.info.selection.season_reason and "--season" not in f.season.reason
    assert f.season.reason.startswith("season 4 (autocorrelation") and "--season" not in f.choices["season"]
    assert "given with --season" not in _text(summary_table(f.info, f.params, "m.npz"))


def test_auto_refuses_a_given_season_it_would_ignore(tmp_path, run):
    """Fails on main: `--auto --season none` trained season 4 and said "season 4 (given with --season)"."""
    csv = tmp_path / "q.csv"
    quarters = [f"{2000 + k // 4}-{3 * (k % 4) + 1:02d}-01" for k in range(len(QUARTERLY))]
    csv.write_text("Date,Beer\n" + "".join(f"{d},{v:.3f}\n" for d, v in zip(quarters, QUARTERLY, strict=True)))
    model = tmp_path / "m.npz"
    for given in ("none", "4"):
        r = run("train", str(csv), "--auto", "--season", given, "--model", str(model))
        assert r.exit_code == 2 and r.stderr.startswith(f"Error: --season {given} cannot be combined with --auto")
    assert not model.exists()


def test_backtest_auto_refuses_a_given_season_its_fits_would_ignore(tmp_path, run):
    """Fails on the previous commit: `lstm backtest --auto --season 4` ran, the baselines used season 4 and the
    LSTM fits ignored it (--auto finds its own); refused as lstm train --auto refuses it, before any fit."""
    csv = tmp_path / "q.csv"
    quarters = [f"{2000 + k // 4}-{3 * (k % 4) + 1:02d}-01" for k in range(len(QUARTERLY))]
    csv.write_text("Date,Beer\n" + "".join(f"{d},{v:.3f}\n" for d, v in zip(quarters, QUARTERLY, strict=True)))
    for given in ("none", "4"):
        r = run("backtest", str(csv), "--auto", "--season", given, "--no-chart")
        assert r.exit_code == 2, r
        assert r.stderr.startswith(f"Error: --season {given} cannot be combined with --auto"), r
        assert "lstm backtest prices.csv --season" in r.stderr
    assert run("backtest", str(csv), "--auto", "--season", "auto", "--budget", "0.01", "--no-chart").exit_code != 2


def test_backtest_title_names_the_ensemble_it_fits():
    """Fails on main: `lstm backtest`'s title never said its fits were ensembles. Without `ensemble` (None) each
    fit follows lstm train's default (3 networks under 300 rows: r8bt), and the title says so."""
    from lstmcli.backtest import BacktestSpec, run_backtest
    from lstmcli.render.backtest import summary_table as backtest_table

    spec = BacktestSpec(days=2, test_fraction=0.2, season="none")
    default = run_backtest(QUARTERLY, CFG, "log-return", spec, ensemble=None)
    assert "median of 3 networks)" in " ".join(backtest_table(default).title.split())
    two = run_backtest(QUARTERLY, CFG, "log-return", spec, ensemble=2)
    assert "median of 2 networks)" in " ".join(backtest_table(two).title.split())
    one = run_backtest(QUARTERLY, CFG, "log-return", spec, ensemble=1)
    assert "network" not in backtest_table(one).title and "ensemble" not in backtest_table(one).title


def test_an_option_without_its_value_names_the_verb(run):
    """Fails on main: "Error: lstm: option '--ensemble' requires an argument. See lstm --help." (the verb lost; lstm
    --help does not list the option)."""
    r = run("train", "x.csv", "--ensemble")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: lstm train: option '--ensemble' requires an argument. See lstm train --help.")
    r = run("predict", "--days")
    assert r.stderr.startswith("Error: lstm predict: option '--days' requires an argument. See lstm predict --help.")


def test_output_file_is_named_on_stderr(tmp_path, run):
    """Fails on the previous commit: `lstm predict --output f.csv` wrote the file and said nothing of it (the chart of
    --plot was named: "Wrote the chart to ..."); stdout keeps the table, stderr names the file and its rows."""
    from conftest import daily_csv

    model = tmp_path / "m.npz"
    fast = ("--epochs", "2", "--hidden", "4", "--window", "10", "--ensemble", "1", "-q")
    assert run("train", str(daily_csv(tmp_path, 120)), *fast, "--model", str(model)).exit_code == 0
    out = tmp_path / "f.csv"
    r = run("predict", "--model", str(model), "--days", "3", "--output", str(out))
    assert r.exit_code == 0, r
    assert out.read_text().count("\n") == 4  # header + 3 steps
    assert f"Wrote 3 rows to {out}" in " ".join(r.stderr.split())
    r = run("predict", "--model", str(model), "--days", "3", "--output", "-")
    assert r.exit_code == 0 and "Wrote" not in r.stderr and r.stdout.startswith("step,")
