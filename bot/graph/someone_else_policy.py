"""A dialogue policy for symptoms described for someone else (bot/someone_else.py).

The rule "symptoms start the interview" would otherwise start asking the
person where they feel what only their mother feels. Outside the interview,
a description of someone else's symptoms, by a person who has described none
of their own, gets `action_about_someone_else` instead. A red flag of the
person's own still comes first: RedFlagPolicy's priority is higher, and a
message with a finding of the person's own is not "someone else's" anyway.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.trackers import DialogueStateTracker

from bot.findings import Findings, Turn
from bot.graph.reply_first_policy import ReplyFirstPolicy, latest_and_all
from bot.names import ACTION_ABOUT_SOMEONE_ELSE
from bot.someone_else import describes_their_symptoms, states_own_symptoms


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=True
)
class SomeoneElsePolicy(ReplyFirstPolicy):
    ACTION = ACTION_ABOUT_SOMEONE_ELSE
    PRIORITY = 7  # above the RulePolicy (6), below RedFlagPolicy (8)

    def decides(self, tracker: DialogueStateTracker) -> bool:
        if tracker.active_loop_name:
            return False  # in the interview, someone else's findings are simply not taken as answers
        # The latest message alone first: most messages are not about someone else, and only
        # those need the walk over the whole conversation.
        message = tracker.latest_message
        if message is None:
            return False
        intent = message.intent.get("name")
        said = Turn(message.text or "", tuple(message.entities), intent=intent)
        if not describes_their_symptoms(Findings.from_turns([said]), intent):
            return False
        _, _, conversation = latest_and_all(tracker)
        return not states_own_symptoms(conversation)
