"""Dates of a price series, NumPy only: infer the frequency, continue it, print it.

`lstm predict` imports this module to date its forecast rows, so it must not import pandas
(pandas alone costs ~250 ms of start-up). Frequencies are short codes:

    "B" business days (Mon-Fri)   "D" calendar days   "W" weeks
    "M" months    "Q" quarters    "Y" years           "h" hours    "min" minutes

and None means "irregular or too short to tell": callers then show step numbers.
All functions accept datetime64 of any unit and work in datetime64[s].
"""

from __future__ import annotations

import numpy as np

FREQUENCY_NAMES: dict[str, str] = {
    "B": "business days",
    "D": "calendar days",
    "W": "weeks",
    "M": "months",
    "Q": "quarters",
    "Y": "years",
    "h": "hours",
    "min": "minutes",
}

_DAY = 86_400  # seconds
_MONTHS_PER_STEP = {"M": 1, "Q": 3, "Y": 12}


def _clean(dates: np.ndarray | np.datetime64) -> np.ndarray:
    """(N,) datetime64[s]: NaT removed, sorted, duplicates removed."""
    d = np.atleast_1d(np.asarray(dates)).astype("datetime64[s]")
    return np.unique(d[~np.isnat(d)])


def _gaps_seconds(d: np.ndarray) -> np.ndarray:
    return np.diff(d).astype(np.int64)  # (N-1,) seconds between neighbours


def infer_frequency(dates: np.ndarray | None) -> str | None:
    """The frequency code of a date series, or None if it is irregular or has < 3 dates.

    Uses the median gap (robust to holidays and a few missing rows) and, for daily data,
    the weekday pattern: at most 2% weekend dates means business days ("B"), else "D".
    """
    if dates is None:
        return None
    d = _clean(dates)
    if len(d) < 3:
        return None
    gaps = _gaps_seconds(d)  # (N-1,)
    med = float(np.median(gaps))
    if med < 0.8 * _DAY:  # intraday: the overnight and weekend gaps are the minority
        step = _intraday_step(gaps)
        if step is None or np.mean(gaps == step) < 0.5:
            return None
        return "h" if step % 3600 == 0 else "min"

    days = d.astype("datetime64[D]")
    dd = np.diff(days).astype(np.int64)  # (N-1,) whole days between neighbours
    md = float(np.median(dd))
    if md <= 1.5:
        weekend_share = float(np.mean(~np.is_busday(days)))
        if weekend_share <= 0.02 and np.mean((dd >= 1) & (dd <= 4)) >= 0.9:
            return "B"  # Fri -> Mon is 3 days, a holiday makes 2 or 4
        return "D" if np.mean(dd == 1) >= 0.7 else None
    if 5 <= md <= 9:
        return "W" if np.mean((dd >= 5) & (dd <= 9)) >= 0.7 else None
    if md >= 25:
        dm = np.diff(d.astype("datetime64[M]")).astype(np.int64)  # (N-1,) calendar months apart
        for code, k in _MONTHS_PER_STEP.items():
            if float(np.median(dm)) == k and np.mean(dm == k) >= 0.7:
                return code
    return None


def coverage(dates: np.ndarray | None, frequency: str | None) -> float:
    """The share of the steps of `frequency` between the first and last date that the dates fill.

    1.0 for a complete series; a monthly series read as daily (Jan 1, Jan 2 .. Jan 12, then
    next year) scores a few percent. Intraday frequencies score 1.0 (sessions leave gaps).
    """
    if dates is None or frequency is None:
        return 0.0
    d = _clean(dates)
    if len(d) < 2 or frequency in ("h", "min"):
        return 1.0
    first, last = d[0].astype("datetime64[D]"), d[-1].astype("datetime64[D]")
    if frequency == "B":
        steps = int(np.busday_count(first, last))
    elif frequency in ("D", "W"):
        steps = int((last - first).astype(np.int64)) // (7 if frequency == "W" else 1)
    else:
        months = int((d[-1].astype("datetime64[M]") - d[0].astype("datetime64[M]")).astype(np.int64))
        steps = months // _MONTHS_PER_STEP[frequency]
    return min(1.0, (len(d) - 1) / max(steps, 1))


def _intraday_step(gaps: np.ndarray) -> int | None:
    """The typical intraday step in seconds (a whole number of minutes), or None."""
    intraday = gaps[gaps < _DAY]
    if len(intraday) == 0:
        return None
    step = int(np.median(intraday))
    if step < 60 or step % 60:
        return None
    return step


def _month_convention(d: np.ndarray) -> str:
    """How the dates sit in their months: 'end', 'bend' (last business day), 'start', 'bstart' or 'day'."""
    days = d.astype("datetime64[D]")  # (N,)
    months = d.astype("datetime64[M]")  # (N,)
    first = months.astype("datetime64[D]")  # (N,) 1st of the month
    last = (months + 1).astype("datetime64[D]") - 1  # (N,) last calendar day
    tests = [
        ("end", days == last),
        ("start", days == first),
        ("bend", days == np.busday_offset(last, 0, roll="backward")),
        ("bstart", days == np.busday_offset(first, 0, roll="forward")),
    ]
    share = {name: float(np.mean(hit)) for name, hit in tests}
    best = max(share, key=share.get)  # the first of equals: calendar ends/starts before business ones
    return best if share[best] >= 0.8 else "day"


def _add_months(last: np.datetime64, k: np.ndarray, convention: str) -> np.ndarray:
    """Dates k (n,) months after `last`, keeping the month convention; (n,) datetime64[D]."""
    month = last.astype("datetime64[M]") + k  # (n,)
    first = month.astype("datetime64[D]")
    end = (month + 1).astype("datetime64[D]") - 1
    if convention == "end":
        return end
    if convention == "start":
        return first
    if convention == "bend":
        return np.busday_offset(end, 0, roll="backward")
    if convention == "bstart":
        return np.busday_offset(first, 0, roll="forward")
    first_of_last = last.astype("datetime64[M]").astype("datetime64[D]")
    day_of_month = int((last.astype("datetime64[D]") - first_of_last).astype(np.int64))  # 0-based
    return np.minimum(first + day_of_month, end)  # the 31st becomes the 30th/28th where needed


def future_dates(dates: np.ndarray | np.datetime64, frequency: str | None, n: int) -> np.ndarray | None:
    """The n dates (n,) datetime64[s] that continue a series after its last date.

    `dates` is the series' dates (the whole array, or at least its tail; a single date also
    works). The tail tells the conventions a single date cannot: month ends vs month starts
    vs the last/first business day of the month, and the step of intraday data (e.g. 5 min).
    Business days skip Saturdays and Sundays only (future holidays are not known); the time
    of day of the last date is kept. Returns None for frequency None (callers show steps).
    """
    if frequency is None:
        return None
    if frequency not in FREQUENCY_NAMES:
        raise ValueError(f"unknown frequency {frequency!r}; expected one of {', '.join(FREQUENCY_NAMES)} or None")
    d = _clean(dates)
    if len(d) == 0:
        return None
    last = d[-1]
    k = np.arange(1, n + 1)  # (n,)
    if frequency in ("h", "min"):
        unit = 3600 if frequency == "h" else 60
        step = _intraday_step(_gaps_seconds(d)) if len(d) > 1 else None
        step = unit if step is None else max(unit, step // unit * unit)
        return last + k * np.timedelta64(step, "s")

    day = last.astype("datetime64[D]")
    time_of_day = last - day.astype("datetime64[s]")  # kept on every future date
    if frequency == "B":
        out = np.busday_offset(day, k, roll="backward")  # a Saturday last date counts from Friday
    elif frequency == "D":
        out = day + k
    elif frequency == "W":
        out = day + 7 * k
    else:
        out = _add_months(last, _MONTHS_PER_STEP[frequency] * k, _month_convention(d))
    return out.astype("datetime64[s]") + time_of_day


def format_date(d: np.datetime64, frequency: str | None = None, timezone: str | None = None) -> str:
    """'2025-01-03' for daily and longer; '2025-01-03 14:00' for intraday or when the time is not midnight.

    `timezone` ("UTC", "-05:00": PriceSeries.timezone) is appended to a shown time: '2025-01-03 14:00 UTC'.
    """
    s = np.datetime64(d, "s")
    if np.isnat(s):
        return "NaT"
    text = str(s)  # '2025-01-03T14:00:00'
    seconds = int((s - s.astype("datetime64[D]")).astype(np.int64))
    if frequency not in ("h", "min") and seconds == 0:
        return text[:10]
    shown = f"{text[:10]} {text[11:16]}" if seconds % 60 == 0 else f"{text[:10]} {text[11:19]}"
    return f"{shown} {timezone}" if timezone else shown
