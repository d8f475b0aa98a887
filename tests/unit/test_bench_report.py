"""The cluster target of `make bench` is judged on the median of its rounds' ratios (benchmarks/report.py)."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from benchmarks.report import cluster_scaling, median_ratio, round_ratios, summary_text

ONE_REPLICA = [50.0, 50.0, 50.0]


def cluster(rates: List[float | None], baseline: List[float | None] = ONE_REPLICA) -> Dict[str, Any]:
    return {
        "measured": True,
        "baseline": "one replica",
        "shapes": {
            "32 clients": {
                "one replica": {"round_messages_per_s": baseline},
                "cluster": {"round_messages_per_s": rates},
            }
        },
    }


def test_each_round_is_divided_by_the_same_round_of_the_baseline() -> None:
    assert round_ratios([79.12, 72.06], [47.19, 47.38]) == [1.68, 1.52]


def test_rounds_that_do_not_pair_up_are_an_error() -> None:
    with pytest.raises(ValueError):
        round_ratios([80.0, 75.0, 70.0], [50.0, 50.0])


def test_the_median_is_the_middle_round_not_the_mean() -> None:
    assert median_ratio([1.52, 1.71, 1.66]) == 1.66
    assert median_ratio([1.0, 1.61, 1.7]) == 1.61


def test_a_round_without_a_figure_leaves_the_median_unmeasured() -> None:
    assert median_ratio([1.7, None, 1.65]) is None
    assert median_ratio([]) is None


def test_the_target_is_met_on_the_median_though_one_round_missed() -> None:
    target = cluster_scaling(cluster([76.0, 85.5, 83.0]))
    assert target["rounds"] == [1.52, 1.71, 1.66]
    assert target["value"] == 1.66
    assert target["met"] is True


def test_a_median_below_the_target_fails_though_one_round_passed() -> None:
    target = cluster_scaling(cluster([76.0, 85.5, 77.5]))
    assert target["rounds"] == [1.52, 1.71, 1.55]
    assert target["value"] == 1.55
    assert target["met"] is False


def test_a_median_at_the_target_meets_it() -> None:
    assert cluster_scaling(cluster([80.0, 80.0, 90.0]))["met"] is True


def test_a_round_without_a_figure_is_not_judged() -> None:
    target = cluster_scaling(cluster([85.0, 85.0, 85.0], [50.0, None, 50.0]))
    assert target["value"] is None
    assert target["met"] is None


def test_a_cluster_not_measured_gives_its_reason() -> None:
    target = cluster_scaling({"measured": False, "reason": "not measured: make cluster not available"})
    assert target["value"] == "not measured: make cluster not available"
    assert target["met"] is None
    assert target["rounds"] == []


def test_the_summary_shows_every_round_beside_the_median() -> None:
    result = {"shapes": {}, "targets": {"cluster_scaling": cluster_scaling(cluster([76.0, 85.5, 83.0]))}}
    assert "1.66 (rounds 1.52, 1.71, 1.66) -> met" in summary_text(result)
