"""Reading tracker events into turns and findings."""

from __future__ import annotations

from bot.conversation import findings_from_events, turns_from_events


def user(text: str, *entities: dict) -> dict:
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": "inform"}, "entities": list(entities)},
    }


def test_interview_answers_are_quoted_with_the_message_that_gave_them() -> None:
    events = [
        user("my feet are numb", {"entity": "symptom", "value": "numbness", "start": 12, "end": 16}),
        {"event": "slot", "name": "requested_slot", "value": "laterality"},
        user("both"),
        {"event": "slot", "name": "laterality", "value": "both_sides"},
    ]
    findings = findings_from_events(events)
    assert findings.has("symptom", "numbness")
    assert findings.words_for("symptom", "numbness") == ["numb"]
    assert findings.words_for("laterality", "both_sides") == ["both"]


def test_a_restart_forgets_what_came_before() -> None:
    events = [
        user("I'm diabetic", {"entity": "risk_factor", "value": "diabetes", "start": 4, "end": 12}),
        {"event": "restart"},
        user("hello"),
    ]
    assert [t.text for t in turns_from_events(events)] == ["hello"]
    assert not findings_from_events(events).has("risk_factor", "diabetes")


def test_denied_and_other_findings_are_kept_apart() -> None:
    events = [
        user(
            "no diabetes here but my mum has it",
            {"entity": "risk_factor", "value": "diabetes", "start": 3, "end": 11, "negated": True},
            {"entity": "risk_factor", "value": "diabetes", "start": 24, "end": 27, "experiencer": "other"},
        )
    ]
    findings = findings_from_events(events)
    assert not findings.has("risk_factor", "diabetes")
    assert findings.denies("risk_factor", "diabetes")
