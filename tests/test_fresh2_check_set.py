"""The `fresh2` check set (round 11): its spec, its files, and the date rules the fresh sets' extraction uses."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from conftest import assert_check_set_files_whole

ROOT = Path(__file__).resolve().parent.parent


#: rows and date range of each fresh2 file, as extracted (benchmarks/README.md, "A second fresh check set")
FRESH2_FILES = {
    "dutch_sales": (425, "1960-05-01", "1995-09-01"),
    "peace_bridge": (156, "2003-01-01", "2015-12-01"),
    "mdb_temp": (867, "1950-01-01", "2022-03-01"),
    "german_unemp": (120, "1962-01-01", "1991-10-01"),
    "ca_hstarts": (168, "1960-01-01", "2001-10-01"),
    "uk_income": (58, "1971-01-01", "1985-04-01"),
    "ca_consumption": (200, "1947-01-01", "1996-10-01"),
    "us_prisoners": (95, "1925-01-01", "2019-01-01"),
    "sea_level": (134, "1880-01-01", "2013-01-01"),
    "soi": (106, "1900-01-01", "2005-01-01"),
    "strikes": (108, "1968-01-01", "1976-12-01"),
    "silver": (2500, "2003-06-03", "2012-12-31"),
    "msci_ch": (2500, "2003-06-03", "2012-12-31"),
    "gbp_eeri": (2500, "2013-02-08", "2022-12-30"),
}


def test_fresh2_is_new_and_its_files_are_whole(study):
    names = [s.name for s in study.CHECK_SETS["fresh2"]]
    assert names == list(FRESH2_FILES)
    others = {s.name for s in study.CORPUS_SPEC} | {
        s.name for k, v in study.CHECK_SETS.items() if k != "fresh2" for s in v
    }
    assert not set(names) & others
    used = {(t[0], t[1]) for t in study.FRESH_CHECK} | {(t[0], t[1]) for t in study.DEVSEASON_CHECK}
    assert not {(t[0], t[1]) for t in study.FRESH2_CHECK} & used  # no package item of round 10's sets again
    assert_check_set_files_whole(study, "fresh2", FRESH2_FILES)
    for s in study.CHECK_SETS["fresh2"]:
        assert s.season in (1, 4, 12) and s.freq in ("MS", "QS", "YS", "B")


def test_fresh_dates_rules(study):
    dates = study._fresh_dates
    # an R ts's own time, monthly: 1960.333 is May 1960 (the quarterly rule alone would say April)
    d = pd.DataFrame({"rownames": [1, 2, 3], "time": [1960 + 4 / 12, 1960 + 5 / 12, 1960.5], "value": [1, 2, 3]})
    assert [x.strftime("%Y-%m-%d") for x in dates(d, "x", "MS", {})] == ["1960-05-01", "1960-06-01", "1960-07-01"]
    # quarterly and yearly as before
    d = pd.DataFrame({"rownames": [1, 2], "time": [1955.25, 1955.5], "value": [1, 2]})
    assert [x.strftime("%Y-%m-%d") for x in dates(d, "x", "QS", {})] == ["1955-04-01", "1955-07-01"]
    d = pd.DataFrame({"rownames": [1, 2], "time": [1875, 1876], "value": [1, 2]})
    assert [x.strftime("%Y-%m-%d") for x in dates(d, "x", "YS", {})] == ["1875-01-01", "1876-01-01"]
    # numeric Year and Month columns
    d = pd.DataFrame({"rownames": [1, 2], "Year": [2003, 2003], "Month": [11, 12], "Traffic": [1, 2]})
    assert [x.strftime("%Y-%m-%d") for x in dates(d, "x", "MS", {})] == ["2003-11-01", "2003-12-01"]
    # a zoo series' dates in rownames, and a `date` column
    d = pd.DataFrame({"rownames": ["2009-01-05", "2009-01-06"], "dat": [1.0, 2.0]})
    assert [x.strftime("%Y-%m-%d") for x in dates(d, "x", "B", {})] == ["2009-01-05", "2009-01-06"]
    d = pd.DataFrame({"rownames": [1, 2], "date": ["2013-02-08", "2013-02-11"], "value": [1.0, 2.0]})
    assert [x.strftime("%Y-%m-%d") for x in dates(d, "x", "B", {})] == ["2013-02-08", "2013-02-11"]
    # a documented start wins over a `time` column that is only a trend index (StrikeNb's 1..108)
    d = pd.DataFrame({"rownames": [1, 2], "strikes": [5, 4], "time": [1, 2]})
    assert [x.strftime("%Y-%m-%d") for x in dates(d, "s", "MS", {"s": "1968-01-01"})] == ["1968-01-01", "1968-02-01"]
