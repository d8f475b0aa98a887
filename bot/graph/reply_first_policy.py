"""`ReplyFirstPolicy`: the shape of a policy that answers a message with one action of its own,
decided from what the message says, before any rule, form or story, and then waits for the person.

It needs no training and no action server to decide. A subclass names its action, its priority
(above the RulePolicy's 6, unique: Rasa breaks ties between equally sure policies by priority)
and `decides(tracker)`.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversation import turns_from_events
from bot.findings import Findings, Turn


class ReplyFirstPolicy(Policy):
    ACTION: str
    PRIORITY: int

    @classmethod
    def get_default_config(cls) -> Dict[str, Any]:
        return {"priority": cls.PRIORITY}

    def decides(self, tracker: DialogueStateTracker) -> bool:
        """Whether the latest user message calls for ACTION."""
        raise NotImplementedError

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
        if tracker.latest_action_name == self.ACTION:
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        elif tracker.latest_action_name == ACTION_LISTEN_NAME and self.decides(tracker):
            probabilities[domain.index_for_action(self.ACTION)] = 1.0
        else:
            return self._prediction(probabilities)
        # Rasa lets a "no user" prediction (the active form continuing its happy
        # path) overrule every other; ours must be of that kind to compete with
        # it, and then wins on priority.
        return self._prediction(probabilities, is_no_user_prediction=True)

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
    ) -> ReplyFirstPolicy:
        return cls(config, model_storage, resource, execution_context)


def latest_and_all(tracker: DialogueStateTracker) -> tuple[List[Turn], Findings, Findings]:
    """The conversation's turns, the latest message's findings and the whole conversation's."""
    turns = turns_from_events([event.as_dict() for event in tracker.events])
    return turns, Findings.from_turns(turns[-1:]), Findings.from_turns(turns)
