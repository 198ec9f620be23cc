from __future__ import annotations

import pytest

from agent.htools import BalanceOptions, StopReason, balance, load_cluster, parse_text
from agent.htools.jobs import format_commands_stdout, move_opcodes, split_jobsets
from agent.htools.moves import MoveKind

from .conftest import TINY, random_cluster


def _load(text):
    return load_cluster(parse_text(text)).data


def test_tiny_cluster_fails_over_web1():
    res = balance(_load(TINY), 0)
    assert len(res.steps) == 1
    step = res.steps[0]
    assert (step.instance_alias, step.codes) == ("web1", "f")
    assert (step.new_pnode, step.new_snode) == (1, 0)
    assert f"{step.score:.8f}" == "0.64062500"
    assert step.commands == ("migrate -f web1",)


def test_balance_does_not_change_its_input():
    data = _load(TINY)
    balance(data, 0)
    assert data.instances[0].pnode == 0


def test_max_length_stops_early():
    res = balance(_load(random_cluster(3)), 0, BalanceOptions(max_length=1))
    assert len(res.steps) == 1 and res.stop_reason is StopReason.MAX_LENGTH


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("opts", [
    BalanceOptions(),
    BalanceOptions(ignore_soft_errors=True),
    BalanceOptions(instance_moves=False),
    BalanceOptions(restricted_migration=True),
])
def test_bulk_engine_takes_the_same_steps_as_exact_scoring(seed, opts):
    data = _load(random_cluster(seed, offline=seed % 2))
    fast = balance(data, 0, opts)
    exact = balance(data, 0, BalanceOptions(**{**opts.__dict__, "exact": True}))
    assert [(s.instance, s.move, f"{s.score:.8f}") for s in fast.steps] == [
        (s.instance, s.move, f"{s.score:.8f}") for s in exact.steps]


def test_scores_decrease_every_step():
    res = balance(_load(random_cluster(7)), 0)
    scores = [res.initial_score] + [s.score for s in res.steps]
    assert all(a > b for a, b in zip(scores, scores[1:], strict=False))


def test_no_disk_moves_only_fails_over():
    res = balance(_load(random_cluster(2)), 0, BalanceOptions(disk_moves=False))
    assert all(s.move.kind in (MoveKind.FAILOVER, MoveKind.FAILOVER_TO_ANY) for s in res.steps)


def test_jobsets_split_on_shared_nodes_walking_backwards():
    res = balance(_load(random_cluster(4)), 0)
    jobsets = split_jobsets(res.steps)
    assert [s for js in jobsets for s in js] == res.steps
    for js in jobsets:
        seen: set[int] = set()
        for step in js:
            assert not seen & set(step.involved_nodes)
            seen |= set(step.involved_nodes)
    text = format_commands_stdout(jobsets)
    assert text.startswith("  \n  echo jobset 1, ") and "check" not in text


def test_failover_opcode_fields():
    data = _load(TINY)
    step = balance(data, 0).steps[0]
    assert move_opcodes(step, data) == [{
        "OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "web1",
        "allow_runtime_changes": False, "ignore_ipolicy": False, "cleanup": False,
        "allow_failover": True, "ignore_hvversions": True}]


def _with_forthcoming(text: str, every: int) -> str:
    """Mark every `every`-th instance of a random cluster as forthcoming."""
    sections = text.split("\n\n")
    lines = sections[2].split("\n")
    sections[2] = "\n".join(ln[:-1] + "Y" if k % every == 0 else ln for k, ln in enumerate(lines))
    return "\n\n".join(sections)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("opts", [BalanceOptions(), BalanceOptions(ignore_soft_errors=True)])
def test_bulk_engine_balances_forthcoming_instances_like_exact_scoring(seed, opts):
    text = _with_forthcoming(random_cluster(seed, nodes=6, instances=40, offline=seed % 2), 3)
    data = _load(text)
    assert any(i.forthcoming for i in data.instances)
    fast = balance(data, 0, opts)
    exact = balance(data, 0, BalanceOptions(**{**opts.__dict__, "exact": True}))
    assert [(s.instance, s.move, f"{s.score:.8f}") for s in fast.steps] == [
        (s.instance, s.move, f"{s.score:.8f}") for s in exact.steps]


@pytest.mark.parametrize("seed", range(3))
def test_bulk_engine_finds_each_forthcoming_instances_best_move(seed):
    from agent.htools.balance import candidate_instances, instance_moves
    from agent.htools.balance_engine import Engine
    from agent.htools.group_state import GroupState
    from agent.htools.moves import apply_move
    from agent.htools.types import FailMode

    data = _load(_with_forthcoming(random_cluster(seed, nodes=5, instances=45), 2))
    opts = BalanceOptions()
    state = GroupState(list(data.nodes), data.instances)
    targets = [n.idx for n in data.nodes if not n.offline]
    engine = Engine(state, targets, False)
    checked = 0
    for inst in candidate_instances(state, [i.idx for i in data.instances], opts):
        if not inst.forthcoming:
            continue
        scores = []
        for move in instance_moves(state, inst, targets, opts):
            res = apply_move(state.nodes, inst, move, False)
            if not isinstance(res, FailMode):
                scores.append(state.score_with(res.nodes))
        short = engine.shortlist([inst], float("inf"), opts)
        assert bool(short) == bool(scores)
        if scores:
            got = [apply_move(state.nodes, inst, c.move, False) for c in short]
            assert not any(isinstance(r, FailMode) for r in got)
            assert min(state.score_with(r.nodes) for r in got
                       if not isinstance(r, FailMode)) == min(scores)
            checked += 1
    assert checked >= 5
