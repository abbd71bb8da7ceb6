"""`--auto`: the search space, selection on the training part only, determinism, budget, Ctrl-C, leaderboard."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import SAMPLE, random_walk, rewrite_model

from lstmcli import autoselect, modelfile
from lstmcli.autoselect import Candidate, SelectionStopped, fit_auto, select, space
from lstmcli.errors import DataError, OptionError
from lstmcli.forecast import Forecaster
from lstmcli.leaderboard import Entry, SelectionInfo
from lstmcli.training import TrainConfig
from lstmcli.transforms import Target

FAST = TrainConfig(epochs=4, patience=2)


def seasonal(n: int = 150, seed: int = 0) -> np.ndarray:
    """Monthly-like prices: trend x season 12 x noise, all above 0."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return (100 + 0.5 * t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12)) * np.exp(rng.normal(0, 0.02, n))


# ---------------------------------------------------------------------------------------- space


def test_space_targets_follow_the_data_and_windows_follow_the_season():
    up = np.linspace(10, 20, 50)
    assert {c.target for c in space(up, 1)} == {Target.LOG_RETURN, Target.DIFF}
    assert {c.target for c in space(up - 15, 1)} == {Target.DIFF}  # values <= 0: no log-return
    assert sorted({c.window for c in space(up, 12)}) == [12, 24, 36]
    assert sorted({c.window for c in space(up, 52)}) == [52]  # 104 is longer than 2 x the longest plain window
    assert sorted({c.window for c in space(up, 4)}) == [4, 16, 32]
    assert sorted({c.window for c in space(up, 1)}) == list(autoselect.WINDOWS)
    assert len(space(up, 1)) == 2 * len(autoselect.WINDOWS) * len(autoselect.HIDDEN) * 2  # x recursive, direct
    assert {(c.strategy, c.horizon) for c in space(up, 1, horizon=7)} == {("recursive", None), ("direct", 7)}
    assert {c.season for c in space(up, 12)} == {12} and {c.season for c in space(up, 1)} == {"none"}


def test_space_runs_cheapest_first_and_restrict_pins_a_dimension():
    cands = space(np.linspace(10, 20, 50), 1)
    costs = [c.cost() for c in cands]
    assert costs == sorted(costs)
    pinned = space(np.linspace(10, 20, 50), 1, {"window": 7, "target": Target.DIFF})
    assert {(c.window, c.target) for c in pinned} == {(7, Target.DIFF)}
    assert {c.hidden for c in pinned} == set(autoselect.HIDDEN)
    with pytest.raises(OptionError, match="cannot restrict 'layers'"):
        space(np.linspace(10, 20, 50), 1, {"layers": 2})


def test_a_candidate_maps_onto_forecaster_keywords():
    c = Candidate(Target.DIFF, 9, 16)
    fc = c.forecaster(TrainConfig(epochs=3, seed=4))
    assert (fc.config.window, fc.config.hidden, fc.config.epochs, fc.config.seed) == (9, 16, 3, 4)
    assert fc.requested_target == Target.DIFF
    assert c.settings() == {
        "target": "diff",
        "window": 9,
        "hidden": 16,
        "strategy": "recursive",
        "horizon": None,
        "season": "none",
    }
    assert c.label == "diff, window 9, 16 units"
    d = Candidate(Target.DIFF, 9, 16, "direct", 5)
    assert (d.forecaster(TrainConfig()).strategy, d.forecaster(TrainConfig()).horizon) == ("direct", 5)
    assert d.label == "diff, window 9, 16 units, strategy direct, horizon 5"
    m = Candidate(Target.DIFF, 12, 16, season=12)
    assert m.label == "diff, window 12, 16 units, season 12" and m.forecaster(TrainConfig()).requested_season == 12


# ---------------------------------------------------------------------------------------- honesty


def test_selection_never_reads_the_held_out_part():
    """Poisoning every row after the selection part changes neither the choice nor any score."""
    p = seasonal(160)
    a = select(p, FAST, frequency="M", max_candidates=4)
    poisoned = p.copy()
    poisoned[a.info.rows :] = np.random.default_rng(9).uniform(1, 1e4, len(p) - a.info.rows)
    b = select(poisoned, FAST, frequency="M", max_candidates=4)
    assert a.chosen == b.chosen
    assert [e.to_dict() | {"seconds": None} for e in a.info.board] == [
        e.to_dict() | {"seconds": None} for e in b.info.board
    ]
    # and the selection part ends where the refitted model's validation part begins (or before)
    fc = fit_auto(p, config=FAST, frequency="M", max_candidates=4)
    assert fc.info.selection.rows <= fc.info.data.train_rows
    assert fc.info.validation.first_date_index >= fc.info.selection.rows


def test_the_winner_is_refitted_on_all_the_data_with_the_normal_fit():
    p = seasonal(160)
    fc = fit_auto(p, config=FAST, frequency="M", max_candidates=4)
    sel = fc.info.selection
    won = sel.winner.settings
    assert (fc.config.window, fc.config.hidden, fc.target.value) == (won["window"], won["hidden"], won["target"])
    assert (fc.strategy, fc.horizon) == (won["strategy"], won["horizon"] or 1)
    plain = Forecaster(replace_config(FAST, won), won["target"], strategy=won["strategy"], horizon=won["horizon"])
    plain.fit(p, frequency="M")
    assert fc.info.validation == plain.info.validation  # the same fit as without --auto: honest scores
    assert fc.info.data.rows == len(p)


def replace_config(base: TrainConfig, settings: dict) -> TrainConfig:
    from dataclasses import replace

    return replace(base, window=settings["window"], hidden=settings["hidden"])


def test_baselines_are_scored_on_the_same_origins():
    sel = select(seasonal(160), FAST, frequency="M", max_candidates=2).info
    names = {e.name for e in sel.board if e.kind == "baseline"}
    assert names == {"naive", "seasonal naive", "drift"}
    assert sel.season == 12
    no_season = select(random_walk(160), FAST, max_candidates=2).info
    assert {e.name for e in no_season.board if e.kind == "baseline"} == {"naive", "drift"}


def test_same_choice_whatever_jobs():
    p = seasonal(150)
    one = select(p, FAST, frequency="M", jobs=1, max_candidates=4).info
    two = select(p, FAST, frequency="M", jobs=2, max_candidates=4).info
    assert one.winner.name == two.winner.name
    assert [(e.name, e.mase) for e in one.board] == [(e.name, e.mase) for e in two.board]


# ---------------------------------------------------------------------------------------- edges


@pytest.mark.parametrize("budget", [0, -1, math.nan, math.inf, 86_401, True])
def test_impossible_budgets_are_refused(budget):
    with pytest.raises(OptionError, match="--budget"):
        autoselect.check_budget(budget)


def test_a_spent_budget_starts_no_new_candidate_but_keeps_the_first():
    sel = select(seasonal(150), FAST, frequency="M", budget=1e-9).info
    assert (sel.tried, sel.stopped) == (1, "budget")
    assert sel.candidates > 1 and sel.winner.kind == "lstm"


def test_a_series_too_short_names_the_minimum_and_the_minimum_is_exact():
    with pytest.raises(DataError, match=r"has 12 rows; --auto needs at least (\d+)") as info:
        select(random_walk(12), FAST)
    need = int(info.value.message.split("at least ")[1].split(" ")[0])
    select(random_walk(need), FAST, max_candidates=1)  # exactly the minimum works
    with pytest.raises(DataError):
        select(random_walk(need - 1), FAST)


def test_stopped_before_any_candidate_finished_raises():
    with pytest.raises(SelectionStopped):
        fit_auto(seasonal(150), config=FAST, frequency="M", should_stop=lambda: True)


def test_stopped_after_the_first_candidate_keeps_and_refits_the_best_so_far():
    finished = []
    fc = fit_auto(
        seasonal(150),
        config=FAST,
        frequency="M",
        should_stop=lambda: bool(finished),
        on_candidate=lambda done, total, label, best: finished.append(label),
    )
    sel = fc.info.selection
    assert (sel.tried, sel.stopped) == (1, "interrupted")
    assert sel.winner.name == finished[0]
    assert not fc.result.interrupted  # the refit ran to its end


# ---------------------------------------------------------------------------------------- model file


def _info(winner_mase: float, naive_mase: float) -> SelectionInfo:
    board = sorted(
        [
            Entry("diff, window 5, 16 units", "lstm", winner_mase, 1.0, {"target": "diff", "window": 5, "hidden": 16}),
            Entry("naive", "baseline", naive_mase, 1.0),
            Entry("drift", "baseline", naive_mase * 1.01, 1.0),
        ],
        key=lambda e: e.mase,
    )
    chosen = next(k for k, e in enumerate(board) if e.kind == "lstm")
    return SelectionInfo(5, 100, 80, 16, 1, "no season", 12, 12, None, 60.0, 3.0, tuple(board), chosen)


def test_beating_naive_needs_more_than_a_tie():
    assert _info(0.90, 1.0).beats_naive is True
    assert _info(0.995, 1.0).beats_naive is False  # within 1%: a tie, not a win
    assert _info(1.05, 1.0).beats_naive is False
    assert [e.name for e in _info(1.05, 1.0).not_beaten] == ["naive", "drift"]
    info = _info(0.9, 1.0)
    assert SelectionInfo.from_dict(json.loads(json.dumps(info.to_dict()))) == info


def test_the_verdict_says_a_lost_selection_first():
    from lstmcli.render.auto import predict_label, verdict

    _, sentence, first = verdict(_info(1.2, 1.0))
    assert first and sentence.startswith("No configuration beat the naive forecast") and "1.200" in sentence
    assert verdict(_info(0.5, 1.0))[2] is False
    assert predict_label(_info(0.5, 1.0)) is None and predict_label(None) is None


def test_old_model_files_load_unchanged_without_a_leaderboard():
    from conftest import REPO

    for name in ("v1_dated_logreturn.npz", "v1_undated_level.npz"):
        _, meta = modelfile.load(REPO / "tests" / "data" / name)
        _, info = modelfile.read(REPO / "tests" / "data" / name)
        assert info.selection is None
        assert "selection" not in info.to_dict()
        assert info.to_dict() == {k: v for k, v in meta.items()}


# ---------------------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def auto_model(tmp_path_factory):
    """`lstm train --auto` on the monthly sample (few epochs), and its output."""
    from conftest import Result  # noqa: F401

    from lstmcli.cli import main

    path = tmp_path_factory.mktemp("auto") / "m.npz"
    args = ["train", str(SAMPLE / "monthly_seasonal.csv"), "--auto", "--epochs", "4", "--jobs", "1"]
    args += ["--model", str(path), "-q"]
    from typer.testing import CliRunner

    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        try:
            main(args)
        except SystemExit as e:
            assert e.code in (0, None), err.getvalue().decode()
        return path, out.getvalue().decode()


def test_train_auto_prints_the_leaderboard_and_stores_it(auto_model, run):
    path, stdout = auto_model
    assert "--auto leaderboard" in stdout and "seasonal naive" in stdout and "drift" in stdout
    _, info = modelfile.read(path)
    sel = info.selection
    assert sel is not None and sel.tried == sel.candidates == 24  # 2 targets x 3 windows x 2 sizes x 2 strategies
    assert info.config.window == sel.winner.settings["window"]
    if sel.not_beaten:  # a baseline as good as the best configuration is said before anything else
        assert stdout.lstrip().startswith(f"No configuration beat the {sel.not_beaten[0].name} forecast")
    else:  # "kept" when the rule kept lstm train's defaults over a lower score within the noise
        assert ("--auto kept" if sel.rule and sel.lowest is not sel.winner else "--auto chose") in stdout
    shown = run("inspect", "--model", str(path))
    assert shown.exit_code == 0 and "--auto leaderboard" in shown.stdout
    as_json = json.loads(run("inspect", "--model", str(path), "--json").stdout)
    assert as_json["selection"]["board"][as_json["selection"]["chosen"]]["name"] == sel.winner.name


def test_predict_labels_a_model_no_better_than_naive_in_selection(auto_model, run, tmp_path):
    path, _ = auto_model
    _, meta = modelfile.load(path)
    losing = _info(1.2, 1.0).to_dict()
    bad = rewrite_model(path, tmp_path / "lost.npz", meta={**meta, "selection": losing})
    out = run("predict", "--model", str(bad), "--no-chart")
    assert out.exit_code == 0
    # above the forecast; this model beats naive on its validation rows beyond chance (65.6%), so the label says
    # both rather than "No better than naive" (round 10, tests/test_round10_user.py has the red label)
    assert out.stdout.lstrip().startswith("--auto found no configuration that beat the naive forecast in selection")
    j = json.loads(run("predict", "--model", str(bad), "--json").stdout)
    assert j["selection_beats_naive"] is False
    won = rewrite_model(path, tmp_path / "won.npz", meta={**meta, "selection": _info(0.5, 1.0).to_dict()})
    good = run("predict", "--model", str(won), "--no-chart")
    assert good.exit_code == 0 and "No better than" not in good.stdout


def test_a_damaged_leaderboard_is_refused(auto_model, run, tmp_path):
    path, _ = auto_model
    _, meta = modelfile.load(path)
    bad = rewrite_model(path, tmp_path / "bad.npz", meta={**meta, "selection": {**meta["selection"], "chosen": 99}})
    out = run("inspect", "--model", str(bad))
    assert out.exit_code == 2 and "Error:" in out.stderr and "leaderboard" in out.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--auto", "--budget", "0"], "--budget 0"),
        (["--auto", "--budget", "-5"], "--budget -5"),
        (["--auto", "--budget", "nan"], "--budget nan"),
        (["--auto", "--budget", "100000"], "more than a day"),
        (["--budget", "30"], "--budget only applies with --auto"),
        (["--days", "3"], "--days only applies with --auto"),
        (["--auto", "--days", "0"], "--days 0"),
        (["--auto", "--jobs", "0"], "--jobs 0"),
    ],
)
def test_bad_auto_options_are_one_error_line(run, tmp_path, args, words):
    out = run("train", str(SAMPLE / "monthly_seasonal.csv"), "--model", str(tmp_path / "m.npz"), *args)
    assert out.exit_code == 2, out
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert lines[0].startswith("Error:") and words in out.stderr
    assert not (tmp_path / "m.npz").exists()


def test_a_too_short_series_is_one_error_line(run, tmp_path):
    csv = tmp_path / "short.csv"
    csv.write_text("value\n" + "\n".join(str(10 + k % 3) for k in range(14)) + "\n")
    out = run("train", str(csv), "--auto", "--model", str(tmp_path / "m.npz"))
    assert out.exit_code == 2 and "--auto needs at least" in out.stderr


def test_explicit_window_and_target_restrict_the_search(run, tmp_path):
    path = tmp_path / "m.npz"
    out = run(
        "train", str(SAMPLE / "monthly_seasonal.csv"), "--auto", "--window", "12", "--target", "diff",
        "--epochs", "3", "--jobs", "1", "--model", str(path), "-q",
    )  # fmt: skip
    assert out.exit_code == 0, out
    _, info = modelfile.read(path)
    configs = [e.settings for e in info.selection.board if e.kind == "lstm"]
    assert {(c["window"], c["target"]) for c in configs} == {(12, "diff")}
    assert {c["hidden"] for c in configs} == set(autoselect.HIDDEN)  # hidden was not given: still searched


def test_ctrl_c_before_any_candidate_leaves_the_model_file_untouched(run, tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    path.write_bytes(b"the previous model")
    from lstmcli.cli import common

    monkeypatch.setattr(common.StopFlag, "__call__", lambda self: True)
    out = run("train", str(SAMPLE / "monthly_seasonal.csv"), "--auto", "--epochs", "3", "--model", str(path), "-j", "1")
    assert out.exit_code == 130, out
    assert "before any --auto candidate finished" in out.stderr
    assert path.read_bytes() == b"the previous model"


def test_backtest_auto_runs_the_selection_inside_every_fit(run):
    out = run(
        "backtest", str(SAMPLE / "monthly_seasonal.csv"), "--auto", "--every", "5", "--epochs", "3",
        "--jobs", "1", "--json", "--refit", "4",
    )  # fmt: skip
    assert out.exit_code == 0, out
    result = json.loads(out.stdout)
    assert result["fits"] == 2 and all("auto" in f for f in result["fit_runs"])
    for f in result["fit_runs"]:  # each fit's selection read only rows before that fit's cut
        assert f["auto"]["rows"] < f["rows"]
    assert result["scores"]["lstm"]["mase"] is not None


def test_jobs_1_and_2_write_the_same_model(lstm_exe, tmp_path):
    """The CLI as a user runs it: the same weights and the same leaderboard (but for timings) for any --jobs.

    In a process of its own, as `lstm` runs: one BLAS thread (set by main before NumPy loads). In the
    test process NumPy may already use several, and the refit's default ensemble of 3 (180 rows), trained
    in this process with --jobs 1 but in one-thread workers with --jobs 2, would differ in the last bits.
    """
    from conftest import run_exe

    loaded = []
    for jobs in ("1", "2"):
        path = tmp_path / f"j{jobs}.npz"
        out = run_exe(lstm_exe, "train", str(SAMPLE / "monthly_seasonal.csv"), "--auto", "--epochs", "3", "-j", jobs,
                      "-q", "--model", str(path))  # fmt: skip
        assert out.returncode == 0, out.stderr.decode()
        params, info = modelfile.read(path)
        loaded.append((params, info))
    (p1, i1), (p2, i2) = loaded
    assert p1.keys() == p2.keys() and all(np.array_equal(p1[k], p2[k]) for k in p1)

    def timeless(info):
        sel = info.selection.to_dict()
        sel["seconds"] = None
        sel["board"] = [e | {"seconds": None} for e in sel["board"]]
        return sel

    assert timeless(i1) == timeless(i2)
    assert i1.validation == i2.validation


def test_a_series_too_short_for_the_space_falls_back_to_the_longest_shorter_window_that_fits():
    prices = random_walk(26)
    assert autoselect.plan(len(prices), space(prices, 1), 5, FAST.val_fraction) is None  # too short for window 5
    sel = select(prices, FAST, max_candidates=2)
    windows = {e.settings["window"] for e in sel.info.board if e.kind == "lstm"}
    assert windows == {sel.chosen.window} and sel.chosen.window < min(autoselect.WINDOWS)
    assert autoselect.plan(len(prices), space(prices, 1, {"window": sel.chosen.window + 1}), 5, 0.2) is None


def test_seeds_score_each_candidate_as_a_median_ensemble_the_same_for_any_jobs():
    p = seasonal(150)
    one = select(p, FAST, frequency="M", max_candidates=2).info
    two = select(p, FAST, frequency="M", max_candidates=2, seeds=2).info
    again = select(p, FAST, frequency="M", max_candidates=2, seeds=2, jobs=2).info
    lstm = [e for e in two.board if e.kind == "lstm"]
    assert [e.mae for e in lstm] == [e.mae for e in again.board if e.kind == "lstm"]
    assert [e.mae for e in lstm] != [e.mae for e in one.board if e.kind == "lstm"]  # two networks, not one
