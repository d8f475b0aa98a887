"""Server-issued, unguessable session ids for the chat page (socket.io).

A session id is `socketio:<128 random bits in hex>.<HMAC-SHA256 signature>`;
the part before the dot is the conversation id. The server accepts a session
id a client sends back (to resume after a reload) only when its signature
checks with SESSION_SECRET, and issues a new one otherwise, so nobody can join
or write into another person's chat by naming an id.

The key is the signing secret of bot/signing_secret.py.

No Rasa import.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from bot.channels.senders import SOCKETIO, conversation_id

_CONVERSATION = re.compile(rf"{SOCKETIO}:[0-9a-f]{{32}}")
_SIGNATURE = re.compile(r"[0-9a-f]{64}")


class SessionIds:
    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("a session secret must not be empty")
        self._key = secret.encode()

    def _sign(self, conversation: str) -> str:
        return hmac.new(self._key, conversation.encode(), hashlib.sha256).hexdigest()

    def issue(self) -> str:
        conversation = conversation_id(SOCKETIO, secrets.token_hex(16))
        return f"{conversation}.{self._sign(conversation)}"

    def conversation(self, session_id: object) -> str | None:
        """The conversation id of a session id this server issued, or None for anything else."""
        if not isinstance(session_id, str) or len(session_id) > 200:
            return None
        conversation, _, signature = session_id.rpartition(".")
        if not _CONVERSATION.fullmatch(conversation) or not _SIGNATURE.fullmatch(signature):
            return None
        return conversation if hmac.compare_digest(signature, self._sign(conversation)) else None
