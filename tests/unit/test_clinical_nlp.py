"""The clinical NLP on the spaCy side: lexicon, negation, experiencer, ellipsis, merge with DIET."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import yaml

from bot.nlp.extract import EXTRACTOR_NAME, MAX_TEXT_CHARS, ClinicalExtractor
from bot.nlp.lexicon import LEXICON_DIR, TOPIC_IDS, LexiconError, load_lexicon, read_lexicon
from bot.vocabulary import load_vocabulary

Entity = Dict[str, Any]

VOCABULARY = load_vocabulary()
SYNONYMS = [
    (entity, value, synonym)
    for entity, values in VOCABULARY.entities.items()
    for value, synonyms in values.items()
    for synonym in synonyms
]


def found(entities: List[Entity], entity: str, value: str) -> List[Entity]:
    return [e for e in entities if e["entity"] == entity and e["value"] == value]


def only(entities: List[Entity], entity: str, value: str) -> Entity:
    matches = found(entities, entity, value)
    assert len(matches) == 1, f"expected one {entity}={value} in {entities}"
    return matches[0]


@pytest.mark.parametrize(("entity", "value", "synonym"), SYNONYMS)
def test_every_vocabulary_synonym_maps_to_its_value(
    extractor: ClinicalExtractor, entity: str, value: str, synonym: str
) -> None:
    entities = extractor.extract(synonym)
    assert found(entities, entity, value), f"{synonym!r} gave {entities}"


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("it feels like I'm walking on cotton wool", "symptom", "numbness"),
        ("a dead feeling in my toes", "symptom", "numbness"),
        ("I cant feel my toes", "symptom", "numbness"),
        ("I cannot feel my heels", "symptom", "numbness"),
        ("pins & needles", "symptom", "tingling"),
        ("like electric shocks", "symptom", "tingling"),
        ("my soles", "body_part", "sole"),
        ("underneath my foot", "body_part", "sole"),
        ("the ball of the foot", "body_part", "sole"),
        ("left foot only", "laterality", "one_side"),
        ("just the left", "laterality", "one_side"),
        ("both of my feet", "laterality", "both_sides"),
        ("both", "laterality", "both_sides"),
        ("it came on overnight", "onset", "sudden"),
        ("over a few hours", "onset", "sudden"),
        ("over a day or two", "onset", "sudden"),
        ("it happened quickly", "onset", "sudden"),
        ("out of the blue", "onset", "sudden"),
        ("it crept up on me over the years", "onset", "gradual"),
        ("over several months", "onset", "gradual"),
        ("getting worse and worse", "progression", "worsening"),
        ("it's creeping up my legs", "progression", "spreading_upward"),
        ("I have t2 diabetes", "risk_factor", "diabetes"),
        ("sugar diabetes", "risk_factor", "diabetes"),
        ("I'm prediabetic", "risk_factor", "diabetes"),
        ("a few pints every night", "risk_factor", "heavy_alcohol_use"),
        ("I had cancer treatment last year", "risk_factor", "chemotherapy"),
        ("platinum chemo", "risk_factor", "chemotherapy"),
        ("bad circulation", "risk_factor", "peripheral_artery_disease"),
        ("I have sciatica", "cause", "sciatica"),
        ("what is CIDP?", "cause", "cidp"),
        ("could it be my back", "cause", "sciatica"),
        ("what is a nerve conduction study", "topic", "nerve_conduction_study"),
        ("will B12 help", "topic", "b12_supplementation"),
        ("why does it start in the feet first", "topic", "longest_fibres"),
        ("what is stocking-glove?", "topic", "stocking_glove"),
        ("what is myelin", "topic", "myelin"),
        ("I suddenly lost all feeling in both legs", "severity", "severe"),
        ("suddenly there is zero sensation in my legs", "severity", "severe"),
        ("suddenly there is zero sensation in my legs", "symptom", "numbness"),
        ("my legs buckled and I fell", "symptom", "weakness"),
        ("I have numbness around my groin", "symptom", "bladder_control_loss"),
        ("my groin feels numb", "symptom", "bladder_control_loss"),
    ],
)
def test_lay_phrases(extractor: ClinicalExtractor, text: str, entity: str, value: str) -> None:
    assert found(extractor.extract(text), entity, value)


def test_the_bottom_of_the_feet_is_not_the_saddle_area(extractor: ClinicalExtractor) -> None:
    entities = extractor.extract("numbness in the bottom of my feet")
    assert not found(entities, "symptom", "bladder_control_loss")


@pytest.mark.parametrize(
    "phrase",
    [
        "3 months",
        "three months",
        "2 yrs",
        "a few weeks",
        "several years",
        "about a year",
        "a couple of days",
        "since christmas",
        "since last summer",
        "since last week",
        "for ages",
        "20 minutes",
        "a few minutes",
    ],
)
def test_duration_phrases(extractor: ClinicalExtractor, phrase: str) -> None:
    entities = extractor.extract(f"my feet have been numb {phrase} now")
    assert [e["value"] for e in entities if e["entity"] == "duration"] == [phrase]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("both feet feel like I'm wearing socks, it's been months, I'm diabetic", "been months"),
        ("this has been going on for years", "been going on for years"),
        ("my toes have been like this for weeks", "been like this for weeks"),
        ("the numbness started months ago", "months ago"),
        ("it's years now that my soles burn", "years now"),
        ("my legs are getting weaker by the hour", "by the hour"),
    ],
)
def test_durations_said_in_passing(extractor: ClinicalExtractor, text: str, phrase: str) -> None:
    assert [e["value"] for e in extractor.extract(text) if e["entity"] == "duration"] == [phrase]


@pytest.mark.parametrize(
    "text",
    ["my legs went weak within a few hours", "my legs became weak over a few hours", "she's a 67 yr old"],
)
def test_blocked_durations(extractor: ClinicalExtractor, text: str) -> None:
    assert not [e for e in extractor.extract(text) if e["entity"] == "duration"]


def test_a_duration_is_never_negated(extractor: ClinicalExtractor) -> None:
    entities = extractor.extract("numb toes without any pain, about two months now")
    assert only(entities, "symptom", "pain")["negated"] is True
    assert [e["negated"] for e in entities if e["entity"] == "duration"] == [False]


def test_body_parts_nest(extractor: ClinicalExtractor) -> None:
    entities = extractor.extract("burning in the soles of both feet")
    assert found(entities, "body_part", "sole") and found(entities, "body_part", "feet")


def test_a_pain_adjective_is_one_pain(extractor: ClinicalExtractor) -> None:
    assert len(found(extractor.extract("stabbing pains"), "symptom", "pain")) == 1


def test_every_cause_and_the_named_topics_have_phrases() -> None:
    """A topic asked about in many words ("who should I see first?") is found by
    bot.question_matching; the ones with a term of their own are named by the lexicon."""
    lexicon = load_lexicon()
    assert set(lexicon.entities["cause"]) == set(VOCABULARY.causes)
    named = {"myelin", "stocking_glove", "nerve_conduction_study", "electromyography", "b12_supplementation"}
    assert named <= set(lexicon.entities["topic"]) <= set(TOPIC_IDS)


def test_negation_stops_at_but(extractor: ClinicalExtractor) -> None:
    entities = extractor.extract("no back pain but my foot is numb")
    assert only(entities, "body_part", "lower_back")["negated"] is True
    assert only(entities, "symptom", "pain")["negated"] is True
    assert only(entities, "body_part", "feet")["negated"] is False
    assert only(entities, "symptom", "numbness")["negated"] is False


@pytest.mark.parametrize(
    "text",
    [
        "No weakness. My feet are numb.",
        "No weakness\nmy feet are numb",
        "no weakness, my feet are numb",
        "no weakness though my feet are numb",
        "no weakness, just numbness in my feet",
    ],
)
def test_negation_stops_at_sentence_and_clause_ends(extractor: ClinicalExtractor, text: str) -> None:
    entities = extractor.extract(text)
    assert only(entities, "symptom", "weakness")["negated"] is True
    assert only(entities, "symptom", "numbness")["negated"] is False


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("I don't have diabetes", "risk_factor", "diabetes"),
        ("I dont have diabetes", "risk_factor", "diabetes"),
        ("I'm not diabetic", "risk_factor", "diabetes"),
        ("never had diabetes", "risk_factor", "diabetes"),
        ("denies weakness", "symptom", "weakness"),
        ("without any pain", "symptom", "pain"),
        ("free of pain", "symptom", "pain"),
        ("my feet don't burn", "symptom", "burning"),
        ("no tingling or burning", "symptom", "burning"),
    ],
)
def test_lay_negations(extractor: ClinicalExtractor, text: str, entity: str, value: str) -> None:
    assert only(extractor.extract(text), entity, value)["negated"] is True


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("not only my feet but my hands", "body_part", "feet"),
        ("not only my feet but my hands", "body_part", "hands"),
        ("no change in the numbness", "symptom", "numbness"),
        ("not sure if I'm diabetic", "risk_factor", "diabetes"),
        ("I can't feel my feet and they burn", "symptom", "burning"),
        ("I can't feel my feet and they burn", "body_part", "feet"),
        ("No, it's in both feet", "body_part", "feet"),
        ("no feeling in my toes", "body_part", "toes"),
    ],
)
def test_pseudo_negations_negate_nothing(
    extractor: ClinicalExtractor, text: str, entity: str, value: str
) -> None:
    assert only(extractor.extract(text), entity, value)["negated"] is False


def test_a_phrase_containing_a_negation_is_a_finding(extractor: ClinicalExtractor) -> None:
    entities = extractor.extract("I can't feel anything in my feet")
    assert only(entities, "symptom", "numbness")["negated"] is False
    assert only(entities, "severity", "severe")["negated"] is False


def test_entities_of_different_types_overlap(extractor: ClinicalExtractor) -> None:
    entities = extractor.extract("my foot is completely numb")
    severe = only(entities, "severity", "severe")
    numb = only(entities, "symptom", "numbness")
    assert severe["start"] < numb["start"] < numb["end"] == severe["end"]


@pytest.mark.parametrize(
    "text",
    [
        "my mother has diabetes",
        "my dad is diabetic",
        "diabetes runs in the family",
        "my wife has diabetes",
        "I'm a carer and my client has diabetes",
    ],
)
def test_family_history_is_another_experiencer(extractor: ClinicalExtractor, text: str) -> None:
    diabetes = only(extractor.extract(text), "risk_factor", "diabetes")
    assert diabetes["experiencer"] == "other"
    assert diabetes["negated"] is False


def test_the_patient_speaking_again_ends_the_family_scope(extractor: ClinicalExtractor) -> None:
    entities = extractor.extract("my dad has diabetes and my feet are numb")
    assert only(entities, "risk_factor", "diabetes")["experiencer"] == "other"
    assert only(entities, "symptom", "numbness")["experiencer"] == "patient"


@pytest.mark.parametrize(
    ("text", "theirs", "mine"),
    [
        # Every family rule is cut short by the person speaking again, not only medspaCy's own.
        (
            "my son is diabetic. His feet are fine, mine are numb",
            ("risk_factor", "diabetes"),
            ("symptom", "numbness"),
        ),
        (
            "a friend of mine has diabetes, mine are numb",
            ("risk_factor", "diabetes"),
            ("symptom", "numbness"),
        ),
        ("she is diabetic, I have numb toes", ("risk_factor", "diabetes"), ("symptom", "numbness")),
        (
            "he drinks heavily and his feet burn, my toes tingle",
            ("symptom", "burning"),
            ("symptom", "tingling"),
        ),
    ],
)
def test_someone_named_by_a_pronoun_is_another_experiencer(
    extractor: ClinicalExtractor, text: str, theirs: Tuple[str, str], mine: Tuple[str, str]
) -> None:
    entities = extractor.extract(text)
    assert only(entities, *theirs)["experiencer"] == "other"
    assert only(entities, *mine)["experiencer"] == "patient"


@pytest.mark.parametrize(
    "text",
    [
        "the doctor said he thinks my feet are numb",
        "I told her my feet are numb",
        "my feet are numb, he says",
    ],
)
def test_a_pronoun_that_is_not_the_subject_leaves_the_finding_the_persons(
    extractor: ClinicalExtractor, text: str
) -> None:
    assert only(extractor.extract(text), "symptom", "numbness")["experiencer"] == "patient"


@pytest.mark.parametrize(
    ("text", "value", "clause"),
    [
        ("I'm not diabetic but my dad is", "diabetes", "my dad is"),
        ("no diabetes, my mum has it though", "diabetes", "my mum has it though"),
        ("I don't drink but my husband does", "heavy_alcohol_use", "my husband does"),
    ],
)
def test_elliptical_family_statements(
    extractor: ClinicalExtractor, text: str, value: str, clause: str
) -> None:
    entities = found(extractor.extract(text), "risk_factor", value)
    patient = [e for e in entities if e["experiencer"] == "patient"]
    other = [e for e in entities if e["experiencer"] == "other"]
    assert len(patient) == 1 and patient[0]["negated"] is True
    assert len(other) == 1 and other[0]["negated"] is False
    assert text[other[0]["start"] : other[0]["end"]] == clause
    assert other[0]["extractor"] == EXTRACTOR_NAME


def test_elliptical_patient_denial(extractor: ClinicalExtractor) -> None:
    entities = found(extractor.extract("My mum has diabetes but I don't"), "risk_factor", "diabetes")
    assert {(e["experiencer"], e["negated"]) for e in entities} == {("other", False), ("patient", True)}


def test_no_ellipsis_when_the_clause_says_it_all(extractor: ClinicalExtractor) -> None:
    entities = extractor.extract("I'm not diabetic but my dad is a smoker")
    assert [e["experiencer"] for e in found(entities, "risk_factor", "diabetes")] == ["patient"]


def test_the_brief_example(extractor: ClinicalExtractor) -> None:
    text = (
        "Both feet have felt numb, like socks, for about 3 months. "
        "No weakness. I'm not diabetic but my dad is."
    )
    entities = extractor.extract(text)
    assert found(entities, "symptom", "numbness")
    assert found(entities, "body_part", "feet")
    assert found(entities, "laterality", "both_sides")
    assert [e["value"] for e in entities if e["entity"] == "duration"] == ["about 3 months"]
    assert only(entities, "symptom", "weakness")["negated"] is True
    diabetes = {(e["experiencer"], e["negated"]) for e in found(entities, "risk_factor", "diabetes")}
    assert diabetes == {("patient", True), ("other", False)}
    for entity in entities:
        assert set(entity) >= {"entity", "value", "start", "end", "extractor", "negated", "experiencer"}


def diet(entity: str, value: str, text: str, phrase: str) -> Entity:
    start = text.index(phrase)
    return {
        "entity": entity,
        "value": value,
        "start": start,
        "end": start + len(phrase),
        "extractor": "DIETClassifier",
        "confidence_entity": 0.9,
    }


def test_diet_spans_get_assertion_status(extractor: ClinicalExtractor) -> None:
    text = "no zingy feeling, and my aunt has zingy toes"
    spans = [
        diet("symptom", "tingling", text, "zingy feeling"),
        diet("symptom", "tingling", text, "zingy toes"),
    ]
    denied, aunts = [e for e in extractor.extract(text, spans) if e["entity"] == "symptom"]
    assert (denied["negated"], denied["experiencer"]) == (True, "patient")
    assert (aunts["negated"], aunts["experiencer"]) == (False, "other")
    assert denied["extractor"] == "DIETClassifier" and denied["confidence_entity"] == 0.9


def test_merge_prefers_canonical_then_longer_then_lexicon(extractor: ClinicalExtractor) -> None:
    text = "I have numb toes"
    # Not canonical: the lexicon's "numb" wins although DIET's span is longer.
    raw = extractor.extract(text, [diet("symptom", "numb toes thing", text, "numb toes")])
    assert [(e["value"], e["extractor"]) for e in raw if e["entity"] == "symptom"] == [
        ("numbness", EXTRACTOR_NAME)
    ]
    # Canonical and longer: DIET's wins.
    longer = extractor.extract(text, [diet("symptom", "numbness", text, "numb toes")])
    assert [(e["value"], e["extractor"]) for e in longer if e["entity"] == "symptom"] == [
        ("numbness", "DIETClassifier")
    ]
    # Same span, both canonical: the lexicon's.
    same = extractor.extract(text, [diet("symptom", "numbness", text, "numb")])
    assert [e["extractor"] for e in same if e["entity"] == "symptom"] == [EXTRACTOR_NAME]


def test_diet_raw_values_are_canonicalised_by_the_lexicon(extractor: ClinicalExtractor) -> None:
    text = "a buzzzyy feeling"  # two slips: the lexicon misses it, DIET's value is close to a lexicon phrase
    entities = extractor.extract(text, [diet("symptom", "buzzzyy", text, "buzzzyy")])
    assert only(entities, "symptom", "tingling")["processors"] == [EXTRACTOR_NAME]


def test_empty_and_huge_texts(extractor: ClinicalExtractor) -> None:
    assert extractor.extract("") == []
    huge = "my feet are numb. " * 60_000  # about 1 MB
    entities = extractor.extract(huge)
    assert entities and max(e["end"] for e in entities) <= MAX_TEXT_CHARS
    beyond = {
        "entity": "symptom",
        "value": "numbness",
        "start": len(huge) - 6,
        "end": len(huge) - 2,
        "confidence_entity": 0.99,
    }
    kept = extractor.extract(huge, [beyond])[-1]
    assert kept["start"] == beyond["start"] and kept["negated"] is False and kept["experiencer"] == "patient"


def test_a_blocker_also_vetoes_the_classifiers_stray_tags(extractor: ClinicalExtractor) -> None:
    """DIET sometimes tags the "back" of "it came back" as the lower back, which points to sciatica."""
    text = "my foot went dead at yoga, it came back after a minute and was back to normal"
    stray = [
        {
            "entity": "body_part",
            "value": "lower_back",
            "start": m.start(),
            "end": m.end(),
            "confidence_entity": 0.95,
        }
        for m in re.finditer(r"\bback\b", text)
    ]
    assert [e["value"] for e in extractor.extract(text, stray) if e["entity"] == "body_part"] == ["feet"]
    sitting = "I sat with my legs crossed for ages and got pins and needles in my foot, it's gone now"
    assert not [e for e in extractor.extract(sitting) if e["entity"] == "duration"]
    kept = extractor.extract("the pain in my back came back", stray[:0])
    assert "lower_back" in {e["value"] for e in kept}


@pytest.mark.slow
def test_a_saved_pipeline_loads_and_behaves_the_same(extractor: ClinicalExtractor, tmp_path: Path) -> None:
    extractor.save(tmp_path / "pipeline")
    assert {p.name for p in (tmp_path / "pipeline").iterdir()} == {
        "spacy",
        "lexicon",
        "red_flags.yml",
        "context_rules.json",
    }
    loaded = ClinicalExtractor.load(tmp_path / "pipeline")
    for text in [
        "no back pain but my foot is numb",
        "I don't drink but my husband does",
        "pins & needles",
        "since yesterday I can barely walk",
    ]:
        assert loaded.extract(text) == extractor.extract(text)


def broken_lexicon(tmp_path: Path, name: str, edit: Any) -> Path:
    """A copy of the lexicon folder whose file `name` went through `edit`."""
    folder = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, folder)
    raw = read_lexicon(LEXICON_DIR)[name]  # the aliases are already resolved
    edit(raw)
    (folder / name).write_text(yaml.safe_dump(raw), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("name", "edit", "message"),
    [
        (
            "entities/symptom.yml",
            lambda raw: raw.update(numbnes=["numb-ish"]),
            r"entities/symptom\.yml: numbnes",
        ),
        ("entities/symptom.yml", lambda raw: raw["numbness"].remove("feels dead"), "'feels dead'"),
        ("entities/cause.yml", lambda raw: raw.pop("cidp"), "cidp"),
        ("entities/onset.yml", lambda raw: raw["gradual"].append("suddenly"), "'suddenly' is already listed"),
        (
            "duration.yml",
            lambda raw: raw["duration"].append({"literal": "x", "pattern": [{"LOWR": "x"}]}),
            r"duration\.yml: duration\[\d+\] \(x\)",
        ),
        (
            "context.yml",
            lambda raw: raw["context"]["rules"][3].update(kategory="NEGATED_EXISTENCE"),
            r"context\.yml: context\.rules\[3\]: unknown keys \['kategory'\]",
        ),
    ],
)
def test_lexicon_errors_name_the_file_and_entry(tmp_path: Path, name: str, edit: Any, message: str) -> None:
    with pytest.raises(LexiconError, match=message):
        load_lexicon(broken_lexicon(tmp_path, name, edit))
