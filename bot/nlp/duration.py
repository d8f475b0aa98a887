"""Turns a duration phrase ("three months", "since last Christmas") into weeks."""

from __future__ import annotations

import re
from datetime import date, timedelta
from statistics import mean
from typing import Callable, Dict, List, Set, Tuple

_WEEKS_PER_UNIT: Dict[str, float] = {
    "second": 1 / 604800,
    "minute": 1 / 10080,
    "hour": 1 / 168,
    "day": 1 / 7,
    "week": 1.0,
    "fortnight": 2.0,
    "month": 52 / 12,
    "year": 52.0,
    "decade": 520.0,
}
_UNIT_SPELLINGS: Dict[str, str] = {
    **{s: "second" for s in ("seconds", "second", "secs", "sec")},
    **{s: "minute" for s in ("minutes", "minute", "mins", "min")},
    **{s: "hour" for s in ("hours", "hour", "hrs", "hr")},
    **{s: "day" for s in ("days", "day")},
    **{s: "week" for s in ("weeks", "week", "wks", "wk")},
    **{s: "fortnight" for s in ("fortnights", "fortnight")},
    **{s: "month" for s in ("months", "month", "mnths", "mnth", "mths", "mth", "mos", "mo")},
    **{s: "year" for s in ("years", "year", "yrs", "yr")},
    **{s: "decade" for s in ("decades", "decade")},
}
# Longest spellings first so that "months" is not read as "mo" + "nths".
_UNIT_RE = re.compile(r"(?:(?<=\d)|\b)(" + "|".join(sorted(_UNIT_SPELLINGS, key=len, reverse=True)) + r")\b")
_NUMBER_WORDS: Dict[str, float] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "half": 0.5, "couple": 2, "few": 3, "some": 3, "several": 4, "many": 5,
}  # fmt: skip
# Multi-word quantities rewritten to one word before reading numbers.
_QUANTITY_REWRITES: Tuple[Tuple[str, str], ...] = (
    (r"\band an? half\b", " plushalf "),
    (r"\bhalf an?\b", " half "),
    (r"\ba good few\b|\ba few\b", " few "),
    (r"\ba couple(?: of)?\b|\bcouple of\b", " couple "),
    (r"\ba number of\b", " several "),
)
#: Vague phrases meaning "a long time": read as a year, the article's "chronic".
_LONG_TIME = ("ages", "yonks", "a long time", "a long while", "forever", "donkey's years")
_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # meteorological, north
_MONTH_NAMES: Tuple[Tuple[str, ...], ...] = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sep", "sept"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def to_weeks(phrase: str, today: date | None = None) -> float | None:
    """Weeks covered by `phrase`, or None when it does not say (e.g. "a while", "all my life")."""
    today = today or date.today()
    text = " ".join(phrase.lower().replace("–", "-").replace("’", "'").split())
    if not text:
        return None
    if any(re.search(rf"\b{re.escape(vague)}\b", text) for vague in _LONG_TIME):
        return _WEEKS_PER_UNIT["year"]
    if "since" in text.split():
        since = _since(text, today)
        if since is not None:
            return since
    return _quantity_weeks(text)


def _quantity_weeks(text: str) -> float | None:
    unit_match = _UNIT_RE.search(text)
    if unit_match is None:
        return _day_words(text)
    unit = _UNIT_SPELLINGS[unit_match.group(1)]
    rest = text[: unit_match.start()] + " " + text[unit_match.end() :]
    for pattern, replacement in _QUANTITY_REWRITES:
        rest = re.sub(pattern, replacement, rest)
    words = re.findall(r"\d+(?:\.\d+)?|[a-z']+", rest)
    numbers: List[float] = [float(w) if w[0].isdigit() else _NUMBER_WORDS[w] for w in words if _is_number(w)]
    if numbers:
        count = mean(numbers)
    elif unit_match.group(1).endswith("s"):
        count = 2.0  # "for months", "years now": more than one, unsaid how many
    else:
        count = 1.0  # "the past year", "last week"
    if "plushalf" in words:
        count += 0.5
    return count * _WEEKS_PER_UNIT[unit]


def _is_number(word: str) -> bool:
    return word[0].isdigit() or word in _NUMBER_WORDS


def _day_words(text: str) -> float | None:
    if "yesterday" in text or "last night" in text:
        return 1 / 7
    if "today" in text or "this morning" in text or "tonight" in text:
        return 0.5 / 7
    return None


def _since(text: str, today: date) -> float | None:
    words = set(re.findall(r"[a-z']+|\d{4}", text))
    last = "last" in words
    start = _since_start(words, last, today)
    if start is None:
        return _day_words(text) if words & {"yesterday", "today", "morning", "night", "tonight"} else None
    return max((today - start).days, 0) / 7


def _since_start(words: Set[str], last: bool, today: date) -> date | None:
    """The date a "since ..." phrase points to; None when it names no date."""
    if words & {"christmas", "xmas"}:
        return _most_recent(lambda year: date(year, 12, 25), today)
    if "new" in words and words & {"year", "year's", "years"}:
        return _most_recent(lambda year: date(year, 1, 1), today)
    if "easter" in words:
        return _most_recent(_easter, today)
    for season, month in _SEASON_START.items():
        if season in words:
            return _period_start(_first_of(month), 3, last, today)
    for name, month in _MONTHS.items():
        if name in words:
            return _period_start(_first_of(month), 1, last, today)
    for index, weekday in enumerate(_WEEKDAYS):
        if weekday in words:
            days = (today.weekday() - index) % 7 or 7
            return today - timedelta(days=days)
    if "weekend" in words:
        return today - timedelta(days=(today.weekday() - 5) % 7 or 7)
    years = [int(w) for w in words if w.isdigit() and len(w) == 4]
    if years and years[0] <= today.year:
        month = 7 if "mid" in words else 10 if "late" in words else 1
        return date(years[0], month, 1)
    for period, weeks in (("week", 1.0), ("month", 52 / 12), ("year", 52.0), ("fortnight", 2.0)):
        if period in words:
            return today - timedelta(days=round(weeks * 7))
    return None


def _first_of(month: int) -> Callable[[int], date]:
    """The first day of `month` in a given year."""
    return lambda year: date(year, month, 1)


def _most_recent(on_year: Callable[[int], date], today: date) -> date:
    """The latest date on_year(year) strictly before today."""
    candidate = on_year(today.year)
    return candidate if candidate < today else on_year(today.year - 1)


def _period_start(on_year: Callable[[int], date], months: int, last: bool, today: date) -> date:
    """Start of the latest season or month before today; "last" skips the one still running."""
    start = _most_recent(on_year, today)
    end_month = start.month + months
    end = date(start.year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return on_year(start.year - 1) if last and today < end else start


def _easter(year: int) -> date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)
