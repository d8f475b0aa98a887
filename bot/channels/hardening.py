"""What REST, socket.io, Slack and Telegram do alike with a person's message, written once.

Each channel reads its own wire format and conversation id; from there on a
message goes through one `Intake`: the settings are read once, the text passes
the guard (bot/channels/guard.py) and is logged only with LOG_MESSAGES on, the
turn runs with store outages answered (bot/channels/outages.py), and a failure
is logged by its type alone. `webhook_blueprint` is the HTTP channels' blueprint
and `same_secret` their check of a shared secret.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any, Awaitable, Dict

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import Checked, check_message, log_message
from bot.channels.outages import Handler, answering_outages, fail_loudly
from bot.settings import Settings


class Intake:
    """One channel's way from a checked message to the assistant."""

    def __init__(self, channel: str, on_new_message: Handler, logger: logging.Logger, what: str) -> None:
        """`channel` is the input channel's name; failures are logged to the channel's own `logger`
        as "<what> could not be handled"."""
        self.channel = channel
        self.settings = Settings.from_env()
        self.handle = answering_outages(on_new_message)
        self._logger = logger
        self._what = what

    def check(self, raw: object, sender_id: str) -> Checked:
        """The guard's verdict on `raw`; the text of an accepted message is logged only with LOG_MESSAGES."""
        checked = check_message(raw, self.settings.max_message_chars)
        if checked.text is not None:
            log_message(self.channel, sender_id, checked.text, self.settings.log_messages)
        return checked

    async def take_in(
        self,
        text: str,
        output: OutputChannel,
        sender_id: str,
        metadata: Dict[str, Any] | None = None,
        message_id: str | None = None,
    ) -> None:
        """One turn of the assistant; a store outage is answered with the outage reply."""
        message = UserMessage(
            text, output, sender_id, input_channel=self.channel, metadata=metadata, message_id=message_id
        )
        await self.handle(message)

    async def attempt(self, work: Awaitable[Any]) -> bool:
        """Awaits `work`: False after a failure, logged by its type only (its text can quote the message)."""
        try:
            await work
        except Exception as error:
            self._logger.error("%s could not be handled: %s", self._what, type(error).__name__)
            return False
        return True


def webhook_blueprint(name: str, import_name: str) -> Blueprint:
    """An HTTP channel's blueprint: `GET /` answers a health check, and the tracker store raises
    on failures instead of starting conversations over in memory (bot/channels/outages.py)."""
    webhook = fail_loudly(Blueprint(name, import_name))

    @webhook.route("/", methods=["GET"])
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    return webhook


def same_secret(given: str, expected: str) -> bool:
    """Compared in constant time, as bytes: `hmac.compare_digest` refuses non-ASCII text."""
    return hmac.compare_digest(given.encode(), expected.encode())
