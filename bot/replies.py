"""The assistant's clinical replies: text for people, payloads for clients.

Everything here is built from the knowledge base and an `Assessment`; the
payload shapes are the public ones of `bot/vocabulary.yml`. Wording is
"possible", never "you have": the assistant does not diagnose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Sequence, Tuple

from bot import warning_signs
from bot.knowledge import KnowledgeBase
from bot.reasoning import Assessment, CauseMatch
from bot.texts import say

MAX_CAUSES = 3
MAX_QUOTES = 3
GENERAL_TESTS = ("neurological_exam", "blood_tests", "nerve_conduction_study")

#: The text that starts an assessment, by triage level.
LEVEL_HEADINGS = {
    "emergency": "replies.level_emergency",
    "see_clinician": "replies.level_see_clinician",
    "self_care": "replies.level_self_care",
}
STILL_URGENT = warning_signs.if_this_ever_happens()


@dataclass(frozen=True)
class Reply:
    text: str
    payload: Dict[str, Any]


def quote(words: Sequence[str]) -> str:
    quoted = [say("replies.quoted", words=w) for w in words[:MAX_QUOTES]]
    if len(quoted) == 1:
        return quoted[0]
    return say("replies.quoted_last", others=", ".join(quoted[:-1]), last=quoted[-1])


def evidence_words(match: CauseMatch) -> List[str]:
    words: Dict[str, None] = {}
    for evidence in match.supporting:
        for w in evidence.words:
            words.setdefault(w, None)
    return list(words)


def next_steps(assessment: Assessment, kb: KnowledgeBase) -> List[str]:
    """What a clinician may do: the top cause's steps first, then the general
    work-up without the tests those steps already describe."""
    steps: Dict[str, None] = {}
    covered: Tuple[str, ...] = ()
    top = assessment.top(MAX_CAUSES)
    if top:
        first = kb.cause(top[0].cause)
        covered = first.tests
        for step in first.clinician_next_steps:
            steps.setdefault(step, None)
        for match in top[1:]:
            steps.setdefault(kb.cause(match.cause).clinician_next_steps[0], None)
    if not top or top[0].cause != "temporary_compression":
        for topic_id in GENERAL_TESTS:
            if topic_id not in covered:
                topic = kb.topic(topic_id)
                steps.setdefault(f"{topic.title}: {_first_sentence(topic.text)}", None)
    return list(steps)


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def assessment_reply(
    assessment: Assessment, kb: KnowledgeBase, partial: bool = False, first: Sequence[str] = ()
) -> Reply:
    """`first`: advice for who is asking (a child, a pregnant woman), said before anything else."""
    level = assessment.triage_level
    advice = {"see_clinician": kb.seek_care_advice, "self_care": kb.self_care_advice}.get(
        level, kb.emergency_advice
    )
    paragraphs = [*first, f"{say(LEVEL_HEADINGS[level])} {advice}"]
    if assessment.unsure_flags and level != "emergency":
        paragraphs.append(warning_signs.to_watch(assessment.unsure_flags, kb))
    if partial:
        paragraphs.insert(len(first), say("replies.partial"))
    causes = assessment.top(MAX_CAUSES)
    payload_causes = []
    if causes:
        lines = [say("replies.causes_heading")]
        for number, match in enumerate(causes, start=1):
            cause = kb.cause(match.cause)
            words = evidence_words(match)
            why = " " + say("replies.why", words=quote(words)) if words else ""
            said_as_past = [w for evidence in match.supporting if evidence.past for w in evidence.words]
            if said_as_past:
                why += " " + say("replies.said_as_past", words=quote(said_as_past))
            lines.append(f"{number}. {cause.name}: {cause.summary}{why}")
            payload_causes.append(
                {"id": cause.id, "name": cause.name, "evidence": words[:MAX_QUOTES], "section": cause.section}
            )
        lines.append(say("replies.ask_more"))
        paragraphs.append("\n".join(lines))
    else:
        paragraphs.append(say("replies.no_clear_cause"))
    steps = next_steps(assessment, kb)
    paragraphs.append(say("replies.next_steps_heading") + "\n" + "\n".join(f"- {s}" for s in steps))
    if level != "emergency":
        paragraphs.append(STILL_URGENT)
    paragraphs.append(kb.disclaimer)
    payload = {
        "type": "assessment",
        "triage_level": level,
        "possible_causes": payload_causes,
        "next_steps": steps,
        "disclaimer": kb.disclaimer,
    }
    return Reply("\n\n".join(paragraphs), payload)


def emergency_reply(flags: Sequence[str], kb: KnowledgeBase) -> Reply:
    named = warning_signs.names(flags, kb)
    because = (
        say("replies.you_mentioned", signs=", ".join(named)) if named else say("replies.you_mentioned_a_sign")
    )
    why = " ".join(kb.red_flags[f].reply for f in flags if f in kb.red_flags)
    text = f"{because} {kb.emergency_advice}{' ' + why if why else ''}\n\n{say('replies.not_alone')}"
    payload = {
        "type": "emergency",
        "triage_level": "emergency",
        "red_flags": list(flags),
        "advice": kb.emergency_advice,
    }
    return Reply(text, payload)


def cause_details(cause_id: str, kb: KnowledgeBase) -> str:
    cause = kb.cause(cause_id)
    pattern = cause.pattern
    return "\n\n".join(
        [
            f"{cause.name}: {cause.summary}",
            say("replies.cause_mechanism", mechanism=cause.mechanism),
            say("replies.cause_pattern", where=pattern.where, onset=pattern.onset, course=pattern.course),
            say("replies.cause_treatment", treatment=cause.treatment),
            say("replies.cause_source", section=cause.section),
        ]
    )


def topic_answer(topic_id: str, kb: KnowledgeBase) -> str:
    """A topic in plain words with where it comes from; a safety topic starts with the warning signs."""
    topic = kb.topic(topic_id)
    origin = say("replies.topic_source", section=topic.section)
    text = f"{topic.title}: {topic.text}\n\n({origin}{' ' + topic.source if topic.source else ''})"
    return f"{STILL_URGENT}\n\n{text}" if topic.kind == "safety" else text


def cause_treatment(cause_id: str, kb: KnowledgeBase) -> str:
    cause = kb.cause(cause_id)
    return f"{cause.name}: {cause.treatment}\n\n{kb.no_doses}"


def technical_problem_reply(emergency: bool, kb: KnowledgeBase) -> str:
    """What the person reads when the assistant cannot prepare its answer: the safety advice still
    comes, emergency care now if the conversation has shown a red flag, a clinician otherwise."""
    advice = kb.emergency_advice if emergency else f"{kb.seek_care_advice}\n\n{STILL_URGENT}"
    return f"{kb.technical_problem}\n\n{advice}"
