"""Rasa's Telegram connector with a checked webhook and a configurable Bot API.

On top of Rasa's `TelegramInput`:
- at start-up the bot checks that the token belongs to `verify` (the bot's
  name) once, and registers the webhook with a secret token; every update must
  carry it in `X-Telegram-Bot-Api-Secret-Token`, or gets 401;
- the Bot API base URL is `api_url`, so tests can use a fake Bot API;
- a button tap (callback query) is answered, so the client stops its spinner,
  and its payload goes to the assistant; Telegram's `/start` greets;
- an edited message or a sticker, photo and the like gets a short note
  instead of silently vanishing or replaying a turn of the interview;
- a body that is not an Update gets 400 with a JSON error, never a server
  error; every message passes the guard (bot/channels/guard.py);
- a chat's conversation is `telegram:<chat id>` (bot/channels/senders.py).

Replies are plain text (no parse mode, so nothing needs escaping); buttons
become an inline keyboard whose callback data is the button's payload; an
assessment or emergency starts with its triage level in words.
"""

from __future__ import annotations

import asyncio
import io
import logging
from http import HTTPStatus
from typing import Any, Dict, List

import aiohttp
from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.channel import InputChannel
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.hardening import Intake, same_secret, webhook_blueprint
from bot.channels.http_errors import json_error, json_object_or_error
from bot.channels.outages import Handler
from bot.channels.payloads import SUMMARY_FILE_NAME, heading, is_clinical, is_summary, summary
from bot.channels.senders import TELEGRAM, conversation_id, native_id
from bot.settings import TELEGRAM_API_URL
from bot.summary.service import summary_pdf
from bot.texts import say

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CALLBACK_DATA_LIMIT = 64  # bytes
ONE_ROW_MAX = 3  # more buttons than this go one per row
EDITED_NOTE = say("channels.telegram_edited")
NOT_TEXT_NOTE = say("channels.telegram_not_text")
COMMANDS = {"/start": "/greet", "/help": "/greet"}


class TelegramOutput(RasaTelegramOutput):
    def __init__(self, access_token: str, api_url: str = TELEGRAM_API_URL) -> None:
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api_url))

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        conversation, recipient_id = recipient_id, native_id(TELEGRAM, recipient_id)
        custom = message.get("custom")
        if is_summary(custom):
            await self.send_text_message(recipient_id, message.get("text") or "")
            pdf = await summary_pdf(conversation)
            if pdf is not None:
                document = InputFile(io.BytesIO(pdf), filename=SUMMARY_FILE_NAME)
                try:
                    await self.send_document(recipient_id, document, caption=say("channels.summary_title"))
                except (TelegramAPIError, aiohttp.ClientError) as error:
                    logger.error("the summary PDF could not be sent to Telegram: %s", type(error).__name__)
            return
        if is_clinical(custom) and not message.get("buttons"):
            await self.send_message(recipient_id, heading(custom))
            await self.send_text_message(recipient_id, message.get("text") or "")
            return
        await super().send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        recipient_id = native_id(TELEGRAM, recipient_id)
        for part in (p.strip() for p in text.split("\n\n")):
            if part:
                await self.send_message(recipient_id, part)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        keyboard = [
            InlineKeyboardButton(b["title"], callback_data=_callback_data(b["payload"], b["title"]))
            for b in buttons
        ]
        markup = InlineKeyboardMarkup()
        if len(keyboard) <= ONE_ROW_MAX:
            markup.row(*keyboard)
        else:
            for button in keyboard:
                markup.row(button)
        await self.send_message(native_id(TELEGRAM, recipient_id), text, reply_markup=markup)

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        recipient_id = native_id(TELEGRAM, recipient_id)
        if is_clinical(json_message):
            await self.send_message(recipient_id, "\n".join(summary(json_message)))
        else:
            await super().send_custom_json(recipient_id, json_message, **kwargs)


def _chat_id(chat_id: Any) -> bool:
    return isinstance(chat_id, int) and not isinstance(chat_id, bool)


def _callback_data(payload: str, title: str) -> str:
    """Telegram caps callback data at 64 bytes; a longer payload falls back to the button's words."""
    return payload if len(payload.encode()) <= CALLBACK_DATA_LIMIT else title[:CALLBACK_DATA_LIMIT]


class TelegramInput(RasaTelegramInput):
    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials  # for mypy: Rasa's raise_missing_credentials_exception never returns
        if not credentials.get("secret_token"):
            raise RasaException("the Telegram channel needs a `secret_token` to check its webhook requests")
        return cls(
            credentials.get("access_token"),
            credentials.get("verify"),
            credentials.get("webhook_url"),
            secret_token=credentials["secret_token"],
            api_url=credentials.get("api_url") or TELEGRAM_API_URL,
        )

    def __init__(
        self,
        access_token: str | None,
        verify: str | None,
        webhook_url: str | None,
        secret_token: str,
        api_url: str = TELEGRAM_API_URL,
    ) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode=False)
        self.secret_token = secret_token
        self.api_url = api_url

    def get_output_channel(self) -> TelegramOutput:
        return TelegramOutput(self.access_token or "", self.api_url)

    async def register_webhook(self) -> None:
        """Checks the token belongs to the bot named `verify`, then registers the webhook and its secret."""
        bot = self.get_output_channel()
        try:
            me = await bot.get_me()
            if me.username != self.verify:
                raise RasaException(
                    f"TELEGRAM_BOT_NAME is {self.verify!r}, but the token is @{me.username}'s"
                )
            await bot.request("setWebhook", {"url": self.webhook_url, "secret_token": self.secret_token})
        except (TelegramAPIError, aiohttp.ClientError) as error:
            raise RasaException(f"Failed to set the Telegram webhook at {self.api_url}: {error}") from error
        finally:
            await bot.session.close()

    def _authentic(self, request: Request) -> bool:
        return same_secret(request.headers.get(SECRET_HEADER, ""), self.secret_token)

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        # Rasa builds channels before its event loop runs, as Rasa's own connector assumes.
        asyncio.run(self.register_webhook())
        intake = Intake(self.name(), on_new_message, logger, "the Telegram message")
        telegram_webhook = webhook_blueprint("telegram_webhook", __name__)
        out_channel = self.get_output_channel()

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self._authentic(request):
                return response.text("invalid secret token", status=HTTPStatus.UNAUTHORIZED)
            body = json_object_or_error(request)
            if isinstance(body, HTTPResponse):
                return body
            try:
                update = Update(**body)
                text, chat_id = await _read(update, out_channel)
            except (TelegramAPIError, aiohttp.ClientError) as error:
                logger.error("a Telegram reply could not be sent: %s", type(error).__name__)
                return response.text("success")
            except Exception:  # aiogram could not read it: not an Update (its fields have other types)
                return json_error(HTTPStatus.BAD_REQUEST, "expected a Telegram Update")
            if text is None or not _chat_id(chat_id):
                return response.text("success")
            sender_id = conversation_id(TELEGRAM, chat_id)
            command = COMMANDS.get(text.strip(), text) if isinstance(text, str) else text
            checked = intake.check(command, sender_id)
            if checked.text is None:
                work = out_channel.send_text_message(sender_id, checked.reply)
            else:
                work = intake.take_in(checked.text, out_channel, sender_id, self.get_metadata(request))
            await intake.attempt(work)  # a failure is logged: Telegram would redeliver on an error status
            return response.text("success")

        return telegram_webhook


async def _read(update: Update, out_channel: TelegramOutput) -> tuple[str | None, int | None]:
    """The text to hand to the assistant and its chat, or (None, None) after answering here."""
    if update.callback_query is not None:
        query = update.callback_query
        await out_channel.answer_callback_query(query.id)
        return query.data, query.message.chat.id if query.message else query.from_user.id
    if update.edited_message is not None:
        await out_channel.send_message(update.edited_message.chat.id, EDITED_NOTE)
        return None, None
    if update.message is None:
        return None, None
    if update.message.text is None:
        await out_channel.send_message(update.message.chat.id, NOT_TEXT_NOTE)
        return None, None
    return update.message.text, update.message.chat.id
