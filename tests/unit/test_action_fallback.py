"""The Rasa server's own answer when the action server fails (bot/runtime/action_fallback.py).

The failures are real: aiohttp calls to a closed port and to a small aiohttp
application in the test's event loop that answers 500, 400 or never.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any, Dict, List

import pytest
from aiohttp import web
from rasa.core.actions.action import ActionExecutionRejection, ActionListen, RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    FollowupAction,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from bot.knowledge import load_knowledge_base
from bot.replies import STILL_URGENT, emergency_reply
from bot.runtime.action_fallback import (
    ActionServerUnavailable,
    AnsweredWithoutActionServer,
    guarding,
    limiting,
)
from bot.settings import PROJECT_ROOT, Settings

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
NLG = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
SUDDEN = "I suddenly can't feel my feet at all"


def entity(text: str, name: str, value: str, phrase: str) -> Dict[str, Any]:
    start = text.index(phrase)
    return {
        "entity": name,
        "value": value,
        "start": start,
        "end": start + len(phrase),
        "negated": False,
        "experiencer": "patient",
    }


def user(text: str, intent: str, *entities: Dict[str, Any]) -> UserUttered:
    return UserUttered(
        text, {"name": intent, "confidence": 0.99}, list(entities), {"text": text, "entities": list(entities)}
    )


def tracker(*events: Event, slots: Dict[str, Any] | None = None) -> DialogueStateTracker:
    preset = [SlotSet(name, value) for name, value in (slots or {}).items()]
    return DialogueStateTracker.from_events(
        "someone", [ActionExecuted(ACTION_LISTEN_NAME), *preset, *events], slots=DOMAIN.slots
    )


def sudden_numbness() -> UserUttered:
    return user(
        SUDDEN,
        "describe_symptoms",
        entity(SUDDEN, "onset", "sudden", "suddenly"),
        entity(SUDDEN, "severity", "severe", "at all"),
    )


class Failing(RemoteAction):
    """A custom action whose action server call failed."""

    def __init__(self, name: str, error: Exception | None = None) -> None:
        super().__init__(name, None)
        self.error = error or ActionServerUnavailable(name, "ClientConnectorError")

    async def run(self, *args: Any) -> List[Event]:
        raise self.error


def answer(action: RemoteAction, conversation: DialogueStateTracker) -> List[Event]:
    guarded = AnsweredWithoutActionServer(action)
    return asyncio.run(guarded.run(CollectingOutputChannel(), NLG, conversation, DOMAIN))


def texts(events: List[Event]) -> List[str]:
    return [event.text for event in events if isinstance(event, BotUttered)]


def test_the_emergency_reply_and_its_slots_are_made_without_the_action_server() -> None:
    events = answer(Failing("action_emergency"), tracker(sudden_numbness()))
    expected = emergency_reply(["sudden_severe_numbness"], load_knowledge_base())
    [reply, summary] = [event for event in events if isinstance(event, BotUttered)]
    assert reply.text == expected.text
    assert reply.data["custom"] == expected.payload
    assert summary.data["custom"]["type"] == "summary"  # the links for whoever attends, too
    assert SlotSet("triage_level", "emergency") in events
    assert SlotSet("red_flags", ["sudden_severe_numbness"]) in events


def test_the_emergency_without_the_action_server_ends_the_interview() -> None:
    conversation = tracker(
        ActiveLoop("symptom_form"),
        SlotSet("requested_slot", "laterality"),
        ActionExecuted(ACTION_LISTEN_NAME),
        sudden_numbness(),
        slots={"red_flags": ["breathing_difficulty"]},
    )
    events = answer(Failing("action_emergency"), conversation)
    assert ActiveLoop(None) in events and SlotSet("requested_slot", None) in events
    # Flags said earlier are kept, as the action itself does.
    assert SlotSet("red_flags", ["breathing_difficulty", "sudden_severe_numbness"]) in events


def test_another_action_gets_the_problem_reply_with_the_clinician_advice_and_the_turn_ends() -> None:
    kb = load_knowledge_base()
    events = answer(Failing("action_give_assessment"), tracker(user("my feet are numb", "describe_symptoms")))
    [text] = texts(events)
    assert text.startswith(kb.technical_problem)
    assert kb.seek_care_advice in text and STILL_URGENT in text
    assert kb.emergency_advice not in text
    assert events[-1] == FollowupAction(ACTION_LISTEN_NAME)
    assert not any(isinstance(event, SlotSet) for event in events)


def test_after_a_red_flag_the_problem_reply_sends_the_person_to_emergency_care() -> None:
    kb = load_knowledge_base()
    earlier_flag = tracker(
        user("what causes it?", "ask_cause"),
        slots={"red_flags": ["rapid_weakness"], "triage_level": "emergency"},
    )
    [text] = texts(answer(Failing("action_answer_question"), earlier_flag))
    assert text.startswith(kb.technical_problem) and kb.emergency_advice in text
    assert kb.seek_care_advice not in text


def test_a_red_flag_only_in_the_words_also_brings_the_emergency_advice() -> None:
    [text] = texts(answer(Failing("action_handoff"), tracker(sudden_numbness())))
    assert load_knowledge_base().emergency_advice in text


def test_the_failure_is_logged_with_the_action_and_the_error_type_only(caplog) -> None:
    inner = Failing("symptom_form", ActionServerUnavailable("validate_symptom_form", "no answer in time"))
    with caplog.at_level(logging.INFO):
        answer(inner, tracker(sudden_numbness()))
    assert "validate_symptom_form" in caplog.text and "no answer in time" in caplog.text
    assert "symptom_form" in caplog.text
    assert "feel" not in caplog.text


def test_errors_that_are_not_an_action_server_failure_pass_through() -> None:
    with pytest.raises(ActionExecutionRejection):
        answer(Failing("validate_symptom_form", ActionExecutionRejection("symptom_form")), tracker())
    with pytest.raises(ValueError):
        answer(Failing("action_give_assessment", ValueError("a bug")), tracker())


def test_only_the_actions_that_can_call_the_action_server_are_guarded() -> None:
    seen: List[Any] = []

    async def run_action(self: Any, action: Any, *args: Any) -> bool:
        seen.append(action)
        return True

    guarded = guarding(run_action)
    form = FormAction("symptom_form", None)
    for action in (RemoteAction("action_give_assessment", None), form, ActionListen()):
        asyncio.run(guarded(None, action, None, None, None, None))
    assert [type(action).__name__ for action in seen] == [
        "AnsweredWithoutActionServer",
        "AnsweredWithoutActionServer",
        "ActionListen",
    ]
    assert seen[1].action is form and seen[1].name() == "symptom_form"


# --- the real calls --------------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def call(url: str, timeout: float) -> List[Event]:
    action = RemoteAction("action_give_assessment", EndpointConfig(url))
    run = limiting(RemoteAction.run, timeout)
    return await run(
        action, CollectingOutputChannel(), NLG, tracker(user("my feet are numb", "describe_symptoms")), DOMAIN
    )


async def with_action_server(handler: Any, timeout: float) -> List[Event]:
    """`call` against an aiohttp application on a free loopback port that answers with `handler`."""
    app = web.Application()
    app.router.add_post("/webhook", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    port = closed_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        return await call(f"http://127.0.0.1:{port}/webhook", timeout)
    finally:
        await runner.cleanup()


def test_an_action_server_that_is_not_there_is_a_failure() -> None:
    with pytest.raises(ActionServerUnavailable) as failure:
        asyncio.run(call(f"http://127.0.0.1:{closed_port()}/webhook", timeout=5))
    assert failure.value.action == "action_give_assessment"
    assert failure.value.failure == "ClientConnectorError"


def test_an_action_server_error_is_a_failure() -> None:
    async def broken(request: web.Request) -> web.Response:
        return web.json_response({"error": "boom"}, status=500)

    with pytest.raises(ActionServerUnavailable, match="HTTP 500"):
        asyncio.run(with_action_server(broken, timeout=5))


def test_an_action_server_that_does_not_answer_in_time_is_a_failure() -> None:
    async def stuck(request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.json_response({"events": [], "responses": []})

    with pytest.raises(ActionServerUnavailable, match="no answer in time"):
        asyncio.run(with_action_server(stuck, timeout=0.5))


def test_an_invalid_answer_is_a_failure() -> None:
    async def invalid(request: web.Request) -> web.Response:
        return web.json_response({"events": "not a list"})

    with pytest.raises(ActionServerUnavailable, match="invalid answer"):
        asyncio.run(with_action_server(invalid, timeout=5))


def test_a_form_rejection_is_not_a_failure() -> None:
    async def rejecting(request: web.Request) -> web.Response:
        return web.json_response(
            {"action_name": "validate_symptom_form", "error": "nothing to fill"}, status=400
        )

    with pytest.raises(ActionExecutionRejection):
        asyncio.run(with_action_server(rejecting, timeout=5))


def test_a_failure_while_the_turn_is_cancelled_is_still_a_failure() -> None:
    """Seen in make chaos: nginx died, cutting both the person's request and the form's validation call.
    The connection error surfaced with the cancellation as its context; it passed through, Rasa dropped
    the form's events and gave an assessment after the first message."""

    async def cut_off(*_args: Any) -> List[Event]:
        try:
            raise asyncio.CancelledError
        except asyncio.CancelledError:
            raise RasaException("Failed to execute custom action 'validate_symptom_form'.")  # noqa: B904 - as Rasa raises it

    run = limiting(cut_off, timeout=5)
    action = RemoteAction("validate_symptom_form", EndpointConfig("http://127.0.0.1:1/webhook"))
    with pytest.raises(ActionServerUnavailable, match="not run"):
        asyncio.run(run(action, CollectingOutputChannel(), NLG, tracker(), DOMAIN))


def test_a_normal_answer_is_returned_as_ever() -> None:
    async def fine(request: web.Request) -> web.Response:
        return web.json_response(
            {"events": [{"event": "slot", "name": "triage_level", "value": "see_clinician"}], "responses": []}
        )

    assert asyncio.run(with_action_server(fine, timeout=5)) == [SlotSet("triage_level", "see_clinician")]


def test_the_time_limit_is_a_setting_passed_to_the_rasa_server() -> None:
    from scripts.serve import Stack

    assert Settings.from_env({}).action_timeout == 10
    settings = Settings.from_env({"ACTION_TIMEOUT": "2.5"})
    assert settings.action_timeout == 2.5
    assert Stack(settings).environment()["ACTION_TIMEOUT"] == "2.5"


@pytest.mark.parametrize("raw", ["0", "-1", "soon"])
def test_a_wrong_time_limit_is_one_clear_error(raw: str) -> None:
    with pytest.raises(SystemExit, match="ACTION_TIMEOUT"):
        Settings.from_env({"ACTION_TIMEOUT": raw})
