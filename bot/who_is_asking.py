"""Who is asking: a child, or a pregnant woman, needs other advice than the adult interview's.

The assistant asks no question for this; it acts on what the person says of
themselves ("I'm 15", "I am 30 weeks pregnant"). Someone else's age or
pregnancy ("my wife is pregnant", "my 12-year-old son") is not theirs, and a
denial ("I'm not pregnant") is not one. Both still get the emergency screen,
and their triage is never lowered to self-care. The advice texts and their
public sources are in bot/knowledge/data/messages.yml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, List

from bot.knowledge import KnowledgeBase

#: The age under which the assistant, made for adults, sends the person to a parent and a clinician.
ADULT_AGE = 16

_AGE = re.compile(
    r"\b(?:i\s*(?:'|\u2019)?\s*m|i\s+am|im|i\s+turned|i\s+just\s+turned|aged?)\s+(?:only\s+|just\s+)?"
    r"(?P<years>\d{1,2})(?!\d)(?!\s*(?:weeks?|months?|days?|hours?|minutes?|%|kg|lb|st\b|stone|cm|ft|foot|feet|"
    r"inch|mg|times|x\b|years?\s+(?:ago|since|with|of|in)))"
    r"|\b(?P<years2>\d{1,2})\s*(?:-|\s)?\s*(?:years?|yrs?|yo|y/o|y\.o\.)(?:\s*-?\s*old)?\s*"
    r"(?:here|girl|boy|female|male|f\b|m\b|old\s+(?:here|girl|boy))"
    r"|\bi\s*(?:'|\u2019)?\s*m\s+a\s+(?P<years3>\d{1,2})\s*-?\s*(?:year|yr)\s*-?\s*old\b",
    re.IGNORECASE,
)
_PREGNANT = re.compile(
    r"\b(?:i\s*(?:'|\u2019)?\s*m|i\s+am|im)\s+(?:(?:\d{1,2}|a\s+few|several)\s+(?:weeks?|months?)\s+|"
    r"currently\s+|now\s+|also\s+)*(?:pregnant|expecting)\b"
    r"|\bmy\s+(?:pregnancy|bump|baby\s+bump|midwife)\b|\bduring\s+(?:my\s+|this\s+)?pregnancy\b"
    r"|\b(?:i\s*(?:'|\u2019)?\s*m|i\s+am)\s+in\s+(?:my|the)\s+(?:first|second|third|last)\s+trimester\b",
    re.IGNORECASE,
)
_NOT_PREGNANT = re.compile(
    r"\b(?:i\s*(?:'|\u2019)?\s*m|i\s+am|im)\s+not\s+(?:\w+\s+)?(?:pregnant|expecting)\b", re.IGNORECASE
)
_SWELLING = re.compile(r"\bswell(?:ing|ed|s)?|\bswollen|\bpuff(?:y|ed|iness)", re.IGNORECASE)
_PRE_ECLAMPSIA_SIGNS = re.compile(
    r"\bheadaches?\b|\bhead\s+(?:is\s+)?(?:pounding|hurting|aching)|\bblurr(?:ed|y)\b|\bflashing\b|"
    r"\bvision\b|\bseeing\s+(?:spots|stars|lights)|\bpain\s+(?:under|below)\s+(?:my\s+)?ribs",
    re.IGNORECASE,
)


def age_said(text: str) -> int | None:
    """The person's own age, when they give it ("I'm 15", "15 year old here", "I am a 15-year-old")."""
    match = _AGE.search(text)
    if not match:
        return None
    years = match.group("years") or match.group("years2") or match.group("years3")
    return int(years)


def pregnant(text: str) -> bool:
    """Whether the person says they are pregnant ("I'm 30 weeks pregnant", "during my pregnancy")."""
    return bool(_PREGNANT.search(text)) and not _NOT_PREGNANT.search(text)


@dataclass(frozen=True)
class Asker:
    under_16: bool = False
    pregnant: bool = False
    pregnancy_warning_signs: bool = False  # sudden swelling with a headache or blurred vision

    @property
    def special(self) -> bool:
        return self.under_16 or self.pregnant


#: Someone who said nothing of their age or a pregnancy: the adult interview as it is.
ADULT = Asker()


def who_is_asking(texts: Iterable[str]) -> Asker:
    """What the person's own messages say about them, the conversation as a whole."""
    texts = list(texts)
    ages = [age for age in (age_said(text) for text in texts) if age is not None]
    is_pregnant = any(pregnant(text) for text in texts)
    everything = " ".join(texts)
    warning = (
        is_pregnant and bool(_SWELLING.search(everything)) and bool(_PRE_ECLAMPSIA_SIGNS.search(everything))
    )
    return Asker(
        under_16=bool(ages) and ages[-1] < ADULT_AGE, pregnant=is_pregnant, pregnancy_warning_signs=warning
    )


def advice(asker: Asker, kb: KnowledgeBase) -> List[str]:
    """What the assistant says to this person on top of its usual replies, most urgent first."""
    said: List[str] = []
    if asker.pregnancy_warning_signs:
        said.append(kb.pregnancy_urgent)
    if asker.pregnant:
        said.append(kb.pregnancy)
    if asker.under_16:
        said.append(kb.under_16)
    return said


def newly_said(texts: List[str], kb: KnowledgeBase) -> List[str]:
    """The advice the latest of `texts` calls for that the earlier ones did not: said once, at the
    message that reveals it, and again with the assessment."""
    before, now = who_is_asking(texts[:-1]), who_is_asking(texts)
    news = Asker(
        under_16=now.under_16 and not before.under_16,
        pregnant=now.pregnant and not before.pregnant,
        pregnancy_warning_signs=now.pregnancy_warning_signs and not before.pregnancy_warning_signs,
    )
    return advice(news, kb)
