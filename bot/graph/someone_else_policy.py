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

from bot.graph.reply_first_policy import ReplyFirstPolicy, latest_and_all
from bot.someone_else import ACTION_ABOUT_SOMEONE_ELSE, about_someone_else


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=True
)
class SomeoneElsePolicy(ReplyFirstPolicy):
    ACTION = ACTION_ABOUT_SOMEONE_ELSE
    PRIORITY = 7  # above the RulePolicy (6), below RedFlagPolicy (8)

    def decides(self, tracker: DialogueStateTracker) -> bool:
        if tracker.active_loop_name:
            return False  # in the interview, someone else's findings are simply not taken as answers
        turns, latest, conversation = latest_and_all(tracker)
        return bool(turns) and about_someone_else(latest, conversation, turns[-1].intent)
