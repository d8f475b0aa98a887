"""Two minutes of `make chaos` (benchmarks/chaos.py) on the test cluster: a Rasa server, an action
server, Redis, PostgreSQL and nginx each killed once or more while 32 clients hold conversations;
no message lost, duplicated or reordered, no 5xx, no wait over 30 s, no wrong triage."""

from __future__ import annotations

import json

import pytest

from benchmarks.chaos import run

from .conftest import REPORTS, LocalCluster

pytestmark = pytest.mark.cluster

MINUTES = 2.0


def test_conversations_survive_a_kill_every_20_seconds(cluster: LocalCluster) -> None:
    result = run(cluster.cluster, MINUTES, lambda sender: cluster.replica(0).tracker(sender))
    (REPORTS / "chaos-test.json").write_text(json.dumps(result, indent=2) + "\n")

    assert sum(result["kills"].values()) >= 4, result["kills"]
    counts = {k: result[k] for k in ("server_errors", "timeouts", "unanswered", "lost", "duplicated")}
    assert counts == dict.fromkeys(counts, 0), result
    assert result["out_of_order"] == 0 and result["wrong_triage"] == 0, result["problems"]
    assert result["passed"]
