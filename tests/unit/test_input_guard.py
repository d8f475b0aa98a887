"""The input rules every channel applies (bot/channels/guard.py), the per-channel
conversation ids (bot/channels/senders.py) and the chat page's signed session
ids (bot/channels/session_ids.py), without a server."""

from __future__ import annotations

import stat

import pytest

from bot.channels.guard import EMPTY_REPLY, NOT_TEXT_REPLY, check_message, clean
from bot.channels.senders import native_id, rest_sender_problem
from bot.channels.session_ids import SessionIds
from bot.settings import Settings
from bot.signing_secret import session_secret

LIMIT = 2000


@pytest.mark.parametrize("raw", ["", " ", "\n\t  \r\n", "\x00\x01\x7f", "\u0085\x9b"])
def test_empty_whitespace_or_control_only_text_gets_the_empty_reply(raw: str) -> None:
    checked = check_message(raw, LIMIT)
    assert not checked.accepted and checked.reply == EMPTY_REPLY and checked.reason == "empty"


@pytest.mark.parametrize("raw", [None, 3, 1.5, True, ["my feet"], {"text": "my feet"}])
def test_anything_but_a_string_is_refused(raw: object) -> None:
    checked = check_message(raw, LIMIT)
    assert not checked.accepted and checked.reply == NOT_TEXT_REPLY and checked.reason == "not_text"


def test_a_message_over_the_limit_is_refused_with_a_reply_that_names_the_limit() -> None:
    checked = check_message("a" * (LIMIT + 1), LIMIT)
    assert not checked.accepted and checked.reason == "too_long"
    assert "too long" in checked.reply and "2,000" in checked.reply and "2,001" in checked.reply
    assert check_message("a" * LIMIT, LIMIT).text == "a" * LIMIT


def test_a_megabyte_is_refused_without_being_kept() -> None:
    checked = check_message("numb " * 200_000, LIMIT)
    assert checked.reason == "too_long" and checked.text is None and len(checked.reply) < 300


def test_control_characters_and_lone_surrogates_are_removed_but_text_and_line_breaks_stay() -> None:
    raw = "my\x00 feet\x1b[31m are\ud800 numb\x07\nsince\tMay \u200d\U0001f9b6\U0001f3fd"
    checked = check_message(raw, LIMIT)
    assert checked.text == "my feet[31m are numb\nsince\tMay \u200d\U0001f9b6\U0001f3fd"
    checked.text.encode("utf-8")  # storable: no surrogates left


@pytest.mark.parametrize(
    "raw",
    [
        "\U0001f9b6\U0001f9b6",
        "<script>alert(1)</script> my feet",
        "'; DROP TABLE events; --",
        "Robert'); SELECT * FROM events WHERE '1'='1",
        "/greet",
    ],
)
def test_emoji_markup_and_sql_looking_text_pass_unchanged(raw: str) -> None:
    assert check_message(raw, LIMIT).text == raw


def test_clean_keeps_ordinary_unicode() -> None:
    assert clean("Füße taub, ça picote, 足がしびれる") == "Füße taub, ça picote, 足がしびれる"


@pytest.mark.parametrize("sender", ["me", "e2e-0123abcd", "user@example.org", "42", "a" * 128, "rest:me"])
def test_ordinary_rest_senders_are_accepted(sender: str) -> None:
    assert rest_sender_problem(sender) is None


@pytest.mark.parametrize(
    "sender",
    [None, 42, ["me"], {"id": "me"}, "", "   ", "a" * 129, "me\x00", "line\nbreak"],
)
def test_missing_or_malformed_rest_senders_are_refused(sender: object) -> None:
    assert rest_sender_problem(sender)


@pytest.mark.parametrize(
    "sender", ["slack:U012AB3CD", "telegram:123456789", "socketio:" + "0" * 32, "Slack:U1", " telegram:1"]
)
def test_rest_cannot_name_another_channels_conversation(sender: str) -> None:
    problem = rest_sender_problem(sender)
    assert problem and "belong to the" in problem


def test_native_ids_come_back_from_conversation_ids() -> None:
    assert native_id("telegram", "telegram:123") == "123"
    assert native_id("slack", "slack:U1") == "U1"
    assert native_id("slack", "U1") == "U1"


def test_issued_session_ids_verify_and_name_an_unguessable_conversation() -> None:
    ids = SessionIds("secret-one")
    first, second = ids.issue(), ids.issue()
    assert first != second
    conversation = ids.conversation(first)
    assert conversation is not None and first.startswith(conversation + ".")
    assert conversation.startswith("socketio:") and len(conversation) == len("socketio:") + 32


def test_session_ids_from_elsewhere_are_not_accepted() -> None:
    ids = SessionIds("secret-one")
    issued = ids.issue()
    conversation, _, signature = issued.rpartition(".")
    forged = [
        None,
        42,
        "",
        "my-own-session",
        "0123456789abcdef0123456789abcdef",  # Rasa's own (unsigned) form
        conversation,
        f"{conversation}.{'0' * 64}",
        f"socketio:{'f' * 32}.{signature}",
        issued + "0",
        issued.upper(),
        SessionIds("another-secret").issue(),
        issued + "." + signature,
    ]
    for session_id in forged:
        assert ids.conversation(session_id) is None, session_id


def test_a_generated_secret_is_private_and_reused(tmp_path) -> None:
    path = tmp_path / "var" / "session-secret"
    settings = Settings.from_env({})
    first = session_secret(settings, path)
    assert len(first) >= 32 and session_secret(settings, path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(path.parent.iterdir()) == [path]


def test_the_environment_secret_wins_and_production_needs_one(tmp_path) -> None:
    path = tmp_path / "session-secret"
    assert session_secret(Settings.from_env({"SESSION_SECRET": "from-env"}), path) == "from-env"
    assert not path.exists()
    production = Settings.from_env(
        {"ASSISTANT_PROFILE": "production", "REDIS_URL": "redis://r:6379/1", "DB_URL": "postgresql://h/db"}
    )
    with pytest.raises(SystemExit, match="SESSION_SECRET"):
        session_secret(production, path)


def test_input_settings_defaults_and_mistakes() -> None:
    settings = Settings.from_env({})
    assert settings.max_message_chars == 2000 and settings.log_messages is False
    assert settings.session_secret is None and settings.rest_token is None
    assert Settings.from_env({"LOG_MESSAGES": "true", "MAX_MESSAGE_CHARS": "500"}).log_messages
    with pytest.raises(SystemExit, match="MAX_MESSAGE_CHARS"):
        Settings.from_env({"MAX_MESSAGE_CHARS": "0"})
    with pytest.raises(SystemExit, match="LOG_MESSAGES"):
        Settings.from_env({"LOG_MESSAGES": "maybe"})
    assert "secret" not in repr(Settings.from_env({"SESSION_SECRET": "secret", "REST_TOKEN": "secret"}))
