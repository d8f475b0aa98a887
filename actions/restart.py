"""Starting over (Rasa's default restart, with a word to the person), asked first mid-interview.

Rasa runs `action_restart` for every message read as the `restart` intent, even in the middle of
the interview, where a misread answer ("it came on over the last few cycles") would drop all the
person had said. There the action asks first and pauses the interview, as "forget me" does, so
that the "yes" or "no" does not answer the interview's question; data/rules/restart.yml takes the
answer. A "/restart" command (the "Yes, start over" button, the shell) starts over at once.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, Restarted
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ask_pausing_interview, latest_intent, paused_by
from bot.names import ACTION_RESTART, ACTION_RESUME_INTERVIEW, SYMPTOM_FORM
from bot.texts import say

# Starting over does not delete anything: "delete my data" does (actions/privacy.py).
START_OVER = say("conversation.start_over")
CONFIRM_QUESTION = say("conversation.restart_question")
CARRY_ON = say("conversation.carry_on")


def is_command(tracker: Tracker) -> bool:
    """Whether the latest message named its intent itself ("/restart"), with no NLU to misread it."""
    return str((tracker.latest_message or {}).get("text") or "").lstrip().startswith("/")


class ActionRestart(Action):
    def name(self) -> str:
        return ACTION_RESTART

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        if self._asks(tracker):
            buttons = (
                (say("conversation.restart_yes"), "/restart"),
                (say("conversation.restart_no"), "/deny"),
            )
            return ask_pausing_interview(dispatcher, tracker, CONFIRM_QUESTION, buttons)
        dispatcher.utter_message(text=START_OVER)
        return [Restarted()]

    @staticmethod
    def _asks(tracker: Tracker) -> bool:
        """Mid-interview, or with the interview paused by this question and a question of the person's
        answered since (data/rules/restart.yml); never for a command or the "yes" to the question."""
        if is_command(tracker) or latest_intent(tracker) == "affirm":
            return False
        return tracker.active_loop.get("name") == SYMPTOM_FORM or paused_by(tracker.events, ACTION_RESTART)


class ActionResumeInterview(Action):
    """The person did not want to start over: the interview asks its next question again."""

    def name(self) -> str:
        return ACTION_RESUME_INTERVIEW

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(text=CARRY_ON)
        return [FollowupAction(SYMPTOM_FORM)]
