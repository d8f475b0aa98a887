"""The summary as a FHIR Bundle (bot/summary/fhir.py): what a clinic's system reading it would see."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Sequence

from fhir.resources.bundle import Bundle

from bot.summary.content import Item, Summary
from bot.summary.fhir import fhir_bundle

Json = Dict[str, Any]
CONVERSATION = "telegram:123456789"
YES, NO = "LA33-6", "LA32-8"  # LOINC's answers


def resources(bundle: Json, kind: str) -> List[Json]:
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]


def the(bundle: Json, kind: str) -> Json:
    found = resources(bundle, kind)
    assert len(found) == 1, f"{len(found)} {kind} resources"
    return found[0]


def answers(bundle: Json) -> Dict[str, List[Json]]:
    """The response's answers by linkId, from every level of its items."""
    found: Dict[str, List[Json]] = {}
    items = list(the(bundle, "QuestionnaireResponse").get("item", []))
    while items:
        item = items.pop()
        items.extend(item.get("item", []))
        if "answer" in item:
            found[item["linkId"]] = item["answer"]
    return found


def observation_of(bundle: Json, item: Item, present: bool) -> Json:
    """The Observation of a finding: its kind, its value in plain words, present or absent."""
    matching = [
        o
        for o in resources(bundle, "Observation")
        if o["category"][0]["text"] == item.label
        and o["code"]["text"] == item.value.replace("_", " ")
        and o["valueBoolean"] is present
    ]
    assert len(matching) == 1, f"{len(matching)} Observations of {item}"
    return matching[0]


def notes(observation: Json) -> str:
    return " ".join(note["text"] for note in observation.get("note", []))


def item_of(items: Sequence[Item], value: str) -> Item:
    return next(i for i in items if i.value == value)


def test_the_bundle_validates_as_a_fhir_collection(diabetic: Summary) -> None:
    bundle = fhir_bundle(diabetic, CONVERSATION)
    assert Bundle.parse_obj(bundle).type == "collection"
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert all(url.startswith("urn:uuid:") for url in urls)
    assert len(set(urls)) == len(urls)
    assert bundle["timestamp"] == "2026-12-03T09:30:00+00:00"


def test_one_questionnaire_is_answered_by_one_response(diabetic: Summary) -> None:
    bundle = fhir_bundle(diabetic, CONVERSATION)
    questionnaire = the(bundle, "Questionnaire")
    response = the(bundle, "QuestionnaireResponse")
    assert questionnaire["status"] == "active"
    assert response["questionnaire"] == questionnaire["url"]
    assert response["status"] == "completed"
    asked = {item["linkId"] for group in questionnaire["item"] for item in group["item"]}
    assert set(answers(bundle)) <= asked


def test_every_finding_and_every_denial_has_its_preliminary_observation(diabetic: Summary) -> None:
    bundle = fhir_bundle(diabetic, CONVERSATION)
    observations = resources(bundle, "Observation")
    assert len(observations) >= len(diabetic.findings) + len(diabetic.denied) > 0
    assert {o["status"] for o in observations} == {"preliminary"}
    for item in diabetic.findings:
        assert all(f'"{words}"' in notes(observation_of(bundle, item, True)) for words in item.words)
    for item in diabetic.denied:
        assert all(f'"{words}"' in notes(observation_of(bundle, item, False)) for words in item.words)


def test_the_denied_alcohol_is_recorded_as_absent_in_the_persons_words(diabetic: Summary) -> None:
    alcohol = observation_of(
        fhir_bundle(diabetic, CONVERSATION), item_of(diabetic.denied, "heavy_alcohol_use"), False
    )
    assert alcohol["valueBoolean"] is False
    assert '"drink alcohol"' in notes(alcohol)
    assert "coding" not in alcohol["code"]  # no well-known concept: text only


def test_the_numbness_is_present_coded_and_in_the_persons_words(diabetic: Summary) -> None:
    numbness = item_of(diabetic.findings, "numbness")
    observation = observation_of(fhir_bundle(diabetic, CONVERSATION), numbness, True)
    assert observation["valueBoolean"] is True
    assert {"system": "http://snomed.info/sct", "code": "44077006", "display": "Numbness"} in observation[
        "code"
    ]["coding"]
    assert numbness.words and all(f'"{words}"' in notes(observation) for words in numbness.words)


def test_the_cleared_screen_answers_no_to_every_warning_sign(diabetic: Summary) -> None:
    signs = {
        link: given
        for link, given in answers(fhir_bundle(diabetic, CONVERSATION)).items()
        if "red_flag" in link
    }
    assert set(signs) == {f"red_flag.{answer.flag}" for answer in diabetic.screen}
    assert all([a["valueCoding"]["code"] for a in given] == [NO] for given in signs.values())


def test_the_emergency_answers_yes_to_bladder_control_loss_once(emergency: Summary) -> None:
    bundle = fhir_bundle(emergency, CONVERSATION)
    given = answers(bundle)
    assert [a["valueCoding"]["code"] for a in given["red_flag.bladder_control_loss"]] == [YES]
    assert "red_flag.breathing_difficulty" not in given  # not asked: no answer, never "no"
    sign = next(a.sign for a in emergency.screen if a.flag == "bladder_control_loss")
    told = [o for o in resources(bundle, "Observation") if o["code"]["text"] == sign]
    assert [o["valueBoolean"] for o in told] == [True]


def test_a_summary_without_findings_is_an_unanswered_interview(empty: Summary) -> None:
    bundle = fhir_bundle(empty, CONVERSATION)
    Bundle.parse_obj(bundle)
    assert resources(bundle, "Observation") == []
    assert the(bundle, "QuestionnaireResponse")["status"] == "in-progress"
    assert answers(bundle) == {}
    assert the(bundle, "Questionnaire")["item"]


def test_the_same_summary_gives_the_same_bundle(diabetic: Summary) -> None:
    bundle = fhir_bundle(diabetic, CONVERSATION)
    assert fhir_bundle(diabetic, CONVERSATION) == bundle
    other = fhir_bundle(diabetic, "telegram:987654321")
    assert not {e["fullUrl"] for e in other["entry"]} & {e["fullUrl"] for e in bundle["entry"]}


def test_the_bundle_is_json_that_names_no_one(diabetic: Summary) -> None:
    bundle = fhir_bundle(diabetic, CONVERSATION)
    text = json.dumps(bundle)
    assert json.loads(text) == bundle
    assert "123456789" not in text  # the channel's id of the person stays out
    tags = " ".join(tag["display"] for tag in bundle["meta"]["tag"])
    assert diabetic.not_a_diagnosis in tags
    assert diabetic.provenance.model_id in tags and diabetic.provenance.revision in tags
