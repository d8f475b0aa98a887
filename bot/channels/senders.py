"""Conversation ids per channel, so that one channel cannot reach another's conversations.

Slack, Telegram and the chat page (socket.io) file a person's conversation
under `<channel>:<the channel's own id>` (`slack:U012AB3CD`,
`telegram:123456789`, `socketio:<random>`). The REST webhook takes its
sender id from the request body, so it refuses ids of those forms: a REST
client cannot read or write a Slack, Telegram or chat-page conversation by
naming it. (The HTTP API is the operator's interface and reaches every
conversation; outside this machine it needs RASA_AUTH_TOKEN.)

No Rasa import.
"""

from __future__ import annotations

import re

SLACK = "slack"
TELEGRAM = "telegram"
SOCKETIO = "socketio"
RESERVED = (SLACK, TELEGRAM, SOCKETIO)
MAX_SENDER_CHARS = 128
_NOT_IN_AN_ID = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def conversation_id(channel: str, native_id: object) -> str:
    return f"{channel}:{native_id}"


def native_id(channel: str, conversation: str) -> str:
    """The channel's own id (a Slack user, a Telegram chat) from a conversation id of that channel."""
    prefix = f"{channel}:"
    return conversation[len(prefix) :] if conversation.startswith(prefix) else conversation


def rest_sender_problem(sender: object) -> str | None:
    """Why `sender` cannot be a REST sender id, or None when it can."""
    if not isinstance(sender, str):
        return "`sender` must be a string naming the conversation"
    if not sender.strip():
        return "`sender` must not be empty"
    if len(sender) > MAX_SENDER_CHARS:
        return f"`sender` must be at most {MAX_SENDER_CHARS} characters"
    if _NOT_IN_AN_ID.search(sender):
        return "`sender` must not contain control characters"
    prefix = sender.split(":", 1)[0].strip().lower() if ":" in sender else None
    if prefix in RESERVED:
        return f"`sender` ids starting with '{prefix}:' belong to the {prefix} channel"
    return None
