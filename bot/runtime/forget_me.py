"""The person's "forget me": the Rasa server deletes the conversation once the turn asking for it is saved.

The rules run `action_forget_conversation` when the person confirms. That
action (on the action server) only marks the turn: the action server cannot
reach the tracker store, and anything deleted during the turn would come back,
since Rasa saves a turn by inserting every event beyond the number it finds
stored. So `install()` wraps Rasa's message handling: after a turn that ran the
action has been saved, still under the conversation's lock, every event of
that sender is deleted (bot/runtime/conversation_deletion.py), and only then is
the person told, or told that it failed. This covers every channel, since all
of them hand their messages to the same processor.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any, Dict, List, Sequence

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.outages import STORE_ERRORS, describe
from bot.names import ACTION_FORGET_CONVERSATION
from bot.runtime.conversation_deletion import UnsupportedStore, delete_conversation, sql_tracker_store
from bot.texts import say

logger = logging.getLogger(__name__)

FORGOTTEN = say("forget_me.done")
FORGET_FAILED = say("forget_me.failed")

# Set when the turn being handled in this task ran ACTION_FORGET_CONVERSATION and was saved.
_forget_requested: ContextVar[bool] = ContextVar("forget_requested", default=False)


def ran_in_latest_turn(events: Sequence[Event], action_name: str) -> bool:
    """Whether `action_name` ran after the latest user message."""
    for event in reversed(events):
        if isinstance(event, ActionExecuted) and event.action_name == action_name:
            return True
        if isinstance(event, UserUttered):
            return False
    return False


def install() -> None:
    """Wraps MessageProcessor.handle_message and save_tracker (called from bot/runtime/server.py)."""
    handle_message = MessageProcessor.handle_message
    save_tracker = MessageProcessor.save_tracker

    async def save_and_note(self: MessageProcessor, tracker: DialogueStateTracker) -> None:
        await save_tracker(self, tracker)
        if ran_in_latest_turn(tracker.events, ACTION_FORGET_CONVERSATION):
            _forget_requested.set(True)

    async def handle_and_forget(self: MessageProcessor, message: UserMessage) -> List[Dict[str, Any]] | None:
        token = _forget_requested.set(False)
        try:
            responses = await handle_message(self, message)
            if _forget_requested.get():
                await forget(self, message)
        finally:
            _forget_requested.reset(token)
        return responses

    MessageProcessor.save_tracker = save_and_note
    MessageProcessor.handle_message = handle_and_forget


async def forget(processor: MessageProcessor, message: UserMessage) -> None:
    """Deletes the sender's conversation and tells them the outcome."""
    try:
        deleted = delete_conversation(sql_tracker_store(processor.tracker_store), message.sender_id)
    except (*STORE_ERRORS, UnsupportedStore) as error:
        logger.error("a conversation could not be deleted as its person asked: %s", describe(error))
        await message.output_channel.send_text_message(message.sender_id, FORGET_FAILED)
        return
    logger.info("deleted a conversation as its person asked (%d events)", deleted)
    await message.output_channel.send_text_message(message.sender_id, FORGOTTEN)
