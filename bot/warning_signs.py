"""Everything the assistant says about the emergency warning signs, made from their records.

Each red flag is one record in `bot/knowledge/data/red_flags.yml`: its name, the
sign as part of a list, its own yes/no question, follow-up questions about a part
already said, and the sentence the emergency reply adds. The screen question, the
"if this ever happens" sentence, the outage and someone-else replies and the chat
page's banner are all made here from those records, so a sign is spelt out once.
"""

from __future__ import annotations

from typing import Iterable, List, Sequence

from bot.knowledge import KnowledgeBase, load_knowledge_base
from bot.texts import say


def _listed(items: Sequence[str]) -> str:
    if len(items) == 1:
        return items[0]
    return say("warning_signs.listed_last", others="; ".join(items[:-1]), last=items[-1])


def signs(kb: KnowledgeBase | None = None) -> str:
    """Every warning sign as one list: "numbness that comes on suddenly ...; ...; or ..."."""
    kb = kb or load_knowledge_base()
    return _listed([flag.sign for flag in kb.red_flags.values()])


def screen_question(kb: KnowledgeBase | None = None) -> str:
    return say("warning_signs.screen_question", signs=signs(kb))


def if_this_ever_happens(kb: KnowledgeBase | None = None) -> str:
    return say("warning_signs.if_this_ever_happens", signs=signs(kb))


def for_anyone(kb: KnowledgeBase | None = None) -> str:
    return say("warning_signs.for_anyone", signs=signs(kb))


def banner(kb: KnowledgeBase | None = None) -> str:
    """The chat page's emergency notice."""
    return say("warning_signs.banner", signs=signs(kb))


def outage_note(kb: KnowledgeBase | None = None) -> str:
    """What the reply to a failed turn says about emergencies."""
    return say("warning_signs.outage_note", signs=signs(kb))


def question(flag: str, kb: KnowledgeBase | None = None) -> str:
    """The flag's own short yes/no question, asked when the person is unsure."""
    kb = kb or load_knowledge_base()
    return kb.red_flags[flag].question


def follow_up(flag: str, words: str, timing_said: bool, kb: KnowledgeBase | None = None) -> str:
    """The question about a flag the person has said part of: "You said “I can barely walk”. Did
    that start in the last few days?" (`timing_said`: they said the quick start, not the rest)."""
    kb = kb or load_knowledge_base()
    record = kb.red_flags[flag]
    template = record.follow_up_start if timing_said else record.follow_up_part
    return (template or record.question).replace("{words}", words)


def names(flags: Iterable[str], kb: KnowledgeBase | None = None) -> List[str]:
    kb = kb or load_knowledge_base()
    return [kb.red_flags[flag].name.lower() for flag in flags if flag in kb.red_flags]


def to_watch(flags: Sequence[str], kb: KnowledgeBase | None = None) -> str:
    """For a person who could not say whether they have these signs."""
    kb = kb or load_knowledge_base()
    listed = _listed([kb.red_flags[flag].sign for flag in flags if flag in kb.red_flags])
    key = "warning_signs.to_watch_one" if len(flags) == 1 else "warning_signs.to_watch_several"
    return say(key, signs=listed)
