"""The red-flag policy beats the interview form's happy path in Rasa's ensemble."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.graph.red_flag_policy import RedFlagPolicy
from bot.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture()
def policy(tmp_path) -> RedFlagPolicy:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    return RedFlagPolicy.create(RedFlagPolicy.get_default_config(), storage, Resource("red_flags"), context)


def mid_interview(
    domain: Domain, text: str, entities: List[Dict[str, Any]], intent: str
) -> DialogueStateTracker:
    events = [
        ActionExecuted("action_listen"),
        UserUttered("my feet feel numb", {"name": "describe_symptoms", "confidence": 1.0}, []),
        ActionExecuted("symptom_form"),
        ActiveLoop("symptom_form"),
        SlotSet("requested_slot", "laterality"),
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": intent, "confidence": 0.9}, entities),
    ]
    return DialogueStateTracker.from_events("test", events, domain.slots)


def predicted(prediction: PolicyPrediction, domain: Domain) -> str:
    return domain.action_names_or_texts[prediction.max_confidence_index]


def test_a_red_flag_mid_interview_overrules_the_form(policy: RedFlagPolicy, domain: Domain) -> None:
    text = "and now I can't breathe properly"
    entity = {
        "entity": "symptom",
        "value": "breathing_difficulty",
        "start": 12,
        "end": 25,
        "negated": False,
        "experiencer": "patient",
    }
    tracker = mid_interview(domain, text, [entity], "describe_symptoms")
    ours = policy.predict_action_probabilities(tracker, domain)
    assert predicted(ours, domain) == "action_emergency"
    form_probabilities = [0.0] * len(domain.action_names_or_texts)
    form_probabilities[domain.index_for_action("symptom_form")] = 1.0
    form = PolicyPrediction(form_probabilities, "RulePolicy", policy_priority=6, is_no_user_prediction=True)
    best = DefaultPolicyPredictionEnsemble._pick_best_policy([form, ours])
    assert predicted(best, domain) == "action_emergency"


def test_a_denied_red_flag_leaves_the_form_alone(policy: RedFlagPolicy, domain: Domain) -> None:
    text = "no trouble breathing"
    entity = {
        "entity": "symptom",
        "value": "breathing_difficulty",
        "start": 3,
        "end": 20,
        "negated": True,
        "experiencer": "patient",
    }
    tracker = mid_interview(domain, text, [entity], "inform")
    assert policy.predict_action_probabilities(tracker, domain).max_confidence == 0.0
