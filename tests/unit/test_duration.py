"""Duration phrases to weeks."""

from __future__ import annotations

from datetime import date

import pytest

from bot.nlp.duration import to_weeks

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("phrase", "weeks"),
    [
        ("three months", 13.0),
        ("3 months", 13.0),
        ("3months", 13.0),
        ("for 2 yrs", 104.0),
        ("a few weeks", 3.0),
        ("about a year", 52.0),
        ("six weeks", 6.0),
        ("a fortnight", 2.0),
        ("20 minutes", 20 / 10080),
        ("a few minutes", 3 / 10080),
        ("a couple of days", 2 / 7),
        ("a couple days", 2 / 7),
        ("half a year", 26.0),
        ("a year and a half", 78.0),
        ("two and a half years", 130.0),
        ("1.5 years", 78.0),
        ("3-4 months", 3.5 * 52 / 12),
        ("a month or two", 1.5 * 52 / 12),
        ("several years", 208.0),
        ("the past year", 52.0),
        ("last week", 1.0),
        ("over the last few months", 13.0),
        ("more than 6 months", 26.0),
    ],
)
def test_quantities(phrase: str, weeks: float) -> None:
    assert to_weeks(phrase, TODAY) == pytest.approx(weeks, rel=1e-3)


@pytest.mark.parametrize(
    ("phrase", "today", "weeks"),
    [
        ("since last Christmas", TODAY, (TODAY - date(2025, 12, 25)).days / 7),
        ("since christmas", date(2027, 1, 8), 2.0),
        ("since xmas", date(2026, 12, 25), 365 / 7),  # on Christmas day: the previous one
        ("since last week", TODAY, 1.0),
        ("since last month", TODAY, 30 / 7),
        ("since yesterday", TODAY, 1 / 7),
        ("since monday", TODAY, 2 / 7),
        ("since the weekend", TODAY, 4 / 7),
        ("since summer", TODAY, (TODAY - date(2026, 6, 1)).days / 7),
        ("since last summer", date(2026, 7, 15), (date(2026, 7, 15) - date(2025, 6, 1)).days / 7),
        ("since march", TODAY, (TODAY - date(2026, 3, 1)).days / 7),
        ("since new year", TODAY, (TODAY - date(2026, 1, 1)).days / 7),
        ("since easter", TODAY, (TODAY - date(2026, 4, 5)).days / 7),
        ("since 2019", TODAY, (TODAY - date(2019, 1, 1)).days / 7),
    ],
)
def test_since(phrase: str, today: date, weeks: float) -> None:
    assert to_weeks(phrase, today) == pytest.approx(weeks, rel=1e-3)


@pytest.mark.parametrize(
    ("phrase", "weeks"),
    [
        ("for ages", 52.0),
        ("years", 104.0),
        ("for months", 52 / 6),
        ("been months", 52 / 6),
        ("been going on for years", 104.0),
        ("months ago", 52 / 6),
        ("been like this for weeks", 2.0),
    ],
)
def test_vague_phrases_are_sensible(phrase: str, weeks: float) -> None:
    assert to_weeks(phrase, TODAY) == pytest.approx(weeks)


@pytest.mark.parametrize("phrase", ["", "a while", "all my life", "no idea", "since my birthday"])
def test_unknown(phrase: str) -> None:
    assert to_weeks(phrase, TODAY) is None


def test_defaults_to_today() -> None:
    assert to_weeks("since last week") == pytest.approx(1.0)
