"""Utilisation bars and sparkline series: what a fraction or a history looks like in a few cells."""

from __future__ import annotations

from shell.tui.feed import HistoryPoint
from shell.tui.widgets.bars import (
    bar_style,
    change_bar,
    instance_vcpus,
    node_usage,
    spark_series,
    usage_bar,
)


def test_bar_fills_in_eighths_and_prints_the_percentage() -> None:
    assert usage_bar(0.0, 10).plain == " " * 10 + "   0%"
    assert usage_bar(1.0, 10).plain == "█" * 10 + " 100%"
    assert usage_bar(0.5, 4).plain == "██  " + "  50%"
    assert usage_bar(0.53125, 4).plain == "██▏ " + "  53%"  # 17 eighths of 32
    assert usage_bar(0.25, 4, percent=False).plain == "█   "


def test_bar_over_full_stays_full_and_says_how_much() -> None:
    assert usage_bar(1.3, 5).plain == "█████ 130%"
    assert bar_style(1.3) == "red"


def test_unknown_use_is_a_question_mark_not_an_empty_bar() -> None:
    bar = usage_bar(None, 10)
    assert bar.plain.strip() == "?" and len(bar.plain) == 15


def test_colour_warns_at_three_quarters_and_alerts_at_nine_tenths() -> None:
    assert [bar_style(f) for f in (0.5, 0.74, 0.75, 0.89, 0.9)] == ["green", "green", "yellow", "yellow", "red"]


def test_change_bar_shows_before_and_after() -> None:
    assert change_bar(0.5, 0.25, 4).plain == "██    50% → █     25%"


def test_node_usage_from_live_data_and_instance_vcpus() -> None:
    node = {"name": "n1", "live": {"mtotal": 1000, "mfree": 250, "dtotal": 400, "dfree": 300, "ctotal": 8}}
    assert node_usage(node, 4) == {"memory": 0.75, "disk": 0.25, "cpu": 0.5}
    assert node_usage({"name": "off", "offline": True}, 2) == {"memory": None, "disk": None, "cpu": None}
    assert node_usage(node)["cpu"] is None
    instances = [{"pnode": "n1", "be_filled": {"vcpus": 2}}, {"pnode": "n1", "be_filled": {"vcpus": 3}},
                 {"pnode": "n2", "be_filled": {}}, {"pnode": None}]
    assert instance_vcpus(instances) == {"n1": 5, "n2": 1}


def test_spark_series_keeps_the_window_and_buckets_counts_and_levels() -> None:
    history = [HistoryPoint(s, depth=s % 4, finished=1) for s in range(10)]
    assert spark_series(history, "finished", 5) == [1.0] * 5
    assert spark_series(history, "depth", 4) == [2.0, 3.0, 0.0, 1.0]
    # 10 seconds in buckets of 4: the oldest partial bucket first, counts summed, levels at their peak.
    assert spark_series(history, "finished", 10, bucket=4) == [2.0, 4.0, 4.0]
    assert spark_series(history, "depth", 10, bucket=4, combine=max) == [1.0, 3.0, 3.0]
    assert spark_series([], "depth", 600) == []
