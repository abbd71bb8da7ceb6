"""A damped local growth the network learns around (`TrainConfig.damped_growth`, `lstm train --damped-growth PHI`).

The network's usual target is the standardised change z (its zero output forecasts the training part's mean
change). With a damping factor phi, the network learns instead the deviation of z from a prior path:

    l      = the exponentially weighted mean change of the input window (half-life HALF_LIFE steps), in target units
    g_k    = phi**k * l                 the prior change of step k = 1, 2, ... after the window's last row

so that a network that outputs zero forecasts the window's recent growth, damped toward no growth by phi per step
(the damped trend of exponential smoothing, AutoETS's "Ad"). Training windows are the k = 1 case; a recursive
forecast adds g_k of the ORIGIN's window to its step k, a direct head g_1..g_H to its outputs. Everything here is
in the scaler's units: z = (change - mean) / std, so g_k scaled is phi**k * (l_z + mean / std) - mean / std.
`TrainConfig.damped_toward` "mean" damps toward the training part's mean change instead (the scaled zero, the
network's own fallback): g_k = mean + phi**k * (l - mean), scaled phi**k * l_z.

Whether to use it is chosen on validation (`Forecaster(choose_growth=...)`): `auto` on the one-step MAE; round 11's
default (WITHOUT_SEASON) the same on series without a season; OVER_SEASON (`--damped-growth season`, round 12's
default for one series) on every series, on the MAE over one season ahead (`ahead_mae`, `ahead_steps`; one step
without a season), since a growth compounds over the steps a one-step error does not see. TREND (`--damped-growth
trend`, the default for one series since round 13: DEFAULT_CHOICE) is OVER_SEASON with a growth that persists
(TREND_PHI) tried on series without a season.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lstmcli.transforms import Scaler

if TYPE_CHECKING:
    from lstmcli.training import TrainConfig

HALF_LIFE = 4.0  # steps; a plain rule screen on the stage-1 series: benchmarks/README.md, "Damped local growth"
TOWARD = ("zero", "mean")  # what the growth is damped toward: no change, or the training part's mean change
AUTO = "auto"  # `--damped-growth auto`: fit without it and with AUTO_PHI, keep the lower one-step validation MAE
AUTO_PHI = 0.9  # the factor `auto` tries (round 10's stage 1: 0.9 beat 0.95 toward zero)
#: round 11's default for one series (benchmarks/README.md, "The damped growth as the default"): `auto` where the
#: fit finds no season (the value `Forecaster(choose_growth=WITHOUT_SEASON)`); round 12's is OVER_SEASON
WITHOUT_SEASON = "without season"
#: `--damped-growth season` (round 12, benchmarks/README.md "A growth judged over a season"): fit without and with
#: AUTO_PHI on every series, seasonal ones too, and keep the lower validation MAE over one season ahead (`AHEAD`)
OVER_SEASON = "over a season"
SEASON_WORD = "season"  # the CLI's word for OVER_SEASON
#: `--damped-growth trend` (round 13, benchmarks/README.md "Trending series: a growth that persists"): OVER_SEASON on
#: seasonal series; on a series without a season the damped fit's factor is TREND_PHI (a growth that persists, as
#: Holt's damped trend with AutoETS's largest phi) instead of AUTO_PHI, kept on the one-step validation MAE as before
TREND = "trend"
TREND_PHI = 0.98
#: what `lstm train`, `lstm backtest` and `--auto`'s refit try on one series without --damped-growth
#: (`tried_by_default`): WITHOUT_SEASON in round 11; OVER_SEASON in round 12, judged on the fresh3 check set
#: (benchmarks/README.md, "Round 12's defaults"); TREND since round 13, judged on the fresh4 check set ("Round 13's
#: defaults")
DEFAULT_CHOICE = TREND
BUSINESS_DAYS_NOTE = (
    "none (not tried on business days: a stock price's recent growth is noise; --damped-growth auto tries it)"
)
SEASONAL_NOTE = (
    "none (not tried on a seasonal series: its recent changes carry the season's swings, a noisy growth; "
    "--damped-growth season tries it, judged over a season ahead; auto, judged one step ahead)"
)


def tried_by_default(frequency: str | None, target, choice: str = DEFAULT_CHOICE) -> str | bool:
    """`Forecaster(choose_growth=...)` for one series without --damped-growth: `choice` (DEFAULT_CHOICE: fit with and
    without the damped growth, judged over a season ahead), or False on business days (stock prices: round 10 measured
    goog and djia 1.3-1.4% worse than naive with it, against 1.001 and 0.997 without) and with --target level (no
    changes to damp). Round 11 (WITHOUT_SEASON) did not try it on seasonal series: judged one step ahead it took
    woolyrnq above seasonal naive (benchmarks/README.md, "The damped growth as the default"); judged over a season
    it does not ("A growth judged over a season")."""
    return choice if frequency != "B" and getattr(target, "value", target) != "level" else False


def ahead_steps(season_length: int | None, validation_rows: int) -> int:
    """The steps ahead OVER_SEASON judges the damped growth on: one whole season (m steps; one without a season),
    at most the validation rows."""
    return max(1, min(season_length or 1, validation_rows))


def ahead_mae(forecasts: np.ndarray, actual: np.ndarray) -> float:
    """The validation MAE over 1..H steps ahead: `forecasts` (V, H) from V consecutive validation origins (row v's
    step h forecasts validation row v + h - 1) and `actual` (V,) those rows' values; step h is scored on the V - h + 1
    origins whose row is still a validation row, and the H steps' MAEs are averaged (each step weighs the same)."""
    V, H = forecasts.shape
    steps = [np.mean(np.abs(actual[h:] - forecasts[: V - h, h])) for h in range(min(H, V))]
    return float(np.mean(steps))


def over_season(choose: bool | str) -> bool:
    """Whether Forecaster's `choose_growth` judges a seasonal series' damped growth over a season ahead."""
    return choose in (OVER_SEASON, TREND)


def word(choose: bool | str) -> str:
    """The CLI's word for a `choose_growth` value: season, trend or auto."""
    return SEASON_WORD if choose == OVER_SEASON else TREND if choose == TREND else AUTO


def factor(choose: bool | str, season_length: int | None, phi: float = AUTO_PHI) -> float:
    """The damped growth's factor a choice tries after the fit without it (`phi`: the config's, or AUTO_PHI):
    TREND_PHI for `trend` on a series without a season, else `phi`."""
    return TREND_PHI if choose == TREND and season_length is None else phi


def parse(text: str | float) -> tuple[float, bool | str]:
    """`--damped-growth`'s value: (phi, choose). "auto" -> (AUTO_PHI, True); "season" -> (AUTO_PHI, OVER_SEASON);
    "trend" -> (AUTO_PHI, TREND); a number -> (it, False)."""
    if isinstance(text, str) and text.strip().lower() == AUTO:
        return AUTO_PHI, True
    if isinstance(text, str) and text.strip().lower() == SEASON_WORD:
        return AUTO_PHI, OVER_SEASON
    if isinstance(text, str) and text.strip().lower() == TREND:
        return AUTO_PHI, TREND
    try:
        return float(text), False
    except ValueError:
        from lstmcli.errors import OptionError

        raise OptionError(
            f"--damped-growth {text!r} is not a number, auto, season or trend",
            hint="use e.g. --damped-growth 0.9, auto, season or trend",
        ) from None


@dataclass(frozen=True)
class DampedGrowth:
    """The prior path's settings: `phi` (0 < phi <= 1) and the scaled value the growth is damped toward (-`shift`)."""

    phi: float
    shift: float  # toward zero: scaler.mean[0] / scaler.unit[0] (the scaled value of "no change" is -shift); mean: 0

    @classmethod
    def of(cls, config: TrainConfig, scaler: Scaler) -> DampedGrowth | None:
        """The prior of a model trained with `config` (its damped_growth, damped_toward); None when it is off."""
        if not config.damped_growth:
            return None
        shift = scaler.mean[0] / scaler.unit[0] if config.damped_toward == "zero" else 0.0
        return cls(float(config.damped_growth), float(shift))

    def local(self, z: np.ndarray) -> np.ndarray:
        """(B,) the exponentially weighted mean of each window's scaled changes z (B, W), newest weighted most."""
        z = np.asarray(z, dtype=np.float64)
        w = 0.5 ** (np.arange(z.shape[1])[::-1] / HALF_LIFE)  # (W,) 1 for the newest row
        return z @ w / w.sum()

    def path(self, z: np.ndarray, steps: int) -> np.ndarray:
        """(B, steps) the scaled prior change of steps 1..steps after windows of scaled changes z (B, W)."""
        damp = self.phi ** np.arange(1, steps + 1)  # (steps,)
        return (self.local(z) + self.shift)[:, None] * damp[None, :] - self.shift
