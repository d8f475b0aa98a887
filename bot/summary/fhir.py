"""The summary for the clinician as a FHIR R4 Bundle, so that a clinic's system can read it.

The Bundle (type `collection`) holds the assistant's interview as a Questionnaire, the person's
answers as a QuestionnaireResponse, and one Observation per finding. Choices:

- a denied finding ("I don't drink alcohol") is recorded as absent, `valueBoolean: false`, never
  omitted: a clinician needs to know what was ruled out as much as what was told;
- a finding is coded in SNOMED CT only where its concept is well known (numbness, pins and needles,
  pain, muscle weakness, dyspnoea, diabetes, vitamin B12 deficiency), and always carries its plain
  words in `code.text`: a wrong code is worse than none;
- the warning-sign answers use LOINC's answer codes for yes, no and don't know;
- every finding is only what the person typed, so Observations are `preliminary`; the Bundle's tags
  say that it is not a diagnosis and which model and code revision made it;
- ids are uuid5 of the conversation, the time the summary was made and the resource's role, so the
  same summary gives the same Bundle; the conversation id itself stays out, as it can be a person's
  Slack or Telegram id;
- the resources are validated with the R4B models of fhir.resources 6.5 (its top-level modules),
  because Rasa 3.6 needs pydantic 1; the elements used here are the same in R4.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, Dict, List, Mapping, Tuple

from fhir.resources.bundle import Bundle

from bot.summary.content import COMPLAINT, ENTITY_LABELS, NO, NOT_SURE, NOT_TOLD, YES, Item, Summary
from bot.texts import say
from bot.vocabulary import load_vocabulary

Json = Dict[str, Any]

ASSISTANT = "urn:foot-numbness-assistant"
QUESTIONNAIRE_URL = f"{ASSISTANT}:questionnaire:interview"
_IDS = uuid.uuid5(uuid.NAMESPACE_URL, ASSISTANT)
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
#: SNOMED CT concepts (code, preferred term) of the entity values that have a well-known one; the terms
#: are in the text catalogue (bot/texts/en/fhir.yml).
SNOMED_CODES: Mapping[Tuple[str, str], Tuple[str, str]] = {
    ("symptom", "numbness"): ("44077006", say("fhir.snomed_numbness")),
    ("symptom", "tingling"): ("62507009", say("fhir.snomed_pins_and_needles")),
    ("symptom", "pain"): ("22253000", say("fhir.snomed_pain")),
    ("symptom", "weakness"): ("26544005", say("fhir.snomed_muscle_weakness")),
    ("symptom", "breathing_difficulty"): ("267036007", say("fhir.snomed_dyspnea")),
    ("red_flag", "breathing_difficulty"): ("267036007", say("fhir.snomed_dyspnea")),
    ("risk_factor", "diabetes"): ("73211009", say("fhir.snomed_diabetes_mellitus")),
    ("risk_factor", "b12_deficiency"): ("190634004", say("fhir.snomed_b12_deficiency")),
}
#: LOINC answers (code, display) for the warning-sign screen; a sign not asked has no answer.
SCREEN_ANSWERS: Mapping[str, Tuple[str, str]] = {
    YES: ("LA33-6", say("fhir.loinc_yes")),
    NO: ("LA32-8", say("fhir.loinc_no")),
    NOT_SURE: ("LA12688-0", say("fhir.loinc_dont_know")),
}
#: The interview's parts: linkId, text.
GROUPS = (
    ("complaint", say("fhir.group_complaint")),
    ("red_flag_screen", say("fhir.group_red_flag_screen")),
    ("risk_factors", say("fhir.group_risk_factors")),
)


def fhir_bundle(summary: Summary, conversation_id: str) -> Dict[str, Any]:
    """The summary as a FHIR Bundle of type collection, validated, as JSON-ready data."""
    provenance = summary.provenance
    response_url = _full_url(conversation_id, provenance.made_at, "questionnaire-response")
    resources = [
        ("questionnaire", _questionnaire(summary)),
        ("questionnaire-response", _response(summary)),
        *_observations(summary, response_url),
    ]
    bundle = {
        "resourceType": "Bundle",
        "meta": {
            "tag": [
                {
                    "system": f"{ASSISTANT}:summary",
                    "code": "not-a-diagnosis",
                    "display": summary.not_a_diagnosis,
                },
                {
                    "system": f"{ASSISTANT}:made-by",
                    "code": "foot-numbness-assistant",
                    "display": say("fhir.made_by", model=provenance.model_id, revision=provenance.revision),
                },
            ]
        },
        "identifier": {
            "system": "urn:ietf:rfc:3986",
            "value": _full_url(conversation_id, provenance.made_at, "bundle"),
        },
        "type": "collection",
        "timestamp": provenance.made_at.isoformat(),
        "entry": [
            {"fullUrl": _full_url(conversation_id, provenance.made_at, role), "resource": resource}
            for role, resource in resources
        ],
    }
    checked: Dict[str, Any] = json.loads(Bundle.parse_obj(bundle).json())
    return checked


def _full_url(conversation_id: str, made_at: datetime, role: str) -> str:
    name = "\n".join((conversation_id, made_at.isoformat(), role))
    return f"urn:uuid:{uuid.uuid5(_IDS, name)}"


def _questionnaire(summary: Summary) -> Json:
    """The interview's questions: the parts of the complaint, the warning signs, the risk factors."""
    complaint = [
        {"linkId": _complaint_link(label), "text": label, "type": "string"}
        for label, _, _ in summary.complaint
    ]
    screen = [
        {
            "linkId": f"red_flag.{answer.flag}",
            "text": answer.sign,
            "type": "choice",
            "answerOption": [{"valueCoding": _screen_coding(code)} for code in SCREEN_ANSWERS],
        }
        for answer in summary.screen
    ]
    risks = [
        {"linkId": f"risk_factor.{value}", "text": _plain(value).capitalize(), "type": "boolean"}
        for value in _risk_factor_values(summary)
    ]
    return {
        "resourceType": "Questionnaire",
        "url": QUESTIONNAIRE_URL,
        "version": summary.provenance.revision,
        "name": "FootNumbnessInterview",
        "title": say("fhir.questionnaire_title"),
        "status": "active",
        "description": say("fhir.questionnaire_description"),
        "item": [{**group, "type": "group"} for group in _groups(complaint, screen, risks)],
    }


def _response(summary: Summary) -> Json:
    """The person's answers; a question not answered is left out (FHIR wants an answer per item)."""
    complaint = [
        _answered(_complaint_link(label), label, {"valueString": values})
        for label, values, _ in summary.complaint
        if values != NOT_TOLD
    ]
    screen = [
        _answered(f"red_flag.{answer.flag}", answer.sign, {"valueCoding": _screen_coding(answer.answer)})
        for answer in summary.screen
        if answer.answer in SCREEN_ANSWERS
    ]
    told = _risk_factors_told(summary)
    risks = [
        _answered(f"risk_factor.{value}", _plain(value).capitalize(), {"valueBoolean": told[value]})
        for value in _risk_factor_values(summary)
        if value in told
    ]
    response: Json = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": QUESTIONNAIRE_URL,
        "status": "completed" if summary.has_findings else "in-progress",
        "authored": summary.provenance.made_at.isoformat(),
    }
    answered = [group for group in _groups(complaint, screen, risks) if group["item"]]
    if answered:
        response["item"] = answered
    return response


def _observations(summary: Summary, response_url: str) -> List[Tuple[str, Json]]:
    """(role, Observation) per finding told, per finding denied, and per warning sign answered yes on
    the screen that the findings do not already hold."""
    signs = {answer.flag: answer.sign for answer in summary.screen}
    told = [(f"observation:{i.entity}:{i.value}:present", _finding(i, True, signs)) for i in summary.findings]
    denied = [(f"observation:{i.entity}:{i.value}:absent", _finding(i, False, signs)) for i in summary.denied]
    in_findings = {i.value for i in summary.findings if i.entity == "red_flag"}
    screened = [
        (f"observation:screen:{a.flag}", _screened_sign(a.flag, a.sign, response_url))
        for a in summary.screen
        if a.answer == YES and a.flag not in in_findings
    ]
    return [*told, *denied, *screened]


def _finding(item: Item, present: bool, signs: Mapping[str, str]) -> Json:
    text = signs.get(item.value, _plain(item.value)) if item.entity == "red_flag" else _plain(item.value)
    observation = _observation(item.entity, item.value, text, present)
    if item.words:
        said = ", ".join(f'"{words}"' for words in item.words)
        note = say("fhir.note_told", said=said) if present else say("fhir.note_denied", said=said)
        observation["note"] = [{"text": note}]
    return observation


def _screened_sign(flag: str, sign: str, response_url: str) -> Json:
    return {**_observation("red_flag", flag, sign, True), "derivedFrom": [{"reference": response_url}]}


def _observation(entity: str, value: str, text: str, present: bool) -> Json:
    code: Json = {"text": text}
    if (entity, value) in SNOMED_CODES:
        concept, display = SNOMED_CODES[entity, value]
        code["coding"] = [{"system": SNOMED, "code": concept, "display": display}]
    return {
        "resourceType": "Observation",
        "status": "preliminary",
        "category": [{"text": ENTITY_LABELS.get(entity, _plain(entity).capitalize())}],
        "code": code,
        "valueBoolean": present,
    }


def _groups(complaint: List[Json], screen: List[Json], risks: List[Json]) -> List[Json]:
    """The interview's three parts, holding their questions or answers."""
    parts = zip(GROUPS, (complaint, screen, risks), strict=True)
    return [{"linkId": link_id, "text": text, "item": items} for (link_id, text), items in parts]


def _answered(link_id: str, text: str, answer: Json) -> Json:
    return {"linkId": link_id, "text": text, "answer": [answer]}


def _complaint_link(label: str) -> str:
    return f"complaint.{dict(COMPLAINT)[label]}"


def _screen_coding(answer: str) -> Json:
    code, display = SCREEN_ANSWERS[answer]
    return {"system": LOINC, "code": code, "display": display}


def _risk_factor_values(summary: Summary) -> List[str]:
    """The vocabulary's risk factors, then any the summary holds beyond them."""
    told = [i.value for i in (*summary.risk_factors, *summary.risk_factors_denied)]
    return list(dict.fromkeys([*load_vocabulary().values("risk_factor"), *told]))


def _risk_factors_told(summary: Summary) -> Dict[str, bool]:
    """Each risk factor the person told (True) or denied (False); told when they did both (the
    Observations keep both)."""
    told = {i.value: False for i in summary.risk_factors_denied}
    told.update({i.value: True for i in summary.risk_factors})
    return told


def _plain(value: str) -> str:
    return value.replace("_", " ")
