"""A client of the cluster over REST and the HTTP API."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple


@dataclass
class Reply:
    status: int
    messages: List[Dict[str, Any]]

    @property
    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.messages)


class Client:
    """REST and the HTTP API of one base URL (nginx or one replica)."""

    def __init__(self, base: str) -> None:
        self.base = base

    def request(self, method: str, path: str, body: Any = None, timeout: float = 300) -> Tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base}{path}", data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, None

    def send(self, sender: str, text: str, metadata: Dict[str, Any] | None = None) -> Reply:
        body: Dict[str, Any] = {"sender": sender, "message": text}
        if metadata is not None:
            body["metadata"] = metadata
        status, messages = self.request("POST", "/webhooks/rest/webhook", body)
        return Reply(status, messages or [])

    def tracker(self, sender: str) -> Dict[str, Any]:
        status, tracker = self.request("GET", f"/conversations/{sender}/tracker")
        assert status == 200, f"GET tracker answered {status}"
        return tracker


def new_sender(kind: str) -> str:
    return f"cluster-{kind}-{uuid.uuid4().hex[:10]}"
