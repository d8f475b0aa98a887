"""A message sent again with the same id (a resend after a lost answer, or nginx retrying a request
on the other replica) is taken in once, and the resend gets the replies the first one got."""

from __future__ import annotations

import uuid

import pytest

from .test_bad_input import REST, post, user_texts

pytestmark = pytest.mark.e2e


def test_a_resent_message_is_taken_in_once_and_answered_again(channels) -> None:
    person = f"resend-{uuid.uuid4().hex[:12]}"
    opening = {"sender": person, "message": "both my feet have been numb for months", "metadata": {}}
    first_status, first = post(channels, REST, {**opening, "metadata": {"message_id": "m-1"}})
    again_status, again = post(channels, REST, {**opening, "metadata": {"message_id": "m-1"}})

    assert first_status == again_status == 200 and first, first
    assert again == first, "the resend gets the same replies"
    assert user_texts(channels, person) == [opening["message"]], "taken in once"


def test_the_same_words_with_a_new_id_are_a_new_message(channels) -> None:
    person = f"resend-{uuid.uuid4().hex[:12]}"
    for message_id in ("a-1", "a-2"):
        status, answer = post(
            channels, REST, {"sender": person, "message": "hello", "metadata": {"message_id": message_id}}
        )
        assert status == 200 and answer, answer

    assert user_texts(channels, person) == ["hello", "hello"]


def test_nginx_request_id_makes_its_retry_on_another_replica_safe(channels) -> None:
    person = f"resend-{uuid.uuid4().hex[:12]}"
    retried = {"X-Request-Id": uuid.uuid4().hex}  # nginx sends the same id with both tries
    body = {"sender": person, "message": "my left foot is numb"}
    first = post(channels, REST, body, retried)
    assert post(channels, REST, body, retried) == first

    assert user_texts(channels, person) == ["my left foot is numb"]
