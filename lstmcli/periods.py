"""Dates of a price series, NumPy only: infer the frequency, continue it, print it.

`lstm predict` imports this module to date its forecast rows, so it must not import pandas
(pandas alone costs ~250 ms of start-up). Frequencies are short codes:

    "B" business days (Mon-Fri)   "D" calendar days   "W" weeks
    "M" months    "Q" quarters    "Y" years           "h" hours    "min" minutes

and None means "irregular or too short to tell": callers then show step numbers.
All functions accept datetime64 of any unit and work in datetime64[s].

Intraday bars trade in sessions (09:30-15:59 Mon-Fri): `learn_session` reads the session
from the data, and `future_dates` continues within it and jumps to the next session's open
instead of dating forecasts 16:00, 16:01... after the close.
"""

from __future__ import annotations

from dataclasses import dataclass

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


#: the fewest steps one gap must leave out to be counted for daily data: a business week of weekdays (the US and
#: European exchanges close for at most 4 weekdays in a row, 9/11 included; a whole week without a row is data
#: missing) and 3 calendar days (a shop's or a feed's closed day or two are not counted)
GAP_AT_LEAST = {"B": 5, "D": 3}
GAP_WORDS = {"B": "of a week or more", "D": "of 3 days or more"}

#: Lunar New Year's day, 1990-2035: the exchanges of China, Taiwan and Vietnam close for 3-10 weekdays around it
#: (checked against exchange_calendars' XSHG, XHKG and XTAI: each day lies in their closure)
LUNAR_NEW_YEAR = np.array(
    (  # noqa: SIM905 (one line of dates per decade reads better than 46 lines)
        "1990-01-27 1991-02-15 1992-02-04 1993-01-23 1994-02-10 1995-01-31 1996-02-19 1997-02-07 1998-01-28 1999-02-16 "
        "2000-02-05 2001-01-24 2002-02-12 2003-02-01 2004-01-22 2005-02-09 2006-01-29 2007-02-18 2008-02-07 2009-01-26 "
        "2010-02-14 2011-02-03 2012-01-23 2013-02-10 2014-01-31 2015-02-19 2016-02-08 2017-01-28 2018-02-16 2019-02-05 "
        "2020-01-25 2021-02-12 2022-02-01 2023-01-22 2024-02-10 2025-01-29 2026-02-17 2027-02-06 2028-01-26 2029-02-13 "
        "2030-02-03 2031-01-23 2032-02-11 2033-01-31 2034-02-19 2035-02-08"
    ).split(),
    dtype="datetime64[D]",
)
#: the longest such closure, in weekdays (XSHG's Spring Festival of 2000-2002); a longer gap is counted
HOLIDAY_CLOSURE_AT_MOST = 10


def holiday_closures(days: np.ndarray, left_out: np.ndarray) -> np.ndarray:
    """(N-1,) bool: the gaps between business days (`days` (N,) datetime64[D], `left_out` (N-1,) weekdays without
    a row) that are an Asian exchange's holiday closure: a gap of at most HOLIDAY_CLOSURE_AT_MOST weekdays over
    Lunar New Year's day or 1 October (China's Golden Week), where the data has such a gap at most of those days
    in its span (a holiday recurs each year; a US stock's one missing week at Lunar New Year is counted)."""
    out = np.zeros(len(left_out), dtype=bool)
    if len(days) < 2:
        return out
    years = np.arange(days[0].astype("datetime64[Y]"), days[-1].astype("datetime64[Y]") + 1)  # (Y,)
    october = (years.astype("datetime64[M]") + 9).astype("datetime64[D]")  # (Y,) 1 October of each year
    for holidays in (LUNAR_NEW_YEAR, october):
        inside = holidays[(holidays > days[0]) & (holidays < days[-1])]  # (H,)
        if not len(inside):
            continue
        gap = np.searchsorted(days, inside) - 1  # (H,) the gap over each holiday: days[gap] < holiday < days[gap+1]
        closed = (days[gap + 1] != inside) & (left_out[gap] >= 1) & (left_out[gap] <= HOLIDAY_CLOSURE_AT_MOST)
        if closed.sum() * 2 > len(inside):
            out[gap[closed]] = True
    return out


def missing_steps(dates: np.ndarray | None, frequency: str | None) -> tuple[int, int]:
    """(steps missing between the dates, the index of the date before the first gap) for weeks, months, quarters
    and years, and for business and calendar days in gaps of at least GAP_AT_LEAST[frequency] steps (holidays are
    single days; business days' recurring closures at Lunar New Year and 1 October, `holiday_closures`, are not
    counted); (0, -1) for a complete series or another frequency."""
    if dates is None or frequency not in ("W", "B", "D", *_MONTHS_PER_STEP):
        return 0, -1
    d = np.asarray(dates).astype("datetime64[s]")
    if frequency == "W":
        days = np.diff(d.astype("datetime64[D]")).astype(np.int64)  # (N-1,)
        missing = np.where(days > 10, np.rint(days / 7).astype(np.int64) - 1, 0)
    elif frequency in GAP_AT_LEAST:
        days = d.astype("datetime64[D]")
        if frequency == "B":
            left_out = np.busday_count(days[:-1], days[1:]).astype(np.int64) - 1  # (N-1,) weekdays between rows
            counted = (left_out >= GAP_AT_LEAST["B"]) & ~holiday_closures(days, left_out)
        else:
            left_out = np.diff(days).astype(np.int64) - 1  # (N-1,)
            counted = left_out >= GAP_AT_LEAST["D"]
        missing = np.where(counted, left_out, 0)
    else:
        k = _MONTHS_PER_STEP[frequency]
        months = np.diff(d.astype("datetime64[M]")).astype(np.int64)  # (N-1,)
        missing = np.where(months > k, (months - 1) // k, 0)
    gaps = np.flatnonzero(missing > 0)
    return (int(missing.sum()), int(gaps[0])) if len(gaps) else (0, -1)


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


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SESSION_DAYS = 20  # the most recent days a session is learnt from (a clock change moves UTC times)


@dataclass(frozen=True)
class Session:
    """The trading session of intraday bars: the first and last bar's time of day, and the days open."""

    open: int  # seconds after midnight of a day's first bar
    close: int  # seconds after midnight of a day's last bar
    weekdays: tuple[int, ...]  # days with a session, 0 = Monday

    def describe(self) -> str:
        """'09:30-15:59 Mon-Fri'."""

        def hm(t: int) -> str:
            return f"{t // 3600:02d}:{t % 3600 // 60:02d}" + (f":{t % 60:02d}" if t % 60 else "")

        days = list(self.weekdays)
        if days == [0, 1, 2, 3, 4]:
            named = "Mon-Fri"
        elif days == [0, 1, 2, 3, 4, 6]:
            named = "Mon-Fri, Sun"
        else:
            named = ", ".join(_WEEKDAYS[w] for w in days)
        return f"{hm(self.open)}-{hm(self.close)} {named}"

    def to_dict(self) -> dict:
        """JSON-ready, for a model file."""
        return {"open": self.open, "close": self.close, "weekdays": list(self.weekdays)}

    @classmethod
    def from_dict(cls, d: dict) -> Session:
        return cls(open=int(d["open"]), close=int(d["close"]), weekdays=tuple(int(w) for w in d["weekdays"]))


def _weekday(days: np.ndarray) -> np.ndarray:
    """(N,) 0 = Monday for datetime64[D] (1970-01-01 was a Thursday)."""
    return (days.astype(np.int64) + 3) % 7


def learn_session(dates: np.ndarray | None) -> Session | None:
    """The session of intraday bars, from their daily first and last times and weekdays; None if unclear.

    The open and close are the most common first and last bar times of the last 20 days
    (each must be the time of at least half of them, so short days and holidays do not
    matter); the weekdays are Mon-Fri when no weekend bar is seen, else the days seen. Bars
    round the clock (no daily pause), fewer than 3 days or an irregular step give None.
    """
    if dates is None:
        return None
    d = _clean(dates)
    if len(d) < 3:
        return None
    step = _intraday_step(_gaps_seconds(d))
    if step is None:
        return None
    days = d.astype("datetime64[D]")  # (N,)
    day_list, first = np.unique(days, return_index=True)  # (K,) each day and its first bar
    if len(day_list) < 3:
        return None
    last = np.append(first[1:] - 1, len(d) - 1)  # (K,) each day's last bar
    tod = (d - days.astype("datetime64[s]")).astype(np.int64)  # (N,) seconds after midnight
    opens, closes = tod[first][-_SESSION_DAYS:], tod[last][-_SESSION_DAYS:]
    o_vals, o_counts = np.unique(opens, return_counts=True)
    c_vals, c_counts = np.unique(closes, return_counts=True)
    if o_counts.max() < 0.5 * len(opens) or c_counts.max() < 0.5 * len(closes):
        return None
    open_, close = int(o_vals[np.argmax(o_counts)]), int(c_vals[np.argmax(c_counts)])
    if close <= open_ or (open_ < step and close + step >= _DAY):
        return None  # no pause between days: continue step by step
    seen = sorted({int(w) for w in _weekday(day_list)})
    weekdays = (0, 1, 2, 3, 4) if max(seen) <= 4 else tuple(seen)
    return Session(open=open_, close=close, weekdays=weekdays)


def _in_session(t: np.datetime64, session: Session) -> np.datetime64:
    """`t` if it falls in a session, else the next session's open."""
    day = t.astype("datetime64[D]")
    tod = int((t - day.astype("datetime64[s]")).astype(np.int64))
    if tod > session.close or int(_weekday(day)) not in session.weekdays:
        day = day + 1
    elif tod >= session.open:
        return t
    while int(_weekday(day)) not in session.weekdays:
        day = day + 1
    return day.astype("datetime64[s]") + np.timedelta64(session.open, "s")


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


def future_dates(
    dates: np.ndarray | np.datetime64,
    frequency: str | None,
    n: int,
    session: Session | None = None,
    calendar: str | None = None,
) -> np.ndarray | None:
    """The n dates (n,) datetime64[s] that continue a series after its last date.

    `dates` is the series' dates (the whole array, or at least its tail; a single date also
    works). The tail tells the conventions a single date cannot: month ends vs month starts
    vs the last/first business day of the month, and the step of intraday data (e.g. 5 min).
    Business days skip Saturdays and Sundays only (future holidays are not known); the time
    of day of the last date is kept. Intraday dates stay within the trading session
    (`session`, else learnt from `dates`) and continue at the next session's open.
    Returns None for frequency None (callers show steps). With `calendar` (an exchange
    calendar's name, e.g. XNYS) daily data continues on that exchange's next sessions instead.
    """
    if frequency is None:
        return None
    if frequency not in FREQUENCY_NAMES:
        raise ValueError(f"unknown frequency {frequency!r}; expected one of {', '.join(FREQUENCY_NAMES)} or None")
    d = _clean(dates)
    if len(d) == 0:
        return None
    last = d[-1]
    if calendar is not None and frequency in ("B", "D"):
        from lstmcli.calendars import next_sessions

        return next_sessions(calendar, last, n)
    k = np.arange(1, n + 1)  # (n,)
    if frequency in ("h", "min"):
        unit = 3600 if frequency == "h" else 60
        step = _intraday_step(_gaps_seconds(d)) if len(d) > 1 else None
        step = unit if step is None else max(unit, step // unit * unit)
        session = session or learn_session(d)
        if session is None:
            return last + k * np.timedelta64(step, "s")
        out = np.empty(n, dtype="datetime64[s]")
        t = last
        for i in range(n):
            t = _in_session(t + np.timedelta64(step, "s"), session)
            out[i] = t
        return out

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


def iso_date(d: np.datetime64, frequency: str | None = None, timezone: str | None = None) -> str | None:
    """ISO 8601 for machine-readable outputs (--json, CSV): '2025-01-03' for days, else '2025-01-03T14:00:00Z'.

    Times carry their zone as ISO writes it ('Z' for "UTC", else the offset '+01:00'), so pandas
    (`read_csv(parse_dates=...)`), spreadsheets and JavaScript read the same instants; a time
    without a zone in the data stays a local time ('2025-01-03T14:00:00'). The same rule as
    `format_date` decides between a date and a time. NaT: None.
    """
    s = np.datetime64(d, "s")
    if np.isnat(s):
        return None
    text = str(s)  # '2025-01-03T14:00:00'
    seconds = int((s - s.astype("datetime64[D]")).astype(np.int64))
    if frequency not in ("h", "min") and seconds == 0:
        return text[:10]
    return text + ("" if not timezone else "Z" if timezone == "UTC" else timezone)
