"""`SymptomAwareFallback`: Rasa's FallbackClassifier, which does not mistake two ways of
describing symptoms for a message it cannot read.

Rasa's classifier asks the person to rephrase when the top intent is below
`threshold` or when the top two are closer than `ambiguity_threshold`. But
"I've got numbness down both legs and really bad lower back pain" may score
report_red_flag 0.50 and describe_symptoms 0.49: two readings that lead to
the same place, the interview (data/rules/interview.yml), whose red-flag
screen would then wait behind "Sorry, could you say that another way?".
Here the intents listed in `symptom_intents` count as one reading when the
top intent is one of them: their confidences add up against `threshold`, and
the ambiguity is measured against the best intent outside them. The top
intent is kept as DIET ranked it (report_red_flag brings the red-flag screen
forward). Any other prediction falls back exactly as Rasa's does.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

SYMPTOM_INTENTS_KEY = "symptom_intents"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SymptomAwareFallback(FallbackClassifier):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**FallbackClassifier.get_default_config(), SYMPTOM_INTENTS_KEY: []}

    def _should_fallback(self, message: Message) -> bool:
        reading = self._symptom_reading(message)
        if reading is None:
            return super()._should_fallback(message)
        confidence, best_other = reading
        return (
            confidence < self.component_config["threshold"]
            or confidence - best_other < self.component_config["ambiguity_threshold"]
        )

    def _symptom_reading(self, message: Message) -> Tuple[float, float] | None:
        """The symptom intents' joint confidence and the best other intent's, when the top
        intent is a symptom intent; else None."""
        symptom_intents = set(self.component_config[SYMPTOM_INTENTS_KEY])
        if message.get(INTENT, {}).get(INTENT_NAME_KEY) not in symptom_intents:
            return None
        ranking: List[Dict[str, Any]] = message.get(INTENT_RANKING_KEY) or []
        if not ranking:
            return None
        joint, others = 0.0, [0.0]
        for intent in ranking:
            confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY, 0.0))
            if intent.get(INTENT_NAME_KEY) in symptom_intents:
                joint += confidence
            else:
                others.append(confidence)
        return joint, max(others)
