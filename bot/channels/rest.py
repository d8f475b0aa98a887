"""The REST webhook: Rasa's REST channel with its input checked, answering store outages.

`POST /webhooks/rest/webhook` with `{"sender": "...", "message": "..."}`:
- a body that is not a JSON object, a missing or malformed `sender` (or one
  of another channel's form, bot/channels/senders.py), a `message` that is
  missing or not a string, or `metadata` that is not an object: 400 with a
  JSON error, and nothing reaches the assistant;
- an empty or too long message: 200 with one reply saying so (bot/channels/guard.py);
- with REST_TOKEN set, a request without `Authorization: Bearer <REST_TOKEN>`: 401;
- `metadata.message_id` (up to 100 letters, digits, `-` or `_`) makes a resend safe: a message
  whose id the conversation already holds is answered with its replies, not taken in twice
  (bot/graph/resent_messages.py). Without one, nginx's `X-Request-Id` serves, so that nginx can
  retry a request on another replica when the first died mid-turn.

The webhook is for a trusted back end: whoever may call it can speak as any
REST sender id. Unlike Rasa's channel, the text is never logged (unless
LOG_MESSAGES is on), even when handling fails, and `input_channel` cannot be
chosen by the client.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from http import HTTPStatus

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import check_message, log_message
from bot.channels.http_errors import json_error, read_json_object
from bot.channels.outages import Handler, answering_outages, fail_loudly
from bot.channels.senders import rest_sender_problem
from bot.graph.resent_messages import MESSAGE_ID
from bot.settings import Settings

logger = logging.getLogger(__name__)

_MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")


class RestInput(RasaRestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        settings = Settings.from_env()
        on_new_message = answering_outages(on_new_message)
        webhook = fail_loudly(Blueprint("custom_webhook_RestInput", __name__))

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if settings.rest_token and not _authorized(request, settings.rest_token):
                return json_error(
                    HTTPStatus.UNAUTHORIZED, "this webhook needs `Authorization: Bearer <token>`"
                )
            body, problem = read_json_object(request)
            if body is None:
                return json_error(HTTPStatus.BAD_REQUEST, problem or "bad request")
            sender = body.get("sender")
            problem = rest_sender_problem(sender) if "sender" in body else "`sender` is required"
            if problem is None and "message" not in body:
                problem = "`message` is required"
            if problem is None and not isinstance(body["message"], str):
                problem = "`message` must be a string"
            metadata = body.get("metadata")
            if problem is None and metadata is not None and not isinstance(metadata, dict):
                problem = "`metadata` must be a JSON object"
            message_id = metadata.get(MESSAGE_ID) if isinstance(metadata, dict) else None
            if problem is None and message_id is not None and not _valid_id(message_id):
                problem = "`metadata.message_id` must be 1 to 100 letters, digits, '-' or '_'"
            if problem is not None:
                return json_error(HTTPStatus.BAD_REQUEST, problem)

            checked = check_message(body["message"], settings.max_message_chars)
            if not checked.accepted:
                return response.json([{"recipient_id": sender, "text": checked.reply}])
            log_message(self.name(), sender, checked.text, settings.log_messages)
            if message_id is None and _valid_id(request.headers.get("X-Request-Id")):
                message_id = request.headers["X-Request-Id"]
                metadata = {**(metadata or {}), MESSAGE_ID: message_id}
            collector = CollectingOutputChannel()
            message = UserMessage(
                checked.text,
                collector,
                sender,
                input_channel=self.name(),
                metadata=metadata,
                message_id=message_id,
            )
            try:
                await on_new_message(message)
            except asyncio.CancelledError:
                logger.error("a REST message timed out before the assistant answered")
            except Exception as error:  # the type only: an error's text can quote the message
                logger.error("a REST message could not be handled: %s", type(error).__name__)
                return json_error(
                    HTTPStatus.INTERNAL_SERVER_ERROR, "the assistant could not handle this message"
                )
            return response.json(collector.messages)

        return webhook


def _valid_id(value: object) -> bool:
    return isinstance(value, str) and _MESSAGE_ID.fullmatch(value) is not None


def _authorized(request: Request, token: str) -> bool:
    given = request.headers.get("Authorization", "")
    expected = f"Bearer {token}"
    return hmac.compare_digest(given.encode(), expected.encode())
