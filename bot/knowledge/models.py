"""Typed records of the knowledge base and the fixed ids they are checked against.

The records are frozen dataclasses; `bot.knowledge.loader` builds them only
after validating every field, so code that holds one can trust its contents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Tuple

from bot.texts import say

#: Section headings of the source article; "Introduction" is its first paragraph.
SECTIONS: Tuple[str, ...] = (
    say("article.introduction"),
    say("article.understanding_peripheral_neuropathy"),
    say("article.systemic_conditions"),
    say("article.localized_nerve_compression"),
    say("article.seeking_diagnosis_and_treatment"),
)

#: How a cause harms the nerves (one per cause; two causes may share one).
MECHANISM_KINDS: Tuple[str, ...] = (
    "microvascular_injury_and_oxidative_stress",
    "demyelination",
    "ischaemia_and_axonal_degeneration",
    "nerve_compression",
    "toxicity",
    "autoimmune_demyelination",
    "temporary_pressure",
)

#: Answers to a question that are neither a topic nor a cause: the three overviews.
OVERVIEW_ANSWERS: Tuple[str, ...] = ("causes_overview", "tests_overview", "treatment_overview")

#: Which sides a cause usually affects.
LATERALITIES: Tuple[str, ...] = ("symmetric", "one_sided", "either")

#: Findings a cause's `evidence` may name besides an "entity:value" of the vocabulary: the patterns
#: bot/reasoning.py derives from several findings (`derive`), explained at the top of causes.yml.
DERIVED_FINDINGS: Tuple[str, ...] = (
    "pattern:symmetric",
    "pattern:one_sided",
    "course:chronic",
    "course:brief",
    "course:progressive",
    "pattern:slow_weakness",
    "pattern:one_leg",
    "pattern:long_standing_feet",
)

#: The `topic` entity ids (a project extension of the vocabulary), by kind.
TOPIC_IDS: Dict[str, Tuple[str, ...]] = {
    "background": (
        "peripheral_neuropathy",
        "nerve_types",
        "longest_fibres",
        "stocking_glove",
        "paresthesia",
        "myelin",
        "diabetes_nerve_damage",
        "other_conditions",
    ),
    "diagnosis": (
        "neurological_exam",
        "blood_tests",
        "nerve_conduction_study",
        "electromyography",
        "which_clinician",
    ),
    "treatment": (
        "treat_root_cause",
        "glucose_control",
        "b12_supplementation",
        "symptom_medicines",
        "reversibility",
        "meanwhile",
        "chemo_numbness_duration",
    ),
    #: Answers that start with the emergency warning signs.
    "safety": ("numbness_vs_stroke", "when_to_worry"),
}


@dataclass(frozen=True)
class CausePattern:
    """The typical shape of the numbness a cause produces."""

    laterality: str  # one of LATERALITIES
    where: str
    onset: str
    course: str


@dataclass(frozen=True)
class Weight:
    """How much one finding counts for or against a cause (a cause's `evidence` in causes.yml)."""

    finding: str  # "entity:value" or one of DERIVED_FINDINGS
    weight: float  # relative, not a probability; the number as written (an int stays an int)
    key: bool = False  # the cause is offered only when one of its key findings is present


@dataclass(frozen=True)
class CauseEvidence:
    """The weights bot/reasoning.py ranks a cause by: `for` and `against` in its record."""

    supporting: Tuple[Weight, ...]  # at least one is a key finding
    against: Tuple[Weight, ...]


@dataclass(frozen=True)
class Cause:
    id: str
    name: str
    section: str
    summary: str
    mechanism_kind: str
    mechanism: str
    pattern: CausePattern
    risk_factors: Tuple[str, ...]  # vocabulary risk_factor values that point to this cause
    clinician_next_steps: Tuple[str, ...]
    tests: Tuple[str, ...]  # diagnosis topic ids
    treatment: str
    asked_as: Tuple[str, ...]  # how people may ask about it (also in KnowledgeBase.questions)
    evidence: CauseEvidence


@dataclass(frozen=True)
class RedFlag:
    """One emergency warning sign; every text about it is made from this record."""

    id: str
    name: str  # "Trouble breathing"
    sign: str  # the sign in a list: "trouble breathing"
    question: str  # its own short yes/no question
    reply: str  # what the emergency reply adds for it
    description: str
    section: str
    source: str | None  # named public guidance, for what the article lacks
    follow_up_part: str | None = None  # asked when the person said its part ("{words}"), not its start
    follow_up_start: str | None = None  # asked when they said a sudden start, not the rest


@dataclass(frozen=True)
class Topic:
    id: str
    kind: str  # a key of TOPIC_IDS
    title: str
    section: str
    text: str
    source: str | None = None  # named public guidance, for what the article lacks
    asked_as: Tuple[str, ...] = ()  # how people may ask for it (also in KnowledgeBase.questions)


@dataclass(frozen=True)
class KnowledgeBase:
    causes: Dict[str, Cause]
    red_flags: Dict[str, RedFlag]
    topics: Dict[str, Topic]
    overview_causes: str
    overview_tests: str
    overview_treatment: str
    disclaimer: str
    emergency_advice: str
    seek_care_advice: str
    self_care_advice: str
    not_a_doctor: str
    no_doses: str
    technical_problem: str
    under_16: str = ""  # for a person who says they are under 16 (bot/who_is_asking.py)
    pregnancy: str = ""  # for a person who says they are pregnant
    pregnancy_urgent: str = ""  # pregnant, with swelling and a headache or blurred vision
    clinician_questions: Tuple[str, ...] = ()  # the summary's questions to ask at the visit
    summary_nothing_yet: str = ""  # the summary of a conversation with no findings yet
    #: How people may ask for each answer, by answer id: the overviews' `answers` of
    #: bot/knowledge/data/questions.yml, then each topic's and each cause's `asked_as`.
    questions: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    #: Words that make a question one about numb feet at all (questions.yml `subject_words`).
    subject_words: Tuple[str, ...] = ()
    #: The words that say one idea in a question, by idea (questions.yml `concepts`).
    question_concepts: Dict[str, Tuple[str, ...]] = field(default_factory=dict)

    def cause(self, cause_id: str) -> Cause:
        try:
            return self.causes[cause_id]
        except KeyError:
            raise KeyError(f"unknown cause id {cause_id!r}") from None

    def topic(self, topic_id: str) -> Topic:
        try:
            return self.topics[topic_id]
        except KeyError:
            raise KeyError(f"unknown topic id {topic_id!r}") from None
