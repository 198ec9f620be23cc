"""Option parsing of hbal/hcheck/hinfo follows Ganeti's GetOpt rules and defaults."""

from __future__ import annotations

import pytest

from shell.htools.haskell_read import ReadError, read_float, read_int
from shell.htools.options import Backend, OptionsExit, parse_args, sep_split, usage


def test_defaults_are_ganetis() -> None:
    opts, rest = parse_args("hbal", [])
    assert rest == []
    assert (opts.min_score, opts.min_gain, opts.min_gain_limit) == (1e-9, 0.01, 0.1)
    assert opts.max_length == -1 and opts.verbose == 1
    assert opts.static_kvm_node_memory == 4096 and opts.capacity_checks
    assert opts.backend() is Backend.MASTER


def test_short_options_bundle_and_take_attached_values() -> None:
    opts, _ = parse_args("hbal", ["-vvq", "-tfile.data", "-l3", "-G", "grp"])
    assert opts.verbose == 2
    assert opts.data_file == "file.data" and opts.max_length == 3 and opts.group == "grp"
    assert opts.backend() is Backend.TEXT


def test_long_options_accept_unique_prefixes() -> None:
    opts, _ = parse_args("hbal", ["--text-d=x", "--max-l", "2", "--print-c"])
    assert opts.data_file == "x" and opts.max_length == 2 and opts.show_commands == "-"


def test_optional_arguments_must_be_attached() -> None:
    opts, rest = parse_args("hbal", ["-p", "name"])
    assert opts.show_nodes == [] and rest == ["name"]
    opts, _ = parse_args("hbal", ["-p+idx,amem"])
    assert opts.show_nodes == ["+", "idx", "amem"]
    opts, _ = parse_args("hbal", ["-C/tmp/cmds.sh"])
    assert opts.show_commands == "/tmp/cmds.sh"


def test_offline_nodes_are_collected_in_ganeti_order() -> None:
    opts, _ = parse_args("hbal", ["-O", "a", "--offline=b"])
    assert opts.offline == ["b", "a"]


def test_double_dash_ends_options() -> None:
    _, rest = parse_args("hbal", ["--", "-v"])
    assert rest == ["-v"]


@pytest.mark.parametrize("argv, fragment", [
    (["--no-such"], "unrecognized option `--no-such'"),
    (["-Z"], "unrecognized option `-Z'"),
    (["-G"], "option `-G' requires an argument ID"),
    (["--ignore-dynu=1"], "option `--ignore-dynu' doesn't allow an argument"),
    (["--ign"], "option `--ign' is ambiguous"),
])
def test_unknown_or_malformed_options_exit_2_with_one_line(argv: list[str], fragment: str) -> None:
    with pytest.raises(OptionsExit) as e:
        parse_args("hbal", argv)
    assert e.value.code == 2
    assert fragment in e.value.stderr and e.value.stderr.count("\n") == 1


@pytest.mark.parametrize("tool, argv, fragment", [
    ("hbal", ["-l", "x"], "max solution length: cannot parse string 'x'"),
    ("hbal", ["-l", "3 "], "leftover characters when parsing '3 ': ' '"),
    ("hbal", ["--max-cpu=0"], "Invalid value of the max-cpu ratio, expected >0"),
    ("hcheck", ["--machine-readable=maybe"], "Invalid choice 'maybe'"),
    ("hbal", ["--priority=urgent"], "Unknown priority 'urgent'"),
])
def test_bad_option_values_exit_1(tool: str, argv: list[str], fragment: str) -> None:
    with pytest.raises(OptionsExit) as e:
        parse_args(tool, argv)
    assert e.value.code == 1 and fragment in e.value.stderr
    assert e.value.stderr.count("\n") == 1


def test_each_tool_knows_only_its_options() -> None:
    with pytest.raises(OptionsExit):
        parse_args("hinfo", ["--no-disk-moves"])
    opts, _ = parse_args("hcheck", ["--machine-readable", "--no-capacity-checks"])
    assert opts.machine_readable and not opts.capacity_checks


def test_help_and_version_exit_0_on_stdout() -> None:
    with pytest.raises(OptionsExit) as e:
        parse_args("hbal", ["--help"])
    assert e.value.code == 0 and e.value.stdout.startswith("hbal (ganeti-shell) version")
    assert "  -t FILE     --text-data=FILE" in e.value.stdout
    with pytest.raises(OptionsExit) as e:
        parse_args("hinfo", ["-V"])
    assert e.value.code == 0 and "hinfo" in e.value.stdout


def test_usage_lists_short_and_long_forms_in_columns() -> None:
    text = usage("hbal")
    assert "  -p[FIELDS]  --print-nodes[=FIELDS]" in text
    assert "              --print-instances" in text
    assert "  -L[SOCKET]  --luxi[=SOCKET]" in text


def test_sep_split_follows_ganeti() -> None:
    assert sep_split("") == [] and sep_split("a") == ["a"] and sep_split("a,") == ["a", ""]


@pytest.mark.parametrize("text, value", [("3", 3), (" 7", 7), ("-2", -2), ("0x10", 16), ("(4)", 4)])
def test_integers_read_like_haskell(text: str, value: int) -> None:
    assert read_int("n", text) == value


@pytest.mark.parametrize("text", ["3.0", "+3", "", "1e2", "3 "])
def test_non_integers_are_rejected(text: str) -> None:
    with pytest.raises(ReadError):
        read_int("n", text)


def test_floats_read_like_haskell() -> None:
    assert read_float("g", "1e-3") == 1e-3 and read_float("g", "2") == 2.0
    for bad in (".5", "1.", "inf"):
        with pytest.raises(ReadError):
            read_float("g", bad)
