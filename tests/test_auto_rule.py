"""`--auto`'s rule: the lowest selection score wins only when it is clearly lower than the score of the
configuration nearest plain `lstm train`'s (by more than `margin(m - 1)` standard errors: a one-sided 5% test,
Bonferroni-corrected for the m - 1 other candidates); otherwise that configuration is kept, and said so."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from lstmcli import autoselect
from lstmcli.autoselect import Candidate, _Outcome, clearly_better, margin, nearest_defaults, select, space
from lstmcli.leaderboard import SelectionInfo
from lstmcli.render.auto import verdict
from lstmcli.training import TrainConfig
from lstmcli.transforms import Target

BASE = TrainConfig(epochs=2, patience=1)
DEFAULTS = "lstm train's defaults (log-return, window 30, 32 units, season auto)"


def prices(n: int = 160) -> np.ndarray:
    return 100 + np.cumsum(np.random.default_rng(0).normal(0, 1, n))


def test_clearly_better_needs_more_than_one_standard_error():
    b = np.full(20, 2.0)
    assert clearly_better(b - 0.5, b, horizon=1, every=1)  # lower at every origin
    wobble = np.resize([1.0, -1.0], 40)  # differences -0.3 +- 1: standard deviation 1.01
    a = b.mean() - 0.3 + wobble
    b40 = np.full(40, 2.0)
    assert clearly_better(a, b40, horizon=1, every=1)  # 40 independent origins: se 0.16 < 0.3
    assert not clearly_better(a, b40, horizon=5, every=1)  # 5-step forecasts overlapping: 8 origins' worth, se 0.36
    assert clearly_better(a, b40, horizon=5, every=5)  # origins 5 rows apart do not overlap
    assert not clearly_better(b40 - 0.001 + wobble, b40, horizon=1, every=1)  # lower on average, within noise
    assert not clearly_better(np.array([0.0]), np.array([9.0]), horizon=1, every=1)  # one origin: no standard error
    assert not clearly_better(None, b, horizon=1, every=1)
    assert not clearly_better(a, b40, horizon=1, every=1, z=2.0)  # 0.3 lower, se 0.16: not by two of them
    assert clearly_better(b - 0.5, b, horizon=1, every=1, z=100.0)  # lower at every origin: the se is 0


def test_the_margin_grows_with_the_candidates_the_lowest_was_picked_from():
    assert margin(1) == pytest.approx(1.6449, abs=1e-4)  # one comparison: the one-sided 5% quantile
    assert margin(23) == pytest.approx(2.8518, abs=1e-4)  # the lowest of 24 candidates: 5% / 23
    assert margin(0) == margin(1)  # a single candidate has nothing to be compared with
    assert margin(3) < margin(11) < margin(23) < margin(23, alpha=0.01)


def test_the_candidate_nearest_the_defaults_is_what_plain_train_fits():
    p = prices()
    cands = space(p, 1)
    assert cands[nearest_defaults(cands, TrainConfig(), p)] == Candidate(Target.LOG_RETURN, 30, 32)
    monthly = space(p, 12)  # windows 12, 24, 36: 24 and 36 are as near 30, the longer is taken
    assert monthly[nearest_defaults(monthly, TrainConfig(), p)].window == 36
    assert monthly[nearest_defaults(monthly, TrainConfig(), p)].hidden == 32
    with_zero = p - p.min()  # a zero: plain train's --target auto is diff
    cands = space(with_zero, 1)
    assert cands[nearest_defaults(cands, TrainConfig(), with_zero)].target is Target.DIFF
    cands = space(p, 1)
    assert cands[nearest_defaults(cands, TrainConfig(hidden=16, window=5), p)] == Candidate(Target.LOG_RETURN, 5, 16)


def fake_run(lowest_by: float):
    """A `_run` whose scores are made up: the defaults' candidate 0.5 at every origin (below naive's on this
    random walk), another candidate 0.5 - lowest_by +- 0.1 (alternating), every other 5.0. No network is fitted."""

    def run(task, should_stop=None):
        c, O = task.candidate, len(task.origins)
        if (c.target, c.window, c.hidden, c.strategy) == (Target.LOG_RETURN, 30, 32, "recursive"):
            errors = np.full(O, 0.5)
        elif (c.target, c.window, c.hidden, c.strategy) == (Target.LOG_RETURN, 15, 16, "direct"):
            errors = 0.5 - lowest_by + 0.1 * np.resize([1.0, -1.0], O)
        else:
            errors = np.full(O, 5.0)
        return _Outcome("done", float(errors.mean()), 0.01, 1, None, errors)

    return run


def test_the_defaults_are_kept_when_the_lowest_score_is_within_noise(monkeypatch):
    monkeypatch.setattr(autoselect, "_run", fake_run(lowest_by=0.005))
    s = select(prices(), BASE)
    assert (s.chosen.window, s.chosen.hidden, s.chosen.strategy) == (30, 32, "recursive")
    info = s.info
    lowest = min((e for e in info.board if e.kind == "lstm"), key=lambda e: e.mase)
    assert lowest.name == "log-return, window 15, 16 units, strategy direct, horizon 5"
    assert info.winner is not lowest and info.winner.name == DEFAULTS
    assert info.rule.startswith(f"The lowest score ({lowest.mase:.3f}: {lowest.name}) is not lower by more than")
    assert SelectionInfo.from_dict(json.loads(json.dumps(info.to_dict()))) == info  # the model file keeps it
    _, sentence, first = verdict(info)
    # two sentences: what was kept and how it scored, then why the lowest score did not win
    assert not first and sentence.startswith(f"--auto kept {DEFAULTS}: 5-step MASE from 21 origins")
    assert f". The lowest score ({lowest.mase:.3f}: {lowest.name}) is not lower by more than 2.85 standard" in sentence
    assert sentence.endswith("a one-sided 5% test Bonferroni-corrected for the lowest of 24 scores.")
    assert sentence.count("lstm train's defaults") == 1  # it was said twice
    # a file written before round 9 words its rule "..., kept: ...": shown as it was
    old = replace(info, rule=f"lstm train's defaults, kept: the lowest score, {lowest.name} (0.5), is not lower")
    assert (
        verdict(old)[1].startswith(f"--auto chose {DEFAULTS}: ") and "(lstm train's defaults, kept: " in verdict(old)[1]
    )


def test_two_standard_errors_lower_is_not_clear_when_the_lowest_of_24(monkeypatch):
    """0.1 lower at 21 origins with a standard error of 0.05: two standard errors, which the lowest of 24 noisy
    scores often is by luck alone. The one-standard-error rule took it; the Bonferroni margin (2.85) keeps the
    defaults' candidate."""
    monkeypatch.setattr(autoselect, "_run", fake_run(lowest_by=0.1))
    s = select(prices(), BASE)
    info = s.info
    assert info.origins == 21 and info.tried == 24
    assert info.lowest.name == "log-return, window 15, 16 units, strategy direct, horizon 5"
    assert (s.chosen.window, s.chosen.hidden, s.chosen.strategy) == (30, 32, "recursive")
    assert info.winner.name == DEFAULTS
    assert "by more than 2.85 standard errors" in info.rule


def test_a_smaller_space_needs_a_smaller_margin(monkeypatch):
    """With the space pinned to one target, window and hidden size, the lowest is picked from 2 candidates
    (recursive, direct): one comparison, margin 1.64, so two standard errors lower is clear."""

    def run(task, should_stop=None):
        O = len(task.origins)
        wobble = 0.1 * np.resize([1.0, -1.0], O)
        errors = np.full(O, 0.5) if task.candidate.strategy == "recursive" else 0.4 + wobble
        return _Outcome("done", float(errors.mean()), 0.01, 1, None, errors)

    monkeypatch.setattr(autoselect, "_run", run)
    pinned = {"target": Target.LOG_RETURN, "window": 15, "hidden": 16}
    s = select(prices(), BASE, restrict=pinned)
    assert s.info.tried == 2 and s.chosen.strategy == "direct" and s.info.rule is None


def test_a_clearly_lower_score_wins_and_the_board_is_as_before(monkeypatch):
    monkeypatch.setattr(autoselect, "_run", fake_run(lowest_by=0.3))
    info = select(prices(), BASE).info
    assert info.winner.name == "log-return, window 15, 16 units, strategy direct, horizon 5"
    assert info.rule is None and "rule" not in info.to_dict()  # written as before the rule existed


def test_a_leaderboard_keeps_its_rule_as_text_only(monkeypatch):
    monkeypatch.setattr(autoselect, "_run", fake_run(lowest_by=0.3))
    d = select(prices(), BASE).info.to_dict()
    assert SelectionInfo.from_dict(d).rule is None  # a file written without the rule (or before it) loads
    with pytest.raises(ValueError, match="rule"):
        SelectionInfo.from_dict({**d, "rule": 5})


def test_a_kept_configuration_that_loses_to_naive_is_not_called_the_best(monkeypatch):
    """The lowest score may beat naive while the kept one does not: the verdict must not say that no
    configuration beat naive, nor call the kept one the best (the sample stock: -1.1% vs -0.3%)."""
    from lstmcli.leaderboard import Entry
    from lstmcli.render.auto import predict_label

    low = Entry("diff, window 30, 16 units", "lstm", 0.95, 1.0, {"target": "diff", "window": 30, "hidden": 16})
    kept = Entry("log-return, window 30, 32 units", "lstm", 0.99, 1.0, {"target": "log-return", "window": 30})
    board = (low, Entry("naive", "baseline", 0.97, 1.0), kept)
    info = SelectionInfo(5, 100, 80, 16, 1, "no season", 24, 24, None, 60.0, 3.0, board, 2, rule="kept")
    assert info.lowest is low and info.winner is kept and [e.name for e in info.not_beaten] == ["naive"]
    style, sentence, first = verdict(info)
    assert first and style == "bold red"
    assert not sentence.startswith("No configuration beat") and "the best" not in sentence
    assert "The configuration --auto kept, log-return, window 30, 32 units" in sentence
    assert "the lowest, diff, window 30, 16 units, scored 0.950 (-2.1%)" in sentence
    assert "Trust the naive forecast" in sentence
    label = predict_label(info)
    assert "the configuration --auto kept did not beat the naive forecast" in label
    assert "found no configuration" not in label
    # without the rule the lowest is the winner, and the sentence is as before
    plain = SelectionInfo(5, 100, 80, 16, 1, "no season", 24, 24, None, 60.0, 3.0, board[1:], 1)
    assert verdict(plain)[1].startswith("No configuration beat the naive forecast")
