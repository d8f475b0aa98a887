"""A message sent again is taken in once: its turn's replies are sent again instead.

A person, a chat client or nginx resends a message when its answer never came:
the server died after saving the turn, the connection broke, or nginx retried a
request on the other replica. Taking it in again would duplicate it in the
conversation. A message can carry an id of its client's choosing
(`metadata.message_id` on the REST webhook; nginx's request id when it has
none, bot/channels/rest.py). Under the conversation's lock, a message whose id
is already in the conversation is not handled again: the replies that followed
it are sent once more, so the resend gets the answer the first one lost.
"""

from __future__ import annotations

import itertools
import logging
from typing import Any, Dict, List, Sequence

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, Event, UserUttered

logger = logging.getLogger(__name__)

#: The metadata key of a message id chosen by the client.
MESSAGE_ID = "message_id"


def replies_to(events: Sequence[Event], message_id: str) -> List[Dict[str, Any]] | None:
    """The replies that followed the user message with this id, or None when no message has it."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, UserUttered) and event.message_id == message_id:
            replies = []
            for later in itertools.islice(events, index + 1, None):
                if isinstance(later, UserUttered):
                    break
                if isinstance(later, BotUttered):
                    replies.append({"text": later.text, **{k: v for k, v in later.data.items() if v}})
            return replies
    return None


def install() -> None:
    """Wraps MessageProcessor.handle_message, which runs under the conversation's lock."""
    handle_message = MessageProcessor.handle_message

    async def handle_once(self: MessageProcessor, message: UserMessage) -> List[Dict[str, Any]] | None:
        if (message.metadata or {}).get(MESSAGE_ID):
            tracker = await self.tracker_store.retrieve(message.sender_id)
            replies = replies_to(tracker.events, message.message_id) if tracker else None
            if replies is not None:
                logger.info("a message sent again was already taken in: its replies are sent again")
                for reply in replies:
                    await message.output_channel.send_response(message.sender_id, reply)
                channel = message.output_channel
                return channel.messages if isinstance(channel, CollectingOutputChannel) else None
        return await handle_message(self, message)

    MessageProcessor.handle_message = handle_once
