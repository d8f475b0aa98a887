"""Rasa's socket.io channel, as the chat page needs it.

Rasa's socket.io output emits a `custom` payload as keyword arguments of
`emit` (it expects channel-native fields), which breaks on the assistant's
assessment and emergency payloads. Here a reply that carries a payload goes
out as ONE message `{"text": ..., "custom": {...}}`, which the rasa-webchat
widget hands to the page's card component whole; everything else is Rasa's
own behaviour (text split in paragraphs, buttons as quick replies).

Session ids are issued by the server and signed (bot/channels/session_ids.py):
a client that asks to resume a session it did not get from this server gets a
new one, and a message that names an unsigned session id is refused. Every
message passes the guard (bot/channels/guard.py); anything malformed gets a
short `bot_uttered` reply instead of an error. It also repairs session
persistence: python-socketio 5.10 and later made `AsyncServer.enter_room` a
coroutine, which Rasa 3.6 calls without awaiting.
"""

from __future__ import annotations

import inspect
import json
import logging
from typing import Any, Dict

from rasa.core.channels.channel import OutputChannel
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.hardening import Intake
from bot.channels.outages import Handler, fail_loudly
from bot.channels.senders import SOCKETIO, conversation_id
from bot.channels.session_ids import SessionIds
from bot.signing_secret import session_secret
from bot.texts import say

logger = logging.getLogger(__name__)

NOT_A_MESSAGE = say("channels.socketio_not_a_message")
UNKNOWN_SESSION = say("channels.socketio_unknown_session")
FAILED = say("channels.socketio_failed")


class WebChatOutput(SocketIOOutput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        custom = message.get("custom")
        if not custom or message.get("buttons") or message.get("quick_replies"):
            await super().send_response(recipient_id, message)
            return
        card: Dict[str, Any] = {"custom": custom}
        if message.get("text"):
            card["text"] = message["text"]
        await self._send_message(recipient_id, card)

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class WebChatInput(SocketIOInput):
    """socket.io with `WebChatOutput` for every reply (Rasa builds its output inline), server-issued
    session ids (bot/channels/session_ids.py) and every message checked (bot/channels/guard.py)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def get_output_channel(self) -> OutputChannel | None:
        return None if self.sio is None else WebChatOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        intake = Intake(self.name(), on_new_message, logger, "a chat page message")
        session_ids = SessionIds(session_secret(intake.settings))
        socketio_webhook = fail_loudly(super().blueprint(intake.handle))
        sio = self.sio
        # engine.io's own cap (1,000,000 bytes) would drop the connection before the guard could reply.
        sio.eio.max_http_buffer_size = intake.settings.max_request_bytes

        async def join(sid: str, room: str) -> None:
            joined = sio.enter_room(sid, room, namespace=self.namespace)
            if inspect.isawaitable(joined):
                await joined

        async def refuse(sid: str, text: str) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=self.namespace)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None, *_: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if session_ids.conversation(requested) else session_ids.issue()
            await join(sid, session_ids.conversation(session_id) or sid)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None, *_: Any) -> None:
            if not isinstance(data, dict):
                await refuse(sid, NOT_A_MESSAGE)
                return
            if self.session_persistence:
                sender_id = session_ids.conversation(data.get("session_id"))
                if sender_id is None:
                    await refuse(sid, UNKNOWN_SESSION)
                    return
                await join(sid, sender_id)
            else:
                sender_id = conversation_id(SOCKETIO, sid)
                await join(sid, sender_id)
            checked = intake.check(data.get("message"), sender_id)
            if checked.text is None:
                await refuse(sid, checked.reply)
                return
            output = WebChatOutput(sio, self.bot_message_evt)
            metadata = _metadata(data.get(self.metadata_key))
            if not await intake.attempt(intake.take_in(checked.text, output, sender_id, metadata)):
                await refuse(sid, FAILED)

        return socketio_webhook


def _metadata(raw: Any) -> Dict[str, Any] | None:
    """The widget's custom data: an object, or a JSON string of one; anything else is dropped."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    return raw if isinstance(raw, dict) else None
