"""'Forget me' in the production profile: the conversation leaves PostgreSQL, whichever
replica handled it, and no lock of it is left in Redis."""

from __future__ import annotations

import pytest
from interview_script import OPENING

from bot.runtime.forget_me import FORGOTTEN

from .client import new_sender
from .conftest import LocalCluster

pytestmark = pytest.mark.cluster


def redis_keys_of(cluster: LocalCluster, sender: str) -> list:
    import redis

    settings = cluster.lock_store
    client = redis.Redis(host=settings.host, port=settings.port, db=settings.db)
    return [key for key in client.scan_iter("*") if sender.encode() in key]


def test_forgetting_deletes_it_from_postgresql_and_leaves_no_lock(cluster: LocalCluster) -> None:
    me, other = new_sender("forget"), new_sender("keep")
    assert cluster.replica(0).send(me, OPENING).status == 200
    assert cluster.replica(1).send(other, OPENING).status == 200
    assert me in cluster.stored_events()

    assert "delete this conversation" in cluster.replica(1).send(me, "please delete my data").text
    done = cluster.nginx.send(me, "/affirm")

    assert done.status == 200 and done.text == FORGOTTEN
    stored = cluster.stored_events()
    assert me not in stored
    assert any(e.get("text") == OPENING for e in stored[other])
    assert redis_keys_of(cluster, me) == []
