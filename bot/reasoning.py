"""Triage and the ranked possible causes, from the findings alone.

Pure Python: the weights live in each cause's record (`evidence` in
bot/knowledge/data/causes.yml); this module derives the patterns they refer
to (symmetric, chronic, brief...), scores each cause, and decides the triage
level. It never names a diagnosis: it ranks what is worth discussing with a
clinician.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Dict, List, Set, Tuple

from bot import red_flags
from bot.findings import PATIENT, Findings
from bot.knowledge import CAUSES_FILE, Weight, load_causes
from bot.vocabulary import VOCABULARY_FILE, load_vocabulary
from bot.who_is_asking import ADULT, Asker

CHRONIC_WEEKS = 8.0  # CIDP's "at least eight weeks"
BRIEF_WEEKS = 1 / 7  # numbness that passes within a day


@dataclass(frozen=True)
class CauseRule:
    cause: str
    section: str
    supporting: Tuple[Weight, ...]
    against: Tuple[Weight, ...]


@dataclass(frozen=True)
class Evidence:
    finding: str  # "entity:value" or a derived pattern
    words: Tuple[str, ...]  # what the person said
    past: bool = False  # a risk told only as over ("I stopped drinking ten years ago"): weighs less


@dataclass(frozen=True)
class CauseMatch:
    cause: str
    score: float
    supporting: Tuple[Evidence, ...]
    against: Tuple[Evidence, ...]


@dataclass(frozen=True)
class Assessment:
    triage_level: str
    red_flags: Tuple[str, ...]
    causes: Tuple[CauseMatch, ...]  # most likely first
    unsure_flags: Tuple[str, ...] = ()  # warning signs the person could not rule out

    def top(self, n: int = 3) -> Tuple[CauseMatch, ...]:
        return self.causes[:n]


@cache
def load_rules(
    causes_file: Path = CAUSES_FILE, vocabulary_path: Path = VOCABULARY_FILE
) -> Tuple[CauseRule, ...]:
    """The weights of each cause's `evidence` in `causes_file`, in the causes' order of the vocabulary
    of `vocabulary_path`. The knowledge base's loader checks them (bot.knowledge.load_causes): a
    mistake raises `KnowledgeBaseError` naming the file, the cause and the field."""
    vocabulary = load_vocabulary(vocabulary_path)
    causes = load_causes(causes_file, vocabulary)
    return tuple(
        CauseRule(
            cause, causes[cause].section, causes[cause].evidence.supporting, causes[cause].evidence.against
        )
        for cause in vocabulary.causes
    )


def derive(findings: Findings) -> Dict[str, Tuple[str, ...]]:
    """Every finding and derived pattern present, with the person's words for it. A new pattern is
    also added to `DERIVED_FINDINGS` (bot/knowledge/models.py), which a cause's evidence may name."""
    present: Dict[str, Tuple[str, ...]] = {}
    for f in findings.all:
        if f.present:
            present[f.key] = present.get(f.key, ()) + (
                (f.text,) if f.text not in present.get(f.key, ()) else ()
            )

    def words(entity: str, *values: str) -> Tuple[str, ...]:
        return tuple(w for v in values for w in findings.words_for(entity, v))

    if findings.has("laterality", "both_sides"):
        present["pattern:symmetric"] = words("laterality", "both_sides")
    if findings.has("laterality", "one_side"):
        present["pattern:one_sided"] = words("laterality", "one_side")
        if findings.has("body_part", "leg"):
            present["pattern:one_leg"] = words("laterality", "one_side") + words("body_part", "leg")
    weeks = findings.duration_weeks()
    durations = tuple(f.text for f in findings.all if f.present and f.entity == "duration")
    if weeks and max(weeks) >= CHRONIC_WEEKS:
        present["course:chronic"] = durations
    if weeks and max(weeks) <= BRIEF_WEEKS:
        present["course:brief"] = durations
    if findings.has("progression", "worsening") or findings.has("progression", "spreading_upward"):
        present["course:progressive"] = words("progression", "worsening", "spreading_upward")
    long_standing = ("course:chronic", "course:progressive")
    in_the_feet = words("body_part", "feet", "toes", "sole")
    lasting = any(k in present for k in long_standing) or findings.has("onset", "gradual")
    if in_the_feet and lasting and "pattern:one_sided" not in present:
        present["pattern:long_standing_feet"] = in_the_feet + tuple(
            w for k in long_standing for w in present.get(k, ())
        )
    weakness_is_rapid = "rapid_weakness" in red_flags.detect(findings)
    slow = findings.has("onset", "gradual") or "course:chronic" in present or "course:progressive" in present
    if findings.has("symptom", "weakness") and slow and not weakness_is_rapid:
        present["pattern:slow_weakness"] = words("symptom", "weakness") + durations
    return present


#: How much a risk factor told only as past ("I finished chemo in 2015") weighs against a present one.
PAST_RISK_SHARE = 0.4


def past_risks(findings: Findings) -> Dict[str, Tuple[str, ...]]:
    """Risk factors the person told only as over ("I stopped drinking ten years ago"), with their words."""
    past: Dict[str, Tuple[str, ...]] = {}
    told_as_now = {o.key for o in findings.all if o.present and not o.historical}
    for f in findings.statements().all:
        theirs = f.entity == "risk_factor" and not f.negated and f.experiencer == PATIENT
        if theirs and f.historical and f.key not in told_as_now:
            past[f.key] = past.get(f.key, ()) + ((f.text,) if f.text not in past.get(f.key, ()) else ())
    return past


def _denied_keys(findings: Findings) -> Set[str]:
    return {f.key for f in findings.all if f.denied and not findings.has(f.entity, f.value)}


#: The weight of a cause the person named as theirs ("my diabetic neuropathy", "I have sciatica").
NAMED_WEIGHT = 3.0


def score_causes(findings: Findings, rules: Tuple[CauseRule, ...] | None = None) -> Tuple[CauseMatch, ...]:
    """The causes these findings point to, most likely first; `rules`: those of `load_rules()` by default."""
    rules = load_rules() if rules is None else rules
    past = past_risks(findings)
    present = {key: words for key, words in derive(findings).items() if key not in past}
    denied = _denied_keys(findings)
    matches: List[CauseMatch] = []
    for rule in rules:
        keys = [w for w in rule.supporting if w.key]
        named = present.get(f"cause:{rule.cause}", ())
        if not named and not any(w.finding in present or w.finding in past for w in keys):
            continue
        if any(w.finding in denied for w in keys if w.finding not in present):
            # The person denied a defining feature and said nothing for it.
            continue
        supporting = tuple(
            Evidence(w.finding, present[w.finding]) for w in rule.supporting if w.finding in present
        ) + tuple(
            Evidence(w.finding, past[w.finding], past=True) for w in rule.supporting if w.finding in past
        )
        supporting += (Evidence(f"cause:{rule.cause}", named),) if named else ()
        against = tuple(Evidence(w.finding, present[w.finding]) for w in rule.against if w.finding in present)
        score = (
            sum(w.weight for w in rule.supporting if w.finding in present)
            + PAST_RISK_SHARE * sum(w.weight for w in rule.supporting if w.finding in past)
            - sum(w.weight for w in rule.against if w.finding in present)
            + (NAMED_WEIGHT if named else 0.0)
        )
        if score > 0:
            matches.append(CauseMatch(rule.cause, round(score, 2), supporting, against))
    order = {rule.cause: i for i, rule in enumerate(rules)}  # the vocabulary's order (load_rules)
    return tuple(sorted(matches, key=lambda m: (-m.score, order[m.cause])))


#: How far ahead of any other cause temporary compression must be for self-care.
SELF_CARE_MARGIN = 0.6


#: Symptoms whose passing ("it went away", "back to normal") makes numbness brief.
PASSING_SYMPTOMS = ("numbness", "tingling")


def _passed(findings: Findings) -> bool:
    """Whether the person said the numbness passed: a symptom told as over, or getting better. A
    recent start still present ("twenty minutes ago") is never brief."""
    over = any(f.historical and f.entity == "symptom" and f.value in PASSING_SYMPTOMS for f in findings.all)
    return over or findings.has("progression", "improving")


def _self_care(findings: Findings, causes: Tuple[CauseMatch, ...]) -> bool:
    """Brief, positional numbness that passes, with nothing else going on. The person must have
    said both that it passed and what brought it on (sitting, kneeling, pressure, a tight shoe), and
    any other cause must score well below it (a stray word may hint at one)."""
    if not causes or causes[0].cause != "temporary_compression":
        return False
    if any(other.score > SELF_CARE_MARGIN * causes[0].score for other in causes[1:]):
        return False
    if not (_passed(findings) and findings.has("risk_factor", "prolonged_sitting")):
        return False
    present = derive(findings)
    weeks = findings.duration_weeks()
    worrying = (
        "course:chronic",
        "course:progressive",
        "symptom:weakness",
        "symptom:balance_problems",
        "progression:comes_and_goes",
    )  # numbness that keeps coming back, with every walk or every day, needs a check
    return not any(k in present for k in worrying) and not (weeks and max(weeks) >= 1)


def assess(
    findings: Findings,
    screen_positive: bool = False,
    unsure_flags: Tuple[str, ...] = (),
    asker: Asker = ADULT,
) -> Assessment:
    """`screen_positive`: the person said yes to a red-flag screen question, which escalates even
    when they did not say which warning sign it was. `unsure_flags`: signs the person could not rule
    out. One of which they said a part is an emergency; any other never allows self-care, and the
    reply asks them to see a doctor today and names the sign to act on (bot/warning_signs.py).
    `asker`: a child or a pregnant woman is never sent to self-care (bot/who_is_asking.py)."""
    flags = tuple(red_flags.detect(findings))
    # Half a warning sign said ("I can barely walk") and the rest left in doubt: the sign is named
    # in the emergency advice.
    flags += tuple(f for f in red_flags.with_a_part_said(findings) if f in unsure_flags and f not in flags)
    stated = findings.statements()
    causes = score_causes(stated)
    if flags or screen_positive:
        level = "emergency"
    elif not unsure_flags and not asker.special and _self_care(stated, causes):
        level = "self_care"
    else:
        level = "see_clinician"
    return Assessment(level, flags, causes, tuple(unsure_flags))
