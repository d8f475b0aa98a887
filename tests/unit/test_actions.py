"""The action server's actions, run on rasa-sdk Trackers without a server."""

from __future__ import annotations

import asyncio
import re
from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import ActionGiveAssessment
from actions.emergency import ActionEmergency
from actions.handoff import ActionHandoff
from actions.interview import ValidateSymptomForm
from actions.questions import ActionAnswerQuestion
from bot.interview import NOTED_AS_NOT_SURE
from bot.knowledge import load_knowledge_base


def user(text: str, intent: str, *entities: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "parse_data": {
            "text": text,
            "intent": {"name": intent, "confidence": 0.99},
            "entities": list(entities),
        },
    }


def ent(text: str, entity: str, value: str, phrase: str = "", **status: Any) -> Dict[str, Any]:
    phrase = phrase or value
    start = text.index(phrase)
    return {
        "entity": entity,
        "value": value,
        "start": start,
        "end": start + len(phrase),
        "negated": False,
        "experiencer": "patient",
        **status,
    }


def tracker(
    events: List[Dict[str, Any]], slots: Dict[str, Any] | None = None, active_loop: str | None = None
) -> Tracker:
    latest = next(e for e in reversed(events) if e["event"] == "user")["parse_data"]
    return Tracker(
        "test-user",
        dict(slots or {}),
        latest,
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def run(action: Any, t: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, events


DIABETIC = "both feet have gone numb slowly over a year and I'm diabetic"


def test_assessment_names_causes_with_the_persons_words_and_advises_a_clinician() -> None:
    text = DIABETIC
    t = tracker(
        [
            user(
                text,
                "describe_symptoms",
                ent(text, "laterality", "both_sides", "both feet"),
                ent(text, "symptom", "numbness", "numb"),
                ent(text, "onset", "gradual", "slowly"),
                ent(text, "duration", "over a year"),
                ent(text, "risk_factor", "diabetes", "diabetic"),
            )
        ]
    )
    messages, events = run(ActionGiveAssessment(), t)
    payload = messages[0]["custom"]
    assert payload["type"] == "assessment"
    assert payload["triage_level"] == "see_clinician"
    assert payload["possible_causes"][0]["id"] == "diabetic_neuropathy"
    assert "diabetic" in payload["possible_causes"][0]["evidence"]
    assert payload["disclaimer"] and payload["next_steps"]
    assert "clinician" in messages[0]["text"].lower()
    assert (
        "you said \u201cdiabetic\u201d" in messages[0]["text"]
        or "\u201cdiabetic\u201d" in messages[0]["text"]
    )
    assert SlotSet("triage_level", "see_clinician") in events
    assert SlotSet("possible_causes", [c["id"] for c in payload["possible_causes"]]) in events
    # Each check is described once: the general work-up skips what the cause's steps already say.
    steps = payload["next_steps"]
    assert sum("reflexes" in step for step in steps) == 1
    assert sum("blood test" in step.lower() for step in steps) == 1
    assert any(step.startswith("Nerve conduction study") for step in steps)


def test_assessment_ignores_denied_and_family_findings() -> None:
    text = "my feet are numb, I'm not diabetic but my dad is"
    t = tracker(
        [
            user(
                text,
                "describe_symptoms",
                ent(text, "symptom", "numbness", "numb"),
                ent(text, "risk_factor", "diabetes", "diabetic", negated=True),
                ent(text, "risk_factor", "diabetes", "my dad is", experiencer="other"),
            )
        ]
    )
    messages, _ = run(ActionGiveAssessment(), t)
    assert "diabetic_neuropathy" not in [c["id"] for c in messages[0]["custom"]["possible_causes"]]


def test_assessment_never_states_a_diagnosis_or_a_dose() -> None:
    text = DIABETIC
    t = tracker([user(text, "describe_symptoms", ent(text, "risk_factor", "diabetes", "diabetic"))])
    messages, _ = run(ActionGiveAssessment(), t)
    reply = messages[0]["text"].lower()
    assert not re.search(r"\byou have (diabet|b12|cidp|sciatica|tarsal|peripheral)", reply)
    assert "not a diagnosis" in reply
    assert not re.search(r"\d+\s*(mg|mcg|µg|units)\b", reply)


def test_assessment_with_nothing_said_asks_for_symptoms() -> None:
    messages, events = run(ActionGiveAssessment(), tracker([user("what do you think", "ask_assessment")]))
    assert not messages[0]["custom"] and "feet" in messages[0]["text"]
    assert events == []


def test_what_a_general_question_names_is_not_something_the_person_said_they_have() -> None:
    question = "can diabetes cause numb feet?"
    statement = "both my feet tingle, it came on slowly"
    t = tracker(
        [
            user(
                question,
                "ask_cause",
                ent(question, "risk_factor", "diabetes"),
                ent(question, "symptom", "numbness", "numb"),
            ),
            user(
                statement,
                "describe_symptoms",
                ent(statement, "laterality", "both_sides", "both my feet"),
                ent(statement, "symptom", "tingling", "tingle"),
                ent(statement, "onset", "gradual", "slowly"),
            ),
        ]
    )
    messages, _ = run(ActionGiveAssessment(), t)
    causes = messages[0]["custom"]["possible_causes"]
    assert "diabetic_neuropathy" not in [c["id"] for c in causes]
    assert "\u201cdiabetes\u201d" not in messages[0]["text"]


def test_a_question_that_speaks_of_the_person_still_counts() -> None:
    text = "both my feet are numb and I'm diabetic, could that be why?"
    t = tracker(
        [
            user(
                text,
                "ask_cause",
                ent(text, "laterality", "both_sides", "both my feet"),
                ent(text, "symptom", "numbness", "numb"),
                ent(text, "risk_factor", "diabetes", "diabetic"),
            )
        ]
    )
    messages, _ = run(ActionGiveAssessment(), t)
    assert messages[0]["custom"]["possible_causes"][0]["id"] == "diabetic_neuropathy"


def test_only_general_questions_so_far_is_nothing_to_assess() -> None:
    question = "what is the difference between numbness and tingling"
    asked = user(
        question, "ask_concept", ent(question, "symptom", "numbness"), ent(question, "symptom", "tingling")
    )
    messages, events = run(ActionGiveAssessment(), tracker([asked, user("is it serious?", "ask_assessment")]))
    assert not messages[0]["custom"] and events == []


def test_emergency_reply_interrupts_the_interview() -> None:
    text = "and now I can't breathe properly"
    t = tracker(
        [user(text, "report_red_flag", ent(text, "symptom", "breathing_difficulty", "can't breathe"))],
        slots={"requested_slot": "duration"},
        active_loop="symptom_form",
    )
    messages, events = run(ActionEmergency(), t)
    payload = messages[0]["custom"]
    assert payload == {
        "type": "emergency",
        "triage_level": "emergency",
        "red_flags": ["breathing_difficulty"],
        "advice": load_knowledge_base().emergency_advice,
    }
    assert "emergency" in messages[0]["text"].lower()
    assert SlotSet("triage_level", "emergency") in events
    assert SlotSet("red_flags", ["breathing_difficulty"]) in events
    assert ActiveLoop(None) in events


def test_interview_takes_a_one_word_answer_to_the_question_asked() -> None:
    t = tracker([user("both", "inform")], slots={"requested_slot": "laterality"}, active_loop="symptom_form")
    _, events = run(ValidateSymptomForm(), t)
    assert events == [SlotSet("laterality", "both_sides")]


def test_interview_notes_not_sure_when_an_answer_is_not_understood_twice() -> None:
    asked = {"event": "slot", "name": "requested_slot", "value": "onset"}
    first = [
        user("because of the thing", "inform"),
        asked,
        user("erm the thing with the pills", "nlu_fallback"),
    ]
    messages, events = run(
        ValidateSymptomForm(), tracker(first, slots={"requested_slot": "onset"}, active_loop="symptom_form")
    )
    assert messages == [] and events == []  # the rule has asked to rephrase

    again = [*first, asked, user("the thing with the pills", "nlu_fallback")]
    messages, events = run(
        ValidateSymptomForm(), tracker(again, slots={"requested_slot": "onset"}, active_loop="symptom_form")
    )
    assert [m["text"] for m in messages] == [NOTED_AS_NOT_SURE]
    assert events == [SlotSet("onset", "unknown")]


def test_interview_moves_on_when_an_answer_it_cannot_use_is_said_again() -> None:
    """A confident non-answer ("towards the end of the drive" read as a remark) is answered by a
    rule and the question asked again; the same words a second time are noted as not sure."""
    asked_side = {"event": "slot", "name": "requested_slot", "value": "laterality"}
    asked = {"event": "slot", "name": "requested_slot", "value": "onset"}
    first = [asked_side, user("towards the end", "inform"), asked, user("towards the end", "chitchat")]
    messages, events = run(
        ValidateSymptomForm(), tracker(first, slots={"requested_slot": "onset"}, active_loop="symptom_form")
    )
    # The same words answered the previous question: not a repetition of this one.
    assert messages == [] and events == []

    again = [*first, asked, user("Towards  the end", "chitchat")]
    messages, events = run(
        ValidateSymptomForm(), tracker(again, slots={"requested_slot": "onset"}, active_loop="symptom_form")
    )
    assert [m["text"] for m in messages] == [NOTED_AS_NOT_SURE]
    assert events == [SlotSet("onset", "unknown")]


def test_interview_fills_everything_a_message_says() -> None:
    text = "only my left sole, it started suddenly"
    entities = [
        ent(text, "laterality", "one_side", "only my left"),
        ent(text, "body_part", "sole"),
        ent(text, "onset", "sudden", "suddenly"),
    ]
    t = tracker(
        [user(text, "inform", *entities)], slots={"requested_slot": "body_part"}, active_loop="symptom_form"
    )
    _, events = run(ValidateSymptomForm(), t)
    assert events == [
        SlotSet("laterality", "one_side"),
        SlotSet("body_part", ["sole"]),
        SlotSet("onset", "sudden"),
        SlotSet("requested_slot", "red_flag_screen"),
    ]


def test_tell_me_more_refers_to_the_last_assessment() -> None:
    kb = load_knowledge_base()
    t = tracker(
        [user("tell me more about the second one", "ask_more")],
        slots={"possible_causes": ["diabetic_neuropathy", "b12_deficiency"]},
    )
    messages, _ = run(ActionAnswerQuestion(), t)
    assert messages[0]["text"].startswith(kb.cause("b12_deficiency").name)


@pytest.mark.parametrize(
    "intent, text, entity, expected",
    [
        (
            "ask_test",
            "what is a nerve conduction study",
            ("topic", "nerve_conduction_study"),
            "nerve_conduction_study",
        ),
        ("ask_concept", "why do feet go first", ("topic", "longest_fibres"), "longest_fibres"),
    ],
)
def test_questions_are_answered_from_the_knowledge_base(
    intent: str, text: str, entity: tuple, expected: str
) -> None:
    phrase = text.split()[-1]
    t = tracker([user(text, intent, ent(text, entity[0], entity[1], phrase))])
    messages, _ = run(ActionAnswerQuestion(), t)
    assert load_knowledge_base().topic(expected).text in messages[0]["text"]


def test_dose_requests_are_refused_politely() -> None:
    messages, _ = run(
        ActionAnswerQuestion(), tracker([user("how much gabapentin can I take", "ask_medication")])
    )
    assert messages[0]["text"].startswith(load_knowledge_base().no_doses)
    assert "mg" not in messages[0]["text"]


def test_handoff_points_to_the_configured_contact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUMAN_CONTACT", "the Footcare Clinic on 0123 456789")
    messages, _ = run(ActionHandoff(), tracker([user("can I talk to a person", "request_human")]))
    assert "the Footcare Clinic on 0123 456789" in messages[0]["text"]


def test_weakness_brings_the_red_flag_screen_forward() -> None:
    text = "my legs feel weak"
    t = tracker(
        [
            user(
                text,
                "describe_symptoms",
                ent(text, "symptom", "weakness", "weak"),
                ent(text, "body_part", "leg", "legs"),
            )
        ],
        active_loop="symptom_form",
    )
    _, events = run(ValidateSymptomForm(), t)
    assert events[-1] == SlotSet("requested_slot", "red_flag_screen")
