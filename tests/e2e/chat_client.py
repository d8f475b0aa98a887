"""A socket.io client of the chat page's channel, as the rasa-webchat widget talks to it
(python-socketio's client on its own event loop, driven synchronously by the tests)."""

from __future__ import annotations

import asyncio
from typing import Any, Coroutine, List, Tuple

import socketio

Event = Tuple[str, Any]


class ChatClient:
    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.sio = socketio.AsyncClient(reconnection=False)
        self.received: asyncio.Queue = asyncio.Queue()
        for event in ("bot_uttered", "session_confirm"):
            self.sio.on(event, self._collector(event))
        self.run(self.sio.connect(url, transports=["polling"], socketio_path="socket.io"))

    def _collector(self, event: str):
        async def collect(data: Any = None) -> None:
            await self.received.put((event, data))

        return collect

    def run(self, work: Coroutine, timeout: float = 60) -> Any:
        return self.loop.run_until_complete(asyncio.wait_for(work, timeout))

    @property
    def connected(self) -> bool:
        return self.sio.connected

    def emit(self, event: str, data: Any) -> None:
        self.run(self.sio.emit(event, data))

    def next(self, timeout: float = 120) -> Event:
        return self.run(self.received.get(), timeout)

    def quiet_for(self, seconds: float) -> List[Event]:
        """Everything that arrives until nothing has for `seconds`."""
        events = []
        while True:
            try:
                events.append(self.run(self.received.get(), seconds))
            except asyncio.TimeoutError:
                return events

    def session(self, session_id: Any = None) -> str:
        self.emit("session_request", {"session_id": session_id})
        event, data = self.next()
        assert event == "session_confirm", (event, data)
        return data

    def say(self, session_id: str, text: Any) -> List[Event]:
        """One message; the replies of its turn (until the assistant has been quiet for a while)."""
        self.emit(
            "user_uttered", {"message": text, "session_id": session_id, "customData": {"language": "en"}}
        )
        return [self.next(), *self.quiet_for(3)]

    def close(self) -> None:
        """Closes at once (a graceful close waits for the pending long poll, half a minute)."""
        self.run(self.sio.eio.disconnect(abort=True))
        self.loop.run_until_complete(asyncio.sleep(0.1))  # lets cancelled waits finish
        self.loop.close()
