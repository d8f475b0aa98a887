"""What every channel checks in a person's message before the assistant reads it.

One set of rules for REST, socket.io, Slack and Telegram:
- text that is not a string is refused; control characters (except line
  breaks and tabs) and lone surrogates (invalid UTF-8/UTF-16 from JSON escapes)
  are removed;
- an empty or whitespace-only message gets a short reply and never reaches
  the NLU;
- a message longer than MAX_MESSAGE_CHARS gets a reply saying so and never
  reaches the NLU (a megabyte of text would hold the server for a minute);
- the text is never logged unless LOG_MESSAGES is on.

No Rasa import: the rules are plain Python, tested without a server.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from bot.texts import say

logger = logging.getLogger(__name__)

EMPTY_REPLY = say("channels.empty")
NOT_TEXT_REPLY = say("channels.not_text")

# C0 and C1 controls except tab, line feed and carriage return; DEL; lone surrogates.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def too_long_reply(length: int, limit: int) -> str:
    return say("channels.too_long", length=length, limit=limit)


@dataclass(frozen=True)
class Checked:
    """A message after the checks: `text` to hand to the assistant, or `reply` to send instead."""

    text: str | None = None
    reply: str = ""
    reason: str | None = None  # "not_text", "empty", "too_long": for a REST client's error

    @property
    def accepted(self) -> bool:
        return self.text is not None


def clean(text: str) -> str:
    """The text without control characters or lone surrogates."""
    return _UNWANTED.sub("", text)


def check_message(raw: object, limit: int) -> Checked:
    if not isinstance(raw, str):
        return Checked(reply=NOT_TEXT_REPLY, reason="not_text")
    text = clean(raw)
    if not text.strip():
        return Checked(reply=EMPTY_REPLY, reason="empty")
    if len(text) > limit:
        return Checked(reply=too_long_reply(len(text), limit), reason="too_long")
    return Checked(text=text)


def log_message(channel: str, sender_id: str, text: str, enabled: bool) -> None:
    """The one place a message's text may be logged: only with LOG_MESSAGES on."""
    if enabled:
        logger.info("%s message from %s: %r", channel, sender_id, text)
