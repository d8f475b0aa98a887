"""The emergency criteria: the article's four ("Seeking Professional Diagnosis and
Treatment") and the stroke signs of public stroke guidance. Any one of them, said
by the person of themselves for now (not denied, not someone else's, not only
asked about, not hypothetical, not long past), means emergency care now.

Each red flag is recognised by meaning from its record in the knowledge base
(bot/nlp/red_flag_patterns.py gives the `red_flag` entity). Two flags also need a
quick start, which may be said in another message: weakness ("I can barely walk"
early, "since yesterday" later) and numbness so deep the feeling is gone, with a
sudden start said in the same message. A message only raises the alarm when it
adds a part of a flag, so that a question after the emergency advice is answered
instead of repeating the alarm forever.
"""

from __future__ import annotations

from functools import cache
from typing import Dict, FrozenSet, List, Set, Tuple

from bot.findings import Finding, Findings
from bot.nlp import red_flag_patterns
from bot.nlp.duration import to_weeks
from bot.vocabulary import load_vocabulary

#: Weakness is "rapid" when it came on within about this many weeks (hours to days).
RAPID_WEEKS = 1.0
RED_FLAG = red_flag_patterns.ENTITY
SELF_REPORTED = red_flag_patterns.SELF_REPORTED
SUDDEN = ("onset", "sudden")
#: A start told as recent ("this morning", "an hour ago"), in the same message as the part it times.
RECENT = (RED_FLAG, red_flag_patterns.RECENT_START)
#: An earlier stroke named ("since my stroke in 2008"), and the flag whose signs it may have left.
OLD_STROKE = (RED_FLAG, red_flag_patterns.OLD_STROKE)
STROKE = "stroke_signs"
#: A part told as passed later in the same message ("... but after ten minutes the feeling came back").
RECOVERED = (RED_FLAG, red_flag_patterns.RECOVERED)
#: Signs that stay an emergency when they have passed: a warning stroke (NHS: a TIA needs the same
#: urgent care) always, and the cauda equina signs when they were recent ("this morning", "since
#: yesterday"): they come and go before the damage lasts. "After my op years ago" has passed.
STILL_URGENT_WHEN_PASSED = (STROKE,)
STILL_URGENT_WHEN_RECENTLY_PASSED = ("bladder_control_loss",)
#: The red flags the lexicon also finds as a symptom value of the public vocabulary.
SYMPTOM_FLAGS = ("breathing_difficulty", "bladder_control_loss")
#: Red flags that a "mild" said with them ("a little winded") takes back, and the words that do
#: ("felt faint" is no mild breathing trouble).
MILD_ALLOWED = ("breathing_difficulty",)
MILD_WORDS = frozenset(
    {"a little", "a bit", "a little bit", "a tiny bit", "slightly", "a touch", "mild", "mildly"}
)
#: `red_flag_asking` slot values: the whole list asked, or to be asked next (after a follow-up).
ASKING_ALL = "all"
ASK_ALL_NEXT = "all:next"
PART_PREFIX = "part:"


@cache
def flag_parts() -> Dict[str, Tuple[str, str]]:
    """The part finding (entity, value) of each flag that also needs a quick start."""
    return {
        rule.flag: (rule.entity, rule.value)
        for rule in red_flag_patterns.load_recognition().rules
        if rule.entity != RED_FLAG
    }


def _rapid(findings: Findings) -> bool:
    if findings.has(*SUDDEN):
        return True
    weeks = findings.duration_weeks()
    return bool(weeks) and min(weeks) <= RAPID_WEEKS and not findings.has("onset", "gradual")


def told_as_old(findings: Findings) -> Set[int]:
    """The messages that tell of a slow or long-ago start ("it came on over months", "for years")."""
    old = {f.turn for f in findings.all if f.present and (f.entity, f.value) == ("onset", "gradual")}
    return old | {
        f.turn
        for f in findings.all
        if f.present and f.entity == "duration" and (to_weeks(f.value) or 0) > RAPID_WEEKS
    }


def _recent_turns(findings: Findings) -> Set[int]:
    """The messages that tell of a recent start. A bare "now" does not in a message that also says
    the numbness is old ("numb for years now"): there, "now" is a way of speaking, not a start."""
    old = told_as_old(findings)
    return {
        f.turn
        for f in findings.all
        if (f.entity, f.value) == RECENT and not (f.text.lower() == "now" and f.turn in old)
    }


def _sign(flag: str) -> Set[Tuple[str, str]]:
    """The findings that are the red flag `flag` itself."""
    return {(entity, flag) for entity in ((RED_FLAG, "symptom") if flag in SYMPTOM_FLAGS else (RED_FLAG,))}


@cache
def _passing_signs() -> Tuple[FrozenSet[Tuple[str, str]], FrozenSet[Tuple[str, str]]]:
    """The findings a later recovery takes back, and those it takes back only without a recent start."""
    passing = set(flag_parts().values()).union(
        *(_sign(flag) for flag in load_vocabulary().red_flags if flag not in STILL_URGENT_WHEN_PASSED)
    )
    return frozenset(passing), frozenset().union(*(_sign(flag) for flag in STILL_URGENT_WHEN_RECENTLY_PASSED))


def _current_not_passed(findings: Findings) -> Findings:
    """The current findings, without a sign or a part of one told as passed after it in the same
    message ("my leg went dead, but after ten minutes the feeling came back"; "it kept buckling,
    but by the next day it was rock steady again"; "I couldn't breathe, but I'm fully recovered
    now"). Stroke signs stay (STILL_URGENT_WHEN_PASSED), and so do bladder or saddle signs in a
    message that tells of a recent start ("this morning"). The recovery itself is often judged a
    past ("back to normal"), so any told by the person for themselves counts, but one only hoped
    for ("if the feeling comes back") does not. A sign said after the recovery ("fine again by the
    evening, but this morning I can't stand") stays."""
    now = findings.current()
    if not any((f.entity, f.value) == RECOVERED for f in findings.all):
        return now
    passing, urgent_if_recent = _passing_signs()
    # A bare "now" is the recovery's ("all over now"), not a start.
    recent = {
        f.turn
        for f in now.all
        if (f.entity, f.value) == SUDDEN or ((f.entity, f.value) == RECENT and f.text.lower() != "now")
    }
    kept: List[Finding] = []
    for index, finding in enumerate(findings.all):
        if not finding.current:
            continue
        key = (finding.entity, finding.value)
        if key in urgent_if_recent and finding.turn in recent:
            kept.append(finding)
            continue
        if key in passing and any(
            (f.entity, f.value) == RECOVERED and f.turn == finding.turn and f.present and not f.hypothetical
            for f in findings.all[index + 1 :]
        ):
            continue
        kept.append(finding)
    return Findings(kept)


def detect(findings: Findings) -> List[str]:
    """Red flag ids present in these findings, in the vocabulary's order."""
    now = _current_not_passed(findings)
    mild = {
        f.turn
        for f in now.all
        if (f.entity, f.value) == ("severity", "mild") and f.text.lower() in MILD_WORDS
    }
    recent = _recent_turns(now)
    # "Since my stroke in 2008 my left arm doesn't work": what an earlier stroke left, unless told as new.
    old_stroke = now.turns_with(*OLD_STROKE) - recent - now.turns_with(*SUDDEN)
    # "A bit out of breath on the stairs": breathing said to be only a little hard is no emergency.
    found: Set[str] = {
        f.value
        for f in now.all
        if f.entity == RED_FLAG
        and not (f.value in MILD_ALLOWED and f.turn in mild)
        and not (f.value == STROKE and f.turn in old_stroke)
    }
    # The same words found as the sign and judged a course ("for months every breath is a struggle"):
    # the lexicon's symptom of those words is that course too (the course rules judge signs only).
    course = {(f.turn, f.value, f.text) for f in findings.all if f.entity == RED_FLAG and f.historical}
    found |= {
        flag
        for flag in SYMPTOM_FLAGS
        if {
            f.turn
            for f in now.all
            if (f.entity, f.value) == ("symptom", flag) and (f.turn, flag, f.text) not in course
        }
        - (mild if flag in MILD_ALLOWED else set())
    }
    severe = flag_parts().get("sudden_severe_numbness")
    # Said together ("it suddenly went completely numb"): "completely" or "at all"
    # said later of something else ("it's completely gone now") is not the same.
    if severe and (now.turns_with(*SUDDEN) | recent) & now.turns_with(*severe):
        found.add("sudden_severe_numbness")
    weakness = flag_parts().get("rapid_weakness")
    if weakness and now.has(*weakness) and (_rapid(now) or recent & now.turns_with(*weakness)):
        found.add("rapid_weakness")
    return [flag for flag in load_vocabulary().red_flags if flag in found]


def self_reported(findings: Findings) -> bool:
    """Whether the person says they are having an emergency ("this is an emergency", "I need an
    ambulance"), without naming a sign."""
    return any(f.entity == RED_FLAG and f.value == SELF_REPORTED for f in findings.current().all)


def _parts(flag: str) -> Set[Tuple[str, str]]:
    parts = {(RED_FLAG, flag)}
    if flag in SYMPTOM_FLAGS:
        parts.add(("symptom", flag))
    if flag in flag_parts():
        parts |= {flag_parts()[flag], SUDDEN, RECENT}
    if flag == "rapid_weakness":
        parts.add(("duration", "*"))
    return parts


def _contributes(finding: Finding, parts: Set[Tuple[str, str]]) -> bool:
    return finding.current and ((finding.entity, finding.value) in parts or (finding.entity, "*") in parts)


def raised_by(latest: Findings, conversation: Findings) -> List[str]:
    """Red flags of the whole conversation that the latest message adds to."""
    return [flag for flag in detect(conversation) if any(_contributes(f, _parts(flag)) for f in latest.all)]


def asked_flag(asking: str | None) -> str | None:
    """The red flag a one-at-a-time screen question is about (slot `red_flag_asking`)."""
    flag = (asking or "").removeprefix(PART_PREFIX)
    return flag if flag in load_vocabulary().red_flags else None


def emergency_flags(
    latest: Findings,
    conversation: Findings,
    intent: str | None,
    requested_slot: str | None,
    asking: str | None = None,
) -> List[str] | None:
    """The red flags to report if this message calls for the emergency reply, else None.

    Besides red flags found in the words, a "yes" to a red-flag screen question
    escalates too (naming the sign asked about, if it was one), and so does a person
    who says they are having an emergency: an emergency we cannot name is still one.
    The intent classifier alone never escalates (it mistakes "it went away" for an
    emergency statement); a message it reads as one brings the red-flag screen
    forward instead (bot.interview.question_out_of_order).
    """
    raised = raised_by(latest, conversation)
    if raised:
        return raised
    if self_reported(latest):
        return detect(conversation)
    if intent == "affirm" and requested_slot == "red_flag_screen":
        flags = detect(conversation)
        flag = asked_flag(asking)
        return flags + [flag] if flag and flag not in flags else flags
    return None


def part_mentioned(findings: Findings) -> Tuple[str, Finding] | None:
    """The first red flag of which the person said a part for themselves but not the whole (their
    words for weakness, a deep numbness, or a sudden start), with the finding that is that part."""
    complete = set(detect(findings))
    now = findings.current().all
    open_parts = {flag: part for flag, part in flag_parts().items() if flag not in complete}
    wanted = [(flag, part) for flag, part in open_parts.items()]
    if "sudden_severe_numbness" in open_parts:
        # A sudden start alone: whether the feeling has gone is the open question.
        wanted += [("sudden_severe_numbness", SUDDEN), ("sudden_severe_numbness", RECENT)]
    for flag, part in wanted:
        found = next((f for f in now if (f.entity, f.value) == part), None)
        if found:
            return flag, found
    return None


def with_a_part_said(findings: Findings) -> List[str]:
    """The red flags not complete of which the person said a part for themselves (the part itself,
    not only a sudden start): weakness, or numbness so deep the feeling is gone."""
    now = findings.current()
    complete = set(detect(findings))
    return [flag for flag, part in flag_parts().items() if flag not in complete and now.has(*part)]


@cache
def every_part() -> FrozenSet[Tuple[str, str]]:
    """Every finding (entity, value) that is a red flag or part of one: a sign itself, weakness,
    a deep numbness, a sudden or recent start."""
    return frozenset().union(*(_parts(flag) for flag in load_vocabulary().red_flags)) - {("duration", "*")}


def mentions_a_part(findings: Findings) -> bool:
    """Whether the person mentioned part of a red flag for themselves, which makes the red-flag
    screen urgent."""
    return any(f.current and (f.entity, f.value) in every_part() for f in findings.all)
