from __future__ import annotations

import pytest

from agent.htools import BalanceOptions, load_cluster, parse_text
from agent.htools.balance import candidate_instances, instance_moves
from agent.htools.balance_engine import Engine
from agent.htools.group_state import GroupState
from agent.htools.moves import apply_move
from agent.htools.types import FailMode, MirrorType

from .conftest import random_cluster


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("opts", [BalanceOptions(), BalanceOptions(ignore_soft_errors=True)])
def test_lower_bound_never_exceeds_any_move_score(seed, opts):
    data = load_cluster(parse_text(random_cluster(seed, nodes=7, instances=25,
                                                  offline=seed % 2))).data
    nodes = [n for n in data.nodes if n.group == 0]
    state = GroupState(nodes, data.instances)
    targets = [n.idx for n in nodes if not n.offline]
    engine = Engine(state, targets, opts.ignore_soft_errors)
    victims = [i for i in candidate_instances(state, [i.idx for i in data.instances], opts)
               if i.mirror is not MirrorType.NONE]
    bounds = engine.lower_bounds(victims, opts)
    checked = 0
    for inst, bound in zip(victims, bounds, strict=True):
        for move in instance_moves(state, inst, targets, opts):
            res = apply_move(state.nodes, inst, move, opts.ignore_soft_errors)
            if isinstance(res, FailMode):
                continue
            assert bound <= state.score_with(res.nodes) + 1e-9
            checked += 1
    assert checked > 20
