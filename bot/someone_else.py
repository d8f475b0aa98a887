"""Symptoms described for someone else: "my mum's feet have been numb for months".

Someone else's findings never count (bot/findings.py), and the interview's
questions are for the person who feels the numbness, so an interview started
from another person's symptoms would ask "where do you feel it?" of someone
who feels nothing and ignore every answer given about the other person.
Instead the assistant says whose symptoms it can go through, how a carer can
still use it, and which warning signs mean emergency care for the other
person: first and plainly when what was said of them includes part of a red
flag (article section "Seeking Professional Diagnosis and Treatment").
"""

from __future__ import annotations

from dataclasses import replace

from bot import red_flags, warning_signs
from bot.findings import PATIENT, Finding, Findings
from bot.names import SYMPTOM_INTENTS
from bot.texts import say

THEIR_EMERGENCY = say("someone_else.their_emergency")
WHOSE_SYMPTOMS = say("someone_else.whose_symptoms")
THEIR_WARNING_SIGNS = warning_signs.for_anyone()


def _theirs(finding: Finding) -> bool:
    return finding.experiencer != PATIENT and not finding.negated


def about_someone_else(latest: Findings, conversation: Findings, intent: str | None) -> bool:
    """Whether the latest message describes another person's symptoms while the person has
    described none of their own, in it or before it ("my mum has numb feet, I don't" is one)."""
    return describes_their_symptoms(latest, intent) and not states_own_symptoms(conversation)


def describes_their_symptoms(latest: Findings, intent: str | None) -> bool:
    """Whether the latest message describes symptoms of someone else (the message alone: cheap)."""
    return intent in SYMPTOM_INTENTS and any(_theirs(f) and f.entity == "symptom" for f in latest.all)


def states_own_symptoms(conversation: Findings) -> bool:
    own = (f for f in conversation.statements().all if f.present)
    return any(f.entity in ("symptom", "body_part") for f in own)


def their_red_flag_parts(latest: Findings) -> bool:
    """Whether what the latest message says of someone else includes part of a red flag."""
    as_if_theirs_were_told = Findings([replace(f, experiencer=PATIENT) for f in latest.all if _theirs(f)])
    return red_flags.mentions_a_part(as_if_theirs_were_told)


def someone_else_reply(latest: Findings) -> str:
    if their_red_flag_parts(latest):
        return f"{THEIR_EMERGENCY}\n\n{WHOSE_SYMPTOMS}"
    return f"{WHOSE_SYMPTOMS}\n\n{THEIR_WARNING_SIGNS}"
