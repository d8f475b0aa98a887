"""When the assistant asks to rephrase (bot/graph/intent_fallback.py): never because a description
of symptoms could be read two ways, otherwise as Rasa's FallbackClassifier does."""

from __future__ import annotations

from typing import Collection, Dict

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.graph.intent_fallback import SymptomAwareFallback
from bot.names import SYMPTOM_INTENTS


def classified(ranking: Dict[str, float], symptom_intents: Collection[str] = SYMPTOM_INTENTS) -> str:
    """The intent the pipeline hands to the policies, after DIET ranked `ranking`."""
    ordered = [{"name": name, "confidence": c} for name, c in sorted(ranking.items(), key=lambda i: -i[1])]
    message = Message(data={"text": "…", "intent": dict(ordered[0]), "intent_ranking": ordered})
    fallback = SymptomAwareFallback(
        {"threshold": 0.45, "ambiguity_threshold": 0.05, "symptom_intents": sorted(symptom_intents)}
    )
    return fallback.process([message])[0].get("intent")["name"]


def test_a_description_torn_between_two_symptom_intents_starts_the_interview() -> None:
    # "I've got numbness down both legs and really bad lower back pain", as a 30-epoch DIET read it.
    ranking = {"report_red_flag": 0.497, "describe_symptoms": 0.491, "ask_cause": 0.007, "greet": 0.005}
    assert classified(ranking) == "report_red_flag"
    # Rasa's own classifier asked to rephrase, and the red-flag screen waited.
    assert classified(ranking, symptom_intents=[]) == "nlu_fallback"


def test_symptom_intents_that_are_each_unsure_count_together() -> None:
    ranking = {"describe_symptoms": 0.40, "inform": 0.35, "ask_cause": 0.15, "greet": 0.10}
    assert classified(ranking) == "describe_symptoms"


@pytest.mark.parametrize(
    "ranking",
    [
        # A symptom reading, its intents together, no clearer than a question about causes.
        {"describe_symptoms": 0.47, "ask_cause": 0.45, "inform": 0.02, "greet": 0.06},
        # Nothing stands out, the symptom intents together included.
        {"describe_symptoms": 0.25, "inform": 0.15, "ask_cause": 0.22, "greet": 0.20, "thank": 0.18},
        # Two other intents, close together: Rasa's own rule.
        {"ask_cause": 0.48, "ask_test": 0.46, "describe_symptoms": 0.06},
        # One other intent, unsure.
        {"greet": 0.40, "thank": 0.30, "describe_symptoms": 0.30},
    ],
)
def test_other_unclear_messages_still_get_asked_to_rephrase(ranking: Dict[str, float]) -> None:
    assert classified(ranking) == "nlu_fallback"


def test_a_clear_prediction_is_left_alone() -> None:
    question = {"ask_treatment": 0.91, "ask_cause": 0.05, "describe_symptoms": 0.04}
    assert classified(question) == "ask_treatment"
    assert classified({"inform": 0.88, "describe_symptoms": 0.10, "deny": 0.02}) == "inform"
