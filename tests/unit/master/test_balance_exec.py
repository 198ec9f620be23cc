"""hbal's plan as jobs: jobset dependencies and the hbal annotation of each opcode."""

from __future__ import annotations

from agent.master.balance_exec import annotate, with_dependencies
from agent.version import VERSION


def _job(name: str) -> list[dict[str, object]]:
    return [{"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": name},
            {"OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": name}]


def test_first_jobset_waits_for_nothing() -> None:
    flat = with_dependencies([[_job("a"), _job("b")]])
    assert all("depends" not in op for job in flat for op in job)


def test_each_job_waits_for_every_job_of_the_previous_jobset() -> None:
    flat = with_dependencies([[_job("a"), _job("b")], [_job("c")], [_job("d"), _job("e")]])
    assert flat[2][0]["depends"] == [[-2, ["success"]], [-1, ["success"]]]
    assert flat[3][0]["depends"] == [[-1, ["success"]]]
    assert flat[4][0]["depends"] == [[-2, ["success"]]]
    assert all("depends" not in op for job in flat for op in job[1:])


def test_dependencies_do_not_touch_the_given_jobs() -> None:
    jobsets = [[_job("a")], [_job("b")]]
    with_dependencies(jobsets)
    assert "depends" not in jobsets[1][0][0]


def test_annotation_adds_hbal_comment_and_reason() -> None:
    op = annotate({"OP_ID": "OP_INSTANCE_MIGRATE", "reason": [["gnt:user", "x", 1]]}, None, 42)
    assert op["comment"] == f"rebalancing via hbal {VERSION}"
    assert op["reason"] == [["gnt:user", "x", 1], ["hbal", f"hbal {VERSION} called", 42]]
    assert annotate({"OP_ID": "X"}, "maintenance window", 7)["reason"] == [["hbal", "maintenance window", 7]]
