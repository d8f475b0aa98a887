"""The person's summary links (bot/summary/links.py): signed for one conversation, expiring, and
carrying nothing about their health."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bot.summary.links import SummaryLinks

LINKS = SummaryLinks(secret="s3cret", base_url="https://chat.example.org", lifetime=3600)
NOW = 1_800_000_000.0


def query(url: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_the_payload_has_the_shared_specs_keys_and_three_formats() -> None:
    payload = LINKS.payload("person-1", now=NOW)
    assert set(payload) == {"type", "html", "pdf", "fhir", "expires"} and payload["type"] == "summary"
    assert urlsplit(payload["pdf"]).path == "/summaries/person-1/summary.pdf"
    assert urlsplit(payload["fhir"]).path == "/summaries/person-1/summary.fhir.json"
    assert payload["expires"] == "2027-01-15T09:00:00+00:00"


def test_a_link_is_valid_for_its_conversation_until_it_expires() -> None:
    link = query(LINKS.payload("person-1", now=NOW)["html"])
    assert LINKS.valid("person-1", link["expires"], link["signature"], now=NOW + 3599)
    assert not LINKS.valid("person-1", link["expires"], link["signature"], now=NOW + 3601)
    assert not LINKS.valid("person-2", link["expires"], link["signature"], now=NOW)


def test_an_altered_or_forged_link_fails() -> None:
    link = query(LINKS.payload("person-1", now=NOW)["html"])
    later = str(int(link["expires"]) + 86400)
    assert not LINKS.valid("person-1", later, link["signature"], now=NOW)
    assert not LINKS.valid("person-1", link["expires"], "0" * 64, now=NOW)
    assert not LINKS.valid("person-1", "soon", link["signature"], now=NOW)
    other_secret = SummaryLinks("another", LINKS.base_url, LINKS.lifetime)
    assert not other_secret.valid("person-1", link["expires"], link["signature"], now=NOW)


def test_a_conversation_id_with_odd_characters_stays_one_path_segment() -> None:
    payload = LINKS.payload("slack:T1/C2 x", now=NOW)
    assert "/summaries/slack%3AT1%2FC2%20x/summary.html?" in payload["html"]
