"""Fixtures of the channel tests: fake Slack and Telegram servers in this
process, and a second assistant (its own Rasa server, action server and chat
page on free ports) whose Slack and Telegram settings point at the fakes.

The fakes record every Web API / Bot API call the assistant makes and answer
the way the real APIs do, closely enough for slack_sdk and aiogram.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import hmac
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple
from urllib.parse import parse_qsl, urlsplit

import pytest
from interview_script import ANSWERS, OPENING

from bot.settings import PROJECT_ROOT, Settings
from scripts.serve import Stack

REPORTS = PROJECT_ROOT / "reports"
SLACK_SIGNING_SECRET = "test-signing-secret"
TELEGRAM_TOKEN = "123456789:TEST-token_for-the-fake-bot-api"
TELEGRAM_BOT_NAME = "numb_feet_test_bot"
TELEGRAM_SECRET = "test-secret-token_123"
TELEGRAM_WEBHOOK = "https://assistant.example.org/webhooks/telegram/webhook"


@dataclass(frozen=True)
class Call:
    method: str
    params: Dict[str, Any]
    headers: Dict[str, str]


@dataclass
class FakeApi:
    """An HTTP server that records calls and answers them with `answer(method, params)`."""

    answer: Callable[[str, Dict[str, Any]], Dict[str, Any]]
    method_of: Callable[[str], str]
    calls: List[Call] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                url = urlsplit(self.path)
                method = fake.method_of(url.path)
                # slack_sdk sends some methods' arguments in the query string (files.getUploadURLExternal).
                params = {
                    **dict(parse_qsl(url.query)),
                    **parse_body(self.headers.get("Content-Type", ""), body),
                }
                with fake.changed:
                    fake.calls.append(Call(method, params, dict(self.headers)))
                    fake.changed.notify_all()
                reply = json.dumps(fake.answer(method, params)).encode()
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_POST  # noqa: N815

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                """Silent."""

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def matching(self, predicate: Callable[[Call], bool]) -> List[Call]:
        with self.changed:
            return [c for c in self.calls if predicate(c)]

    def wait_for(self, predicate: Callable[[List[Call]], bool], timeout: float = 60) -> List[Call]:
        """Waits until `predicate(calls)` holds; returns the calls."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate(self.calls):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out; calls so far: {self.calls}")
                self.changed.wait(remaining)
            return list(self.calls)


def parse_body(content_type: str, body: bytes) -> Dict[str, Any]:
    """JSON (slack_sdk), URL-encoded or multipart form fields (aiogram); JSON-looking fields decoded.
    Anything else (Slack's file upload) is kept as raw bytes under "content"."""
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}")
    if not content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        return {"content": body}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        fields = {
            part.get_param("name", header="content-disposition"): part.get_content()
            for part in message.iter_parts()
        }
    else:
        fields = dict(parse_qsl(body.decode()))
    return {key: _maybe_json(value) for key, value in fields.items()}


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def slack_answer(method: str, params: Dict[str, Any], base_url: str = "") -> Dict[str, Any]:
    """Slack's Web API answers; a file upload goes to `base_url`'s /upload/file (method "file")."""
    if method == "files.getUploadURLExternal":
        return {"ok": True, "file_id": "F0SUMMARY", "upload_url": f"{base_url}/upload/file"}
    if method == "files.completeUploadExternal":
        return {"ok": True, "files": [{"id": "F0SUMMARY", "title": "Summary for your clinician"}]}
    if method == "chat.postMessage":
        ts = f"{time.time():.6f}"
        return {
            "ok": True,
            "channel": params.get("channel"),
            "ts": ts,
            "message": {"text": params.get("text")},
        }
    return {"ok": True}


def telegram_answer(method: str, params: Dict[str, Any]) -> Dict[str, Any]:
    if method == "getMe":
        return {
            "ok": True,
            "result": {"id": 123456789, "is_bot": True, "first_name": "Feet", "username": TELEGRAM_BOT_NAME},
        }
    if method in ("sendMessage", "sendDocument"):
        chat_id = int(params.get("chat_id", 0))
        message = {
            "message_id": int(time.time() * 1000) % 2**31,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
        }
        if method == "sendDocument":
            message["document"] = {"file_id": "BQACAgSummary", "file_unique_id": "summary1"}
        else:
            message["text"] = params.get("text", "")
        return {"ok": True, "result": message}
    return {"ok": True, "result": True}


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeApi]:
    fake = FakeApi(
        lambda method, params: slack_answer(method, params, fake.url), lambda path: path.rsplit("/", 1)[-1]
    )
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakeApi]:
    fake = FakeApi(telegram_answer, lambda path: path.rsplit("/", 1)[-1])
    fake.start()
    yield fake
    fake.stop()


@dataclass
class ChannelStack:
    """The second assistant, with Slack, Telegram and the chat page on."""

    stack: Stack

    @property
    def rasa_url(self) -> str:
        return self.stack.rasa_url

    @property
    def page_url(self) -> str:
        return self.stack.page_url

    def post(self, path: str, body: bytes, headers: Dict[str, str]) -> Tuple[int, Dict[str, str], bytes]:
        request = urllib.request.Request(f"{self.rasa_url}{path}", data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def tracker(self, sender_id: str) -> Dict[str, Any]:
        with urllib.request.urlopen(
            f"{self.rasa_url}/conversations/{sender_id}/tracker", timeout=30
        ) as response:
            return json.loads(response.read())

    def user_turns(self, sender_id: str) -> int:
        return sum(1 for event in self.tracker(sender_id)["events"] if event["event"] == "user")


@pytest.fixture(scope="session")
def channels(
    model_path: Path, tmp_path_factory: pytest.TempPathFactory, fake_slack: FakeApi, fake_telegram: FakeApi
) -> Iterator[ChannelStack]:
    env = {
        "SLACK_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "SLACK_API_URL": f"{fake_slack.url}/api/",
        "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_BOT_NAME": TELEGRAM_BOT_NAME,
        "TELEGRAM_WEBHOOK_URL": TELEGRAM_WEBHOOK,
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
        "TELEGRAM_API_URL": fake_telegram.url,
        # Loading the model takes minutes when other trainings or servers share the two cores.
        "STARTUP_TIMEOUT": os.environ.get("STARTUP_TIMEOUT", "600"),
    }
    action_port = free_port()
    settings = replace(
        Settings.from_env(env),
        rasa_port=free_port(),
        action_port=action_port,
        action_server_url=f"http://127.0.0.1:{action_port}/webhook",
        web_port=free_port(),
        tracker_db=tmp_path_factory.mktemp("channels") / "tracker.db",
        model_dir=model_path,
    )
    stack = Stack(settings, log_dir=REPORTS / "logs" / "channels", serve_page=True)
    stack.start()
    try:
        yield ChannelStack(stack)
    finally:
        stack.stop()


def slack_headers(
    body: bytes,
    timestamp: int | None = None,
    secret: str = SLACK_SIGNING_SECRET,
    content_type: str = "application/json",
) -> Dict[str, str]:
    """The headers Slack sends: `v0=` HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": f"v0={digest}",
    }


@pytest.fixture(scope="session")
def sign_slack() -> Callable[..., Dict[str, str]]:
    return slack_headers


@pytest.fixture(scope="session")
def interview_answers() -> Dict[str, str]:
    return dict(ANSWERS, opening=OPENING)
