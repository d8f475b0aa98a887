"""The Redis lock store of the production profile (bot/runtime/lock_store.py), against the machine's
Redis: one conversation's messages are handled one at a time and in the order they came, on any
replica; a replica that died does not block the conversation for longer than the lock's lifetime, and
a replica that lives never loses its lock (bot/runtime/lock_store.py, docs/deployment.md)."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator, List

import pytest
import redis
from rasa.core.lock_store import LockError

from bot.runtime.lock_store import AtomicRedisLockStore

HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))


@pytest.fixture
def prefix() -> Iterator[str]:
    """A key prefix of the test's own; its keys are removed afterwards."""
    client = redis.StrictRedis(host=HOST, port=PORT, db=1, socket_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError as error:
        pytest.skip(f"no Redis at {HOST}:{PORT}: {error}")
    prefix = f"test{uuid.uuid4().hex[:10]}"
    yield prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def replica(prefix: str) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(host=HOST, port=PORT, db=1, key_prefix=prefix)


def test_one_conversation_is_served_one_message_at_a_time_in_order_across_replicas(prefix: str) -> None:
    replicas = [replica(prefix), replica(prefix)]
    handled: List[str] = []

    async def message(number: int) -> None:
        async with replicas[number % 2].lock("person-1", wait_time_in_seconds=0.01):
            handled.append(f"start {number}")
            await asyncio.sleep(0.05)
            handled.append(f"end {number}")

    async def conversation() -> None:
        tasks = []
        for number in range(4):  # the messages arrive 10 ms apart, each while the first is handled
            tasks.append(asyncio.create_task(message(number)))
            await asyncio.sleep(0.01)
        await asyncio.gather(*tasks)

    asyncio.run(conversation())

    assert handled == [f"{step} {number}" for number in range(4) for step in ("start", "end")]


def test_other_conversations_do_not_wait(prefix: str) -> None:
    store = replica(prefix)

    async def both() -> List[str]:
        order: List[str] = []
        async with (  # person-1 holds its lock while person-2's message comes in
            store.lock("person-1", wait_time_in_seconds=0.01),
            store.lock("person-2", wait_time_in_seconds=0.01),
        ):
            order.append("person-2 served while person-1 holds its lock")
        return order

    assert asyncio.run(both()) == ["person-2 served while person-1 holds its lock"]


def test_the_lock_is_readable_by_rasa_while_held_and_gone_afterwards(prefix: str) -> None:
    store = replica(prefix)

    async def hold() -> None:
        async with store.lock("person-1") as held:
            stored = store.get_lock("person-1")
            assert stored is not None and stored.now_serving == held.now_serving
            assert not stored.is_locked(held.now_serving)

    asyncio.run(hold())
    assert store.get_lock("person-1") is None
    assert [key for key in store.red.scan_iter(f"{prefix}:*") if b"person-1" in key] == []


def test_a_ticket_of_a_replica_that_died_blocks_only_until_it_expires(prefix: str) -> None:
    dead, alive = replica(prefix), replica(prefix)
    dead._issue_ticket(dead.key_prefix + "person-1", "person-1", lifetime=0.3)  # never returned

    async def next_message() -> str:
        async with alive.lock("person-1", wait_time_in_seconds=0.05):
            return "served"

    assert asyncio.run(asyncio.wait_for(next_message(), timeout=10)) == "served"


def test_a_message_behind_a_replica_that_died_is_served_even_when_its_polls_are_late(prefix: str) -> None:
    """The failover loss (issue 21): the dead replica's ticket and the resent message's ticket were
    issued moments apart with the same lifetime. When the waiting replica polls less often than that
    gap (a busy event loop), its first poll after the dead ticket expires used to find its own ticket
    expired too, and the message failed with LockError."""
    dead, alive = replica(prefix), replica(prefix)
    dead._issue_ticket(dead.key_prefix + "person-1", "person-1", lifetime=1.0)  # killed mid-turn

    async def resent_message() -> str:
        # Polls at 0.6 s (the dead ticket still holds) and at 1.2 s (it expired at 1.0 s).
        async with alive.lock("person-1", lock_lifetime=1.0, wait_time_in_seconds=0.6):
            return "served"

    assert asyncio.run(asyncio.wait_for(resent_message(), timeout=10)) == "served"


def test_a_turn_longer_than_the_lifetime_keeps_the_conversation_locked(prefix: str) -> None:
    """A living replica's ticket never expires under it: the conversation's next message, on the other
    replica, waits for the end of the turn instead of running beside it (one of the two turns would
    then be lost at the save)."""
    replicas = [replica(prefix), replica(prefix)]
    handled: List[str] = []

    async def message(number: int, seconds: float) -> None:
        async with replicas[number].lock("person-1", lock_lifetime=0.5, wait_time_in_seconds=0.05):
            handled.append(f"start {number}")
            await asyncio.sleep(seconds)
            handled.append(f"end {number}")

    async def conversation() -> None:
        first = asyncio.create_task(message(0, 1.5))  # three lifetimes long
        await asyncio.sleep(0.1)
        await asyncio.gather(first, message(1, 0.01))

    asyncio.run(conversation())

    assert handled == ["start 0", "end 0", "start 1", "end 1"]


def test_a_late_return_of_an_old_ticket_does_not_release_a_newer_one(prefix: str) -> None:
    """Numbers keep counting after the lock's key is deleted: a stalled server returning a ticket that
    expired long ago cannot take away the ticket of the message being handled now."""
    stalled, alive = replica(prefix), replica(prefix)
    key = stalled.key_prefix + "person-1"
    old, _ = stalled._issue_ticket(key, "person-1", lifetime=0.1)
    time.sleep(0.2)  # the stalled ticket expires; the next message finds no lock

    async def next_message() -> List[int]:
        async with alive.lock("person-1") as held:
            stalled._return(keys=[key], args=[time.time(), "person-1", old])
            stored = alive.get_lock("person-1")
            return [held.now_serving, stored.now_serving if stored else -1]

    serving, still_stored = asyncio.run(next_message())
    assert serving != old and still_stored == serving


def test_tickets_issued_at_the_same_moment_by_two_replicas_are_all_distinct(prefix: str) -> None:
    replicas = [replica(prefix), replica(prefix)]

    def issue(number: int) -> int:
        store = replicas[number % 2]
        return store._issue_ticket(store.key_prefix + "person-1", "person-1", lifetime=30)[0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(issue, range(200)))

    assert len(set(numbers)) == 200


def test_an_unreachable_redis_is_a_lock_error() -> None:
    store = AtomicRedisLockStore(host="127.0.0.1", port=1, db=1, socket_timeout=1)

    async def message() -> None:
        async with store.lock("person-1"):
            pass

    with pytest.raises(LockError):
        asyncio.run(message())


def test_redis_lost_after_the_turn_does_not_fail_the_turn(prefix: str) -> None:
    """The turn was saved: a ticket that cannot be returned expires on its own, as a dead server's does."""
    store = replica(prefix)

    def unreachable(**_: object) -> None:
        raise redis.ConnectionError("Connection refused")

    async def message() -> str:
        async with store.lock("person-1"):
            store._return = unreachable  # Redis goes away during the turn
            return "answered"

    assert asyncio.run(message()) == "answered"
