"""Telegram, end to end: `Update` JSON in the Bot API's own format goes to the
webhook of the running Rasa server; the replies are read from what the fake Bot
API received (`sendMessage`, `answerCallbackQuery`, and at start-up `getMe`
and `setWebhook`)."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from typing import Any, Dict, List

import pytest

from bot.channels.telegram import EDITED_NOTE, NOT_TEXT_NOTE, TelegramOutput

pytestmark = pytest.mark.e2e

WEBHOOK = "/webhooks/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_TURNS = 10
_update_ids = itertools.count(random.randint(10_000, 90_000))


def new_chat() -> int:
    return random.randint(10**8, 10**9)


def _message(chat: int, **content: Any) -> Dict[str, Any]:
    return {
        "message_id": next(_update_ids),
        "from": {"id": chat, "is_bot": False, "first_name": "Sam", "language_code": "en"},
        "chat": {"id": chat, "first_name": "Sam", "type": "private"},
        "date": int(time.time()),
        **content,
    }


def text_update(chat: int, text: str) -> Dict[str, Any]:
    return {"update_id": next(_update_ids), "message": _message(chat, text=text)}


def edited_update(chat: int, text: str) -> Dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "edited_message": _message(chat, text=text, edit_date=int(time.time())),
    }


def sticker_update(chat: int) -> Dict[str, Any]:
    sticker = {
        "file_id": "CAACAgIAAxkBAAEB",
        "file_unique_id": "AgADBAAD",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "\U0001f44d",
    }
    return {"update_id": next(_update_ids), "message": _message(chat, sticker=sticker)}


def callback_update(chat: int, data: str) -> Dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": {"id": chat, "is_bot": False, "first_name": "Sam"},
            "message": _message(chat, text="(the question)"),
            "chat_instance": "-123",
            "data": data,
        },
    }


def sent(fake_telegram, chat: int) -> List[Dict[str, Any]]:
    return [
        c.params
        for c in fake_telegram.matching(
            lambda c: c.method == "sendMessage" and str(c.params.get("chat_id")) == str(chat)
        )
    ]


def post(channels, update: Dict[str, Any], secret: str | None = "configured") -> int:
    headers = {"Content-Type": "application/json"}
    if secret == "configured":
        headers[SECRET_HEADER] = channels.stack.settings.telegram.secret_token
    elif secret is not None:
        headers[SECRET_HEADER] = secret
    status, _, _ = channels.post(WEBHOOK, json.dumps(update).encode(), headers)
    return status


def send(channels, fake_telegram, chat: int, update: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Telegram's webhook call returns once the assistant has answered: the replies are already sent."""
    before = len(sent(fake_telegram, chat))
    assert post(channels, update) == 200
    return sent(fake_telegram, chat)[before:]


def keyboard(message: Dict[str, Any]) -> List[Dict[str, str]]:
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def test_start_up_checks_the_bot_and_registers_the_webhook_with_its_secret(channels, fake_telegram) -> None:
    assert fake_telegram.matching(lambda c: c.method == "getMe")
    telegram = channels.stack.settings.telegram
    registered = fake_telegram.matching(lambda c: c.method == "setWebhook")
    assert registered and registered[-1].params["url"] == telegram.webhook_url
    assert registered[-1].params["secret_token"] == telegram.secret_token


@pytest.mark.parametrize("secret", [None, "wrong-secret", ""])
def test_updates_without_the_secret_token_are_refused(channels, fake_telegram, secret) -> None:
    chat = new_chat()
    assert post(channels, text_update(chat, "my feet are numb"), secret=secret) == 401
    assert channels.user_turns(f"telegram:{chat}") == 0
    assert sent(fake_telegram, chat) == []


def test_start_greets(channels, fake_telegram) -> None:
    chat = new_chat()
    replies = send(channels, fake_telegram, chat, text_update(chat, "/start"))
    assert replies and "not a diagnosis" in " ".join(r["text"] for r in replies)


def test_an_edited_message_or_a_sticker_gets_a_note_and_no_turn(channels, fake_telegram) -> None:
    chat = new_chat()
    assert [r["text"] for r in send(channels, fake_telegram, chat, edited_update(chat, "both feet"))] == [
        EDITED_NOTE
    ]
    assert [r["text"] for r in send(channels, fake_telegram, chat, sticker_update(chat))] == [NOT_TEXT_NOTE]
    assert channels.user_turns(f"telegram:{chat}") == 0


def test_the_interview_uses_keyboards_and_button_callbacks_and_ends_in_an_assessment(
    channels, fake_telegram, interview_answers
) -> None:
    chat = new_chat()
    replies = send(channels, fake_telegram, chat, text_update(chat, interview_answers["opening"]))
    tapped = 0
    for _ in range(MAX_TURNS):
        if any(r["text"].startswith("Triage level:") for r in replies):
            break
        slot = channels.tracker(f"telegram:{chat}")["slots"]["requested_slot"]
        assert slot, f"neither a question nor an assessment: {replies}"
        question = replies[-1]
        buttons = keyboard(question)
        assert buttons and all(b["text"] and b["callback_data"] for b in buttons), question
        answer = interview_answers[slot]
        if answer in [b["callback_data"] for b in buttons]:
            answered = len(fake_telegram.matching(lambda c: c.method == "answerCallbackQuery"))
            replies = send(channels, fake_telegram, chat, callback_update(chat, answer))
            assert len(fake_telegram.matching(lambda c: c.method == "answerCallbackQuery")) == answered + 1
            tapped += 1
        else:
            replies = send(channels, fake_telegram, chat, text_update(chat, answer))
    else:
        raise AssertionError("no assessment after the interview")
    assert tapped, "no question was answered with a button"
    level = channels.tracker(f"telegram:{chat}")["slots"]["triage_level"]
    first = next(r["text"] for r in replies if r["text"].startswith("Triage level:"))
    assert (
        first
        == {
            "see_clinician": "Triage level: See a clinician",
            "self_care": "Triage level: Self-care: keep an eye on it",
        }[level]
    )
    assert "not a diagnosis" in " ".join(r["text"] for r in replies)
    assert not any("parse_mode" in r for r in replies)


def test_an_emergency_starts_with_the_emergency_heading(channels, fake_telegram) -> None:
    chat = new_chat()
    replies = send(channels, fake_telegram, chat, text_update(chat, "I can't breathe"))
    assert replies[0]["text"] == "EMERGENCY: call your local emergency number now"
    assert channels.tracker(f"telegram:{chat}")["slots"]["triage_level"] == "emergency"


def test_the_summary_pdf_is_sent_as_a_document(channels, fake_telegram) -> None:
    chat = new_chat()
    send(channels, fake_telegram, chat, text_update(chat, "I can't breathe and my feet are numb"))
    documents = fake_telegram.matching(
        lambda c: c.method == "sendDocument" and str(c.params.get("chat_id")) == str(chat)
    )
    assert len(documents) == 1
    assert documents[0].params["document"].startswith(b"%PDF")
    assert documents[0].params["caption"] == "Summary for your clinician"


def test_text_goes_out_as_it_is_without_a_parse_mode(channels, fake_telegram) -> None:
    """Plain text: Telegram shows <, >, & and Markdown characters as they are, nothing to escape."""
    chat = new_chat()
    text = "Tom & Jerry <b>not bold</b> *not bold either* _nor this_ [no link](javascript:alert(1))"

    async def deliver() -> None:
        channel = TelegramOutput(channels.stack.settings.telegram.token, fake_telegram.url)
        try:
            await channel.send_text_message(f"telegram:{chat}", text)
        finally:
            await channel.session.close()

    asyncio.run(deliver())
    [message] = sent(fake_telegram, chat)
    assert message["text"] == text
    assert "parse_mode" not in message
