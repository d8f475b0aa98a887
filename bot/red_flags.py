"""The escalation criteria of the article ("Seeking Professional Diagnosis and
Treatment"): any one of them, not denied, means emergency care now.

Rapid weakness combines findings from the whole conversation ("my legs are
weak" said early, "since yesterday" said later); sudden severe numbness must
be said in one message. A message only raises the alarm when it adds a part
of a flag, so that a question after the emergency advice is answered instead
of repeating the alarm forever. Anything urgent-sounding brings the red-flag
screen question forward, which catches what the words alone miss.
"""

from __future__ import annotations

from typing import List, Set, Tuple

from bot.findings import Finding, Findings

#: Weakness is "rapid" when it came on within about this many weeks (hours to days).
RAPID_WEEKS = 1.0

# The parts each red flag is made of, as (entity, value) pairs; a flag needs all
# of its parts present, except that any one onset/duration part can show speed.
DIRECT_FLAGS = {
    "breathing_difficulty": ("symptom", "breathing_difficulty"),
    "bladder_control_loss": ("symptom", "bladder_control_loss"),
}


def _rapid(findings: Findings) -> bool:
    if findings.has("onset", "sudden"):
        return True
    weeks = findings.duration_weeks()
    return bool(weeks) and min(weeks) <= RAPID_WEEKS and not findings.has("onset", "gradual")


def detect(findings: Findings) -> List[str]:
    """Red flag ids present in these findings, in the vocabulary's order."""
    flags: List[str] = []
    # Said together ("it suddenly went completely numb"): "completely" or "at all"
    # said later of something else ("it's completely gone now") is not the same.
    if findings.turns_with("onset", "sudden") & findings.turns_with("severity", "severe"):
        flags.append("sudden_severe_numbness")
    if findings.has("symptom", "weakness") and _rapid(findings):
        flags.append("rapid_weakness")
    flags.extend(flag for flag, (entity, value) in DIRECT_FLAGS.items() if findings.has(entity, value))
    return flags


def _parts(flag: str) -> Set[Tuple[str, str]]:
    if flag == "sudden_severe_numbness":
        return {("onset", "sudden"), ("severity", "severe")}
    if flag == "rapid_weakness":
        return {("symptom", "weakness"), ("onset", "sudden"), ("duration", "*")}
    return {DIRECT_FLAGS[flag]}


def _contributes(finding: Finding, parts: Set[Tuple[str, str]]) -> bool:
    return finding.present and ((finding.entity, finding.value) in parts or (finding.entity, "*") in parts)


def raised_by(latest: Findings, conversation: Findings) -> List[str]:
    """Red flags of the whole conversation that the latest message adds to."""
    return [flag for flag in detect(conversation) if any(_contributes(f, _parts(flag)) for f in latest.all)]


def emergency_flags(
    latest: Findings, conversation: Findings, intent: str | None, requested_slot: str | None
) -> List[str] | None:
    """The red flags to report if this message calls for the emergency reply, else None.

    Besides red flags found in the words, a "yes" to the red-flag screen
    question escalates too: an emergency we cannot name is still one. The
    intent classifier alone never escalates (it mistakes "it went away" for an
    emergency statement); a message it reads as one brings the red-flag screen
    forward instead (bot.interview.question_out_of_order).
    """
    raised = raised_by(latest, conversation)
    if raised:
        return raised
    if intent == "affirm" and requested_slot == "red_flag_screen":
        return detect(conversation)
    return None


def mentions_a_part(findings: Findings) -> bool:
    """Whether the person mentioned part of a red flag (weakness, a sudden start,
    severe numbness) for themselves, which makes the red-flag screen urgent."""
    parts = set().union(
        *(_parts(flag) for flag in ("sudden_severe_numbness", "rapid_weakness", *DIRECT_FLAGS))
    )
    return any(f.present and (f.entity, f.value) in parts for f in findings.all)
