from __future__ import annotations

from agent.htools import FailMode, load_cluster, parse_text
from agent.htools.instance import Instance
from agent.htools.types import DiskTemplate, InstanceStatus

from .conftest import TINY


def _data():
    return load_cluster(parse_text(TINY)).data


def _inst(mem=512, dsk=1024, vcpus=1, tmpl=DiskTemplate.DRBD, tags=None, idx=9):
    inst = Instance("x", mem, dsk, vcpus, InstanceStatus.RUNNING, 0, 1, tmpl, idx=idx)
    inst.excl_tags = tags or []
    return inst


def test_add_primary_fails_on_memory_even_when_forced():
    node = _data().nodes[1]
    assert node.add_primary(_inst(mem=100000), force=True) is FailMode.FAIL_MEM


def test_add_primary_refuses_exclusion_tag_conflict_unless_forced():
    data = _data()
    n1 = data.nodes[0]
    inst = _inst(tags=["svc:web"])
    assert n1.add_primary(inst) is FailMode.FAIL_TAGS
    assert not isinstance(n1.add_primary(inst, force=True), FailMode)


def test_add_primary_respects_vcpu_ratio():
    node = _data().nodes[1]
    assert node.add_primary(_inst(vcpus=40)) is FailMode.FAIL_CPU


def test_add_secondary_needs_drbd():
    node = _data().nodes[1]
    assert node.add_secondary(_inst(tmpl=DiskTemplate.PLAIN), 0) is FailMode.FAIL_DISK


def test_add_then_remove_primary_restores_resources():
    node = _data().nodes[1]
    inst = _inst()
    added = node.add_primary(inst)
    assert not isinstance(added, FailMode)
    assert added.i_mem == node.i_mem + 512 and added.f_dsk == node.f_dsk - 1024
    back = added.remove_primary(inst)
    assert (back.i_mem, back.f_dsk, back.u_cpu, back.plist) == (
        node.i_mem, node.f_dsk, node.u_cpu, node.plist)


def test_remove_secondary_recomputes_reserved_memory():
    data = _data()
    n2 = data.nodes[1]
    assert n2.r_mem == 512
    web = data.instances[0]
    assert n2.remove_secondary(web).r_mem == 0


def test_operations_do_not_mutate_their_input():
    node = _data().nodes[1]
    before = (node.i_mem, list(node.plist), dict(node.peers))
    node.add_primary(_inst())
    assert (node.i_mem, node.plist, node.peers) == before


def test_migration_tags_restrict_targets():
    text = TINY.replace("|1|rack:r1", "|1|rack:r1,hv:old").replace(
        "htools:iextags:svc", "htools:iextags:svc\nhtools:migration:hv")
    data = load_cluster(parse_text(text)).data
    n1, n2 = data.nodes
    assert not n1.check_migration(n2)
    assert n2.check_migration(n1)
