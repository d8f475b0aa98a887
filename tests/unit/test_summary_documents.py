"""The summary's page and PDF (bot/summary/html.py, templates/summary.html, bot/summary/pdf.py) as the
person and the clinician meet them: what they say, in which order, how the page is built for screen
readers and printing, and the PDF made from the same HTML."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import sys
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from pypdf import PdfReader

from bot.summary.content import Item, Summary
from bot.summary.html import PAGE_POLICY, PRINT_SCRIPT, render_html
from bot.summary.pdf import SummaryPdfError, render_pdf

CLINICAL_ORDER = [
    "Presenting complaint",
    "Warning signs asked about",
    "Risk factors",
    "Everything the person denied",
    "Triage",
    "Possible causes from the article",
    "What a clinician may check next",
    "Questions you may want to ask",
    "About this summary",
]
EMERGENCY_HEADING = "Emergency: act now"
LINKS = {
    "type": "summary",
    "html": "https://assistant.example/summaries/c1/summary.html?expires=1796376600&signature=ab",
    "pdf": "https://assistant.example/summaries/c1/summary.pdf?expires=1796376600&signature=ab",
    "fhir": "https://assistant.example/summaries/c1/summary.fhir.json?expires=1796376600&signature=ab",
    "expires": "2026-12-04T09:30:00+00:00",
}
A4_POINTS = (595, 842)


class Page(HTMLParser):
    """A rendered page as a reader meets it: the tags in order, the h2 headings, the text under each
    heading ("" for what comes before the first), the cells of each table row, and the text of each
    title, h1, q and caption."""

    CAPTURED = ("title", "h1", "q", "caption")

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: List[Tuple[str, Dict[str, str | None]]] = []
        self.headings: List[str] = []
        self.sections: Dict[str, str] = {"": ""}
        self.rows: List[List[str]] = []
        self.texts: Dict[str, List[str]] = {tag: [] for tag in self.CAPTURED}
        self._open: List[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)
        if tag == "h2":
            self.headings.append("")
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self.rows[-1].append("")
        elif tag in self.CAPTURED:
            self.texts[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:  # void elements (meta) have no end tag: close up to this one
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]
        if tag == "h2":
            self.headings[-1] = _words(self.headings[-1])
            self.sections[self.headings[-1]] = ""

    def handle_data(self, data: str) -> None:
        for tag in self.CAPTURED:
            if tag in self._open:
                self.texts[tag][-1] += data
        if "style" in self._open or "title" in self._open:
            return
        if "h2" in self._open:
            self.headings[-1] += data
            return
        self.sections[self.headings[-1] if self.headings else ""] += data
        if "th" in self._open or "td" in self._open:
            self.rows[-1][-1] += data

    def section(self, heading: str) -> str:
        return _words(self.sections.get(heading, ""))

    def text(self) -> str:
        return _words(" ".join(self.sections.values()))

    def named(self, tag: str) -> List[Dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    def row(self, header: str) -> List[str]:
        """The cells of the table row headed `header` (case-insensitive), [] when there is none."""
        cells = [[_words(cell) for cell in row] for row in self.rows]
        return next((row for row in cells if row and row[0].lower() == header.lower()), [])


def _words(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(data: bytes) -> str:
    return _words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def _in_order(text: str, *parts: str) -> bool:
    """Whether `parts` are all in `text`, each after the one before."""
    at = 0
    for part in parts:
        at = text.find(part, at)
        if at == -1:
            return False
        at += len(part)
    return True


@pytest.fixture(scope="module")
def diabetic_page(diabetic: Summary) -> Page:
    return Page(render_html(diabetic))


@pytest.fixture(scope="module")
def diabetic_pdf(diabetic: Summary) -> bytes:
    return render_pdf(render_html(diabetic))


# The page a clinician reads


def test_the_page_holds_the_findings_in_the_persons_own_words(diabetic_page: Page) -> None:
    assert diabetic_page.row("Main symptoms") == ["Main symptoms", "numbness", "like I'm wearing socks"]
    assert diabetic_page.row("One side or both")[1:] == ["both sides", "both my feet"]
    assert diabetic_page.row("Diabetes")[1:] == ["Present", "diabetic"]
    assert {"like I'm wearing socks", "both my feet", "diabetic"} <= set(
        _words(q) for q in diabetic_page.texts["q"]
    )


def test_what_has_no_section_of_its_own_is_told_in_the_presenting_complaint(diabetic: Summary) -> None:
    trigger = Item("trigger", "pressure_on_nerve", "Brought on by", ("sitting cross-legged",))
    page = Page(render_html(replace(diabetic, findings=(*diabetic.findings, trigger))))
    assert page.row("Brought on by")[1:] == ["pressure on nerve", "sitting cross-legged"]
    assert "sitting cross-legged" in page.section("Presenting complaint")
    assert "diabetic" not in page.section("Presenting complaint"), "a risk factor belongs to its own section"


def test_what_the_person_denied_is_under_the_denied_section(diabetic_page: Page) -> None:
    assert "drink alcohol" in diabetic_page.section("Everything the person denied")
    assert "drink alcohol" not in diabetic_page.section("Presenting complaint")
    assert diabetic_page.row("Heavy alcohol use")[1:] == ["Denied", "drink alcohol"]


def test_every_warning_sign_has_its_answer_written_as_a_word(diabetic: Summary, diabetic_page: Page) -> None:
    for answer in diabetic.screen:
        assert diabetic_page.row(answer.sign)[1].lower() == answer.answer == "no"


def test_the_triage_causes_and_their_article_sections_are_told(
    diabetic: Summary, diabetic_page: Page
) -> None:
    triage = diabetic_page.section("Triage")
    assert diabetic.triage_name in triage and diabetic.triage_reason in triage
    causes = diabetic_page.section("Possible causes from the article")
    for cause in diabetic.causes:
        assert _in_order(causes, cause.name, cause.section, cause.summary)
    assert "diabetic" in causes


def test_the_page_says_what_it_is_and_where_it_came_from(diabetic: Summary, diabetic_page: Page) -> None:
    about = diabetic_page.section("About this summary")
    for told in (diabetic.not_a_diagnosis, diabetic.disclaimer, "20261203-093000-model", "2c11ab7"):
        assert told in about
    assert "3 December 2026, 09:30 UTC" in about


def test_the_sections_come_in_the_order_a_clinician_reads_a_referral(diabetic_page: Page) -> None:
    assert diabetic_page.headings == CLINICAL_ORDER


def test_the_page_is_built_for_screen_readers(diabetic_page: Page) -> None:
    assert diabetic_page.named("html") == [{"lang": "en"}]
    assert (
        diabetic_page.texts["title"]
        == diabetic_page.texts["h1"]
        == ["Summary for your clinician: foot numbness"]
    )
    assert len(diabetic_page.named("main")) == 1
    assert {"charset": "utf-8"} in diabetic_page.named("meta")
    assert any(meta.get("name") == "viewport" for meta in diabetic_page.named("meta"))
    levels = [int(tag[1]) for tag, _ in diabetic_page.tags if re.fullmatch(r"h[1-6]", tag)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_every_table_has_a_caption_and_headers_for_its_columns_and_rows(diabetic: Summary) -> None:
    """A screen reader tells each cell with its column's and its row's header."""
    tables = re.findall(r"<table\b.*?</table>", render_html(diabetic), re.S)
    assert len(tables) == 3
    for table in tables:
        assert re.search(r"<caption>\s*\w", table)
        head, body = table.split("</thead>")
        assert re.findall(r"<th\b[^>]*>", head) == re.findall(r'<th scope="col">', head) != []
        rows = re.findall(r"<tr>\s*(<t[hd]\b[^>]*>)", body)
        assert rows and set(rows) == {'<th scope="row">'}


def test_the_page_fetches_nothing_and_runs_only_its_print_line(diabetic: Summary) -> None:
    html = render_html(diabetic, LINKS)
    page = Page(html)
    assert not page.named("link") and not page.named("img")
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert scripts == [PRINT_SCRIPT] and "print()" in PRINT_SCRIPT
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in PAGE_POLICY and "default-src 'none'" in PAGE_POLICY
    assert "<script" not in render_html(diabetic)  # the PDF's source and the operator's copy: none
    assert not re.search(r"\bsrc=|@import|url\(", html)
    assert [a["href"] for a in page.named("a")] == [LINKS["pdf"]]


def test_a_persons_words_are_shown_as_text_never_as_markup(diabetic: Summary) -> None:
    hostile = replace(
        diabetic,
        complaint=(("Main symptoms", "<b>numbness</b>", ("<b>bold</b>",)),),
        denied=(Item("symptom", "pain", "Symptom", ("<script>alert(1)</script>",)),),
    )
    page = Page(render_html(hostile))
    assert not page.named("script") and not page.named("b")
    assert "<script>alert(1)</script>" in page.section("Everything the person denied")
    assert page.row("Main symptoms")[1:] == ["<b>numbness</b>", "<b>bold</b>"]


def test_an_emergency_opens_with_the_emergency_advice(emergency: Summary) -> None:
    page = Page(render_html(emergency))
    assert page.headings[:2] == [EMERGENCY_HEADING, "Presenting complaint"]
    assert emergency.emergency_advice and emergency.emergency_advice in page.section(EMERGENCY_HEADING)
    assert page.row(emergency.screen[3].sign)[1] == "Yes"


def test_a_summary_with_no_findings_says_so_and_keeps_only_the_about_section(empty: Summary) -> None:
    page = Page(render_html(empty))
    assert page.headings == ["About this summary"]
    assert empty.nothing_yet in page.section("")
    assert not page.named("table")


def test_the_persons_copy_links_to_the_pdf_and_says_when_the_links_expire(diabetic: Summary) -> None:
    page = Page(render_html(diabetic, LINKS))
    assert len(page.named("nav")) == 1
    nav = page.section("")
    assert _in_order(nav, "Download this summary as a PDF", "Print", "4 December 2026, 09:30 UTC")
    assert nav.index("Download") < nav.index("Summary for your clinician")


def test_the_copy_for_the_pdf_has_no_download_note(diabetic_page: Page) -> None:
    assert not diabetic_page.named("nav") and not diabetic_page.named("a")
    assert "Download" not in diabetic_page.text()


# The PDF


def test_the_pdf_reads_like_the_page_in_the_same_order(diabetic: Summary, diabetic_pdf: bytes) -> None:
    assert diabetic_pdf.startswith(b"%PDF")
    text = _pdf_text(diabetic_pdf)
    assert _in_order(
        text,
        "Presenting complaint",
        "numbness",
        "like I'm wearing socks",
        "drink alcohol",
        "Possible causes from the article",
        diabetic.causes[0].name,
        diabetic.disclaimer,
    )


def test_the_pdf_fits_on_two_a4_pages(diabetic_pdf: bytes) -> None:
    pages = PdfReader(io.BytesIO(diabetic_pdf)).pages
    assert 1 <= len(pages) <= 2
    assert tuple(round(float(side)) for side in pages[0].mediabox[2:]) == A4_POINTS


def test_the_pdf_is_tagged_for_screen_readers(diabetic_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(diabetic_pdf))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    assert (
        reader.metadata is not None and reader.metadata.title == "Summary for your clinician: foot numbness"
    )


def test_the_pdf_fetches_nothing(tmp_path: Path) -> None:
    stylesheet = tmp_path / "leak.css"
    stylesheet.write_text('main::after { content: "FETCHED FROM DISK"; }')
    html = (
        '<!doctype html><html lang="en"><head><title>t</title>'
        f'<link rel="stylesheet" href="{stylesheet.as_uri()}">'
        "</head><body><main><p>Only this.</p></main></body></html>"
    )
    text = _pdf_text(render_pdf(html))
    assert "Only this." in text and "FETCHED" not in text


def test_a_rendering_failure_is_a_summary_pdf_error(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def __init__(self, **_: object) -> None:
            raise ValueError("cairo exploded")

    monkeypatch.setattr("weasyprint.HTML", Broken)
    with pytest.raises(SummaryPdfError) as raised:
        render_pdf("<p>x</p>")
    assert isinstance(raised.value.__cause__, ValueError)


def test_a_machine_without_weasyprint_gets_a_summary_pdf_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(SummaryPdfError) as raised:
        render_pdf("<p>x</p>")
    assert isinstance(raised.value.__cause__, ImportError)
