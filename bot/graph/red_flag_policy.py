"""A dialogue policy that puts red flags before everything else.

Rasa lets an active form run before any rule, so a rule alone cannot
guarantee that "I suddenly can't feel my legs" in the middle of the
interview gets the emergency reply. This policy, with the highest priority,
predicts `action_emergency` right after any user message that calls for it
(see `bot.red_flags.emergency_flags`), whatever else is going on, and then
waits for the person. Loading it refuses plain `rasa run` and `rasa shell`
(serving_guard.py).
"""

from __future__ import annotations

from typing import Any, Dict

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.trackers import DialogueStateTracker

from bot import red_flags
from bot.graph.reply_first_policy import ReplyFirstPolicy, latest_and_all
from bot.graph.serving_guard import refuse_unpatched_serving
from bot.names import ACTION_EMERGENCY


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=True
)
class RedFlagPolicy(ReplyFirstPolicy):
    ACTION = ACTION_EMERGENCY
    PRIORITY = 8  # above every other policy, SomeoneElsePolicy (7) and the RulePolicy (6) included

    def decides(self, tracker: DialogueStateTracker) -> bool:
        turns, latest, conversation = latest_and_all(tracker)
        if not turns:
            return False
        flags = red_flags.emergency_flags(
            latest=latest,
            conversation=conversation,
            intent=turns[-1].intent,
            requested_slot=tracker.get_slot("requested_slot"),
            asking=tracker.get_slot("red_flag_asking"),
        )
        return flags is not None

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ReplyFirstPolicy:
        refuse_unpatched_serving()
        return super().load(config, model_storage, resource, execution_context, **kwargs)
