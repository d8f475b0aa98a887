"""The summary as an HTML page: the person's own copy in the browser, and the source of the PDF.

One template (templates/summary.html) for both, so the page and the PDF never disagree. The page has
no external resources: it is served as it is, printed from the browser, or turned into a PDF by
WeasyPrint with nothing fetched. The person's copy has one line of script, allowed by its hash in the
page's Content-Security-Policy: opened with `#print` (the chat page's Print button), it prints itself.

The page's own words are the catalogue's (bot/texts/en/summary_page.yml): the template calls `say` with
literal keys. A text around an element the template builds (a link, a `<time>`, the person's quoted
words) is given that element as a Markup field: the text's own words are escaped, the element kept, so
autoescaping still escapes the person's words and no text of the catalogue can add markup.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import string
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping, Tuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from bot.summary.content import COMPLAINT, Item, Summary
from bot.texts import TextError, catalogue, placeholders, say

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


def page_say(key: str, **fields: Any) -> str | Markup:
    """The catalogue's `say` for the template. With plain fields it is `say` itself: a str, escaped by
    the template like any value. When a field is Markup (an element the template built), the text is
    escaped first and then filled: the element is kept as markup, every other field escaped, so the
    catalogue's words are always text."""
    if not any(isinstance(value, Markup) for value in fields.values()):
        return say(key, **fields)
    say(key, **dict.fromkeys(fields, ""))  # the text exists and takes exactly these fields
    return escape(catalogue().entries[key]).format(**fields)


def css_content(text: str, **counters: str) -> Markup:
    """A text as the value of a CSS `content` property: its words as CSS strings, each `{field}` the
    counter `counters` names for it ('Page {page} of {pages}' is `"Page " counter(page) " of "
    counter(pages)`). Every character but a letter, a digit or a space is written as a CSS escape, so
    no text can end its string or the style element."""
    if placeholders(text) != set(counters):
        raise TextError(
            f"{text!r} takes the fields {sorted(placeholders(text))}, was given {sorted(counters)}"
        )
    if not all(name.isidentifier() for name in counters.values()):
        raise ValueError(f"not CSS counter names: {sorted(counters.values())}")
    parts = []
    for literal, field, _, _ in string.Formatter().parse(text):
        if literal:
            parts.append(
                '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in literal) + '"'
            )
        if field:
            parts.append(f"counter({counters[field]})")
    return Markup(" ".join(parts))


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
    env.filters["css_content"] = css_content
    return env


def render_html(summary: Summary, links: Mapping[str, str] | None = None) -> str:
    """The page; `links` (the person's signed links, bot/summary/links.py) adds the download note."""
    return (
        environment()
        .get_template("summary.html")
        .render(
            summary=summary,
            others=other_findings(summary),
            links=links,
            print_script=PRINT_SCRIPT,
            say=page_say,
        )
    )
