"""Symptoms described for someone else (bot/someone_else.py, bot/graph/someone_else_policy.py): the
person is told whose symptoms the assistant can go through, with the other person's emergency first."""

from __future__ import annotations

from typing import List

import pytest
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.findings import Findings, Turn
from bot.graph.someone_else_policy import SomeoneElsePolicy
from bot.nlp.extract import ClinicalExtractor
from bot.settings import PROJECT_ROOT
from bot.someone_else import (
    THEIR_EMERGENCY,
    THEIR_WARNING_SIGNS,
    WHOSE_SYMPTOMS,
    about_someone_else,
    someone_else_reply,
)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture()
def policy(tmp_path) -> SomeoneElsePolicy:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    return SomeoneElsePolicy.create(
        SomeoneElsePolicy.get_default_config(), storage, Resource("someone_else"), context
    )


def findings(extractor: ClinicalExtractor, *texts: str) -> Findings:
    return Findings.from_turns([Turn(text, tuple(extractor.extract(text))) for text in texts])


@pytest.mark.parametrize(
    "text",
    [
        "my mum has numb feet",
        "my wife's feet have been numb for months, she is diabetic",
        "my husband has tingling in his toes but I'm fine",
        "my mum has numb feet but I don't",
        "my dad suddenly can't feel his legs and he is struggling to breathe",
    ],
)
def test_another_persons_symptoms_are_about_someone_else(extractor: ClinicalExtractor, text: str) -> None:
    latest = findings(extractor, text)
    assert about_someone_else(latest, latest, "describe_symptoms")


@pytest.mark.parametrize(
    "text",
    [
        "my feet are numb",
        "my mum has numb feet and my toes tingle",
        "my dad has diabetes and my feet are numb",
        "my mum has diabetes",  # family history, no symptom of theirs: the interview may follow
        "my mum doesn't have numb feet",
    ],
)
def test_the_persons_own_symptoms_or_no_one_elses_are_not(extractor: ClinicalExtractor, text: str) -> None:
    latest = findings(extractor, text)
    assert not about_someone_else(latest, latest, "describe_symptoms")


def test_someone_else_mentioned_after_the_persons_own_symptoms_is_not(extractor: ClinicalExtractor) -> None:
    conversation = findings(extractor, "my toes tingle", "my sister has numb feet too")
    latest = findings(extractor, "my sister has numb feet too")
    assert not about_someone_else(latest, conversation, "describe_symptoms")


def test_a_general_question_before_is_not_the_persons_own_symptoms(extractor: ClinicalExtractor) -> None:
    turns = [
        Turn("what causes numb feet?", tuple(extractor.extract("what causes numb feet?")), intent="ask_cause")
    ]
    turns.append(Turn("my mum has numb feet", tuple(extractor.extract("my mum has numb feet"))))
    conversation = Findings.from_turns(turns)
    assert about_someone_else(Findings.from_turns(turns[-1:]), conversation, "describe_symptoms")


def test_a_question_about_someone_else_is_answered_as_a_question(extractor: ClinicalExtractor) -> None:
    latest = findings(extractor, "my mum has numb feet, what could cause that?")
    assert not about_someone_else(latest, latest, "ask_cause")


def test_their_red_flag_comes_first_and_plainly(extractor: ClinicalExtractor) -> None:
    reply = someone_else_reply(findings(extractor, "my dad suddenly can't feel his legs and can't breathe"))
    assert reply.startswith(THEIR_EMERGENCY) and "emergency number" in THEIR_EMERGENCY
    assert WHOSE_SYMPTOMS in reply


def test_without_a_red_flag_the_warning_signs_still_close_the_reply(extractor: ClinicalExtractor) -> None:
    reply = someone_else_reply(findings(extractor, "my mum's toes have tingled for years"))
    assert reply.startswith(WHOSE_SYMPTOMS) and reply.endswith(THEIR_WARNING_SIGNS)
    assert THEIR_EMERGENCY not in reply


def tracker(domain: Domain, extractor: ClinicalExtractor, text: str, *before: Event) -> DialogueStateTracker:
    parse = {"name": "describe_symptoms", "confidence": 1.0}
    said = UserUttered(text, parse, extractor.extract(text))
    events: List[Event] = [*before, ActionExecuted("action_listen"), said]
    return DialogueStateTracker.from_events("test", events, domain.slots)


def predicted(prediction: PolicyPrediction, domain: Domain) -> str:
    return domain.action_names_or_texts[prediction.max_confidence_index]


def test_the_policy_overrules_the_rule_that_starts_the_interview(
    policy: SomeoneElsePolicy, domain: Domain, extractor: ClinicalExtractor
) -> None:
    ours = policy.predict_action_probabilities(tracker(domain, extractor, "my mum has numb feet"), domain)
    assert predicted(ours, domain) == "action_about_someone_else"
    probabilities = [0.0] * len(domain.action_names_or_texts)
    probabilities[domain.index_for_action("symptom_form")] = 1.0
    rule = PolicyPrediction(probabilities, "RulePolicy", policy_priority=6)
    best = DefaultPolicyPredictionEnsemble._pick_best_policy([rule, ours])
    assert predicted(best, domain) == "action_about_someone_else"


def test_the_policy_leaves_the_interview_and_the_persons_own_symptoms_alone(
    policy: SomeoneElsePolicy, domain: Domain, extractor: ClinicalExtractor
) -> None:
    in_interview = tracker(domain, extractor, "my mum has numb feet too", ActiveLoop("symptom_form"))
    own = tracker(domain, extractor, "my feet are numb")
    for case in (in_interview, own):
        assert policy.predict_action_probabilities(case, domain).max_confidence == 0.0
