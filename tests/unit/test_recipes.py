"""The recipes of the README's "Changing the assistant", each walked with a made-up entry.

Every test adds its entry to copies of the files its recipe names, under tmp_path (the real files
are never touched), loads the copies as the assistant does, and checks that the assistant then
uses the entry: a red flag is recognised and raises the emergency, a cause is ranked and named,
an interview question is asked and answered, a topic answers its question, a channel's messages
pass the guard, and a language's texts load and fill. What cannot be a copy is monkeypatched for
the test's duration: the topic ids (a Python constant the topic recipe edits), and the vocabulary
bot/red_flags.py reads from its own path (the red flag test gives it the edited copy).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List

import pytest
import yaml
from rasa.core.channels.channel import UserMessage
from rasa.core.run import create_http_input_channels
from sanic.compat import Header
from sanic.request import Request

from bot import red_flags, warning_signs
from bot.channels.credentials import BASE_FILE, runtime_credentials
from bot.channels.guard import too_long_reply
from bot.findings import Finding, Findings, Turn
from bot.interview import answer_to_question
from bot.interview_questions import QUESTIONS_FILE, interview_questions
from bot.knowledge import TOPIC_IDS
from bot.knowledge.loader import DATA_DIR, _load, load_knowledge_base
from bot.nlp.extract import ClinicalExtractor
from bot.nlp.lexicon import LEXICON_DIR, load_lexicon
from bot.nlp.pipeline import build_pipeline
from bot.nlp.red_flag_patterns import load_recognition
from bot.question_matching import QuestionMatcher
from bot.questions import answer_text, mentioned_answers
from bot.reasoning import Assessment, assess, load_rules, score_causes
from bot.replies import assessment_reply, emergency_reply
from bot.settings import PROJECT_ROOT, Settings
from bot.texts import DEFAULT_LANGUAGE, TEXTS_DIR, catalogue, placeholders
from bot.vocabulary import VOCABULARY_FILE, load_vocabulary

pytestmark = pytest.mark.slow  # each recipe loads copies of the knowledge base and builds an extractor

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"


def edited(source: Path, copy: Path, change: Callable[[Any], None]) -> Path:
    """A copy of the YAML file `source` at `copy`, with `change` made to its data."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    change(data)
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return copy


def knowledge_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "knowledge"
    shutil.copytree(DATA_DIR, directory)
    return directory


def entities_of(extracted: List[Dict[str, Any]]) -> set:
    return {(e["entity"], e["value"], e["negated"]) for e in extracted}


# --- a red flag ------------------------------------------------------------------------------------

FLAG = "glowing_toes"
FLAG_RECORD = {
    "id": FLAG,
    "name": "Glowing toes",
    "sign": "toes that glow in the dark",
    "question": "Do your toes glow in the dark?",
    "reply": "Toes that glow are a made-up warning sign of this test.",
    "description": "Your toes give off light.",
    "section": "Seeking Professional Diagnosis and Treatment",
    "source": "Made up for tests/unit/test_recipes.py.",
    "recognise": {
        "sets": {"toe": ["toe", "foot"], "glow": ["glow", "shine", "sparkle"]},
        "rules": [{"words": "toe glow", "gap": 3}, {"words": "glow toe", "gap": 2}],
    },
}


def test_a_red_flag_is_recognised_named_and_raises_the_emergency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1. its id in the vocabulary; 2. its record in red_flags.yml.
    vocabulary_file = edited(
        VOCABULARY_FILE, tmp_path / "vocabulary.yml", lambda d: d["red_flags"].append(FLAG)
    )
    data = knowledge_copy(tmp_path)
    edited(data / "red_flags.yml", data / "red_flags.yml", lambda d: d["red_flags"].append(FLAG_RECORD))
    vocabulary = load_vocabulary(vocabulary_file)
    kb = _load(data, vocabulary)
    extractor = ClinicalExtractor.build(LEXICON_DIR, data / "red_flags.yml")

    said = "My toes started glowing this morning"
    entities = extractor.extract(said)
    assert ("red_flag", FLAG, False) in entities_of(entities)
    assert ("red_flag", FLAG, True) in entities_of(extractor.extract("No glowing toes here"))
    assert FLAG_RECORD["sign"] in warning_signs.screen_question(kb)
    assert warning_signs.question(FLAG, kb) == FLAG_RECORD["question"]

    # bot/red_flags.py reads the vocabulary from its own path: here, the copy stands in for it.
    monkeypatch.setattr(red_flags, "load_vocabulary", lambda: vocabulary)
    result = assess(Findings.from_turns([Turn(said, tuple(entities))]))
    assert result.triage_level == "emergency" and FLAG in result.red_flags
    reply = emergency_reply(result.red_flags, kb).text
    assert "glowing toes" in reply and FLAG_RECORD["reply"] in reply


# --- a cause ---------------------------------------------------------------------------------------

CAUSE = "ski_boot_compression"
CAUSE_QUESTIONS = [
    "can ski boots make my feet numb",
    "why is my ankle numb after skiing",
    "do tight boots squeeze the nerves",
]
CAUSE_RECORD = {
    "id": CAUSE,
    "name": "Ski boot compression",
    "section": "Localized Nerve Compression and External Factors",
    "summary": "A made-up cause of this test: a tight ski boot presses on the nerves at the ankle.",
    "mechanism_kind": "nerve_compression",
    "mechanism": "The cuff of the boot squeezes the nerve where it passes the ankle.",
    "pattern": {
        "laterality": "either",
        "where": "the ankle and the top of the foot",
        "onset": "while skiing",
        "course": "passes once the boot is off",
    },
    "risk_factors": [],
    "clinician_next_steps": ["Ask which boots the person wears."],
    "tests": ["neurological_exam"],
    "treatment": "Looser boots, or a boot fitter's help.",
    "asked_as": CAUSE_QUESTIONS,
    "evidence": {
        "for": [{"finding": "body_part:ankle", "weight": 5, "key": True}],
        "against": [{"finding": "pattern:symmetric", "weight": 1}],
    },
}
CAUSE_PHRASES = ["ski boot compression", "ski boots"]


def test_a_cause_is_loaded_ranked_named_and_answered(tmp_path: Path) -> None:
    # 1. its id in the vocabulary; 2. its record in causes.yml (explanation, ways of asking and
    # weights); 3. its names in the lexicon.
    vocabulary_file = edited(
        VOCABULARY_FILE, tmp_path / "vocabulary.yml", lambda d: d["causes"].append(CAUSE)
    )
    data = knowledge_copy(tmp_path)
    causes_file = edited(data / "causes.yml", data / "causes.yml", lambda d: d["causes"].append(CAUSE_RECORD))
    lexicon = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, lexicon)
    cause_names = lexicon / "entities" / "cause.yml"
    edited(cause_names, cause_names, lambda d: d.update({CAUSE: CAUSE_PHRASES}))

    vocabulary = load_vocabulary(vocabulary_file)
    kb = _load(data, vocabulary)
    rules = load_rules(causes_file, vocabulary_file)
    names = load_lexicon(lexicon, vocabulary)

    findings = Findings([Finding("symptom", "numbness", "numb"), Finding("body_part", "ankle", "my ankle")])
    causes = score_causes(findings, rules)
    assert causes[0].cause == CAUSE
    reply = assessment_reply(Assessment("see_clinician", (), causes), kb).text
    assert f"1. {CAUSE_RECORD['name']}: {CAUSE_RECORD['summary']}" in reply and "my ankle" in reply

    extractor = ClinicalExtractor(build_pipeline(names), names, load_recognition(), vocabulary)
    question = "could my ski boots be why my feet go numb?"
    mentioned = mentioned_answers(extractor.extract(question), kb)
    assert mentioned == [CAUSE]
    match = QuestionMatcher(kb).best(question, mentioned)
    assert match is not None and match.answer == CAUSE
    assert CAUSE_RECORD["mechanism"] in answer_text(match.answer, kb)


# --- an interview question -------------------------------------------------------------------------

SLOT = "footwear"
QUESTION_RECORD = {
    "slot": SLOT,
    "quick_replies": ["tight shoes", "loose shoes", "/dont_know"],
    "keywords": [[r"\b(tight|narrow|small)\b", "tight"], [r"\b(loose|wide|roomy)\b", "loose"]],
}
SLOT_DEFINITION = {
    "type": "categorical",
    "values": ["tight", "loose", "unknown"],
    "influence_conversation": False,
    "mappings": [{"type": "custom"}],
}
ASK = [
    {
        "text": "Are your shoes tight or loose?",
        "buttons": [
            {"title": "Tight", "payload": "tight shoes"},
            {"title": "Loose", "payload": "loose shoes"},
            {"title": "Not sure", "payload": "/dont_know"},
        ],
    }
]


def _add_to_domain(domain: Dict[str, Any]) -> None:
    domain["slots"][SLOT] = SLOT_DEFINITION
    domain["forms"]["symptom_form"]["required_slots"].append(SLOT)
    domain["responses"][f"utter_ask_{SLOT}"] = ASK


def test_an_interview_question_is_asked_by_the_form_and_answered(tmp_path: Path) -> None:
    # 1. its slot in the vocabulary's interview list; 2. its record; 3. the domain's slot, form
    # and question.
    vocabulary_file = edited(
        VOCABULARY_FILE, tmp_path / "vocabulary.yml", lambda d: d["slots"]["interview"].append(SLOT)
    )
    questions_file = edited(
        QUESTIONS_FILE, tmp_path / "interview_questions.yml", lambda d: d.append(QUESTION_RECORD)
    )
    domain = yaml.safe_load(edited(DOMAIN_FILE, tmp_path / "domain.yml", _add_to_domain).read_text())

    records = interview_questions(questions_file)
    order = [record.slot for record in records]
    assert domain["forms"]["symptom_form"]["required_slots"] == order
    assert set(order) == set(load_vocabulary(vocabulary_file).interview_slots)
    record = next(r for r in records if r.slot == SLOT)
    assert SLOT in domain["slots"]
    (ask,) = domain["responses"][f"utter_ask_{SLOT}"]
    assert tuple(button["payload"] for button in ask["buttons"]) == record.quick_replies

    assert answer_to_question(SLOT, "they're a bit tight", "inform", [], record) == "tight"
    assert answer_to_question(SLOT, "loose shoes", "inform", [], record) == "loose"
    assert answer_to_question(SLOT, "no idea", "dont_know", [], record) == "unknown"
    assert answer_to_question(SLOT, "purple", "inform", [], record) is None


# --- a topic ---------------------------------------------------------------------------------------

TOPIC = "foot_spas"
TOPIC_RECORD = {
    "id": TOPIC,
    "kind": "treatment",
    "title": "Foot spas",
    "section": "Seeking Professional Diagnosis and Treatment",
    "text": "A made-up answer of this test: check the water with your hand, as numb feet cannot tell hot.",
    "asked_as": [
        "do foot spas help numb feet",
        "is a foot spa safe with neuropathy",
        "can I use a foot bath",
    ],
}


def test_a_topic_answers_its_question(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 1. its id in TOPIC_IDS (bot/knowledge/models.py): for this test only; 2. its entry in
    # topics.yml, with its ways of asking.
    monkeypatch.setitem(TOPIC_IDS, "treatment", (*TOPIC_IDS["treatment"], TOPIC))
    data = knowledge_copy(tmp_path)
    edited(data / "topics.yml", data / "topics.yml", lambda d: d["topics"].append(TOPIC_RECORD))
    kb = load_knowledge_base(data)
    assert kb.questions[TOPIC] == tuple(TOPIC_RECORD["asked_as"])

    # Asked in words only its ways of asking use (its title counts as one more way).
    match = QuestionMatcher(kb).best("can I soak my numb feet in a foot bath?")
    assert match is not None and match.answer == TOPIC
    assert TOPIC_RECORD["text"] in answer_text(match.answer, kb)


# --- a channel -------------------------------------------------------------------------------------

LIMIT = 50
#: The new channel's module, bot/channels/pager.py in the recipe: a webhook taking
#: {"from": "...", "text": "..."} and answering with the replies.
PAGER_MODULE = """
import logging

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.hardening import Intake, webhook_blueprint
from bot.channels.http_errors import json_object_or_error
from bot.channels.senders import conversation_id

logger = logging.getLogger(__name__)


class PagerInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "pager"

    def blueprint(self, on_new_message) -> Blueprint:
        intake = Intake(self.name(), on_new_message, logger, "a pager message")
        webhook = webhook_blueprint("pager_webhook", __name__)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = json_object_or_error(request)
            if isinstance(body, HTTPResponse):
                return body
            sender = conversation_id(self.name(), body.get("from"))
            checked = intake.check(body.get("text"), sender)
            if checked.text is None:
                return response.json([{"text": checked.reply}])
            collector = CollectingOutputChannel()
            await intake.attempt(intake.take_in(checked.text, collector, sender))
            return response.json(collector.messages)

        return webhook
"""


def _post(body: Dict[str, Any]) -> Request:
    request = Request(b"/webhook", Header({"Content-Type": "application/json"}), "1.1", "POST", None, None)
    request.body = json.dumps(body).encode()
    return request


def test_a_channel_is_started_from_the_credentials_and_guards_its_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_MESSAGE_CHARS", str(LIMIT))
    monkeypatch.setenv("LOG_MESSAGES", "0")
    # 1. the channel's module; 2. its line in credentials.yml.
    (tmp_path / "pager_channel.py").write_text(PAGER_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    base = tmp_path / "credentials.yml"
    base.write_text(BASE_FILE.read_text() + "\npager_channel.PagerInput:\n")
    credentials = tmp_path / "runtime-credentials.yml"
    credentials.write_text(yaml.safe_dump(runtime_credentials(Settings.from_env({}), base)))
    try:
        (channel,) = create_http_input_channels("pager_channel.PagerInput", str(credentials))
    finally:
        sys.modules.pop("pager_channel", None)

    reached: List[UserMessage] = []

    async def assistant(message: UserMessage) -> None:
        reached.append(message)
        await message.output_channel.send_text_message(message.sender_id, "Since when?")

    blueprint = channel.blueprint(assistant)
    receive: Callable[[Request], Awaitable[Any]] = next(
        route.handler for route in blueprint._future_routes if route.uri == "/webhook"
    )

    def send(text: str) -> List[str]:
        answer = asyncio.run(receive(_post({"from": "555", "text": text})))
        return [message["text"] for message in json.loads(answer.body)]

    too_long = "a" * (LIMIT + 1)
    assert send(too_long) == [too_long_reply(LIMIT + 1, LIMIT)]
    assert too_long_reply(LIMIT + 1, LIMIT) == catalogue().text(
        "channels.too_long", length=LIMIT + 1, limit=LIMIT
    )
    assert reached == []
    assert send("my\x00 feet are numb") == ["Since when?"]
    assert [(m.text, m.input_channel, m.sender_id) for m in reached] == [
        ("my feet are numb", "pager", "pager:555")
    ]


# --- a language ------------------------------------------------------------------------------------

LANGUAGE = "xx"


def _translated(value: Any) -> Any:
    """A made-up translation that keeps the fields: "[xx] " before every text."""
    return [_translated(v) for v in value] if isinstance(value, list) else f"[{LANGUAGE}] {value}"


def test_a_language_has_every_text_of_english_and_fills_them(tmp_path: Path) -> None:
    # 1. a copy of bot/texts/en/ under the language's code, every value translated.
    for path in sorted((TEXTS_DIR / DEFAULT_LANGUAGE).glob("*.yml")):
        edited(
            path,
            tmp_path / LANGUAGE / path.name,
            lambda d: d.update({k: _translated(v) for k, v in d.items()}),
        )

    english, other = catalogue(DEFAULT_LANGUAGE), catalogue(LANGUAGE, tmp_path)
    assert set(other.entries) == set(english.entries)
    for key, entry in english.entries.items():
        if isinstance(entry, str):
            assert isinstance(other.entries[key], str)
            assert placeholders(other.entries[key]) == placeholders(entry), key
        else:
            assert len(other.entries[key]) == len(entry), key
    too_long = other.text("channels.too_long", length=LIMIT + 1, limit=LIMIT)
    assert too_long.startswith(f"[{LANGUAGE}] ") and str(LIMIT) in too_long
    assert too_long != english.text("channels.too_long", length=LIMIT + 1, limit=LIMIT)
