"""The Redis lock store of the production profile (bot/graph/lock_store.py), against the machine's
Redis: one conversation's messages are handled one at a time and in the order they came, on any
replica; a replica that died does not block the conversation for longer than the lock's lifetime."""

from __future__ import annotations

import asyncio
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator, List

import pytest
import redis
from rasa.core.lock_store import LockError

from bot.graph.lock_store import AtomicRedisLockStore

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
            assert stored is not None and stored.now_serving == held.now_serving == 0
            assert not stored.is_locked(0)

    asyncio.run(hold())
    assert store.get_lock("person-1") is None


def test_a_ticket_of_a_replica_that_died_blocks_only_until_it_expires(prefix: str) -> None:
    dead, alive = replica(prefix), replica(prefix)
    dead._issue_ticket(dead.key_prefix + "person-1", "person-1", lifetime=0.3)  # never returned

    async def next_message() -> int:
        async with alive.lock("person-1", wait_time_in_seconds=0.05) as held:
            return held.now_serving

    assert asyncio.run(asyncio.wait_for(next_message(), timeout=10)) == 1


def test_tickets_issued_at_the_same_moment_by_two_replicas_are_all_distinct(prefix: str) -> None:
    replicas = [replica(prefix), replica(prefix)]

    def issue(number: int) -> int:
        store = replicas[number % 2]
        return store._issue_ticket(store.key_prefix + "person-1", "person-1", lifetime=30)[0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(issue, range(200)))

    assert sorted(numbers) == list(range(200))


def test_an_unreachable_redis_is_a_lock_error() -> None:
    store = AtomicRedisLockStore(host="127.0.0.1", port=1, db=1, socket_timeout=1)

    async def message() -> None:
        async with store.lock("person-1"):
            pass

    with pytest.raises(LockError):
        asyncio.run(message())
