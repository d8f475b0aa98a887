"""Rasa's Slack connector, hardened and pointed at a configurable Web API.

On top of Rasa's `SlackInput`:
- a request without a valid signature, or signed more than five minutes ago,
  gets 401 and never reaches the assistant (Rasa answers 400);
- a retry (`X-Slack-Retry-Num`) gets 200 at once and is not processed: the
  first delivery is already being answered, in the background;
- a `url_verification` challenge is answered as Slack documents it;
- a signed body that is not a Slack event or interaction gets 400 with a JSON
  error, one that is not a person's message 200, never a server error; every
  message passes the guard (bot/channels/guard.py);
- a person's conversation is `slack:<user id>` (bot/channels/senders.py);
- replies go to `api_url` (Slack's by default), so tests can use a fake Slack.

Replies are one Slack message each; an assessment or emergency becomes blocks
with the triage level as a header, the text as plain-text sections.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Dict, List, Mapping, Tuple, TypeGuard
from urllib.parse import parse_qs

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel
from rasa.core.channels.slack import SlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.hardening import Intake, webhook_blueprint
from bot.channels.http_errors import json_error, json_object_or_error
from bot.channels.outages import Handler
from bot.channels.payloads import SUMMARY_FILE_NAME, heading, is_clinical, is_summary
from bot.channels.senders import SLACK, conversation_id, native_id
from bot.settings import SLACK_API_URL
from bot.summary.service import summary_pdf
from bot.texts import say

logger = logging.getLogger(__name__)
_SLACK_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")

SECTION_LIMIT = 3000  # characters in one section block
HEADER_LIMIT = 150
MAX_BLOCKS = 50
MAX_BUTTONS = 25


def escape(text: str) -> str:
    """Slack reads &, < and > in message text as markup: these three must be escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str) -> Dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def text_sections(text: str) -> List[Dict[str, Any]]:
    sections = []
    for paragraph in (p.strip() for p in text.split("\n\n")):
        for start in range(0, len(paragraph), SECTION_LIMIT):
            sections.append({"type": "section", "text": plain(paragraph[start : start + SECTION_LIMIT])})
    return sections


def clinical_blocks(payload: Mapping[str, Any], text: str) -> List[Dict[str, Any]]:
    body = text or str(payload.get("advice") or "")
    return [{"type": "header", "text": plain(heading(payload)[:HEADER_LIMIT])}, *text_sections(body)][
        :MAX_BLOCKS
    ]


class SlackOutput(SlackBot):
    def __init__(
        self,
        token: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        proxy: str | None = None,
        api_url: str = SLACK_API_URL,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, proxy=proxy, base_url=api_url)

    async def _post(self, recipient_id: str, **kwargs: Any) -> None:
        if self.thread_id:
            kwargs["thread_ts"] = self.thread_id
        channel = self.slack_channel or native_id(SLACK, recipient_id)
        await self.client.chat_postMessage(channel=channel, **kwargs)

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        custom = message.get("custom")
        if is_summary(custom):
            await self.send_text_message(recipient_id, message.get("text") or "")
            await self.send_summary(recipient_id)
            return
        if is_clinical(custom) and not message.get("buttons"):
            text = message.get("text") or ""
            await self._post(
                recipient_id,
                text=escape(f"{heading(custom)}\n\n{text}".strip()),
                blocks=clinical_blocks(custom, text),
            )
            return
        await super().send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._post(recipient_id, text=escape(text.strip()))

    async def send_summary(self, recipient_id: str) -> None:
        """The summary's PDF, uploaded into the person's conversation (files.getUploadURLExternal,
        the upload, files.completeUploadExternal); when it cannot be made, the links already sent stay."""
        pdf = await summary_pdf(recipient_id)
        if pdf is None:
            return
        channel = self.slack_channel or native_id(SLACK, recipient_id)
        try:
            await self.client.files_upload_v2(
                channel=channel,
                content=pdf,
                filename=SUMMARY_FILE_NAME,
                title=say("channels.summary_title"),
                thread_ts=self.thread_id,
            )
        except (SlackClientError, aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("the summary PDF could not be uploaded to Slack: %s", type(error).__name__)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        actions = {
            "type": "actions",
            "elements": [
                {"type": "button", "text": plain(b["title"][:75]), "value": b["payload"]}
                for b in buttons[:MAX_BUTTONS]
            ],
        }
        await self._post(recipient_id, text=escape(text), blocks=[*text_sections(text), actions])

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        if is_clinical(json_message):
            await self._post(
                recipient_id, text=escape(heading(json_message)), blocks=clinical_blocks(json_message, "")
            )
        else:
            await super().send_custom_json(recipient_id, json_message, **kwargs)


class SlackInput(RasaSlackInput):
    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials  # for mypy: Rasa's raise_missing_credentials_exception never returns
        return cls(
            credentials.get("slack_token"),
            credentials.get("slack_channel"),
            credentials.get("proxy"),
            slack_signing_secret=credentials.get("slack_signing_secret", ""),
            use_threads=credentials.get("use_threads", False),
            conversation_granularity=credentials.get("conversation_granularity", "sender"),
            api_url=credentials.get("api_url") or SLACK_API_URL,
        )

    def __init__(self, *args: Any, api_url: str = SLACK_API_URL, **kwargs: Any) -> None:
        kwargs.setdefault("slack_retry_number_header", "x-slack-retry-num")
        kwargs.setdefault("slack_retry_reason_header", "x-slack-retry-reason")
        super().__init__(*args, **kwargs)
        self.api_url = api_url

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> OutputChannel:
        return SlackOutput(
            self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url
        )

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        intake = Intake(self.name(), on_new_message, logger, "a Slack message")
        slack_webhook = webhook_blueprint("slack_webhook", __name__)

        @slack_webhook.route("/webhook", methods=["GET", "POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.is_request_from_slack_authentic(request):
                return response.text("invalid or expired Slack signature", status=HTTPStatus.UNAUTHORIZED)
            if request.headers.get(self.retry_num_header):
                return response.text("", status=HTTPStatus.OK, headers={"X-Slack-No-Retry": "1"})
            content_type = (request.content_type or "").split(";")[0].strip().lower()
            if content_type == "application/json":
                body = json_object_or_error(request)
                if isinstance(body, HTTPResponse):
                    return body
                if body.get("type") == "url_verification":
                    return response.json({"challenge": str(body.get("challenge", ""))})
                turn = self._event_turn(body)
            elif content_type == "application/x-www-form-urlencoded":
                payload, problem = _form_payload(request)
                if payload is None:
                    return json_error(HTTPStatus.BAD_REQUEST, problem)
                turn = self._interaction_turn(payload)
            else:
                return json_error(
                    HTTPStatus.BAD_REQUEST, "expected a Slack event (JSON) or interaction (form)"
                )
            if turn is None:
                return response.text("not a message for the assistant")
            self._start(turn, intake)
            return response.text("")

        return slack_webhook

    def _event_turn(self, body: Dict[str, Any]) -> SlackTurn | None:
        """A person's message from an Events API callback, or None for anything else."""
        event = body.get("event")
        if (
            not isinstance(event, dict)
            or event.get("bot_id")
            or event.get("type") not in ("message", "app_mention")
        ):
            return None
        user, text, channel = event.get("user"), event.get("text"), event.get("channel")
        if not _slack_id(user) or not isinstance(text, str) or not _slack_id(channel):
            return None
        if not (
            event.get("type") == "app_mention"
            or event.get("channel_type") == "im"
            or channel == self.slack_channel
        ):
            return None
        authorizations = body.get("authorizations")
        bot_users = [
            a["user_id"]
            for a in (authorizations if isinstance(authorizations, list) else [])[:1]
            if isinstance(a, dict) and _slack_id(a.get("user_id"))
        ]
        thread = event.get("thread_ts") or event.get("ts")
        return SlackTurn(
            text=self._sanitize_user_message(text, bot_users),
            user=user,
            channel=channel,
            thread=thread if isinstance(thread, str) else None,
            bot_users=bot_users,
        )

    def _interaction_turn(self, payload: Dict[str, Any]) -> SlackTurn | None:
        """A button (or other supported element) a person chose, or None for anything else."""
        actions, user, channel = payload.get("actions"), payload.get("user"), payload.get("channel")
        if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
            return None
        user_id = user.get("id") if isinstance(user, dict) else None
        channel_id = channel.get("id") if isinstance(channel, dict) else None
        if not _slack_id(user_id) or (channel_id is not None and not _slack_id(channel_id)):
            return None
        try:
            value = (
                self._get_interactive_response(actions[0]) if self._is_interactive_message(payload) else None
            )
        except (AttributeError, IndexError, KeyError, TypeError):
            return None
        message = payload.get("message")
        thread = (message.get("thread_ts") or message.get("ts")) if isinstance(message, dict) else None
        if not isinstance(value, str):
            return None
        return SlackTurn(
            text=value,
            user=user_id,
            channel=channel_id,
            thread=thread if isinstance(thread, str) else None,
            bot_users=[user_id],
        )

    def _start(self, turn: SlackTurn, intake: Intake) -> None:
        """Answers in the background: Slack wants its 200 within three seconds."""
        output = self.get_output_channel(turn.channel, turn.thread if self.use_threads else None)
        sender_id = conversation_id(SLACK, self._get_conversation_id(turn.user, turn.channel, turn.thread))
        checked = intake.check(turn.text, sender_id)
        if checked.text is not None:
            metadata = {"out_channel": turn.channel, "thread_id": turn.thread, "users": turn.bot_users}
            work = intake.take_in(checked.text, output, sender_id, metadata)
        else:
            work = output.send_text_message(sender_id, checked.reply)
        task = asyncio.create_task(intake.attempt(work))
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)


@dataclass(frozen=True)
class SlackTurn:
    text: str
    user: str
    channel: str | None
    thread: str | None
    bot_users: List[str]


def _slack_id(value: Any) -> TypeGuard[str]:
    """Slack ids (users, channels) are short runs of letters and digits."""
    return isinstance(value, str) and bool(_SLACK_ID.fullmatch(value))


def _form_payload(request: Request) -> Tuple[Dict[str, Any] | None, str]:
    try:
        raw = parse_qs(request.body.decode("utf-8"), strict_parsing=False).get("payload")
    except UnicodeDecodeError:
        return None, "the form is not valid UTF-8"
    if not raw:
        return None, "an interaction needs a `payload` field"
    try:
        payload = json.loads(raw[0])
    except ValueError:
        return None, "the interaction `payload` is not valid JSON"
    if not isinstance(payload, dict):
        return None, "the interaction `payload` must be a JSON object"
    return payload, ""
