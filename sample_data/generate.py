"""Write the bundled sample CSVs: fictional, deterministic, each meant to show one thing.

Run `python sample_data/generate.py` (from anywhere); re-running writes byte-identical files.
All randomness comes from numpy.random.default_rng(SEED + k), one stream per file, so
changing one file's recipe never changes the others. See sample_data/README.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

SEED = 20240906  # picked so that ACME's realised drift (~8%/yr) is close to the modelled 7%
HERE = Path(__file__).resolve().parent
TRADING_DAYS_PER_YEAR = 252


def _write(name: str, header: str, lines: list[str]) -> None:
    """Write a CSV atomically with '\\n' line endings (byte-identical on every platform)."""
    path = HERE / name
    tmp = path.with_suffix(".csv.tmp")
    tmp.write_bytes((header + "\n" + "\n".join(lines) + "\n").encode("utf-8"))
    os.replace(tmp, path)
    print(f"wrote {path.name}: {len(lines):,} rows")


def _observed(day: np.datetime64) -> np.datetime64:
    """A US market holiday moved off the weekend: Saturday -> Friday, Sunday -> Monday."""
    weekday = int((day.astype("datetime64[D]").astype(np.int64) + 3) % 7)  # Monday = 0
    return day - 1 if weekday == 5 else day + 1 if weekday == 6 else day


def us_market_holidays(first_year: int, last_year: int) -> np.ndarray:
    """A handful of NYSE holidays: New Year, Independence Day, Thanksgiving, Christmas."""
    days = []
    for y in range(first_year, last_year + 1):
        new_year = np.datetime64(f"{y}-01-01")
        if _observed(new_year) == new_year + 1:  # NYSE does not close on Dec 31 for a Saturday New Year
            days.append(new_year + 1)
        elif _observed(new_year) == new_year:
            days.append(new_year)
        days.append(_observed(np.datetime64(f"{y}-07-04")))
        days.append(np.busday_offset(f"{y}-11", 3, roll="forward", weekmask="Thu"))  # 4th Thursday
        days.append(_observed(np.datetime64(f"{y}-12-25")))
    return np.array(days, dtype="datetime64[D]")


def daily_stock(rng: np.random.Generator) -> None:
    """ACME: ten years of business days like a Yahoo Finance export, GBM with calm/turbulent regimes."""
    holidays = us_market_holidays(2015, 2024)
    days = np.arange("2015-01-02", "2025-01-01", dtype="datetime64[D]")
    days = days[np.is_busday(days, holidays=holidays)]  # (N,)
    N = len(days)

    # Volatility regimes: a two-state Markov chain, calm 18%/yr and turbulent 42%/yr.
    vol = np.array([0.18, 0.42])
    stay = np.array([0.995, 0.97])  # daily probability of staying in the regime
    regime = np.empty(N, dtype=np.int64)
    regime[0] = 0
    switch = rng.random(N)
    for t in range(1, N):
        regime[t] = regime[t - 1] if switch[t] < stay[regime[t - 1]] else 1 - regime[t - 1]
    sigma = vol[regime] / np.sqrt(TRADING_DAYS_PER_YEAR)  # (N,) daily volatility
    mu = 0.07 / TRADING_DAYS_PER_YEAR
    log_ret = mu - 0.5 * sigma**2 + sigma * rng.standard_normal(N)  # (N,)
    log_ret[0] = 0.0
    close = 40.0 * np.exp(np.cumsum(log_ret))  # (N,)

    prev = np.concatenate([[close[0]], close[:-1]])  # (N,) previous close
    open_ = prev * np.exp(0.3 * sigma * rng.standard_normal(N))  # overnight gap
    high = np.maximum(open_, close) * np.exp(0.5 * sigma * np.abs(rng.standard_normal(N)))
    low = np.minimum(open_, close) * np.exp(-0.5 * sigma * np.abs(rng.standard_normal(N)))
    o, c = np.round(open_, 2), np.round(close, 2)
    h = np.maximum(np.round(high, 2), np.maximum(o, c))
    lo = np.minimum(np.round(low, 2), np.minimum(o, c))

    # Quarterly dividends (~1.6%/yr) on the first business day of Feb/May/Aug/Nov; Adj Close
    # scales every earlier close by (1 - dividend / previous close), as Yahoo does.
    factor = np.ones(N)
    for y in range(2015, 2025):
        for m in ("02", "05", "08", "11"):
            ex = np.busday_offset(f"{y}-{m}", 0, roll="forward", holidays=holidays)
            t = int(np.searchsorted(days, ex))
            if 0 < t < N:
                dividend = round(0.004 * c[t - 1], 2)
                factor[:t] *= 1.0 - dividend / c[t - 1]
    adj = np.round(c * factor, 2)

    abs_move = np.abs(log_ret) / sigma  # (N,) move in units of the day's volatility
    volume = 2_000_000 * np.exp(0.35 * rng.standard_normal(N) + 0.6 * regime + 0.15 * abs_move)
    volume = np.round(volume).astype(np.int64)

    lines = [f"{d},{o[t]:.2f},{h[t]:.2f},{lo[t]:.2f},{c[t]:.2f},{adj[t]:.2f},{volume[t]}"
             for t, d in enumerate(days)]
    _write("daily_stock.csv", "Date,Open,High,Low,Close,Adj Close,Volume", lines)


def monthly_seasonal(rng: np.random.Generator) -> None:
    """Fifteen years of monthly sales: growth times a strong 12-month season, like airline passengers."""
    months = np.arange("2010-01", "2025-01", dtype="datetime64[M]")  # (180,)
    t = np.arange(len(months))
    trend = 120.0 * np.exp(0.0085 * t)  # ~11% a year
    month = t % 12
    # peaks in July/August, troughs in February and November; amplitude grows with the level
    season = 1.0 + 0.22 * np.sin(2 * np.pi * (month - 3.5) / 12) + 0.06 * np.cos(4 * np.pi * month / 12)
    sales = trend * season * np.exp(0.03 * rng.standard_normal(len(t)))
    lines = [f"{m.astype('datetime64[D]')},{round(s)}" for m, s in zip(months, sales, strict=True)]
    _write("monthly_seasonal.csv", "Month,Sales", lines)


def trend_smooth(rng: np.random.Generator) -> None:
    """Three years of calendar days: a slow sine on a linear trend with a little noise."""
    days = np.arange("2022-01-01", "2025-01-01", dtype="datetime64[D]")  # (1096,)
    t = np.arange(len(days))
    value = 100.0 + 0.04 * t + 8.0 * np.sin(2 * np.pi * t / 180.0) + 0.3 * rng.standard_normal(len(t))
    lines = [f"{d},{v:.2f}" for d, v in zip(days, value, strict=True)]
    _write("trend_smooth.csv", "Date,Value", lines)


def seed_companies(rng: np.random.Generator) -> None:
    """The seed's two companies in one daily series: 5-day blocks, A ends at 0 and B at 1."""
    company_a = np.array([0.0, 0.5, 0.25, 1.0, 0.0])
    company_b = np.array([1.0, 0.5, 0.25, 1.0, 1.0])
    blocks = 120  # 600 days
    which = rng.random(blocks) < 0.5  # True: company B
    price = np.concatenate([company_b if b else company_a for b in which])  # (600,)
    price = np.clip(price + 0.01 * rng.standard_normal(len(price)), 0.0, None)
    days = np.datetime64("2023-01-01") + np.arange(len(price))
    lines = [f"{d},{p:.4f}" for d, p in zip(days, price, strict=True)]
    _write("seed_companies.csv", "Date,Price", lines)


def main() -> None:
    """Write every sample file, each from its own seeded stream."""
    for k, make in enumerate([daily_stock, monthly_seasonal, trend_smooth, seed_companies]):
        make(np.random.default_rng(SEED + k))


if __name__ == "__main__":
    main()
