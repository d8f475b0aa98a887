"""The person's links to their summary: signed, bound to one conversation, expiring.

The person opens their summary without the HTTP API's token, so each link
carries its own proof: an HMAC-SHA256, with the session secret (the one that
signs the chat page's session ids), of the conversation id and the time the
link expires. A link says nothing about the person's health; a forged or
altered signature, an expired time or another conversation's id fails the
check. The three formats of one conversation share the signature.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Dict
from urllib.parse import quote, urlencode

from bot.settings import Settings
from bot.signing_secret import session_secret

#: A format's file name in the links and the HTTP API.
FORMATS = {"html": "summary.html", "pdf": "summary.pdf", "fhir": "summary.fhir.json"}
#: Where the person's links point (no token); the HTTP API's own is under /conversations/.
PERSON_PATH = "/summaries"


@dataclass(frozen=True)
class SummaryLinks:
    secret: str
    base_url: str
    lifetime: float

    def payload(self, conversation_id: str, now: float | None = None) -> Dict[str, str]:
        """The shared spec's `summary` payload: a link per format and when they expire."""
        expires = int((time.time() if now is None else now) + self.lifetime)
        query = urlencode({"expires": expires, "signature": self.signature(conversation_id, expires)})
        base = f"{self.base_url}{PERSON_PATH}/{quote(conversation_id, safe='')}"
        return {
            "type": "summary",
            **{kind: f"{base}/{name}?{query}" for kind, name in FORMATS.items()},
            "expires": datetime.fromtimestamp(expires, timezone.utc).isoformat(timespec="seconds"),
        }

    def signature(self, conversation_id: str, expires: int) -> str:
        message = f"summary\n{conversation_id}\n{expires}".encode()
        return hmac.new(self.secret.encode(), message, hashlib.sha256).hexdigest()

    def valid(self, conversation_id: str, expires: str, signature: str, now: float | None = None) -> bool:
        """Whether a link's expiry and signature are this conversation's, and it has not expired."""
        if not expires.isdigit() or int(expires) < (time.time() if now is None else now):
            return False
        return hmac.compare_digest(signature.encode(), self.signature(conversation_id, int(expires)).encode())


def summary_links(settings: Settings) -> SummaryLinks:
    """The links of this deployment: the Rasa server and the action server make the same ones."""
    return SummaryLinks(session_secret(settings), settings.summary_base_url, settings.summary_link_ttl)
