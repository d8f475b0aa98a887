"""A dialogue policy that puts red flags before everything else.

Rasa lets an active form run before any rule, so a rule alone cannot
guarantee that "I suddenly can't feel my legs" in the middle of the
interview gets the emergency reply. This policy, with a priority above the
RulePolicy, predicts `action_emergency` right after any user message that
calls for it (see `bot.red_flags.emergency_flags`), whatever else is going on,
and then waits for the person. It needs no training and no action server to
decide.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot import red_flags
from bot.conversation import turns_from_events
from bot.findings import Findings

ACTION_EMERGENCY = "action_emergency"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=True
)
class RedFlagPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # Above RulePolicy (6): on a tie in confidence the higher priority wins.
        return {"priority": 7}

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        if tracker.latest_action_name == ACTION_EMERGENCY:
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        elif tracker.latest_action_name == ACTION_LISTEN_NAME and self._calls_for_emergency(tracker):
            probabilities[domain.index_for_action(ACTION_EMERGENCY)] = 1.0
        else:
            return self._prediction(probabilities)
        # Rasa lets a "no user" prediction (the active form continuing its happy
        # path) overrule every other; ours must be of that kind to compete with
        # it, and then wins on priority.
        return self._prediction(probabilities, is_no_user_prediction=True)

    @staticmethod
    def _calls_for_emergency(tracker: DialogueStateTracker) -> bool:
        turns = turns_from_events([event.as_dict() for event in tracker.events])
        if not turns:
            return False
        flags = red_flags.emergency_flags(
            latest=Findings.from_turns(turns[-1:]),
            conversation=Findings.from_turns(turns),
            intent=turns[-1].intent,
            requested_slot=tracker.get_slot("requested_slot"),
        )
        return flags is not None

    def persist(self) -> None:
        """Nothing to save: the policy's knowledge is code and the vocabulary."""

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> RedFlagPolicy:
        return cls(config, model_storage, resource, execution_context)
