"""Server-issued, unguessable session ids for the chat page (socket.io).

A session id is `socketio:<128 random bits in hex>.<HMAC-SHA256 signature>`;
the part before the dot is the conversation id. The server accepts a session
id a client sends back (to resume after a reload) only when its signature
checks with SESSION_SECRET, and issues a new one otherwise, so nobody can join
or write into another person's chat by naming an id.

The secret comes from SESSION_SECRET. When it is unset in the embedded profile,
one is generated once into var/session-secret (readable by its owner only) and
reused, so resumed chats survive a restart. The production profile needs the
variable: every replica must sign with the same key.

No Rasa import.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from bot.channels.senders import SOCKETIO, conversation_id
from bot.settings import PROJECT_ROOT, Settings

SECRET_FILE = PROJECT_ROOT / "var" / "session-secret"
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


def session_secret(settings: Settings, secret_file: Path = SECRET_FILE) -> str:
    if settings.session_secret:
        return settings.session_secret
    if settings.profile != "embedded":
        raise SystemExit(
            "error: the production profile needs SESSION_SECRET (the same on every replica) "
            "to sign the chat page's session ids"
        )
    return _stored_secret(secret_file)


def _stored_secret(path: Path) -> str:
    """The secret in `path`, created owner-only and atomically on first use (servers may race)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(32))
    try:
        os.link(temporary, path)  # fails when another server was first: use its secret
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text().strip()
