from __future__ import annotations

import pytest

from agent.htools import LoaderError, load_cluster, parse_text, serialize_cluster
from agent.htools.instance import NO_NODE
from agent.htools.types import DiskTemplate, InstanceStatus

from .conftest import TINY


def test_parse_reads_all_sections_and_defaults():
    data = parse_text(TINY)
    assert [g.name for g in data.groups] == ["grp"]
    n1, n2 = data.nodes
    assert n1.is_master and not n1.offline and n1.t_spindles == 1 and n1.tags == ["rack:r1"]
    assert n2.cpu_speed == 1.0 and n2.n_cpu == 1 and not n2.excl_storage
    web, db = data.instances
    assert web.disk_template is DiskTemplate.DRBD and web.snode == 1
    assert db.snode == NO_NODE and db.status is InstanceStatus.ADMIN_DOWN
    assert not db.forthcoming and db.total_spindles is None
    assert data.cluster_tags == ["htools:nlocation:rack", "htools:iextags:svc"]


def test_question_mark_node_is_offline_and_empty():
    text = "g|u|preferred||\n\nn1|?|0|0|0|0|0|N|u\n\n\n\n"
    node = parse_text(text).nodes[0]
    assert node.offline and node.t_mem == 0 and node.n_cpu == 0


def test_too_few_sections_is_an_error():
    with pytest.raises(LoaderError, match="3 sections instead of 4"):
        parse_text("g|u|preferred||\n\nn1|1|1|1|1|1|1|N|u\n\n", "f.data")


def test_error_names_file_line_and_field():
    text = "g|u|preferred||\n\nn1|abc|0|0|0|0|0|N|u\n\n\n\n"
    with pytest.raises(LoaderError) as err:
        parse_text(text, "bad.data")
    assert str(err.value) == "n1: cannot parse string 'abc' (bad.data:3, field 'total memory')"
    assert err.value.ganeti_message == "n1: cannot parse string 'abc'"
    assert (err.value.path, err.value.line, err.value.field) == ("bad.data", 3, "total memory")


def test_errors_follow_ganetis_order_of_checks():
    # free memory and exclusive storage are both bad: the memory is read first
    text = "g|u|preferred||\n\nn1|1|0|x|0|0|0|N|u|1||maybe\n\n\n\n"
    with pytest.raises(LoaderError) as err:
        parse_text(text, "f.data")
    assert err.value.ganeti_message == "n1: cannot parse string 'x'"


def test_short_lines_are_quoted_as_haskell_lists():
    with pytest.raises(LoaderError) as err:
        parse_text('g|u|pre"ferred\n\n\n\n', "f.data")
    assert err.value.ganeti_message == \
        'Invalid/incomplete group data: \'["g","u","pre\\"ferred"]\''
    assert str(err.value).endswith("(f.data:1)")


def test_policy_errors_name_the_policy_part():
    tiny_pol = TINY + "\n|1,1,1,1,1,x|1,1,1,1,1,1;2,2,2,2,2,2|drbd|4.0|32.0\n"
    with pytest.raises(LoaderError) as err:
        parse_text(tiny_pol, "f.data")
    assert err.value.ganeti_message == "/stdspec/spindleuse: cannot parse string 'x'"


def test_unknown_group_and_node_are_reported():
    with pytest.raises(LoaderError, match="Unknown group 'zz' for node n1"):
        parse_text("g|u|preferred||\n\nn1|1|1|1|1|1|1|N|zz\n\n\n\n")
    text = "g|u|preferred||\n\nn1|1|1|1|1|1|1|N|u\n\ni1|1|1|1|running|Y|nX||plain|\n\n\n"
    with pytest.raises(LoaderError, match="Unknown node 'nX' for instance i1"):
        parse_text(text)


def test_drbd_with_same_primary_and_secondary_is_rejected():
    text = "g|u|preferred||\n\nn1|1|1|1|1|1|1|N|u\n\ni1|1|1|1|running|Y|n1|n1|drbd|\n\n\n"
    with pytest.raises(LoaderError, match="same primary and secondary"):
        parse_text(text)


def test_odd_minmax_specs_are_rejected():
    text = TINY + "\n|1,1,1,1,1,1|1,1,1,1,1,1|drbd|4.0|32.0\n"
    with pytest.raises(LoaderError, match="Odd number of min/max specs"):
        parse_text(text)


def test_writer_emits_all_columns_and_default_policies():
    out = serialize_cluster(parse_text(TINY))
    lines = out.split("\n")
    assert lines[2] == "n1|8192|512|7168|102400|92160|8|M|uuid-a|1|rack:r1|N|0|1|1.0"
    assert lines[5] == "web1|512|10240|1|running|Y|n1|n2|drbd|svc:web|1|-|N"
    assert out.endswith(
        "|128,1,1024,1,1,1|128,1,1024,1,1,1;32768,8,1048576,16,8,12|"
        "diskless,file,sharedfile,plain,blockdev,drbd,rbd,ext,gluster|4.0|32.0\n")


def test_written_file_parses_back_identically():
    first = serialize_cluster(load_cluster(parse_text(TINY)).data)
    assert serialize_cluster(parse_text(first)) == first


def test_empty_sections_keep_their_blank_lines():
    text = "g|u|preferred||\n\nn1|1024|0|1024|1024|1024|1|N|u\n\n\n\n"
    out = serialize_cluster(parse_text(text))
    assert "\n\n\n\n|" in out


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_node_totals_are_refused_with_the_location(value):
    text = f"g|u|preferred||\n\nn1|1024|0|0|10|10|{value}|N|u\n\n\n\n"
    with pytest.raises(LoaderError) as err:
        parse_text(text, "f.data")
    assert err.value.field == "total cpus" and err.value.line == 3
    assert "must be a finite number" in err.value.ganeti_message
