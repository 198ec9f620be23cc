"""The bulk engine's two ways of choosing candidates take the same steps as exact scoring.

Small groups score every (instance, target) pair in one batch; large ones
first bound each instance and score the promising ones in batches. Both must
pick exactly the moves (and print exactly the scores) of the exact reference.
"""

from __future__ import annotations

import pytest

from agent.htools import (
    BalanceOptions,
    DynUtil,
    LoadOptions,
    balance,
    balance_engine,
    load_cluster,
    parse_text,
)
from tests.htools_corpus.gen import GenParams, generate, serialize

CLUSTERS = [
    GenParams(seed=618, nodes=8, forthcoming_frac=0.15),
    GenParams(seed=4, nodes=8, forthcoming_frac=0.0, offline_frac=0.25),
    GenParams(seed=11, nodes=7, forthcoming_frac=0.3, cpu_speed=True),
    GenParams(seed=21, nodes=7, groups=2, exclusive_group=True),
    GenParams(seed=5, nodes=8, inst_per_node=3.0, tags=False, skew=3.0),
    GenParams(seed=8, nodes=6, inst_per_node=6.0, policy=True, split_frac=0.2),
]


def _steps(data, group, opts):
    res = balance(data, group, opts)
    return [(s.instance, s.move, f"{s.score:.8f}") for s in res.steps], res.stop_reason


def _groups(data):
    return sorted({n.group for n in data.nodes})


@pytest.mark.parametrize("params", CLUSTERS, ids=lambda p: f"seed{p.seed}")
@pytest.mark.parametrize("opts", [
    BalanceOptions(),
    BalanceOptions(ignore_soft_errors=True),
    BalanceOptions(restricted_migration=True),
], ids=["default", "force", "restricted"])
def test_small_and_bounded_paths_take_the_exact_steps(params, opts, monkeypatch):
    data = load_cluster(parse_text(serialize(generate(params)))).data
    exact_opts = BalanceOptions(**{**opts.__dict__, "exact": True})
    for group in _groups(data):
        exact = _steps(data, group, exact_opts)
        assert _steps(data, group, opts) == exact
        with monkeypatch.context() as m:
            # every group is "large": bounds first, then batches of a few instances
            m.setattr(balance_engine, "UNBOUNDED_ELEMS", 0)
            m.setattr(balance_engine, "TARGET_BATCH_ELEMS", 32)
            assert _steps(data, group, opts) == exact


def test_small_groups_skip_the_bounds(monkeypatch):
    data = load_cluster(parse_text(serialize(generate(CLUSTERS[0])))).data
    calls = []
    real = balance_engine.Engine._bounds

    def counting(self, chunk, opts):
        calls.append(len(chunk))
        return real(self, chunk, opts)

    monkeypatch.setattr(balance_engine.Engine, "_bounds", counting)
    steps = _steps(data, 0, BalanceOptions())[0]
    assert steps and not calls
    monkeypatch.setattr(balance_engine, "UNBOUNDED_ELEMS", 0)
    assert _steps(data, 0, BalanceOptions())[0] == steps
    assert calls


def _with_utilisation(params, every):
    """The generated cluster with a different load for every `every`-th instance."""
    text = serialize(generate(params))
    base = load_cluster(parse_text(text)).data
    util = [(inst.name, DynUtil(1.0 + k % 3, 0.5 * (k % 2), 2.0, 1.0 + 0.25 * k))
            for k, inst in enumerate(base.instances) if k % every == 0]
    return load_cluster(parse_text(text), LoadOptions(utilisation=util)).data


@pytest.mark.parametrize("every", [1, 5])
def test_uneven_loads_take_the_exact_steps(every):
    data = _with_utilisation(GenParams(seed=44, nodes=7, forthcoming_frac=0.1), every)
    opts = BalanceOptions()
    exact = _steps(data, 0, BalanceOptions(exact=True))
    assert exact[0] and _steps(data, 0, opts) == exact


def _batch(data):
    from agent.htools.balance import candidate_instances
    from agent.htools.group_state import GroupState
    from agent.htools.types import MirrorType

    nodes = [n for n in data.nodes if n.group == 0]
    state = GroupState(nodes, data.instances)
    engine = balance_engine.Engine(state, [n.idx for n in nodes if not n.offline], False)
    opts = BalanceOptions()
    victims = [i for i in candidate_instances(state, [i.idx for i in data.instances], opts)
               if i.mirror is not MirrorType.NONE]
    engine.prepare_sums()
    return engine._prepare(list(enumerate(victims)), opts).ctx


def test_components_are_merged_only_where_equal_on_every_node():
    from agent.htools.engine_kinds import component_aliases

    plain = load_cluster(parse_text(serialize(generate(GenParams(seed=44, nodes=7))))).data
    # default loads, no forthcoming instance: the load and forthcoming twins coincide
    assert component_aliases(_batch(plain)) == {19: 3, 8: 7, 10: 7, 14: 1, 15: 6, 16: 12}
    forth = load_cluster(parse_text(serialize(generate(
        GenParams(seed=44, nodes=7, forthcoming_frac=0.3))))).data
    assert component_aliases(_batch(forth)) == {19: 3, 8: 7, 10: 7}
    uneven = _with_utilisation(GenParams(seed=44, nodes=7), 1)
    assert component_aliases(_batch(uneven)) == {19: 3, 14: 1, 15: 6, 16: 12}


@pytest.mark.parametrize("opts", [
    BalanceOptions(disk_moves=False),
    BalanceOptions(instance_moves=False),
    BalanceOptions(evac_mode=True),
], ids=["no-disk-moves", "no-instance-moves", "evacuate"])
def test_restricted_move_sets_take_the_exact_steps(opts):
    data = load_cluster(parse_text(serialize(generate(
        GenParams(seed=2, nodes=8, offline_frac=0.25, forthcoming_frac=0.1))))).data
    assert any(n.offline for n in data.nodes)
    exact = _steps(data, 0, BalanceOptions(**{**opts.__dict__, "exact": True}))
    assert exact[0] and _steps(data, 0, opts) == exact
