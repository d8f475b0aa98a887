"""The chat page's words come from the text catalogue (bot/texts/<language>/page.yml and triage.yml):
web/server.py fills index.html's fields with them, HTML-escaped, and hands them to app.js in /config.js,
escaped for a script. Rendered here with web/server.py's own functions, no server and no browser."""

from __future__ import annotations

import html
import json
import re
from typing import Any, Dict

import pytest

from bot.texts import Catalogue, TextError, catalogue, placeholders
from bot.warning_signs import banner
from web import server

INDEX = (server.PUBLIC / "index.html").read_text(encoding="utf-8")
APP = (server.PUBLIC / "app.js").read_text(encoding="utf-8")
SOCKET_URL = "http://127.0.0.1:5005"
#: app.js's calls for a page text: `text('name')`, `rich('name', { field: ... })`.
APP_CALL = re.compile(r"\b(?:text|rich)\('([a-z0-9_]+)'(?:, \{ ([a-z_]+):)?")
CONFIG_LINE = re.compile(r"^window\.(ASSISTANT_[A-Z]+) = (.*);$")


def page_fields() -> set[str]:
    return set(re.findall(r"\{\{page\.([a-z0-9_]+)\}\}", INDEX))


def config_values(script: bytes) -> Dict[str, Any]:
    values = {}
    for line in script.decode().splitlines():
        match = CONFIG_LINE.match(line)
        assert match, f"not a line of /config.js: {line}"
        values[match.group(1)] = json.loads(match.group(2))
    return values


def with_texts(**page: str) -> Catalogue:
    """The English catalogue, some of its page texts replaced."""
    entries = dict(catalogue().entries)
    entries.update({f"page.{name}": value for name, value in page.items()})
    return Catalogue("en", entries)


def test_the_page_shows_the_catalogues_texts_and_leaves_no_field_unfilled() -> None:
    page = server.index_page().decode()
    texts = catalogue().topic("page")
    assert page_fields(), "index.html names no text of the catalogue"
    for name in page_fields():
        assert html.escape(texts[name], quote=True) in page, name
    assert html.escape(banner(), quote=True) in page
    assert '<html lang="en">' in page
    assert "{{" not in page and "}}" not in page


def test_the_page_writes_no_words_of_its_own() -> None:
    without_comments = re.sub(r"<!--.*?-->", "", INDEX, flags=re.DOTALL)
    for attribute in ("aria-label", "title", "alt", "placeholder"):
        for value in re.findall(rf'\s{attribute}="([^"]*)"', without_comments):
            assert re.fullmatch(r"\{\{page\.[a-z0-9_]+\}\}", value), f'{attribute}="{value}"'
    between_tags = re.sub(r"<[^>]*>", " ", without_comments)
    left = re.sub(r"\{\{[a-z_.0-9]+\}\}", " ", between_tags).split()
    assert left == []


def test_config_js_hands_app_js_the_page_and_triage_topics_whole() -> None:
    values = config_values(server.config_script(SOCKET_URL))
    assert values["ASSISTANT_CONFIG"] == {"socketUrl": SOCKET_URL}
    served = values["ASSISTANT_TEXTS"]
    assert set(served) == {"page", "triage"}
    for topic, texts in served.items():
        assert texts == {name: entry for name, entry in catalogue().topic(topic).items()}, topic
    assert set(served["triage"]) >= {"emergency", "see_clinician", "self_care"}


def test_app_js_names_only_texts_the_catalogue_has_with_their_fields() -> None:
    texts = catalogue().topic("page")
    calls = APP_CALL.findall(APP)
    assert calls, "app.js names no page text"
    for name, field in calls:
        assert name in texts, f"app.js names page.{name}, which bot/texts/en/page.yml lacks"
        assert placeholders(texts[name]) == ({field} if field else set()), name
    for label in ("emergency", "see_clinician", "self_care"):
        assert f"TEXTS.triage.{label}" in APP


def test_every_page_text_shows_somewhere() -> None:
    used = page_fields() | {name for name, _ in APP_CALL.findall(APP)}
    assert sorted(set(catalogue().topic("page")) - used) == []
    # What index.html shows is filled in by the server, which fills in no `{field}`.
    assert [name for name in page_fields() if placeholders(str(catalogue().topic("page")[name]))] == []


def test_app_js_writes_no_words_of_its_own() -> None:
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", APP, flags=re.DOTALL)
    literals = re.findall(r"'((?:[^'\\\n]|\\.)*)'", code)
    words = [
        s for s in literals if re.match(r"[^A-Za-z]*[A-Z]", s) and re.search(r"[A-Za-z]{2,} [A-Za-z]", s)
    ]
    assert words == []


def test_html_in_a_page_text_is_shown_as_text() -> None:
    attack = '</title><script>alert("x")</script> & <b>'
    page = server.index_page(with_texts(title=attack, chat_label=attack)).decode()
    escaped = html.escape(attack, quote=True)
    assert f"<title>{escaped}</title>" in page
    assert f'aria-label="{escaped}"' in page
    assert "<script>alert" not in page and "<b>" not in page


@pytest.mark.parametrize(
    "attack", ["</script><script>alert(1)</script>", "<!-- <script>", "a\u2028b & c > d"]
)
def test_a_page_text_cannot_end_the_config_script(attack: str) -> None:
    script = server.config_script(SOCKET_URL, with_texts(summary_print=attack))
    assert b"<" not in script and b">" not in script and b"&" not in script
    assert max(script) < 128  # ASCII only: no line separator a script could break on
    assert config_values(script)["ASSISTANT_TEXTS"]["page"]["summary_print"] == attack


def test_a_page_text_the_catalogue_lacks_is_an_error() -> None:
    entries = {key: entry for key, entry in catalogue().entries.items() if key != "page.title"}
    with pytest.raises(TextError, match="page.title"):
        server.index_page(Catalogue("en", entries))
