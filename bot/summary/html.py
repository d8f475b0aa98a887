"""The summary as an HTML page: the person's own copy in the browser, and the source of the PDF.

One template (templates/summary.html) for both, so the page and the PDF never disagree. The page has
no external resources: it is served as it is, printed from the browser, or turned into a PDF by
WeasyPrint with nothing fetched. The person's copy has one line of script, allowed by its hash in the
page's Content-Security-Policy: opened with `#print` (the chat page's Print button), it prints itself.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping, Tuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.summary.content import COMPLAINT, Item, Summary

TEMPLATES = Path(__file__).parent / "templates"
PRINT_SCRIPT = "if (location.hash === '#print') addEventListener('load', function () { print(); });"
_PRINT_HASH = base64.b64encode(hashlib.sha256(PRINT_SCRIPT.encode()).digest()).decode()
#: The Content-Security-Policy the page is served with: its own styles and print script, nothing else.
PAGE_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        f"script-src 'sha256-{_PRINT_HASH}'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


def utc_time(moment: datetime | str) -> str:
    """'3 December 2026, 09:30 UTC' for a datetime or an ISO 8601 string with its offset."""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    when = when.astimezone(timezone.utc)
    return f"{when.day} {when:%B %Y, %H:%M} UTC"


def plain(value: str) -> str:
    """An entity value as words: 'heavy_alcohol_use' is 'heavy alcohol use'."""
    return value.replace("_", " ")


def sentence(text: str) -> str:
    """The text with its first letter a capital, the rest as it is (unlike Jinja's `capitalize`)."""
    return text[:1].upper() + text[1:]


def other_findings(summary: Summary) -> Tuple[Item, ...]:
    """What the person told that no part of the page shows otherwise (a trigger, a cause they named,
    a warning sign's timing), so that nothing told is left out of the presenting complaint."""
    shown = {entity for _, entity in COMPLAINT} | {"risk_factor"}
    signs = {answer.flag for answer in summary.screen}
    return tuple(
        item
        for item in summary.findings
        if item.entity not in shown and not (item.entity == "red_flag" and item.value in signs)
    )


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["utc_time"] = utc_time
    env.filters["plain"] = plain
    env.filters["sentence"] = sentence
    return env


def render_html(summary: Summary, links: Mapping[str, str] | None = None) -> str:
    """The page; `links` (the person's signed links, bot/summary/links.py) adds the download note."""
    return (
        environment()
        .get_template("summary.html")
        .render(summary=summary, others=other_findings(summary), links=links, print_script=PRINT_SCRIPT)
    )
