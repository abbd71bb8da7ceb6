"""Seasons: find the season of a series, and give the network what it needs to use it. NumPy only.

One detector serves `lstm train` (the season the network is given) and `lstm backtest` (its
seasonal naive baseline and MASE scale): `detect_season`, on the training part only.

A season of length m numbers every data row with its *phase*, row mod m, counted from the
first row the model was trained on (row 0 has phase 0). With dates, a newer file's rows get
their phase from how many steps their dates lie after the model's last training row; without
dates, a newer file must start where the training data started. What the network is given
(`SeasonInfo`, stored in the model file):

    phase inputs   two extra input columns, season sin = sin(2 pi phase / m) and
                   season cos = cos(2 pi phase / m), known for every future step
    adjustment     seasonal indices s[phase] fitted on the training part only (classical
                   decomposition: the ratio (or difference) of the target column to its
                   centred moving average, averaged by phase); the network learns the
                   adjusted series p / s (or p - s), forecasts are multiplied (or added) back
    level adjustment  with phase inputs only and the level input (levels.py): the same indices
                   fitted, but used only for the level input column, which then reads the
                   seasonally adjusted level (`level_adjust`): the network learns the series
                   as it is, and the level column no longer swings with the season
    seasonal difference  no extra input: the network learns z[t] = log y[t] - log y[t-m] (y[t] - y[t-m]
                   for a diff target) from the W + 1 - m such values a window of W + 1 prices holds;
                   forecasts map back as y[t] = y[t-m] exp(z) (or + z), from the model's own
                   forecasts beyond m steps: an output of 0 is seasonal naive (`difference`, `lag`)

A weekly year is 52.18 steps, not a whole number: lag 52 drifts by a day and a quarter a
year, so the autocorrelation test rarely confirms it (0.08 on the corpus's gasoline). Weekly
data without a confirmed season, with at least two years in the training part, may instead
get the position in the year (`year_season`): `year sin` / `year cos` = sin / cos of 2 pi
row / 52.18 (the same as the day of the year / 365.25, up to a constant the network learns),
phases counted as above and taken mod 1461 rows (28 years of weeks, a whole number of years).
`Forecaster.fit` keeps it only when the fit's one-step validation MAE is lower with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lstmcli.errors import OptionError

#: the season a frequency suggests (then confirmed by autocorrelation on the training part)
SEASON_BY_FREQUENCY = {"M": 12, "Q": 4, "W": 52, "D": 7, "B": 5, "h": 24}
#: frequencies whose data get no season from `--season auto` at training time: business days are
#: stock and index prices (issue 13: "none for stocks"); `--season 5` still sets one
NO_AUTO_SEASON = frozenset({"B"})
AUTO = "auto"
NONE = "none"
PHASE_INPUTS = ("season sin", "season cos")  # the names of the extra input columns, as inspect shows them
YEAR_INPUTS = ("year sin", "year cos")  # the same for the position in the year (a cycle of a non-whole length)
#: frequencies whose year is not a whole number of steps: (steps a year, the whole number of steps that holds
#: whole years: phases wrap there). Daily data were not measured (no daily series in the benchmark corpus).
YEAR_CYCLES = {"W": (365.25 / 7, 1461, "weeks")}  # 1461 weeks = 10,227 days = 28 years
YEARS_NEEDED = 2  # the training part must hold two years for the position in the year to be tried


# ---------------------------------------------------------------------------------------
# detection


def autocorrelation(x: np.ndarray, max_lag: int) -> np.ndarray:
    """Sample autocorrelation (max_lag + 1,) of a 1-D series at lags 0..max_lag."""
    x = np.asarray(x, dtype=np.float64) - np.mean(x)
    den = float(np.dot(x, x))
    if den == 0:
        return np.r_[1.0, np.zeros(max_lag)]
    return np.array([1.0] + [float(np.dot(x[k:], x[:-k])) / den for k in range(1, max_lag + 1)])


#: the bound's critical value. Bartlett's bound grows with the autocorrelations below the lag,
#: which a strong season itself makes large: at 2.58 (99%, before) a clear 12-month season in
#: 8 years of data (96 rows: a 10-year file's training part) could not pass at all (0.69 < 0.71).
#: 1.645 (forecast::thetaf's): monthly random walks pass 0-2% of the time (simulated, 60-200 rows).
SEASON_TCRIT = 1.645


#: how `--season auto` confirms the frequency's season (`--season-test`): "acf", the autocorrelation of the
#: detrended changes at lag m, "ftest", the stable-seasonality F test on the detrended values, or "either" (the
#: default since round 14): a season where either finds one (acf first), since acf misses smooth seasons in short
#: series (benchmarks/README.md, "Round 14's defaults")
ACF, FTEST, EITHER = "acf", "ftest", "either"
SEASON_TESTS = (ACF, FTEST, EITHER)
DEFAULT_TEST = EITHER


def detect_season(values: np.ndarray, frequency: str | None, test: str = DEFAULT_TEST) -> tuple[int, str]:
    """(season, reason): the frequency's natural season if the data confirm it, else (1, why not).

    The test runs on the changes of the series (log changes for positive series) with their
    local level removed by a centred moving average one season long, so a trend or a slow
    cycle does not pass for a season. The season is confirmed when the autocorrelation at
    its lag is a local peak, at least 0.2, and above the one-sided 95% bound (Bartlett:
    SEASON_TCRIT * sqrt((1 + 2 * sum of squared autocorrelations below the lag) / n)), the test
    Hyndman's forecast package uses before seasonally adjusting (thetaf).

    `test` "ftest" (SEASON_TESTS) confirms it instead by the stable-seasonality F test (`stable_seasonality`);
    "either" by acf, or where acf does not, by the F test (weekly data: acf alone for both).
    """
    test = check_test(test)
    m = SEASON_BY_FREQUENCY.get(frequency or "")
    if m is None:
        return (
            1,
            "no season: the dates have no regular frequency"
            if frequency is None
            else f"no season is usual for this frequency ({frequency})",
        )
    p = np.asarray(values, dtype=np.float64)
    if len(p) < 3 * m + 2:
        return 1, f"no season: {len(p)} rows are too few to confirm a season of {m} (it takes {3 * m + 2})"
    sets = f"--season {m} sets it"
    if test == ACF or frequency in YEAR_CYCLES:  # weekly: row mod 52 drifts through the year (acf, year_season)
        found, said = _acf_season(p, m)
    elif test == FTEST:
        found, said = _ftest_season(p, m)
    else:  # EITHER: acf's season, else the F test's
        found, said = _acf_season(p, m)
        if not found:
            found, by_f = _ftest_season(p, m)
            if found:
                return m, f"season {m} ({by_f}); acf alone did not confirm it ({said})"
            return 1, f"no season by either test: {said}; {by_f}; {sets}"
    return (m, f"season {m} ({said})") if found else (1, f"no season: {said}; {sets}")


def _acf_season(p: np.ndarray, m: int) -> tuple[bool, str]:
    """(whether the autocorrelation at lag m confirms the season, what it found), e.g. (True, "autocorrelation 0.78
    at lag 12") or (False, "autocorrelation at lag 12 is 0.31, below 0.2")."""
    x = np.diff(np.log(p)) if np.all(p > 0) else np.diff(p)  # (n,)
    local = np.convolve(x, np.ones(m) / m, mode="same")  # (n,) level within one season
    r = (x - local)[m // 2 : len(x) - m // 2]
    acf = autocorrelation(r, m + 1)  # (m + 2,)
    bound = SEASON_TCRIT * math.sqrt((1 + 2 * float(np.sum(acf[1:m] ** 2))) / len(r))
    peak = acf[m] >= acf[m - 1] and acf[m] >= acf[m + 1]
    if acf[m] >= max(0.2, bound) and peak:
        return True, f"autocorrelation {acf[m]:.2f} at lag {m}"
    if acf[m] < 0.2:
        why = "below 0.2"
    elif acf[m] < bound:  # a strong season raises the bound too: the figure alone looked like a yes
        why = f"within the 95% noise bound of {len(r)} changes ({bound:.2f})"
    else:
        why = f"not a peak (lag {m - 1 if acf[m - 1] > acf[m] else m + 1} is higher)"
    return False, f"autocorrelation at lag {m} is {acf[m]:.2f}, {why}"


#: the F test's threshold: X-11 / X-13's "identifiable seasonality" asks F_s >= 7 (Lothian and Morry's M7 statistic
#: is 7 / F_s), far above the 0.1% critical value (3-4) the test is printed with, because the phase means of a
#: detrended series are not independent draws
SEASON_FCRIT = 7.0


def stable_seasonality(values: np.ndarray, m: int) -> float:
    """The stable-seasonality F statistic of a series (n,) for season m, row 0 phase 0 (X-11's table D8's test).

    The series (its logs, when all above 0) less its centred moving average one season long (2 x m for an even
    m) is the seasonal-irregular part; F is the one-way analysis of variance of that part by phase: the
    variance between the m phase means over the variance within phases, each on its degrees of freedom.
    """
    y = np.asarray(values, dtype=np.float64)
    y = np.log(y) if np.all(y > 0) else y
    w = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m  # (m + 1,) or (m,)
    half = len(w) // 2
    si = y[half : len(y) - half] - np.convolve(y, w, mode="valid")  # (n - 2 half,) row k + half's part
    ph = (np.arange(len(si)) + half) % m
    grand = si.mean()
    counts = np.bincount(ph, minlength=m)  # (m,)
    means = np.bincount(ph, weights=si, minlength=m) / np.maximum(counts, 1)  # (m,)
    between = float(np.sum(counts * (means - grand) ** 2)) / (m - 1)
    within = float(np.sum((si - means[ph]) ** 2)) / (len(si) - m)
    if within <= 0:
        return math.inf if between > 0 else 0.0
    return between / within


def check_test(test: str) -> str:
    """`--season-test` as given -> one of SEASON_TESTS; OptionError otherwise."""
    t = str(test).strip().lower()
    if t not in SEASON_TESTS:
        raise OptionError(f"--season-test {test!r} is not known", hint=f"use one of: {', '.join(SEASON_TESTS)}")
    return t


def _ftest_season(p: np.ndarray, m: int) -> tuple[bool, str]:
    """(whether the stable-seasonality F confirms the season, what it found), as `_acf_season`."""
    f = stable_seasonality(p, m)
    if f >= SEASON_FCRIT:
        return True, f"stable-seasonality F {f:.1f} >= {SEASON_FCRIT:g}"
    return False, f"stable-seasonality F is {f:.1f}, below {SEASON_FCRIT:g}"


# ---------------------------------------------------------------------------------------
# the option: --season auto | none | N


def parse_season(text: str | int | None) -> str | int:
    """`--season` as given -> AUTO, NONE or a whole number >= 2; OptionError otherwise.

    `None` (the option absent) is AUTO. 1, 0 and negative numbers are refused: a season of
    one step is no season, and saying so is `--season none`.
    """
    if text is None:
        return AUTO
    if isinstance(text, int | np.integer) and not isinstance(text, bool):
        n = int(text)
    else:
        t = str(text).strip().lower()
        if t in (AUTO, NONE):
            return t
        try:
            n = int(t)
        except ValueError:
            raise OptionError(
                f"--season {text!r} is not possible", hint="use auto, none, or a season length such as 12"
            ) from None
    if n < 2:
        raise OptionError(
            f"--season {n} is not possible: a season is at least 2 steps long",
            hint="use --season none to turn the season off, or a length such as 12 (months) or 4 (quarters)",
        )
    return n


def resolve_season(
    requested: str | int, values: np.ndarray, frequency: str | None, test: str = DEFAULT_TEST
) -> tuple[int | None, str]:
    """(season length or None, why) for `lstm train`: `values` (n,) is the training part of the target column.

    auto: `detect_season` by `test` (SEASON_TESTS; never for business days); none: no season; N: N, if the training
    part holds at least two whole seasons (else OptionError naming the rows).
    """
    requested = parse_season(requested)
    if requested == NONE:
        return None, "no season (--season none)"
    n = len(values)
    if requested == AUTO:
        if frequency in NO_AUTO_SEASON:
            return None, "no season: not looked for on business days (stock prices)"
        m, why = detect_season(values, frequency, test)
        return (m if m > 1 else None), why
    if 2 * requested > n:
        raise OptionError(
            f"--season {requested} is longer than the data can use: the training part has {n} rows, fewer "
            f"than two seasons ({2 * requested})",
            hint="use a shorter season, more data, or --season none to turn it off",
        )
    return requested, f"season {requested} (given with --season)"


# ---------------------------------------------------------------------------------------
# what the network is given


def phase_columns(phases: np.ndarray, m: int) -> np.ndarray:
    """(..., 2) [sin, cos] of 2 pi phase / m for an array of phases (...,)."""
    a = 2 * np.pi * (np.asarray(phases) % m) / m
    return np.stack([np.sin(a), np.cos(a)], axis=-1)


def seasonal_indices(values: np.ndarray, m: int, multiplicative: bool) -> np.ndarray:
    """Indices (m,) of a series (n,) whose row 0 has phase 0: classical decomposition.

    The trend is a centred moving average (2 x m for an even m); each phase's index is the
    mean ratio (multiplicative) or difference (additive) of the values to the trend, then
    normalised to mean 1 (or 0). A phase the trend never covers gets the neutral index.
    """
    y = np.asarray(values, dtype=np.float64)
    w = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m  # (m + 1,) or (m,)
    half = len(w) // 2
    trend = np.convolve(y, w, mode="valid")  # (n - 2 half,): trend[k] is centred on row k + half
    rows = np.arange(half, half + len(trend))
    r = y[rows] / trend if multiplicative else y[rows] - trend
    ph = rows % m
    neutral = 1.0 if multiplicative else 0.0
    s = np.array([r[ph == k].mean() if (ph == k).any() else neutral for k in range(m)])  # (m,)
    return s / s.mean() if multiplicative else s - s.mean()


@dataclass(frozen=True, eq=False)
class SeasonInfo:
    """The season a model was trained with, as stored in the model file (`season` key; absent: none)."""

    length: int  # m >= 2
    reason: str  # why: "season 12 (autocorrelation 0.55 at lag 12)"
    phase_inputs: bool  # the network reads season sin / season cos as two extra input columns
    adjust: str | None = None  # "multiplicative" or "additive": the target column is seasonally adjusted
    indices: np.ndarray | None = None  # (m,) seasonal indices by phase, when adjust is set
    cycle: float | None = None  # the position in the year: a cycle of this many steps (52.18 weeks); m is the wrap
    level_adjust: str | None = None  # without `adjust`: the level input reads the series adjusted by `indices`
    difference: bool = False  # the network learns the seasonal difference (log) y[t] - (log) y[t-m] (`lag`)

    @property
    def lag(self) -> int:
        """How many rows back the network's target series reaches: m for a seasonal difference, else 1."""
        return self.length if self.difference else 1

    def change_words(self, target: str, plural: bool = False) -> str:
        """A seasonal difference's target in words: "log change over 4" (a log-return target) or "change over 4"."""
        return f"{'log ' if target == 'log-return' else ''}change{'s' if plural else ''} over {self.length}"

    @property
    def period(self) -> float:
        """Steps of one cycle of the phase inputs: the season m, or the year's (not whole) steps."""
        return self.length if self.cycle is None else self.cycle

    @property
    def label(self) -> str:
        """`season 12`, or `year (52.18 steps)`: for one-line tables (the panel's model column)."""
        return f"season {self.length}" if self.cycle is None else f"year ({self.cycle:.2f} steps)"

    @property
    def extra_inputs(self) -> int:
        return len(PHASE_INPUTS) if self.phase_inputs else 0

    @property
    def input_names(self) -> tuple[str, ...]:
        return (PHASE_INPUTS if self.cycle is None else YEAR_INPUTS) if self.phase_inputs else ()

    def describe(self) -> str:
        """One line for the train summary: the season, why, and what the network is given."""
        phase = "phase inputs" if self.cycle is None else "year sin/cos inputs"
        level = f"{'an' if self.level_adjust == 'additive' else 'a'} {self.level_adjust} adjustment of the level input"
        given = [
            g
            for g, on in (
                (phase, self.phase_inputs),
                (f"{self.adjust} adjustment", self.adjust),
                (level, self.level_adjust),
                (f"a seasonal difference over {self.length} steps", self.difference),
            )
            if on
        ]
        return f"{self.reason}; {' and '.join(given)}" if given else self.reason

    # ------------------------------------------------------------------ the series, adjusted and back

    def adjusted(self, prices: np.ndarray, phases: np.ndarray) -> np.ndarray:
        """Prices (..., T, F) with column 0 seasonally adjusted; `phases` (..., T) are the rows' phases."""
        if self.adjust is None:
            return prices
        s = self.indices[np.asarray(phases) % self.length]  # (..., T)
        out = np.array(prices, dtype=np.float64)
        out[..., 0] = out[..., 0] / s if self.adjust == "multiplicative" else out[..., 0] - s
        return out

    def level_adjusted(self, prices: np.ndarray, phases: np.ndarray) -> np.ndarray:
        """Prices (..., T, F) with column 0 adjusted as the level input reads them (`level_adjust`, else `adjusted`)."""
        if self.level_adjust is None:
            return self.adjusted(prices, phases)
        s = self.indices[np.asarray(phases) % self.length]  # (..., T)
        out = np.array(prices, dtype=np.float64)
        out[..., 0] = out[..., 0] / s if self.level_adjust == "multiplicative" else out[..., 0] - s
        return out

    def reseasoned(self, values: np.ndarray, phases: np.ndarray) -> np.ndarray:
        """Adjusted values (..., T) of column 0 back to prices; the inverse of `adjusted`."""
        if self.adjust is None:
            return values
        s = self.indices[np.asarray(phases) % self.length]  # (..., T)
        return values * s if self.adjust == "multiplicative" else values + s

    # ------------------------------------------------------------------ model file

    def to_dict(self) -> dict:
        d = {"length": self.length, "reason": self.reason, "phase_inputs": self.phase_inputs}
        if self.adjust is not None:
            d |= {"adjust": self.adjust, "indices": self.indices.tolist()}
        if self.cycle is not None:  # absent: a whole season, as every file before it
            d["cycle"] = self.cycle
        if self.level_adjust is not None:  # absent: the level input reads the series as the network does
            d |= {"level_adjust": self.level_adjust, "indices": self.indices.tolist()}
        if self.difference:  # absent: the network learns the target series (every file before it)
            d["difference"] = True
        return d

    @classmethod
    def from_dict(cls, d: dict) -> SeasonInfo:
        m, reason, phase = d["length"], d["reason"], d["phase_inputs"]
        if type(m) is not int or not 2 <= m <= 1_000_000:
            raise ValueError(f"the season length {m!r} is not a whole number >= 2")
        if not isinstance(reason, str) or not isinstance(phase, bool):
            raise ValueError("the season's reason or phase_inputs is malformed")
        adjust, level_adjust = d.get("adjust"), d.get("level_adjust")
        if adjust is not None and level_adjust is not None:
            raise ValueError("the season has both an adjustment and a level adjustment")
        indices = None
        kind = adjust if adjust is not None else level_adjust
        if kind is not None:
            indices = np.asarray(d["indices"], dtype=np.float64)
            if kind not in ("multiplicative", "additive") or indices.shape != (m,) or not np.isfinite(indices).all():
                raise ValueError("the seasonal adjustment is malformed")
            if kind == "multiplicative" and not (indices > 0).all():
                raise ValueError("the multiplicative seasonal indices are not all above 0")
        cycle = d.get("cycle")
        if cycle is not None:
            if type(cycle) not in (int, float) or not (1 < cycle < m) or adjust is not None or not phase:
                raise ValueError(f"the season's cycle {cycle!r} is malformed")
            cycle = float(cycle)
        if level_adjust is not None and (cycle is not None or not phase):
            raise ValueError("the level adjustment is malformed")
        difference = d.get("difference", False)
        if difference is not False and (difference is not True or phase or kind is not None or cycle is not None):
            raise ValueError("the seasonal difference is malformed")
        return cls(m, reason, phase, adjust, indices, cycle, level_adjust, difference)


def target_lag(season: SeasonInfo | None) -> int:
    """Rows back the network's target series reaches: 1, or a seasonal difference's m (`SeasonInfo.lag`)."""
    return 1 if season is None else season.lag


#: what the network is given once a season is found: auto (the default) fits "phase", "phase+adjust" and
#: (when the window reaches a season back) "difference", and keeps the lowest one-step validation MAE
#: (Forecaster.fit)
METHODS = ("auto", "phase", "adjust", "phase+adjust", "difference")
DEFAULT_METHOD = AUTO


def fit_season(
    m: int,
    reason: str,
    train_values: np.ndarray,
    method: str = DEFAULT_METHOD,
    positive: bool = True,
    level_input: bool = False,
) -> SeasonInfo:
    """The SeasonInfo of season m for a target column whose training part is `train_values` (n,), row 0 phase 0.

    With phase inputs only and `level_input` (the model reads the level input), the indices are
    fitted all the same and the level input reads the adjusted series (`level_adjust`): measured
    better on the corpus's quarterly series (benchmarks/README.md, round 8).
    """
    if method not in METHODS or method == AUTO:
        raise OptionError(f"season method {method!r} is not known", hint=f"use one of: {', '.join(METHODS)}")
    if method == "difference":  # the seasonal difference: no phase inputs, no indices (its zero is seasonal naive)
        return SeasonInfo(m, reason, False, difference=True)
    phase = "phase" in method
    if "adjust" not in method and not (phase and level_input):
        return SeasonInfo(m, reason, phase)
    kind = "multiplicative" if positive and (np.asarray(train_values) > 0).all() else "additive"
    indices = seasonal_indices(train_values, m, kind == "multiplicative")
    if kind == "multiplicative" and not (indices > 0).all():
        kind, indices = "additive", seasonal_indices(train_values, m, False)
    if "adjust" not in method:
        return SeasonInfo(m, reason, phase, None, indices, level_adjust=kind)
    return SeasonInfo(m, reason, phase, kind, indices)


def year_season(values: np.ndarray, frequency: str | None, why_not: str) -> SeasonInfo | None:
    """The position in the year for data whose year is not a whole number of steps (weekly), or None.

    `values` (n,) is the training part (row 0 phase 0); it must hold YEARS_NEEDED years. `why_not`
    is why no season was found (the detector's reason), kept in the reason.
    """
    if frequency not in YEAR_CYCLES:
        return None
    cycle, wrap, unit = YEAR_CYCLES[frequency]
    if len(values) < YEARS_NEEDED * cycle:
        return None
    return SeasonInfo(wrap, f"position in the year, {cycle:.2f} {unit} ({why_not})", True, cycle=cycle)


# ---------------------------------------------------------------------------------------
# phases of a newer file's rows


_SECONDS = {"W": 7 * 86_400, "D": 86_400, "h": 3_600, "min": 60}
_MONTHS = {"M": 1, "Q": 3, "Y": 12}


def steps_between(a: np.datetime64, b: np.datetime64, frequency: str | None) -> int | None:
    """Whole steps of `frequency` from date a to date b (negative when b is earlier); None if unknown."""
    a, b = np.datetime64(a, "s"), np.datetime64(b, "s")
    if frequency in _MONTHS:
        ma = a.astype("datetime64[M]").astype(np.int64)
        mb = b.astype("datetime64[M]").astype(np.int64)
        return round(int(mb - ma) / _MONTHS[frequency])
    if frequency in _SECONDS:
        return round(int((b - a).astype(np.int64)) / _SECONDS[frequency])
    if frequency == "B":
        da, db = a.astype("datetime64[D]"), b.astype("datetime64[D]")
        return int(np.busday_count(da, db)) if db >= da else -int(np.busday_count(db, da))
    return None


def last_phase(
    m: int,
    rows: int,
    model_last_date,
    frequency: str | None,
    dates: np.ndarray | None = None,
    n: int | None = None,
    countable: bool = True,
) -> int:
    """The phase of the last row of a series: the training data (`rows` rows) or a newer file.

    A newer file of `n` rows with `dates` is placed by the model's last training date when the
    file holds it (the rows after it continue the count), else by the steps of `frequency`
    between the two last dates (`countable` False, e.g. intraday sessions with nights between
    them: not counted). Without dates, or when neither works, its row 0 is taken as the
    training data's row 0.
    """
    if n is None:  # the training data itself
        return (rows - 1) % m
    if dates is not None and model_last_date is not None and len(dates):
        d = np.asarray(dates).astype("datetime64[s]")
        last = np.datetime64(model_last_date, "s")
        i = int(np.searchsorted(d, last))
        if i < len(d) and d[i] == last:  # the file holds the model's last row
            return (rows - 1 + (n - 1 - i)) % m
        k = steps_between(last, d[-1], frequency) if countable else None
        if k is not None:
            return (rows - 1 + k) % m
    return (n - 1) % m
