"""Rasa's Slack connector, hardened and pointed at a configurable Web API.

On top of Rasa's `SlackInput`:
- a request without a valid signature, or signed more than five minutes ago,
  gets 401 and never reaches the assistant (Rasa answers 400);
- a retry (`X-Slack-Retry-Num`) gets 200 at once and is not processed: the
  first delivery is already being answered, in the background;
- a `url_verification` challenge is answered as Slack documents it;
- replies go to `api_url` (Slack's by default), so tests can use a fake Slack.

Replies are one Slack message each; an assessment or emergency becomes blocks
with the triage level as a header, the text as plain-text sections.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.outages import answering_outages, fail_loudly
from bot.channels.payloads import heading, is_clinical
from bot.settings import SLACK_API_URL

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


def clinical_blocks(payload: Dict[str, Any], text: str) -> List[Dict[str, Any]]:
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
        await self.client.chat_postMessage(channel=self.slack_channel or recipient_id, **kwargs)

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        custom = message.get("custom")
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

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = fail_loudly(super().blueprint(answering_outages(on_new_message)))

        @slack_webhook.middleware("request")
        async def guard(request: Request) -> HTTPResponse | None:
            if not request.path.endswith("/webhook"):
                return None
            if not self.is_request_from_slack_authentic(request):
                return response.text("invalid or expired Slack signature", status=HTTPStatus.UNAUTHORIZED)
            if request.headers.get(self.retry_num_header):
                return response.text("", status=HTTPStatus.OK, headers={"X-Slack-No-Retry": "1"})
            if (request.content_type or "").startswith("application/json"):
                body = request.json if isinstance(request.json, dict) else {}
                if body.get("type") == "url_verification":
                    return response.json({"challenge": str(body.get("challenge", ""))})
            return None

        return slack_webhook
