"""What the summary for the clinician holds, made from a conversation's events on demand.

Nothing new is stored: the tracker's events are the one source of truth, and
the findings, the red-flag answers and the assessment are derived from them
exactly as the assistant derived them during the conversation (the same
functions the actions use). The sections follow the order a clinician reads a
referral in: the presenting complaint, the warning signs asked about, risk
factors, what was denied, the triage and its reason, the possible causes with
the evidence for and against, what may be checked next, questions to ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Mapping, Sequence, Set, Tuple

from bot.conversation import turns_from_events
from bot.findings import Finding, Findings
from bot.interview import CLEARED, UNSURE, unsure_flags
from bot.knowledge import KnowledgeBase
from bot.nlp.red_flag_patterns import OLD_STROKE, RECENT_START, SELF_REPORTED
from bot.reasoning import Assessment, assess
from bot.replies import MAX_CAUSES, next_steps
from bot.texts import say
from bot.who_is_asking import who_is_asking

#: Answers on the red-flag screen.
YES, NO, NOT_SURE, NOT_ASKED = "yes", "no", "not sure", "not asked"
#: Each kind of finding's label (bot/texts/en/summary.yml).
ENTITY_LABELS = {
    "symptom": say("summary.label_symptom"),
    "body_part": say("summary.label_body_part"),
    "laterality": say("summary.label_laterality"),
    "onset": say("summary.label_onset"),
    "duration": say("summary.label_duration"),
    "progression": say("summary.label_progression"),
    "risk_factor": say("summary.label_risk_factor"),
    "red_flag": say("summary.label_red_flag"),
    "trigger": say("summary.label_trigger"),
    "cause": say("summary.label_cause"),
}
#: Labels of what the NLP marks beside the warning signs, which are not signs by themselves.
MARKER_LABELS = {
    RECENT_START: say("summary.marker_recent_start"),
    SELF_REPORTED: say("summary.marker_self_reported"),
    OLD_STROKE: say("summary.marker_old_stroke"),
}
NOT_TOLD = say("summary.not_told")
#: The presenting complaint: label, the entity it is read from.
COMPLAINT = (
    (say("summary.complaint_symptom"), "symptom"),
    (say("summary.complaint_body_part"), "body_part"),
    (say("summary.complaint_laterality"), "laterality"),
    (say("summary.complaint_onset"), "onset"),
    (say("summary.complaint_duration"), "duration"),
    (say("summary.complaint_progression"), "progression"),
)
#: Each triage level's name on the summary; a clinician's is the chat's own label (triage.yml).
TRIAGE_NAMES = {
    "emergency": say("summary.triage_emergency"),
    "see_clinician": say("triage.see_clinician"),
    "self_care": say("summary.triage_self_care"),
}


@dataclass(frozen=True)
class Item:
    """One finding: what it is, and the person's own words for it."""

    entity: str
    value: str
    label: str
    words: Tuple[str, ...]


@dataclass(frozen=True)
class ScreenAnswer:
    flag: str
    sign: str  # the warning sign's name, for a clinician
    answer: str  # YES, NO, NOT_SURE or NOT_ASKED


@dataclass(frozen=True)
class CauseLine:
    id: str
    name: str
    section: str
    summary: str
    evidence_for: Tuple[str, ...]
    evidence_against: Tuple[str, ...]


@dataclass(frozen=True)
class Provenance:
    made_at: datetime
    model_id: str
    revision: str


@dataclass(frozen=True)
class Summary:
    provenance: Provenance
    has_findings: bool
    nothing_yet: str  # said instead of the sections when there are no findings
    emergency_advice: str | None  # heads the summary of an emergency conversation
    complaint: Tuple[Tuple[str, str, Tuple[str, ...]], ...]  # label, values, the person's words
    findings: Tuple[Item, ...]  # everything present for the person
    screen: Tuple[ScreenAnswer, ...]
    risk_factors: Tuple[Item, ...]
    risk_factors_denied: Tuple[Item, ...]
    denied: Tuple[Item, ...]
    triage_level: str
    triage_name: str
    triage_reason: str
    causes: Tuple[CauseLine, ...]
    next_steps: Tuple[str, ...]
    questions: Tuple[str, ...]
    disclaimer: str
    not_a_diagnosis: str = say("summary.not_a_diagnosis")


def build_summary(
    events: Sequence[Mapping[str, Any]], slots: Mapping[str, Any], kb: KnowledgeBase, provenance: Provenance
) -> Summary:
    """The summary of a conversation from its events (Rasa's event dicts) and its current slots."""
    turns = turns_from_events(events)
    findings = Findings.from_turns(turns)
    answers = slots.get("red_flag_answers") or {}
    assessment = assess(
        findings,
        screen_positive=slots.get("red_flag_screen") == "present",
        unsure_flags=unsure_flags(answers),
        asker=who_is_asking(turn.text for turn in turns),
    )
    mine = [f for f in findings.all if f.experiencer == "patient" and not f.general and not f.hypothetical]
    present = _items([f for f in mine if not f.negated], kb)
    denied = _items([f for f in mine if f.negated], kb)
    has_findings = bool(len(findings.statements())) or assessment.triage_level == "emergency"
    emergency = assessment.triage_level == "emergency"
    return Summary(
        provenance=provenance,
        has_findings=has_findings,
        nothing_yet=kb.summary_nothing_yet,
        emergency_advice=kb.emergency_advice if emergency else None,
        complaint=_complaint(present, slots),
        findings=present,
        screen=_screen(assessment, slots, answers, {i.value for i in denied if i.entity == "red_flag"}, kb),
        risk_factors=tuple(i for i in present if i.entity == "risk_factor"),
        risk_factors_denied=tuple(i for i in denied if i.entity == "risk_factor"),
        denied=denied,
        triage_level=assessment.triage_level,
        triage_name=TRIAGE_NAMES[assessment.triage_level],
        triage_reason=_triage_reason(assessment, kb) if has_findings else "",
        causes=() if emergency else _causes(assessment, kb),
        next_steps=tuple(next_steps(assessment, kb)) if has_findings and not emergency else (),
        questions=kb.clinician_questions if has_findings and not emergency else (),
        disclaimer=kb.disclaimer,
    )


def _items(findings: Sequence[Finding], kb: KnowledgeBase) -> Tuple[Item, ...]:
    """One item per entity value, with every wording the person used for it, in the order told. A
    symptom that is also a warning sign ("trouble breathing") is listed once, as the warning sign; a
    part of one that is not a sign by itself (a start in the last hours or days) is labelled as timing."""
    signs = {f.value for f in findings if f.entity == "red_flag"}
    words: Dict[Tuple[str, str], List[str]] = {}
    for finding in findings:
        if finding.entity == "symptom" and finding.value in signs:
            continue
        said = words.setdefault((finding.entity, finding.value), [])
        if finding.text and finding.text not in said:
            said.append(finding.text)
    return tuple(
        Item(entity, value, _label(entity, value, kb), tuple(said)) for (entity, value), said in words.items()
    )


def _label(entity: str, value: str, kb: KnowledgeBase) -> str:
    if entity == "red_flag" and value not in kb.red_flags:
        return MARKER_LABELS.get(value, say("summary.marker_other"))
    return ENTITY_LABELS.get(entity, entity.replace("_", " ").capitalize())


def _plain(value: Any) -> str:
    return str(value).replace("_", " ")


def _complaint(
    present: Sequence[Item], slots: Mapping[str, Any]
) -> Tuple[Tuple[str, str, Tuple[str, ...]], ...]:
    """Each part of the presenting complaint: the values told (or the interview's answer) and the words."""
    rows = []
    for label, entity in COMPLAINT:
        items = [i for i in present if i.entity == entity]
        values = [_plain(i.value) for i in items]
        answer = slots.get(entity)
        if not values and answer not in (None, "unknown"):
            values = [_plain(v) for v in (answer if isinstance(answer, list) else [answer])]
        rows.append((label, ", ".join(values) or NOT_TOLD, tuple(w for i in items for w in i.words)))
    return tuple(rows)


def _screen(
    assessment: Assessment,
    slots: Mapping[str, Any],
    answers: Mapping[str, str],
    denied: Set[str],
    kb: KnowledgeBase,
) -> Tuple[ScreenAnswer, ...]:
    """Every warning sign with the person's answer. "No" only where they said no (to that sign, to
    the whole list, or in their own words: "no trouble breathing"); a sign the screen did not reach
    is "not asked", never "no"."""
    screen = slots.get("red_flag_screen")
    rows = []
    for flag, red_flag in kb.red_flags.items():
        if flag in assessment.red_flags:
            answer = YES
        elif answers.get(flag) == CLEARED or screen == "none" or flag in denied:
            answer = NO
        elif answers.get(flag) == UNSURE or screen == "unknown":
            answer = NOT_SURE
        else:
            answer = NOT_ASKED
        rows.append(ScreenAnswer(flag, red_flag.name, answer))
    return tuple(rows)


def _triage_reason(assessment: Assessment, kb: KnowledgeBase) -> str:
    if assessment.triage_level == "emergency":
        if assessment.red_flags:
            signs = "; ".join(kb.red_flags[f].name for f in assessment.red_flags)
            return say("summary.reason_emergency_signs", signs=signs)
        return say("summary.reason_emergency_screen")
    if assessment.unsure_flags:
        signs = "; ".join(kb.red_flags[f].name for f in assessment.unsure_flags)
        return say("summary.reason_unsure", signs=signs)
    if assessment.triage_level == "self_care":
        return say("summary.reason_self_care")
    return say("summary.reason_see_clinician")


def _causes(assessment: Assessment, kb: KnowledgeBase) -> Tuple[CauseLine, ...]:
    lines = []
    for match in assessment.top(MAX_CAUSES):
        cause = kb.cause(match.cause)
        lines.append(
            CauseLine(
                id=cause.id,
                name=cause.name,
                section=cause.section,
                summary=cause.summary,
                evidence_for=tuple(dict.fromkeys(w for e in match.supporting for w in e.words)),
                evidence_against=tuple(dict.fromkeys(w for e in match.against for w in e.words)),
            )
        )
    return tuple(lines)
