"""The Rasa server answers the person itself when the action server fails.

On its own, Rasa 3.6 waits up to five minutes for a custom action, then logs
the error, drops the action's events and carries on: the person gets no reply.
`install()` changes two things in the Rasa process:

- every call to the action server gets `timeout` seconds (ACTION_TIMEOUT), and
  a call that cannot connect, gets an HTTP error (except the 400 with which a
  form validation rejects a turn), an invalid answer or no answer in time
  raises `ActionServerUnavailable`;
- when the action the policies chose (a custom action, or the interview form,
  which calls custom actions) fails that way, its events are replaced by a
  reply made here. `action_emergency` runs its own code (actions/emergency.py)
  in this process, so the emergency reply, payload and slots are the same as
  ever; any other action gets the technical-problem message with the safety
  advice, and the turn ends. The person's message is already in the tracker.

The red-flag decision itself never needs the action server (RedFlagPolicy).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, List

import aiohttp
import jsonschema
from rasa.core.actions.action import Action, ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.core.actions.loops import LoopAction
from rasa.core.channels.channel import OutputChannel
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, FollowupAction, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import ClientResponseError
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.emergency import ActionEmergency
from bot import red_flags
from bot.conversation import findings_from_events
from bot.knowledge import load_knowledge_base
from bot.names import ACTION_EMERGENCY
from bot.replies import technical_problem_reply

logger = logging.getLogger(__name__)

RunAction = Callable[..., Awaitable[List[Event]]]


class ActionServerUnavailable(RasaException):
    """The action server did not run `action`; `failure` says how (never the conversation's text)."""

    def __init__(self, action: str, failure: str) -> None:
        super().__init__(f"the action server did not run '{action}': {failure}")
        self.action = action
        self.failure = failure


def failure_of(error: BaseException) -> str | None:
    """How a call to the action server failed, or None when `error` is not such a failure."""
    if isinstance(error, ActionExecutionRejection):
        return None  # the action server's normal "this form cannot use that message"
    if isinstance(error, asyncio.TimeoutError):
        return "no answer in time"
    if isinstance(error, jsonschema.ValidationError):
        return "invalid answer"
    if not isinstance(error, RasaException):
        return None
    # RemoteAction.run raises a RasaException only when the action server did not run the action.
    cause = error.__cause__ or error.__context__
    if isinstance(cause, ClientResponseError):
        return f"HTTP {cause.status}"
    if isinstance(cause, aiohttp.ClientError):
        return type(cause).__name__
    # Its cause is lost when the failure comes while the turn's task is being cancelled (the client's
    # connection was cut): the re-raise inside asyncio.wait_for makes the cancellation its context.
    return f"not run ({type(cause).__name__ if cause else 'no cause'})"


def limiting(run: RunAction, timeout: float) -> RunAction:
    """`RemoteAction.run` with a time limit, raising `ActionServerUnavailable` on a failure."""

    async def run_remote(
        self: RemoteAction,
        output_channel: OutputChannel,
        nlg: NaturalLanguageGenerator,
        tracker: DialogueStateTracker,
        domain: Domain,
    ) -> List[Event]:
        try:
            return await asyncio.wait_for(run(self, output_channel, nlg, tracker, domain), timeout)
        except Exception as error:
            failure = failure_of(error)
            if failure is None:
                raise
            raise ActionServerUnavailable(self.name(), failure) from error

    return run_remote


class AnsweredWithoutActionServer(Action):
    """Runs `action`; if the action server fails it, returns this server's own reply instead."""

    def __init__(self, action: Action) -> None:
        self.action = action

    def name(self) -> str:
        return self.action.name()

    def event_for_successful_execution(self, prediction: PolicyPrediction) -> ActionExecuted:
        return self.action.event_for_successful_execution(prediction)

    async def run(
        self,
        output_channel: OutputChannel,
        nlg: NaturalLanguageGenerator,
        tracker: DialogueStateTracker,
        domain: Domain,
    ) -> List[Event]:
        try:
            return await self.action.run(output_channel, nlg, tracker, domain)
        except ActionServerUnavailable as error:
            logger.error(
                "the action server did not run %s (%s) during %s; the Rasa server answered instead",
                error.action,
                error.failure,
                self.name(),
            )
            if self.name() == ACTION_EMERGENCY:
                return await emergency_events(output_channel, nlg, tracker, domain)
            return problem_events(tracker)


async def emergency_events(
    output_channel: OutputChannel,
    nlg: NaturalLanguageGenerator,
    tracker: DialogueStateTracker,
    domain: Domain,
) -> List[Event]:
    """What the action server's `action_emergency` returns, made by the same code in this process."""
    dispatcher = CollectingDispatcher()
    try:
        sdk_events = await ActionEmergency().run(
            dispatcher, Tracker.from_dict(tracker.current_state(EventVerbosity.ALL)), domain.as_dict()
        )
    except Exception:
        logger.exception("the emergency reply could not be made here either; sending the emergency advice")
        return problem_events(tracker, emergency=True)
    replies = await RemoteAction._utter_responses(dispatcher.messages, output_channel, nlg, tracker)
    return [*replies, *deserialise_events(sdk_events)]


def problem_events(tracker: DialogueStateTracker, emergency: bool = False) -> List[Event]:
    """The technical-problem reply with the safety advice, and the end of the turn."""
    emergency = emergency or calls_for_emergency_care(tracker)
    text = technical_problem_reply(emergency, load_knowledge_base())
    return [create_bot_utterance({"text": text}), FollowupAction(ACTION_LISTEN_NAME)]


def calls_for_emergency_care(tracker: DialogueStateTracker) -> bool:
    """Whether the conversation so far has shown a red flag."""
    if tracker.get_slot("red_flags") or tracker.get_slot("triage_level") == "emergency":
        return True
    return bool(red_flags.detect(findings_from_events([event.as_dict() for event in tracker.events])))


def guarding(run_action: Callable[..., Awaitable[bool]]) -> Callable[..., Awaitable[bool]]:
    """`MessageProcessor._run_action`, with the actions that call the action server guarded."""

    async def guarded_run_action(
        self: MessageProcessor,
        action: Action,
        tracker: DialogueStateTracker,
        output_channel: OutputChannel,
        nlg: NaturalLanguageGenerator,
        prediction: PolicyPrediction,
    ) -> bool:
        if isinstance(action, (RemoteAction, LoopAction)):
            action = AnsweredWithoutActionServer(action)
        return await run_action(self, action, tracker, output_channel, nlg, prediction)

    return guarded_run_action


def install(timeout: float) -> None:
    RemoteAction.run = limiting(RemoteAction.run, timeout)
    MessageProcessor._run_action = guarding(MessageProcessor._run_action)
