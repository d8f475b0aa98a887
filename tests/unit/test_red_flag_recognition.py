"""Red flags recognised by meaning (bot/nlp/red_flag_patterns.py, bot/red_flags.py), the screen
when the person is unsure (bot.interview.screen_step), and one definition per red flag."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import List

import pytest
import spacy

from bot import interview, red_flags, warning_signs
from bot.findings import Findings, Turn
from bot.knowledge import load_knowledge_base
from bot.nlp.extract import ClinicalExtractor
from bot.nlp.red_flag_patterns import RedFlagMatcher, inflections, load_recognition
from bot.reasoning import assess
from bot.replies import assessment_reply
from bot.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def extractor() -> ClinicalExtractor:
    return ClinicalExtractor.build()


def conversation(extractor: ClinicalExtractor, *messages: str) -> Findings:
    return Findings.from_turns([Turn(text, tuple(extractor.extract(text))) for text in messages])


def flags(extractor: ClinicalExtractor, *messages: str) -> List[str] | None:
    """The red flags of the emergency reply the last message brings, None if it brings none."""
    findings = conversation(extractor, *messages)
    latest = Findings([f for f in findings.all if f.turn == len(messages) - 1])
    return red_flags.emergency_flags(latest, findings, intent=None, requested_slot=None)


def test_every_form_of_a_lemma_counts() -> None:
    assert {"lose", "loses", "losing", "lost"} <= inflections("lose")
    assert {"slurred", "slurring"} <= inflections("slur")
    assert {"feet"} <= inflections("foot") and {"could", "ca"} <= inflections("can")


def test_every_generated_pattern_passes_spacys_schema_check() -> None:
    """The server builds the matchers without spaCy's pattern check, for speed; this is that check."""
    RedFlagMatcher(spacy.blank("en").vocab, load_recognition(), validate=True)


def test_every_red_flag_has_one_record_with_rules_and_texts() -> None:
    kb = load_knowledge_base()
    assert list(kb.red_flags) == list(load_vocabulary().red_flags)
    ruled = {rule.flag for rule in load_recognition().rules}
    assert set(load_vocabulary().red_flags) <= ruled
    for flag in kb.red_flags.values():
        assert flag.question.endswith("?") and flag.sign and flag.reply
    assert "nhs.uk" in (kb.red_flags["stroke_signs"].source or "")


@pytest.mark.parametrize(
    "message, flag",
    [
        # Other verb forms, word orders and paraphrases of one meaning.
        ("I've been losing control of my bladder since yesterday", "bladder_control_loss"),
        ("my bladder just won't empty, I keep trying and nothing", "bladder_control_loss"),
        ("I can't feel myself going for a wee anymore", "bladder_control_loss"),
        ("the skin between my legs has gone numb and my back is killing me", "bladder_control_loss"),
        ("I keep running out of breath just sitting here", "breathing_difficulty"),
        ("my chest is tight and I can't get any air in", "breathing_difficulty"),
        ("since this morning I can hardly stand up, my legs keep folding under me", "rapid_weakness"),
        ("my legs gave out twice today on the way to the kitchen", "rapid_weakness"),
        ("an hour ago both feet lost every bit of feeling", "sudden_severe_numbness"),
        ("I woke up and couldn't feel my legs at all", "sudden_severe_numbness"),
        ("one side of my face has dropped and my speech is all muddled", "stroke_signs"),
        ("I think I'm having a stroke, my foot went numb", "stroke_signs"),
        # Someone else who sees it, or whom the person speaks to: the finding is still the person's.
        ("my husband noticed a droop in my face at breakfast", "stroke_signs"),
        ("when I rang my sister to say hello the words wouldn't come", "stroke_signs"),
        ("I told my wife I can't catch my breath", "breathing_difficulty"),
        # A negation inside the sign's own words says how it is ("not making sense").
        ("my son says I'm not making any sense when I speak", "stroke_signs"),
        # "If" after not knowing is "whether"; urine that "came out" is now, not a past that passed.
        ("since yesterday I can't tell if I need the toilet and it's hard to start", "bladder_control_loss"),
        ("I tried to pee and hardly anything came out, my bladder feels full", "bladder_control_loss"),
        # "A little" said of something else does not make the breathing trouble mild.
        ("I'm wheezing and breathless, the inhaler only helps a little", "breathing_difficulty"),
        # "I went down" is a fall and "the way back in" no past; numbness that "has gone up my leg" spread.
        ("an hour ago I went down on the kitchen floor, there's no strength in my legs", "rapid_weakness"),
        ("on the way back in from the garden my legs just gave way under me", "rapid_weakness"),
        ("within minutes the numbness has gone all the way up my leg", "sudden_severe_numbness"),
        ("I woke up, tried to lift my legs and nothing happens, I can't stand", "rapid_weakness"),
        # One side that will not do what it is told, speech that will not come, an eye gone dark.
        ("my right arm and leg won't do anything I ask since I woke up", "stroke_signs"),
        ("I opened my mouth to answer and only a grunt came out", "stroke_signs"),
        ("the sight in my left eye suddenly went grey like a curtain", "stroke_signs"),
        # An earlier stroke does not hide a new one.
        ("since my stroke in 2015 my hand is weak, but today my face suddenly drooped", "stroke_signs"),
        # Breath that stops, a throat that closes, a reliever that does not help.
        ("my throat has closed up and my breath keeps stopping", "breathing_difficulty"),
        ("I used my puffer twenty minutes ago and I'm still wheezy and tight", "breathing_difficulty"),
        ("my nebuliser isn't helping at all", "breathing_difficulty"),
        # No urine passed, or nothing happens when trying.
        ("I still haven't passed urine since lunchtime", "bladder_control_loss"),
        ("I really need to wee but nothing happens when I try", "bladder_control_loss"),
        # A fall or collapse is a start; a limb gone, no movement in it, unable to get oneself up.
        ("I tripped on the stairs and I can't get myself up", "rapid_weakness"),
        (
            "lifted a heavy box this morning and now my leg is totally useless, no strength in my foot",
            "rapid_weakness",
        ),
        (
            "went down hard on the ice and landed on my back, my legs feel numb and I can't stand",
            "rapid_weakness",
        ),
        (
            "I stood up from the sofa and collapsed, I can't feel anything below my waist",
            "sudden_severe_numbness",
        ),
        ("I keep missing my mouth with my fork and my left side feels odd", "stroke_signs"),
        # A limb gone the colour of no blood, cold or without feeling, told as recent: a blocked artery.
        ("my left foot has gone white and icy cold in the last hour", "sudden_severe_numbness"),
        (
            "I can't feel my toes and since this morning they've turned a bluish grey colour",
            "sudden_severe_numbness",
        ),
        # The feeling gone past a level, told as recent; a limb frozen solid.
        ("since I woke the feeling has gone past my waist", "sudden_severe_numbness"),
        ("an hour ago my right leg went completely frozen from the hip down", "sudden_severe_numbness"),
        # Hot and cold no longer told apart, since a recent start; a start told as "hours later".
        ("since last night both my feet can't tell hot from cold", "sudden_severe_numbness"),
        (
            "I slipped in the shower and a few hours later I couldn't feel my legs at all",
            "sudden_severe_numbness",
        ),
        # New foot drop and legs that will not obey.
        ("I keep stumbling over my left foot since this morning", "rapid_weakness"),
        ("both my legs went floppy an hour ago", "rapid_weakness"),
        ("my legs are numb and I'm losing control of them, it started this morning", "rapid_weakness"),
        # Balance lost at once: staggering as if drunk, the floor tilting, too dizzy to stay up.
        ("since I got up I'm staggering about like I'm drunk and bumping into doors", "stroke_signs"),
        ("the floor suddenly seemed to tilt under me and I can't walk straight", "stroke_signs"),
        ("I'm so dizzy I'm clinging to the wall to stay upright", "stroke_signs"),
        ("I feel really dizzy and my eyesight has gone blurred", "stroke_signs"),
        # An arm that drifts, a limb like wood, a hand switched off, reading that turns to nonsense.
        ("I raised both arms and one won't lift as high as the other", "stroke_signs"),
        ("my left leg feels like a lump of wood", "stroke_signs"),
        ("my right arm has suddenly switched off", "stroke_signs"),
        ("the text on the screen turned into gibberish when I tried to read it", "stroke_signs"),
        ("my voice sounds slurry", "stroke_signs"),
        # A bladder that has stopped, is about to burst, is in retention, or will not go after a catheter.
        ("my bladder seems to have stopped working", "bladder_control_loss"),
        ("my bladder feels like it's about to burst", "bladder_control_loss"),
        ("the scan showed my bladder is in retention", "bladder_control_loss"),
        ("they put a catheter in earlier and I still can't wee on my own", "bladder_control_loss"),
        # A face that drooped and recovered is still a warning stroke; numbness as soon as one stands.
        ("my face drooped for ten minutes this morning and then it passed", "stroke_signs"),
        # So are bladder and saddle signs that came and went: the cauda equina warning.
        ("I wet myself without feeling it this morning, it seems fine again now", "bladder_control_loss"),
        ("I can't feel my legs at all once I stand up, it started today", "sudden_severe_numbness"),
        # A recovery said first does not hide a new loss said after it.
        (
            "my leg went numb yesterday but the feeling came back, and an hour ago I lost all feeling",
            "sudden_severe_numbness",
        ),
    ],
)
def test_a_red_flag_is_found_by_meaning(extractor: ClinicalExtractor, message: str, flag: str) -> None:
    assert flag in (flags(extractor, message) or [])


@pytest.mark.parametrize(
    "message",
    [
        "my feet are numb but there's no trouble breathing",
        "my dad can't breathe properly, he has COPD",
        "if I ever lose control of my bladder I will go straight to A&E",
        "years ago I couldn't pee after an operation, that's long gone",
        "what are the signs of a stroke?",
        "my legs have slowly got weaker over the last two years",
        "my feet have been numb for months, no weakness and my bladder is fine",
        "I called my dad because he can't breathe properly",
        "since my stroke in 2015 my left arm doesn't work well and my speech is slow",
        "how do I tell if I'm short of breath or just unfit?",
        "I'm breathing easily, not wheezing at all, just numb toes",
        "the weakness came on over months; no breathing or bladder problems",
        "no bladder control problems and no trouble breathing, only numb toes",
        "what's the difference between urinary retention and incontinence?",
        "can someone tell me what counts as being short of breath?",
        "my 7-year-old woke up and can't stand on his legs",
        # A course, not an attack: for months, since a season, always, slowly, passing with rest.
        "for months my breathing has been a struggle going uphill",
        "I've always got out of breath in humid weather, it comes back after a rest",
        "since the spring I've slowly become winded on hills",
        "last October my right arm went numb and weak from a trapped nerve, it's healed now",
        # Someone else's, told after "because her" or as a buddy's.
        "my buddy can barely catch his breath after his run",
        "my aunt phoned me because her face suddenly drooped",
        # A future feared or a case supposed.
        "I worry that one day I'll lose control of my bladder",
        "what do I do if I can't breathe at night?",
        "I fell asleep on the sofa and my legs feel a bit heavy",
        "I can't tell hot from cold with my feet, it's been like that for years",
        # A child's own words to a parent, or someone who rings the person, are theirs.
        "my son woke up this morning shouting mum I can't feel my legs",
        "my brother phoned me wheezing and struggling for breath",
        # A droop a doctor has named Bell's palsy has been seen to.
        "my GP says the drooping of my face is Bell's palsy",
        # The feeling or the strength told as back afterwards: the part has passed.
        "my foot went completely dead at my desk this morning, but the feeling came back after I stood up",
        "my legs buckled at the gym yesterday, but I'm walking normally again",
        "my leg went totally numb this morning but it was back to normal in a minute",
        "I was gasping for air at the bus stop, but it passed and I'm breathing fine again",
        "I struggled to get my breath on the hill but got my breath back after a short rest",
        "I couldn't pee for a day after my op but that's all over now",
        "I wet myself a lot as a kid but I've been totally dry since",
        # "Once": a single time long past ("once after a party"), not "once I stand up".
        "I lost control of my bladder once after a party at uni",
        # Numbness that spreads is a course, not a loss of all feeling: asked about, never a red flag.
        "the numbness in my toes has spread to my heels over the last year",
    ],
)
def test_a_near_miss_is_no_emergency(extractor: ClinicalExtractor, message: str) -> None:
    assert flags(extractor, message) is None


def test_a_self_reported_emergency_gets_the_emergency_reply(extractor: ClinicalExtractor) -> None:
    assert flags(extractor, "this is an emergency, please help") == []


def test_a_part_said_early_and_a_recent_start_said_later_make_the_flag(extractor: ClinicalExtractor) -> None:
    assert flags(extractor, "my feet have been numb for weeks and my legs are wobbly") is None
    assert "rapid_weakness" in (
        flags(extractor, "my feet have been numb for weeks", "since yesterday I can barely walk") or []
    )


def test_the_follow_up_asks_about_the_part_said(extractor: ClinicalExtractor) -> None:
    findings = conversation(extractor, "I can barely walk")
    question, asking = interview.screen_question(None, {}, findings)
    assert asking == "part:rapid_weakness"
    assert question.startswith("You said \u201cbarely walk\u201d") and "last few days" in question


def test_a_pale_cold_limb_without_a_start_is_asked_about_not_called_an_emergency(
    extractor: ClinicalExtractor,
) -> None:
    # The same colour with every cold spell is Raynaud's; a quick start makes it a blocked artery.
    message = "my toes turn white and numb whenever it's cold"
    assert flags(extractor, message) is None
    question, asking = interview.screen_question(None, {}, conversation(extractor, message))
    assert asking == "part:sudden_severe_numbness" and "suddenly" in question


def test_the_whole_list_met_with_a_question_back_becomes_one_question_per_sign() -> None:
    question, asking = interview.screen_question(red_flags.ASKING_ALL, {}, Findings(), "ask_concept")
    first = load_vocabulary().red_flags[0]
    assert (question, asking) == (warning_signs.question(first), first)
    # After a pause of another kind ("delete my data?" "no"), the list is asked again as it was.
    again = interview.screen_question(red_flags.ASKING_ALL, {}, Findings(), "deny")
    assert again == (warning_signs.screen_question(), red_flags.ASKING_ALL)
    after_a_part = interview.screen_step("part:rapid_weakness", {}, "no")
    question, asking = interview.screen_question(after_a_part.asking, after_a_part.answers, Findings())
    assert (question, asking) == (warning_signs.screen_question(), red_flags.ASKING_ALL)


def test_only_an_explicit_no_clears_the_screen() -> None:
    step = interview.screen_step(red_flags.ASKING_ALL, {}, "unsure")
    assert step.screen is None and step.asking == load_vocabulary().red_flags[0]
    step = interview.screen_step(red_flags.ASKING_ALL, {}, "no")
    assert step.screen == "none"


def test_unsure_answers_go_one_sign_at_a_time_and_are_kept() -> None:
    asking, answers, screen = red_flags.ASKING_ALL, {}, None
    asked = []
    for reply in ["unsure", "no", "unsure", "no", "no", "no"]:
        step = interview.screen_step(asking, answers, reply)
        asking, answers, screen = step.asking, step.answers, step.screen
        if asking:
            asked.append(asking)
    assert asked == list(load_vocabulary().red_flags)
    assert screen == "unknown"
    assert interview.unsure_flags(answers) == (load_vocabulary().red_flags[1],)


def test_a_yes_to_one_sign_names_it_in_the_emergency(extractor: ClinicalExtractor) -> None:
    findings = conversation(extractor, "my feet are numb", "yes")
    latest = Findings([f for f in findings.all if f.turn == 1])
    got = red_flags.emergency_flags(latest, findings, "affirm", "red_flag_screen", "breathing_difficulty")
    assert got == ["breathing_difficulty"]


def test_a_sign_left_in_doubt_is_never_self_care(extractor: ClinicalExtractor) -> None:
    findings = conversation(
        extractor, "my foot went numb after sitting cross-legged and went away in minutes"
    )
    assert assess(findings).triage_level == "self_care"
    unsure = assess(findings, unsure_flags=("breathing_difficulty",))
    assert unsure.triage_level == "see_clinician"
    text = assessment_reply(unsure, load_knowledge_base()).text
    assert "today" in text and load_knowledge_base().red_flags["breathing_difficulty"].sign in text


def test_a_recent_start_still_present_is_not_brief(extractor: ClinicalExtractor) -> None:
    findings = conversation(extractor, "my left foot went numb twenty minutes ago after sitting on it")
    assert assess(findings).triage_level != "self_care"


def test_numbness_with_every_run_is_not_temporary_compression(extractor: ClinicalExtractor) -> None:
    findings = conversation(extractor, "my feet go numb every time I run, then it goes away after I stop")
    assert assess(findings).triage_level != "self_care"


def test_the_warning_signs_are_spelt_out_in_one_place() -> None:
    """Every text about a sign is made from its record: no other file repeats one."""
    kb = load_knowledge_base()
    texts = [text for flag in kb.red_flags.values() for text in (flag.sign, flag.question, flag.reply)]
    texts = [text for text in texts if len(text) > 20]  # not "trouble breathing", which NLU data holds
    texts += ["losing control of your bladder or bowels", "weakness that came on quickly"]
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    spelt_out = []
    for name in tracked.stdout.split():
        # The record itself, the shared spec's copy, the NLU's phrases, and what documents or tests it.
        if name in {
            "bot/knowledge/data/red_flags.yml",
            "bot/vocabulary.yml",
            "README.md",
        }:
            continue
        if name.startswith(("tests/", "docs/", "data/nlu/", "bot/nlp/lexicon/")):
            continue
        path = ROOT / name
        if path.suffix not in {".py", ".yml", ".js", ".html", ".md"} or not path.is_file():
            continue
        content = " ".join(path.read_text(encoding="utf-8").split())
        spelt_out += [f"{name}: {text!r}" for text in texts if text in content]
    assert not spelt_out, spelt_out
    assert warning_signs.signs(kb) in warning_signs.screen_question(kb)


def test_half_a_sign_said_and_the_rest_in_doubt_is_an_emergency(extractor: ClinicalExtractor) -> None:
    findings = conversation(extractor, "my feet are numb and I can barely walk")
    assert assess(findings).triage_level == "see_clinician"
    doubt = assess(findings, unsure_flags=("rapid_weakness",))
    assert doubt.triage_level == "emergency" and doubt.red_flags == ("rapid_weakness",)


def test_a_slow_start_answers_no_to_the_quick_start_question(extractor: ClinicalExtractor) -> None:
    text = "it came on slowly over a few months"
    reply = interview.screen_reply(text, "inform", extractor.extract(text), "part:rapid_weakness")
    assert reply == "no"
    assert (
        interview.screen_reply("hmm, what do you mean?", "nlu_fallback", [], "part:rapid_weakness")
        == "unsure"
    )


def test_a_sign_said_with_a_question_after_it_still_escalates(extractor: ClinicalExtractor) -> None:
    assert "breathing_difficulty" in (flags(extractor, "can't breathe properly, what should be done?") or [])
    assert flags(extractor, "can numb feet cause incontinence?") is None
