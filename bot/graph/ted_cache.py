"""Answers TED again from memory when it is asked about a dialogue state it has already scored.

TED, trained without end-to-end text as this assistant's config trains it, scores
the next action from the last `max_history` dialogue states alone: the intents,
entity types, slots, active loop and previous actions. Everyone's interview walks
through the same few of them, so the same input reaches the model again and
again, and each scoring is a TensorFlow call: a quarter of a turn's time in the
profile in docs/benchmarks.md. `RememberingTEDPolicy`, the TED that config.yml
names, keeps the last CACHE_SIZE predictions by their states and answers a
repeated state without the model, with the same confidences; the states are
computed exactly as TED computes them for the model.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from typing import Any, Dict, Hashable, List

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT

CACHE_SIZE = 4096  # a prediction is a few hundred numbers: a few MB at most


class PredictionCache:
    """The most recently used predictions, by their frozen states."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, PolicyPrediction] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> PolicyPrediction | None:
        prediction = self._entries.get(key)
        if prediction is None:
            self.misses += 1
            return None
        self.hits += 1
        self._entries.move_to_end(key)
        return prediction

    def put(self, key: Hashable, prediction: PolicyPrediction) -> None:
        self._entries[key] = prediction
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


def freeze(value: Any) -> Hashable:
    """Rasa's states (lists of dicts of dicts of strings, tuples and floats) as a hashable key."""
    if isinstance(value, dict):
        return tuple(sorted((key, freeze(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(freeze(item) for item in value)
    return value


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT, is_trainable=True)
class RememberingTEDPolicy(TEDPolicy):
    """TED, answering a dialogue state it has already scored from memory."""

    @property
    def prediction_cache(self) -> PredictionCache:
        cache = self.__dict__.get("_prediction_cache")
        if cache is None:
            cache = self.__dict__["_prediction_cache"] = PredictionCache()
        return cache

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Dict[str, Any] | None = None,
        precomputations: Any = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        if self.model is None or TEXT in self.fake_features:
            # Untrained, or trained end to end: the user's text takes part and states are not enough.
            return super().predict_action_probabilities(
                tracker, domain, rule_only_data, precomputations, **kwargs
            )
        states: List[Any] = self._prediction_states(
            tracker, domain, use_text_for_last_user_input=self.only_e2e, rule_only_data=rule_only_data
        )
        key = freeze(states)
        prediction = self.prediction_cache.get(key)
        if prediction is None:
            prediction = super().predict_action_probabilities(
                tracker, domain, rule_only_data, precomputations, **kwargs
            )
            self.prediction_cache.put(key, prediction)
        answer = copy.copy(prediction)
        answer.probabilities = list(prediction.probabilities)
        return answer
