"""The symptom interview: which answers a message gives.

A message can answer several questions at once ("both feet, for months, I'm
diabetic"), so every interview slot is read from the entities the person
stated for themselves. The question being asked can also be answered in a
word ("both", "no", "not sure"), which only makes sense for that question.
What each question accepts is in its record (bot/interview_questions.yml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Sequence, Tuple

from bot import red_flags, warning_signs
from bot.corrections import is_correction
from bot.findings import UNKNOWN, Findings, finding_from_entity
from bot.interview_questions import (
    INTERVIEW_ORDER,
    SLOT_FOR_ENTITY,
    InterviewQuestion,
    interview_questions,
    question_for,
)
from bot.names import ANSWER_INTENTS, QUESTION_INTENTS, UNSURE_INTENT
from bot.nlp.duration import to_weeks
from bot.texts import say
from bot.vocabulary import load_vocabulary

#: Read as UNSURE_INTENT or with less confidence than this, a message still answers when its words
#: do; otherwise the person is asked to rephrase.
SURE = 0.7
MAX_ANSWER_CHARS = 80
#: Not understood this many times in a row, or said again word for word, the
#: question being asked is noted as "not sure" and the interview goes on: someone
#: who cannot put an answer another way must not be asked the same thing forever.
MAX_NOT_UNDERSTOOD = 2
NOTED_AS_NOT_SURE = say("interview.noted_as_not_sure")


#: Quick replies of every red-flag screen question: an intent, where words would be ambiguous.
_ANSWER_TITLES = {
    "/affirm": "interview.answer_yes",
    "/deny": "interview.answer_no",
    "/dont_know": "interview.answer_not_sure",
}
YES_NO_NOT_SURE = tuple(
    (say(_ANSWER_TITLES[payload]), payload) for payload in question_for("red_flag_screen").quick_replies
)
NONE_WORDS = re.compile(r"^\s*(none|nothing|neither|nope|no|none of (those|them|these))\b", re.I)


def _merge(known: Any, new: List[str]) -> List[str]:
    merged = [v for v in (known or []) if v != UNKNOWN]
    return merged + [v for v in new if v not in merged]


def answers_from_entities(
    text: str, entities: Sequence[Mapping[str, Any]], known: Mapping[str, Any]
) -> Dict[str, Any]:
    """Interview slots that the person's own (not denied, not someone else's) findings fill."""
    found: Dict[str, List[str]] = {}
    withdrawn: Dict[str, List[str]] = {}  # "actually I'm not diabetic": leaves a list answer
    for entity in entities:
        finding = finding_from_entity(text, entity)
        if finding is None or finding.entity not in SLOT_FOR_ENTITY:
            continue
        question = question_for(SLOT_FOR_ENTITY[finding.entity])
        slot = question.slot
        if finding.denied and question.many and finding.value in (known.get(slot) or ()):
            withdrawn.setdefault(slot, []).append(finding.value)
        if not finding.present:
            continue
        value = finding.text[:MAX_ANSWER_CHARS] if question.keeps_words else finding.value
        found.setdefault(slot, []).append(value)
    answers: Dict[str, Any] = {
        slot: [v for v in known.get(slot) or () if v not in values] for slot, values in withdrawn.items()
    }
    for slot, values in found.items():
        answers[slot] = (
            _merge(answers.get(slot, known.get(slot)), values) if question_for(slot).many else values[-1]
        )
    return answers


def _red_flag_screen(entities: Sequence[Mapping[str, Any]]) -> str | None:
    """ "none" when the answer denies every warning sign it names. A warning sign
    that is present is the red-flag policy's to act on; a part of one ("the
    weakness came on slowly") does not answer yes."""
    mentioned = [
        e
        for e in entities
        if (e.get("entity"), e.get("value")) in red_flags.every_part()
        and e.get("experiencer", "patient") == "patient"
    ]
    return "none" if mentioned and all(e.get("negated") for e in mentioned) else None


def answer_to_question(
    slot: str,
    text: str,
    intent: str | None,
    entities: Sequence[Mapping[str, Any]],
    question: InterviewQuestion | None = None,
) -> Any:
    """The value of the slot being asked, from a short answer; None if it gives none. `question`: the
    slot's record (by default its record in bot/interview_questions.yml)."""
    if slot == "red_flag_screen":
        screen = _red_flag_screen(entities)
        if screen:
            return screen
    if intent == "dont_know":
        return question.unanswered() if question else unanswered(slot)
    question = question or question_for(slot)
    if intent in question.meanings:
        return question.meanings[intent]
    lowered = text.lower()
    for pattern, value in question.keywords:
        if pattern.search(lowered):
            return value
    if question.parse == "duration" and to_weeks(text) is not None:
        return text.strip()[:MAX_ANSWER_CHARS]
    if question.none_means_no and NONE_WORDS.match(text):
        return question.meanings["deny"]
    if question.denial_means_no and any(
        e.get("entity") == question.entity and e.get("negated") for e in entities
    ):
        return question.meanings["deny"]
    return None


def answers(
    text: str,
    entities: Sequence[Mapping[str, Any]],
    intent: str | None,
    requested_slot: str | None,
    known: Mapping[str, Any],
    confidence: float = 1.0,
) -> Dict[str, Any]:
    """Every interview slot this message fills. An answer-like message always
    settles the question being asked, as "unknown" when nothing in it answers,
    so the interview moves on instead of asking the same thing again. Any
    other message answers only through its words: an unsure one fills whatever
    they say, a confident question or remark only the question being asked
    ("worse when it's cold", classified as off-topic, still says "worse"), so
    that a real question is answered before the interview goes on. A correction
    ("actually, both feet") gives every answer it holds (bot/corrections.py)."""
    answer_like = intent in ANSWER_INTENTS
    filled = answers_from_entities(text, entities, known)
    if not answer_like and intent != UNSURE_INTENT and confidence >= SURE and not is_correction(text):
        filled = {requested_slot: filled[requested_slot]} if requested_slot in filled else {}
    if (
        requested_slot == "laterality"
        and "body_part" in filled
        and "laterality" not in filled
        and intent != "dont_know"
    ):
        # "Toes" to "both feet or one side?" says where, not which side: asked again, more specifically
        # (actions/laterality_question.py), never taken as "not sure".
        return {slot: value for slot, value in filled.items() if slot in INTERVIEW_ORDER}
    if requested_slot and requested_slot not in filled:
        value = answer_to_question(requested_slot, text, intent if answer_like else UNSURE_INTENT, entities)
        if value is None and answer_like:
            value = unanswered(requested_slot)
        if value is not None:
            filled[requested_slot] = value
    return {slot: value for slot, value in filled.items() if slot in INTERVIEW_ORDER}


def _sent_while_asked(events: Sequence[Mapping[str, Any]], requested_slot: str) -> List[Mapping[str, Any]]:
    """The person's latest messages, newest first, sent while `requested_slot` was being asked.
    A message belongs to the question of the latest `requested_slot` event before it."""
    sent: List[Mapping[str, Any]] = []
    pending: List[Mapping[str, Any]] = []
    for event in reversed(events):
        if event.get("event") == "user":
            pending.append(event)
        elif event.get("event") == "slot" and event.get("name") == "requested_slot":
            if event.get("value") != requested_slot:
                break
            sent += pending
            pending = []
    return sent


def answers_while_asked(events: Sequence[Mapping[str, Any]], requested_slot: str) -> int:
    """How many messages the person has sent while `requested_slot` was being asked."""
    return len(_sent_while_asked(events, requested_slot))


def part_without_side(text: str, entities: Sequence[Mapping[str, Any]]) -> str | None:
    """The person's words for where it is, in a message that says no side ("toes"), else None."""
    found = [f for f in (finding_from_entity(text, e) for e in entities) if f and f.present]
    if any(f.entity == "laterality" for f in found):
        return None
    return next((f.text for f in found if f.entity == "body_part"), None)


def not_understood_in_a_row(events: Sequence[Mapping[str, Any]], requested_slot: str) -> int:
    """How many of the latest messages, while `requested_slot` was being asked, the NLU could not place."""
    count = 0
    for event in _sent_while_asked(events, requested_slot):
        if ((event.get("parse_data") or {}).get("intent") or {}).get("name") != UNSURE_INTENT:
            break
        count += 1
    return count


def repeated_while_asked(events: Sequence[Mapping[str, Any]], requested_slot: str) -> bool:
    """Whether the latest message says again, word for word, what the person already said while
    `requested_slot` was being asked: they have no other way to put it, so asking again would loop."""
    said = [
        " ".join(str(event.get("text") or "").lower().split())
        for event in _sent_while_asked(events, requested_slot)
    ]
    return len(said) > 1 and bool(said[0]) and said[0] in said[1:]


def unanswered(slot: str) -> Any:
    """The value of a question the person could not answer."""
    return question_for(slot).unanswered()


def missing(slots: Mapping[str, Any]) -> List[str]:
    return [slot for slot in INTERVIEW_ORDER if slots.get(slot) is None]


def question_out_of_order(slots: Mapping[str, Any], urgent: bool) -> str | None:
    """The slot to ask before the usual order: the red-flag screen, as soon as
    the person says something that sounds urgent and has not answered it."""
    if not urgent:
        return None
    return next((q.slot for q in interview_questions() if q.urgent_first and q.slot in missing(slots)), None)


# --- the red-flag screen ---------------------------------------------------------------------------
#
# Only an explicit "no" clears a warning sign. The screen first asks about a part the person already
# said ("You said “I can barely walk”. Did that start in the last few days?"), then the whole list;
# an answer that is not a clear yes or no (not sure, not understood, a question back) turns it into
# one short yes/no question per sign. A sign the person stays unsure about is noted: the assessment
# then asks them to see a doctor today and names the sign to act on (never self-care).

#: `red_flag_answers` values.
CLEARED, UNSURE = "no", "unsure"


@dataclass(frozen=True)
class ScreenStep:
    screen: str | None  # red_flag_screen once settled ("present", "none", "unknown"); None: ask on
    asking: str | None  # the `red_flag_asking` to ask next
    answers: Dict[str, str]  # flag -> CLEARED or UNSURE


def screen_reply(
    text: str, intent: str | None, entities: Sequence[Mapping[str, Any]], asking: str | None = None
) -> str:
    """A screen answer as "yes", "no" or "unsure". Asked whether weakness or deep numbness started
    quickly, a slow or long-standing start ("it came on over months") is a no."""
    if intent == "affirm":
        return "yes"
    if intent == "deny" or _red_flag_screen(entities) == "none" or NONE_WORDS.match(text):
        return "no"
    said = Findings([f for f in (finding_from_entity(text, e) for e in entities) if f])
    if red_flags.asked_flag(asking) in red_flags.flag_parts() and red_flags.told_as_old(said):
        return "no"
    return "unsure"


def answers_the_screen(intent: str | None, confidence: float) -> bool:
    """Whether a message is an answer to the screen (anything but a confident question, "forget me",
    "start over" or the like, which the rules take: the screen is asked again after them)."""
    return intent in ANSWER_INTENTS or intent == UNSURE_INTENT or confidence < SURE


def screen_step(asking: str | None, answers: Mapping[str, str], reply: str) -> ScreenStep:
    """What a screen answer settles, and what to ask next."""
    known = dict(answers)
    if reply == "yes":
        return ScreenStep("present", asking, known)
    flag = red_flags.asked_flag(asking)
    if flag:
        known[flag] = CLEARED if reply == "no" else UNSURE
    if flag and asking and asking.startswith(red_flags.PART_PREFIX):
        return ScreenStep(None, red_flags.ASK_ALL_NEXT, known)  # the part answered: the whole list next
    if not flag and reply == "no":
        # The whole list denied: every sign not already in doubt is cleared.
        known.update({f: CLEARED for f in load_vocabulary().red_flags if f not in known})
    remaining = [f for f in load_vocabulary().red_flags if f not in known]
    if remaining:
        return ScreenStep(None, remaining[0], known)  # the next sign alone
    return ScreenStep(UNKNOWN if UNSURE in known.values() else "none", None, known)


def unsure_flags(answers: Mapping[str, str] | None) -> Tuple[str, ...]:
    return tuple(flag for flag, answer in (answers or {}).items() if answer == UNSURE)


def screen_question(
    asking: str | None,
    answers: Mapping[str, str] | None,
    findings: Findings,
    latest_intent: str | None = None,
) -> Tuple[str, str]:
    """The screen question to ask now and the `red_flag_asking` it sets. The whole list met with a
    question back ("what do you mean?", answered by the rules first) is then asked one sign at a
    time; after a pause of another kind ("delete my data?" "no") it is asked again as it was."""
    if asking == red_flags.ASKING_ALL and latest_intent in (*QUESTION_INTENTS, UNSURE_INTENT):
        remaining = [f for f in load_vocabulary().red_flags if f not in (answers or {})]
        asking = remaining[0] if remaining else None
    if asking == red_flags.ASK_ALL_NEXT:
        return warning_signs.screen_question(), red_flags.ASKING_ALL
    flag = red_flags.asked_flag(asking)
    following_up = asking is None or bool(flag and asking and asking.startswith(red_flags.PART_PREFIX))
    part = red_flags.part_mentioned(findings) if following_up else None
    if part and (asking is None or part[0] == flag):
        flag, finding = part
        timing_said = (finding.entity, finding.value) in (red_flags.SUDDEN, red_flags.RECENT)
        return warning_signs.follow_up(flag, finding.text, timing_said), red_flags.PART_PREFIX + flag
    if flag:
        return warning_signs.question(flag), asking or flag
    return warning_signs.screen_question(), red_flags.ASKING_ALL
