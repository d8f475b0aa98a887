"""The summary for the clinician end to end (issue 19): offered after an assessment or an emergency and
when asked for, opened by its signed links without the API token, and gone with "delete my data"."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
import uuid
from dataclasses import replace
from typing import Any, Dict, List, Tuple
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from fhir.resources.bundle import Bundle
from pypdf import PdfReader

from bot.knowledge import load_knowledge_base
from bot.runtime.forget_me import FORGOTTEN
from bot.summary.links import summary_links

pytestmark = pytest.mark.e2e

DESCRIPTION = (
    "both my feet have been numb and tingling for about a year, it came on gradually and is slowly "
    "getting worse, I'm type 2 diabetic and I don't drink"
)


def sender() -> str:
    """A conversation id with a colon, as the chat page's, Slack's and Telegram's have."""
    return f"e2e-summary:{uuid.uuid4().hex[:12]}"


def fetch(url: str) -> Tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def summary_payload(messages: List[Dict[str, Any]]) -> Dict[str, Any]:
    found = [
        m["custom"]
        for m in messages
        if isinstance(m.get("custom"), dict) and m["custom"]["type"] == "summary"
    ]
    assert len(found) == 1, messages
    return found[0]


def assessed(assistant) -> Tuple[str, Dict[str, Any]]:
    """A conversation through to its assessment, and the summary payload that came with it."""
    me = sender()
    assistant.send(me, DESCRIPTION)
    reply = assistant.send(me, "no, none of those")
    assert any((m.get("custom") or {}).get("type") == "assessment" for m in reply), reply
    return me, summary_payload(reply)


@pytest.fixture(scope="module")
def conversation(assistant) -> Tuple[str, Dict[str, Any]]:
    return assessed(assistant)


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_the_assessment_comes_with_the_summary_links_of_the_shared_spec(conversation) -> None:
    me, payload = conversation
    assert set(payload) == {"type", "html", "pdf", "fhir", "expires"}
    assert all(f"/summaries/{quote(me, safe='')}/" in payload[kind] for kind in ("html", "pdf", "fhir"))
    assert "diabet" not in json.dumps(payload).lower()  # links carry no health data


def test_the_page_holds_the_findings_the_denials_and_the_disclaimer_without_the_token(conversation) -> None:
    _, payload = conversation
    status, content_type, body = fetch(payload["html"])
    page = body.decode()
    assert status == 200 and content_type.startswith("text/html")
    assert "numb" in page and "diabet" in page and "drink" in page
    assert load_knowledge_base().disclaimer in page and "not a diagnosis" in page


def test_the_pdf_text_holds_the_findings_the_denials_and_the_disclaimer(conversation) -> None:
    _, payload = conversation
    status, content_type, body = fetch(payload["pdf"])
    assert status == 200 and content_type == "application/pdf"
    text = " ".join(pdf_text(body).split())
    assert "tingling" in text and "diabetic" in text and "drink" in text
    assert "not a diagnosis" in text
    assert text.index("tingling") < text.index("not a diagnosis")


def test_the_fhir_bundle_validates_and_holds_an_observation_per_finding(conversation) -> None:
    _, payload = conversation
    status, content_type, body = fetch(payload["fhir"])
    assert status == 200 and content_type.startswith("application/fhir+json")
    bundle = Bundle.parse_obj(json.loads(body))
    kinds = [entry.resource.resource_type for entry in bundle.entry]
    assert bundle.type == "collection" and "QuestionnaireResponse" in kinds
    observations = [e.resource for e in bundle.entry if e.resource.resource_type == "Observation"]
    assert {o.valueBoolean for o in observations} == {True, False}  # present and denied


def test_asking_for_a_summary_gives_the_links_not_the_assessment_again(assistant, conversation) -> None:
    me, _ = conversation
    reply = assistant.send(me, "can you give me a summary I can show my doctor?")
    assert (
        summary_payload(reply)["html"].split("?")[0].endswith(f"/summaries/{quote(me, safe='')}/summary.html")
    )
    assert not any((m.get("custom") or {}).get("type") == "assessment" for m in reply)


def test_a_summary_before_any_symptom_says_there_is_nothing_yet(assistant) -> None:
    me = sender()
    assistant.send(me, "hello")
    payload = summary_payload(assistant.send(me, "I'd like a report to print for my GP"))
    status, _, body = fetch(payload["html"])
    assert status == 200 and load_knowledge_base().summary_nothing_yet in body.decode()


def test_an_emergency_comes_with_a_summary_headed_by_the_emergency_advice(assistant) -> None:
    me = sender()
    payload = summary_payload(assistant.send(me, "I can't breathe and my feet are numb"))
    page = fetch(payload["html"])[2].decode()
    assert page.index("emergency") < page.index("Presenting complaint")


def test_forged_altered_expired_and_other_conversations_links_are_refused(assistant, conversation) -> None:
    me, payload = conversation
    url = urlsplit(payload["html"])
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    base = f"{url.scheme}://{url.netloc}"

    def status(conversation_id: str, **changes: str) -> int:
        return fetch(f"{base}/summaries/{conversation_id}/summary.html?{urlencode({**query, **changes})}")[0]

    assert status(me) == 200
    assert status(me, signature="0" * 64) == 403
    assert status(me, expires=str(int(query["expires"]) + 3600)) == 403
    assert status(sender()) == 403
    expired = replace(summary_links(assistant.stack.settings), lifetime=-60).payload(me)
    assert fetch(expired["pdf"])[0] == 403
    assert fetch(f"{base}/summaries/{me}/summary.pdf")[0] == 403


def test_the_operator_api_gives_each_format_and_404_for_an_unknown_conversation(
    assistant, conversation
) -> None:
    me, _ = conversation
    for name, content_type in (
        ("summary.html", "text/html"),
        ("summary.pdf", "application/pdf"),
        ("summary.fhir.json", "application/fhir+json"),
    ):
        status, got, _ = fetch(f"{assistant.base}/conversations/{me}/{name}")
        assert status == 200 and got.startswith(content_type)
    status, content_type, body = fetch(f"{assistant.base}/conversations/{sender()}/summary.fhir.json")
    assert status == 404 and content_type.startswith("application/json") and json.loads(body)["code"] == 404


def test_after_delete_my_data_the_links_give_404(assistant) -> None:
    me, payload = assessed(assistant)
    assistant.send(me, "please delete my data")
    assert [m.get("text") for m in assistant.send(me, "/affirm")] == [FORGOTTEN]
    assert fetch(payload["html"])[0] == 404
    assert fetch(payload["fhir"])[0] == 404
