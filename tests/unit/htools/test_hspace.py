"""hspace library: simulated clusters, specs, statistics and the allocation loops."""

from __future__ import annotations

import pytest

from agent.htools import FailMode, LoadOptions, load_cluster, parse_text
from agent.htools.errors import LoaderError
from agent.htools.hspace import (
    Allocator,
    AllocState,
    CapacityOptions,
    HspaceOptions,
    PlainEngine,
    RSpec,
    instance_from_spec,
    parse_sim_spec,
    parse_unit,
    run_hspace,
    shrink,
    simulate_cluster,
    spec_map,
    total_resources,
)
from agent.htools.types import AllocPolicy, DiskTemplate
from tests.unit.htools.conftest import random_cluster


def _sim(*specs: str):
    return load_cluster(simulate_cluster(list(specs)), LoadOptions()).data


@pytest.mark.parametrize(("text", "mib"), [
    ("512", 512), ("10g", 10240), ("1 GiB", 1024), ("2t", 2 * 1024 * 1024), ("1G", 953),
    ("1T", 953674), ("64g", 65536), ("5 MB", 4), ("3tib", 3 * 1024 * 1024),
])
def test_parse_unit_converts_binary_and_si_units_to_mib(text: str, mib: int) -> None:
    assert parse_unit(text) == mib


@pytest.mark.parametrize(("text", "msg"), [
    ("10q", "Unknown unit 'q'"), ("abc", "Can't parse string 'abc'"),
])
def test_parse_unit_rejects_bad_sizes(text: str, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        parse_unit(text)


def test_sim_spec_defaults_spindles_and_exclusive_storage() -> None:
    g = parse_sim_spec("a,3,100g,8g,4")
    assert (g.policy, g.nodes, g.disk, g.memory, g.cpus, g.spindles, g.exclusive) == (
        AllocPolicy.LAST_RESORT, 3, 102400, 8192, 4, 1, False)
    assert parse_sim_spec("u,1,1g,1g,1,5,True").exclusive


@pytest.mark.parametrize(("spec", "msg"), [
    ("p,2,1g", "expected 6 comma-separated sections .* but got 3"),
    ("z,2,1g,1g,1", "Cannot parse AllocPolicy abbreviation 'z'"),
    ("p,x,1g,1g,1", "node count: cannot parse string 'x'"),
    ("p,2,1q,1g,1", "disk size: Unknown unit 'q'"),
    ("p,2,1g,1g,1,1,maybe", "exclusive storage: cannot parse string 'maybe'"),
])
def test_sim_spec_errors_name_the_bad_field(spec: str, msg: str) -> None:
    with pytest.raises(LoaderError, match=msg):
        simulate_cluster([spec])


def test_simulated_groups_are_numbered_in_reverse_command_line_order() -> None:
    data = _sim("p,2,100g,16g,8", "u,3,200g,32g,4")
    assert [g.name for g in data.groups] == ["group-01", "group-02"]
    assert data.groups[0].alloc_policy is AllocPolicy.UNALLOCABLE
    assert [n.name for n in data.nodes] == [
        "node-01-001", "node-01-002", "node-01-003", "node-02-001", "node-02-002"]
    assert [n.is_master for n in data.nodes] == [True, False, False, False, False]
    assert data.nodes[0].t_mem == 32768 and data.nodes[3].t_dsk == 102400


def test_shrink_steps_one_unit_and_stops_at_the_minimum() -> None:
    inst = instance_from_spec(RSpec(mem=128, dsk=512, cpu=2, spn=2), DiskTemplate.PLAIN, 1)
    assert shrink(inst, FailMode.FAIL_MEM).mem == 64
    assert shrink(shrink(inst, FailMode.FAIL_MEM), FailMode.FAIL_MEM) is None
    smaller = shrink(inst, FailMode.FAIL_DISK)
    assert smaller.dsk == 256 and smaller.disks[0].size == 256
    assert shrink(smaller, FailMode.FAIL_DISK) is None
    assert shrink(inst, FailMode.FAIL_CPU).vcpus == 1
    assert shrink(inst, FailMode.FAIL_SPINDLES).disks[0].spindles == 1
    assert shrink(inst, FailMode.FAIL_N1) is None


def test_spec_map_groups_consecutive_equal_specs() -> None:
    big = instance_from_spec(RSpec(2048, 4096, 2, 1), DiskTemplate.DRBD, 1)
    small = instance_from_spec(RSpec(1024, 4096, 2, 1), DiskTemplate.DRBD, 1)
    assert spec_map([big, big, small, big]) == [
        (RSpec(2048, 4096, 2, 1), 2), (RSpec(1024, 4096, 2, 1), 1), (RSpec(2048, 4096, 2, 1), 1)]


def test_total_resources_of_an_empty_simulated_cluster() -> None:
    cs = total_resources(_sim("p,4,100g,16g,8").nodes)
    assert (cs.t_mem, cs.t_dsk, cs.t_cpu, cs.v_cpu, cs.n_inst) == (65536, 409600, 32, 128, 0)
    assert (cs.f_mem, cs.a_mem, cs.m_mem, cs.i_cpu, cs.score) == (65536, 65536, 16384, 4, 0.0)


def test_standard_allocation_fills_memory_and_reports_why_it_stopped() -> None:
    data = _sim("p,2,100g,4g,8")
    opts = HspaceOptions(disk_template=DiskTemplate.PLAIN, standard_spec=RSpec(1024, 1024, 1, 1),
                         tiered_spec=RSpec(3000, 1024, 1, 1), capacity=False)
    res = run_hspace(data, opts)
    # 4096 MiB per node: three 1024 MiB instances leave no room for a fourth
    assert len(res.standard.allocated) == 6
    assert res.standard.reasons[0] == (FailMode.FAIL_MEM, 2)
    assert [i.name for i in res.standard.allocated[:3]] == ["new-0", "new-1", "new-2"]


def test_capacity_checks_keep_every_node_evacuable() -> None:
    data = _sim("p,2,100g,4g,8")
    opts = HspaceOptions(disk_template=DiskTemplate.PLAIN, standard_spec=RSpec(1024, 1024, 1, 1),
                         tiered_spec=RSpec(3000, 1024, 1, 1))
    res = run_hspace(data, opts)
    # a fourth instance could no longer be re-created on the other node (as Ganeti)
    assert len(res.standard.allocated) == 3
    assert res.standard.reasons[0] == (FailMode.FAIL_N1, 2)


def test_tiered_allocation_shrinks_to_what_fits() -> None:
    data = _sim("p,1,100g,4g,8")
    res = run_hspace(data, HspaceOptions(disk_template=DiskTemplate.PLAIN, capacity=False,
                                         tiered_spec=RSpec(3000, 1024, 1, 1)))
    specs = res.tiered.spec_map
    assert specs[0] == (RSpec(3000, 1024, 1, 1), 1)
    assert all(spec.mem < 3000 for spec, _ in specs[1:])
    left = total_resources(res.tiered.nodes).f_mem
    assert left < 64  # nothing of the smallest unit would fit any more


def test_limit_caps_both_modes() -> None:
    data = _sim("p,3,100g,16g,8")
    res = run_hspace(data, HspaceOptions(disk_template=DiskTemplate.DRBD, max_length=4))
    assert len(res.standard.allocated) == 4
    assert len(res.tiered.allocated) <= 4


def test_bad_nodes_stop_allocation_unless_errors_are_accepted() -> None:
    text = """g|u1|preferred||

a|4096|0|1024|102400|102400|8|N|u1|1
b|4096|0|4096|102400|102400|8|N|u1|1

i1|3000|1024|1|running|Y|b|a|drbd||1

"""
    data = load_cluster(parse_text(text)).data
    assert any(n.fail_n1 for n in data.nodes)
    stopped = run_hspace(data, HspaceOptions(disk_template=DiskTemplate.DRBD))
    assert stopped.standard.reasons == [(FailMode.FAIL_N1, 1)]
    assert stopped.standard.allocated == []
    accepted = run_hspace(data, HspaceOptions(disk_template=DiskTemplate.DRBD,
                                              accept_existing=True))
    assert accepted.standard.reasons != [(FailMode.FAIL_N1, 1)]


@pytest.fixture
def vector_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast engine answers with its arrays even for the small clusters of these tests."""
    from agent.htools.hspace import engine

    monkeypatch.setattr(engine, "PLAIN_MAX_PAIRS", 0)
    monkeypatch.setattr(engine, "PLAIN_MAX_NODES", 0)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("template", [DiskTemplate.DRBD, DiskTemplate.PLAIN])
def test_fast_engine_agrees_with_the_plain_engine(seed: int, template: DiskTemplate,
                                                 vector_engine: None) -> None:
    data = load_cluster(parse_text(random_cluster(seed, nodes=5, instances=12))).data
    nodes = {n.idx: n for n in data.nodes}
    insts = {i.idx: i for i in data.instances}
    from agent.htools.allocation import gen_alloc_nodes
    from agent.htools.hspace.engine import FastEngine
    from agent.htools.hspace.loops import solution_counts

    cands = gen_alloc_nodes(data.nodes, template.required_nodes)
    inst = instance_from_spec(RSpec(1024 * (1 + seed % 3), 20480, 2, 1), template, 1)
    inst.idx = len(insts)
    state = AllocState(nodes, insts)
    for cap in (None, CapacityOptions()):
        fast = FastEngine().try_alloc(state, inst, cands, cap)
        plain = PlainEngine().try_alloc(state, inst, cands, cap)
        assert solution_counts(fast) == solution_counts(plain)
        assert fast.allocs == plain.allocs
        assert (fast.solution is None) == (plain.solution is None)
        if fast.solution is not None and plain.solution is not None:
            assert fast.solution.node_ids == plain.solution.node_ids
            assert fast.solution.score == plain.solution.score


def test_allocator_loops_give_the_same_result_with_both_engines(vector_engine: None) -> None:
    data = _sim("p,3,60g,8g,4")
    nodes = {n.idx: n for n in data.nodes}
    from agent.htools.allocation import gen_alloc_nodes
    from agent.htools.hspace.engine import FastEngine

    cands = gen_alloc_nodes(data.nodes, 2)
    inst = instance_from_spec(RSpec(3000, 20000, 2, 1), DiskTemplate.DRBD, 1)
    runs = []
    for eng in (PlainEngine(), FastEngine()):
        alloc = Allocator(eng, cands, CapacityOptions())
        run = alloc.tiered(AllocState(nodes, {}), 12, inst)
        runs.append(([(i.mem, i.dsk, i.pnode, i.snode) for i in run.state.allocated],
                     run.failures))
    assert runs[0] == runs[1]
