"""What `--auto` chose and why: the leaderboard a model file keeps (`ModelInfo.selection`).

Plain frozen dataclasses with `to_dict`/`from_dict`, like the rest of the model file's
metadata (modelfile.py); `from_dict` checks every field, so a hand-edited leaderboard is
refused on load, not half-way through `lstm inspect`. Model files written without `--auto`
have no leaderboard (the key is absent) and load as before. NumPy-free.

The procedure that fills it is autoselect.py; the scores are multi-step MASE over horizons
1..`horizon`, from `origins` rolling origins inside the training part only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: the baselines scored beside the candidates, as named in the leaderboard
NAIVE, SEASONAL_NAIVE, DRIFT = "naive", "seasonal naive", "drift"
BASELINES = (NAIVE, SEASONAL_NAIVE, DRIFT)
#: a configuration "beats" a baseline only when its selection MASE is this much (%) lower: closer is a tie,
#: noise on a random walk (the same 1% `lstm backtest` calls a tie)
TIE_PERCENT = 1.0


def _num(d: dict, key: str, optional: bool = False) -> float | None:
    v = d.get(key) if optional else d[key]
    if v is None and optional:
        return None
    if not isinstance(v, int | float) or isinstance(v, bool) or not math.isfinite(v):
        raise ValueError(f"the leaderboard's {key} {v!r} is not a finite number")
    return float(v)


def _int(d: dict, key: str, low: int = 0) -> int:
    v = d[key]
    if type(v) is not int or v < low:
        raise ValueError(f"the leaderboard's {key} {v!r} is not a whole number >= {low}")
    return v


def _str(d: dict, key: str, optional: bool = False) -> str | None:
    v = d.get(key) if optional else d[key]
    if not (isinstance(v, str) or (optional and v is None)):
        raise ValueError(f"the leaderboard's {key} {v!r} is not text")
    return v


@dataclass(frozen=True)
class Entry:
    """One row: a candidate configuration or a baseline, with its selection score."""

    name: str  # "log-return, window 24, 32 units" or a baseline's name
    kind: str  # "lstm" or "baseline"
    mase: float | None  # multi-step MASE over horizons 1..H; None: the candidate failed (see note)
    mae: float | None  # in price units
    settings: dict | None = None  # a candidate's fields (target, window, hidden, ...); None for baselines
    seconds: float | None = None  # the candidate's fit + forecasts
    epochs: int | None = None  # epochs its selection fit ran
    note: str | None = None  # why a candidate has no score (e.g. "diverged")

    @classmethod
    def from_dict(cls, d: dict) -> Entry:
        kind = _str(d, "kind")
        if kind not in ("lstm", "baseline"):
            raise ValueError(f"the leaderboard's kind {kind!r} is not lstm or baseline")
        settings = d.get("settings")
        if settings is not None and not (
            isinstance(settings, dict)
            and all(v is None or isinstance(v, int | str | float | bool) for v in settings.values())
        ):
            raise ValueError("the leaderboard's settings are not plain values")
        epochs = d.get("epochs")
        if epochs is not None and (type(epochs) is not int or epochs < 0):
            raise ValueError(f"the leaderboard's epochs {epochs!r} is not a count")
        return cls(
            name=_str(d, "name"),
            kind=kind,
            mase=_num(d, "mase", True),
            mae=_num(d, "mae", True),
            settings=settings,
            seconds=_num(d, "seconds", True),
            epochs=epochs,
            note=_str(d, "note", True),
        )

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "mase": self.mase,
            "mae": self.mae,
            "settings": self.settings,
            "seconds": self.seconds,
            "epochs": self.epochs,
            "note": self.note,
        }


@dataclass(frozen=True)
class SelectionInfo:
    """How `--auto` chose: the rolling-origin set-up, how many candidates ran, and the leaderboard."""

    horizon: int  # H: every candidate forecast steps 1..H from every origin
    rows: int  # price rows of the selection part: the training part, before the held-out validation rows
    fit_rows: int  # rows each candidate was fitted on (before the first selection origin)
    origins: int  # rolling origins scored, all inside the selection part
    season: int  # 1: none (then no seasonal naive)
    season_reason: str
    candidates: int  # configurations in the (restricted) space that fit the data
    tried: int  # how many ran: always the first `tried` of the ordered space
    stopped: str | None  # None: all ran; "budget" or "interrupted": the rest did not start
    budget: float  # seconds
    seconds: float  # the selection's wall-clock time (without the final refit)
    board: tuple[Entry, ...]  # best first: the finished candidates (failed ones last) and the baselines
    chosen: int  # index in `board` of the refitted configuration
    # why the chosen row is not the lowest score (the "clearly lower" rule of autoselect.select); None: it is
    rule: str | None = None

    @property
    def winner(self) -> Entry:
        return self.board[self.chosen]

    @property
    def lowest(self) -> Entry:
        """The scored configuration with the lowest MASE (the winner unless `rule` kept another)."""
        return next((e for e in self.board if e.kind == "lstm" and e.mase is not None), self.winner)

    def baseline(self, name: str) -> Entry | None:
        return next((e for e in self.board if e.kind == "baseline" and e.name == name), None)

    def beats(self, baseline: Entry) -> bool | None:
        """Whether the chosen configuration's MASE is more than TIE_PERCENT below the baseline's (None: no scores)."""
        w, b = self.winner.mase, baseline.mase
        if w is None or b is None:
            return None
        return w < b * (1 - TIE_PERCENT / 100)

    @property
    def not_beaten(self) -> list[Entry]:
        """The baselines the chosen configuration does not beat (ties included), best first."""
        return [e for e in self.board if e.kind == "baseline" and self.beats(e) is False]

    @property
    def beats_naive(self) -> bool | None:
        """Whether the chosen configuration beat naive in selection by more than TIE_PERCENT (None: no comparison)."""
        naive = self.baseline(NAIVE)
        return None if naive is None else self.beats(naive)

    @classmethod
    def from_dict(cls, d: dict) -> SelectionInfo:
        board = d["board"]
        if not (isinstance(board, list) and board):
            raise ValueError("the leaderboard is empty")
        entries = tuple(Entry.from_dict(e) for e in board)
        chosen = _int(d, "chosen")
        if chosen >= len(entries) or entries[chosen].kind != "lstm":
            raise ValueError(f"the leaderboard's chosen row {chosen} is not one of its configurations")
        stopped = _str(d, "stopped", True)
        if stopped not in (None, "budget", "interrupted"):
            raise ValueError(f"the leaderboard's stopped {stopped!r} is not budget or interrupted")
        return cls(
            horizon=_int(d, "horizon", 1),
            rows=_int(d, "rows", 1),
            fit_rows=_int(d, "fit_rows", 1),
            origins=_int(d, "origins", 1),
            season=_int(d, "season", 1),
            season_reason=_str(d, "season_reason"),
            candidates=_int(d, "candidates", 1),
            tried=_int(d, "tried", 1),
            stopped=stopped,
            budget=_num(d, "budget"),
            seconds=_num(d, "seconds"),
            board=entries,
            chosen=chosen,
            rule=_str(d, "rule", True),
        )

    def to_dict(self) -> dict:
        return {
            "horizon": self.horizon,
            "rows": self.rows,
            "fit_rows": self.fit_rows,
            "origins": self.origins,
            "season": self.season,
            "season_reason": self.season_reason,
            "candidates": self.candidates,
            "tried": self.tried,
            "stopped": self.stopped,
            "budget": self.budget,
            "seconds": self.seconds,
            "board": [e.to_dict() for e in self.board],
            "chosen": self.chosen,
            **({"rule": self.rule} if self.rule else {}),  # absent when the lowest score was chosen, as before
            "beats_naive": self.beats_naive,  # derived; written for scripts reading --json, ignored on load
        }
