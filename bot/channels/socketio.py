"""Rasa's socket.io channel, as the chat page needs it.

Rasa's socket.io output emits a `custom` payload as keyword arguments of
`emit` (it expects channel-native fields), which breaks on the assistant's
assessment and emergency payloads. Here a reply that carries a payload goes
out as ONE message `{"text": ..., "custom": {...}}`, which the rasa-webchat
widget hands to the page's card component whole; everything else is Rasa's
own behaviour (text split in paragraphs, buttons as quick replies).

It also repairs session persistence: python-socketio 5.10 and later made
`AsyncServer.enter_room` a coroutine, which Rasa 3.6 calls without awaiting,
so a client never joined its session's room and never got a reply.
"""

from __future__ import annotations

import inspect
import uuid
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.outages import answering_outages, fail_loudly


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
    """socket.io with `WebChatOutput` for every reply (Rasa builds its output inline)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def get_output_channel(self) -> OutputChannel | None:
        return None if self.sio is None else WebChatOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guarded = answering_outages(on_new_message)

        async def handle(message: UserMessage) -> None:
            message.output_channel = WebChatOutput(self.sio, self.bot_message_evt)
            await guarded(message)

        socketio_webhook = fail_loudly(super().blueprint(handle))
        sio = self.sio

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Dict[str, Any] | None) -> None:
            session_id = (data or {}).get("session_id") or uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        return socketio_webhook
