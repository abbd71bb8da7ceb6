"""The `fresh4` check set (round 12): its spec and rules, its files, and the derivations and date rule it added."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
from conftest import assert_check_set_files_whole
from test_fresh3_check_set import FRESH3_SEASONS, NEVER, USED_ELSEWHERE  # the fixture `study` is in conftest.py

#: name -> (season, freq, group), fixed from what each series is before any fit (benchmarks/README.md,
#: "A fourth fresh check set")
FRESH4_SEASONS = {
    "us_cement": (12, "MS", "seasonal"),
    "anderson_claims": (12, "MS", "seasonal"),
    "austin_sales": (12, "MS", "seasonal"),
    "clemson_tmax": (4, "QS", "seasonal"),
    "innsbruck_rain": (4, "QS", "seasonal"),
    "chicago_ridership": (4, "QS", "seasonal"),
    "nigeria_pop": (1, "YS", "trending"),
    "tv_prices": (1, "MS", "trending"),
    "nl_motorcycles": (1, "YS", "trending"),
    "food_returns": (1, "MS", "stationary"),
    "acme_returns": (1, "MS", "stationary"),
    "crsp_ge": (1, "B", "daily"),
    "crsp_ibm": (1, "B", "daily"),
    "crsp_mobil": (1, "B", "daily"),
}

#: rows and date range of each fresh4 file, as extracted
FRESH4_FILES = {
    "us_cement": (310, "1964-01-01", "1989-10-01"),
    "anderson_claims": (107, "1980-01-01", "1988-11-01"),
    "austin_sales": (187, "2000-01-01", "2015-07-01"),
    "clemson_tmax": (364, "1930-01-01", "2020-10-01"),
    "innsbruck_rain": (53, "2000-04-01", "2013-04-01"),
    "chicago_ridership": (61, "2001-04-01", "2016-04-01"),
    "nigeria_pop": (63, "1960-01-01", "2022-01-01"),
    "tv_prices": (213, "1997-12-01", "2015-08-01"),
    "nl_motorcycles": (67, "1946-01-01", "2012-01-01"),
    "food_returns": (516, "1960-01-01", "2002-12-01"),
    "acme_returns": (60, "1986-01-01", "1990-12-01"),
    "crsp_ge": (2500, "1989-02-10", "1998-12-31"),
    "crsp_ibm": (2500, "1989-02-10", "1998-12-31"),
    "crsp_mobil": (2500, "1989-02-10", "1998-12-31"),
}

#: left out by fresh3 (benchmarks/README.md, "A third fresh check set") as another column or version of a set's series,
#: and the other versions of fresh3's own series
FRESH3_LEFT_OUT = {
    ("DAAG", "bomregions"),
    ("DAAG", "bomregions2018"),
    ("DAAG", "bomregions2021"),
    ("dslabs", "temp_carbon"),
    ("Stat2Data", "Inflation"),
    ("ggplot2", "economics"),
    ("ggplot2", "economics_long"),
    ("stevedata", "usa_tradegdp"),
    ("Ecdat", "USGDPpresidents"),
    ("Ecdat", "Money"),
    ("Ecdat", "MoneyUS"),
    ("Ecdat", "Mpyr"),
    ("Ecdat", "Macrodat"),
    ("Ecdat", "Tbrate"),
    ("Ecdat", "Mishkin"),
    ("Ecdat", "Irates"),
    ("AER", "USMacroSW"),
    ("AER", "USMacroSWQ"),
    ("forecast", "gold"),
    ("Stat2Data", "AppleStock"),  # ~ fresh3's aapl
    ("Ecdat", "DM"),  # ~ fresh3's usd_dem
    ("mosaicData", "Births"),  # ~ the daily set's births78
}
#: the one item fresh4 takes more than one series from (benchmarks/README.md: no other unused daily price is left)
SHARED_ITEM = ("Ecdat", "CRSPday")


def test_fresh4_is_new(study):
    names = [s.name for s in study.CHECK_SETS["fresh4"]]
    assert names == list(FRESH4_SEASONS) == list(FRESH4_FILES)
    others = {s.name for s in study.CORPUS_SPEC} | {
        s.name for k, v in study.CHECK_SETS.items() if k != "fresh4" for s in v
    }
    assert not set(names) & others
    earlier = (
        *study.SEASONAL_CHECK,
        *study.PHASE_CHECK,
        *study.PHASE2_CHECK,
        *study.DEVTREND_CHECK,
        *study.DEVSEASON_CHECK,
        *study.DAILY_CHECK,
        *study.FRESH_CHECK,
        *study.FRESH2_CHECK,
        *study.FRESH3_CHECK,
    )
    used = {(t[0], t[1]) for t in earlier} | USED_ELSEWHERE | FRESH3_LEFT_OUT
    mine = [(t[0], t[1]) for t in study.FRESH4_CHECK]
    assert [k for k in set(mine) if mine.count(k) > 1] == [SHARED_ITEM]  # otherwise one series per package item
    assert not set(mine) & used
    for pkg, item, col, where, *_ in study.FRESH4_CHECK:
        text = f"{pkg} {item} {col} {where}".lower().replace(".", "").replace("_", "")
        assert not any(w in text for w in NEVER), (pkg, item, col)
        assert "adj" not in text and "sa" != col.lower()[-2:], (pkg, item, col)  # no seasonally adjusted column


def test_fresh4_follows_fresh3s_mix_and_its_seasons_are_fixed(study):
    by_name = {s.name: s for s in study.CHECK_SETS["fresh4"]}
    for name, (season, freq, _) in FRESH4_SEASONS.items():
        assert (by_name[name].season, by_name[name].freq) == (season, freq), name
    group = {g: [n for n, v in FRESH4_SEASONS.items() if v[2] == g] for g in ("seasonal", "trending", "stationary")}
    group["daily"] = [n for n, v in FRESH4_SEASONS.items() if v[2] == "daily"]
    mix = {g: len(v) for g, v in group.items()}
    assert (
        mix
        == {g: sum(v[2] == g for v in FRESH3_SEASONS.values()) for g in mix}
        == {
            "seasonal": 6,
            "trending": 3,
            "stationary": 2,
            "daily": 3,
        }
    )
    assert sorted(FRESH4_SEASONS[n][1] for n in group["seasonal"]) == ["MS"] * 3 + ["QS"] * 3
    assert all(FRESH4_SEASONS[n][0] == {"MS": 12, "QS": 4}[FRESH4_SEASONS[n][1]] for n in group["seasonal"])
    cut = {t[4]: t[7] for t in study.FRESH4_CHECK}
    assert all(cut[n] == 2500 for n in group["daily"])  # the last 2,500 rows, as fresh2 and fresh3
    assert not any(isinstance(cut[n], int) for n in (*group["seasonal"], *group["trending"], *group["stationary"]))
    lows = []
    for n in group["stationary"]:
        with open(study.CHECK / f"{n}.csv", newline="") as f:
            lows.append(min(float(r[1]) for r in list(csv.reader(f))[1:]))
    assert min(lows) <= 0  # excess returns: negatives


def test_fresh4_files_are_whole(study):
    assert_check_set_files_whole(study, "fresh4", FRESH4_FILES)  # CRSP's compounded returns stay positive


def test_fresh4_derivations(study):
    derive = study._fresh_derive
    # quarterly means of daily data: the quarters the data's first and last days cut are dropped
    idx = pd.date_range("2000-01-04", "2000-12-30", freq="D")
    vals = np.arange(len(idx), dtype=float)
    q, v = derive("quarter_mean", idx, vals)
    assert [x.strftime("%Y-%m-%d") for x in q] == ["2000-04-01", "2000-07-01"]
    assert v[0] == vals[(idx >= "2000-04-01") & (idx < "2000-07-01")].mean()
    # daily simple returns compounded into a price from 100
    same, p = derive("return_index", idx[:3], np.array([0.1, -0.5, 0.0]))
    assert list(same) == list(idx[:3]) and np.allclose(p, [110.0, 55.0, 55.0])


def test_fresh_dates_rule_added_for_fresh4(study):
    dates = study._fresh_dates
    # numeric year / month / day columns (Ecdat CRSPday), and year / month without a day (wooldridge cement)
    d = pd.DataFrame({"rownames": [1, 2], "year": [1989, 1989], "month": [1, 1], "day": [3, 4], "ge": [0.1, 0.2]})
    assert [x.strftime("%Y-%m-%d") for x in dates(d, "x", "B", {})] == ["1989-01-03", "1989-01-04"]
    d = pd.DataFrame({"rownames": [1, 2], "year": [1964, 1964], "month": [12, 1], "ipcem": [0.5, 0.6]})
    assert [x.strftime("%Y-%m-%d") for x in dates(d, "x", "MS", {})] == ["1964-12-01", "1964-01-01"]
    # a year column alone is still a yearly date (gt countrypops), as before
    d = pd.DataFrame({"rownames": [1, 2], "year": [1960, 1961], "population": [1.0, 2.0]})
    assert [x.strftime("%Y-%m-%d") for x in dates(d, "x", "YS", {})] == ["1960-01-01", "1961-01-01"]
