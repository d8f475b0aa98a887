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
  (bot/runtime/resent_messages.py). Without one, nginx's `X-Request-Id` serves, so that nginx can
  retry a request on another replica when the first died mid-turn.

The webhook is for a trusted back end: whoever may call it can speak as any
REST sender id. Unlike Rasa's channel, the text is never logged (unless
LOG_MESSAGES is on), even when handling fails, and `input_channel` cannot be
chosen by the client.
"""

from __future__ import annotations

import asyncio
import logging
import re
from http import HTTPStatus

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.hardening import Intake, same_secret, webhook_blueprint
from bot.channels.http_errors import json_error, json_object_or_error
from bot.channels.outages import Handler
from bot.channels.senders import rest_sender_problem
from bot.runtime.resent_messages import MESSAGE_ID

logger = logging.getLogger(__name__)

_MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")


class RestInput(RasaRestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        intake = Intake(self.name(), on_new_message, logger, "a REST message")
        rest_token = intake.settings.rest_token
        webhook = webhook_blueprint("custom_webhook_RestInput", __name__)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if rest_token and not _authorized(request, rest_token):
                return json_error(
                    HTTPStatus.UNAUTHORIZED, "this webhook needs `Authorization: Bearer <token>`"
                )
            body = json_object_or_error(request)
            if isinstance(body, HTTPResponse):
                return body
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

            checked = intake.check(body["message"], body["sender"])
            if checked.text is None:
                return response.json([{"recipient_id": sender, "text": checked.reply}])
            if message_id is None and _valid_id(request.headers.get("X-Request-Id")):
                message_id = request.headers["X-Request-Id"]
                metadata = {**(metadata or {}), MESSAGE_ID: message_id}
            collector = CollectingOutputChannel()
            turn = intake.take_in(checked.text, collector, body["sender"], metadata, message_id)
            try:
                if not await intake.attempt(turn):
                    return json_error(
                        HTTPStatus.INTERNAL_SERVER_ERROR, "the assistant could not handle this message"
                    )
            except asyncio.CancelledError:
                logger.error("a REST message timed out before the assistant answered")
            return response.json(collector.messages)

        return webhook


def _valid_id(value: object) -> bool:
    return isinstance(value, str) and _MESSAGE_ID.fullmatch(value) is not None


def _authorized(request: Request, token: str) -> bool:
    return same_secret(request.headers.get("Authorization", ""), f"Bearer {token}")
