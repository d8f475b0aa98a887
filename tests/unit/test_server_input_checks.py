"""The Rasa server's input checks and log redaction (bot/channels/http_api.py,
bot/channels/log_privacy.py), without a server: bodies that would make Rasa's
HTTP API fail are refused, good ones pass, and logs lose their message text."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.shared.core.domain import Domain

from bot.channels import http_api, log_privacy
from bot.settings import Settings

DOMAIN = Domain.from_yaml(
    """
    version: "3.1"
    intents: [greet]
    slots:
      onset:
        type: text
        mappings: [{type: custom}]
    responses:
      utter_greet: [{text: "Hi"}]
    """
)
SETTINGS = Settings.from_env({})


def request(body: Any) -> SimpleNamespace:
    return SimpleNamespace(
        app=SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(domain=DOMAIN))), parsed_json=body
    )


@pytest.mark.parametrize(
    ("check", "body"),
    [
        (http_api.check_parse, []),
        (http_api.check_parse, {"text": 5}),
        (http_api.check_parse, {"text": " "}),
        (http_api.check_parse, {"text": "x" * 2001}),
        (http_api.check_messages, {"text": "hi", "sender": "bot"}),
        (http_api.check_messages, {"text": "hi", "sender": "user", "parse_data": {"intent": {"name": 1}}}),
        (http_api.check_append_events, {"event": "user"}),
        (http_api.check_append_events, {"event": "action"}),
        (http_api.check_append_events, {"event": "user", "text": "hi", "parse_data": "x"}),
        (http_api.check_append_events, []),
        (http_api.check_append_events, {"event": "active_loop", "name": []}),
        (http_api.check_append_events, {"event": "slot", "name": "onset", "value": "x", "timestamp": "now"}),
        (http_api.check_event_list, {"event": "restart"}),
        (http_api.check_execute, {"name": "action_nope"}),
        (http_api.check_execute, {"name": "utter_greet", "confidence": True}),
        (http_api.check_trigger_intent, {"name": "greet", "entities": "x"}),
        (http_api.check_trigger_intent, {"name": ""}),
        (http_api.check_load_model, {"model_file": 1}),
    ],
)
def test_bodies_that_would_fail_inside_rasa_are_refused(check, body: Any) -> None:
    with pytest.raises(http_api.BadInput) as refused:
        check(request(body), body, SETTINGS)
    assert refused.value.status in (400, 404) and refused.value.message


@pytest.mark.parametrize(
    ("check", "body"),
    [
        (http_api.check_parse, {"text": "my feet are numb"}),
        (http_api.check_messages, {"text": "hi", "sender": "user"}),
        (http_api.check_append_events, {"event": "slot", "name": "onset", "value": "suddenly"}),
        (
            http_api.check_append_events,
            [{"event": "restart"}, {"event": "user", "text": "hi", "parse_data": {}}],
        ),
        (http_api.check_event_list, [{"event": "action", "name": "action_listen"}]),
        (http_api.check_execute, {"name": "utter_greet", "policy": "x", "confidence": 1}),
        (http_api.check_trigger_intent, {"name": "greet", "entities": {"body_part": "toes"}}),
    ],
)
def test_good_bodies_pass(check, body: Any) -> None:
    check(request(body), body, SETTINGS)


def test_the_checked_text_replaces_the_raw_one() -> None:
    body = {"text": "my\x00 feet"}
    checked = request(body)
    http_api.check_parse(checked, body, SETTINGS)
    assert checked.parsed_json == {"text": "my feet"}


def test_structured_log_events_lose_their_personal_fields() -> None:
    event = {
        "event": "rest.message.received.failure",
        "text": "my feet are numb",
        "rasa_event": {"text": "x"},
    }
    assert log_privacy.redact(None, "error", dict(event)) == {
        "event": "rest.message.received.failure",
        "text": log_privacy.REDACTED,
        "rasa_event": log_privacy.REDACTED,
    }


def test_debug_records_are_dropped() -> None:
    keep = log_privacy.NoDebugRecords()
    record = logging.LogRecord(
        "rasa.core.processor", logging.DEBUG, __file__, 1, "Received user message 'x'", (), None
    )
    assert not keep.filter(record)
    record.levelno = logging.INFO
    assert keep.filter(record)


def test_the_rest_token_is_checked_exactly() -> None:
    from bot.channels.rest import _authorized

    def with_header(value: str | None) -> SimpleNamespace:
        return SimpleNamespace(headers={} if value is None else {"Authorization": value})

    assert _authorized(with_header("Bearer s3cret"), "s3cret")
    for wrong in (None, "", "s3cret", "Bearer s3cre", "Bearer s3cret ", "bearer s3cret", "Bearer \u00e9"):
        assert not _authorized(with_header(wrong), "s3cret"), wrong
