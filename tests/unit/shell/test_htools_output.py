"""Output helpers print Ganeti's table, key and command formats."""

from __future__ import annotations

from shell.htools.output import (
    commands_for_stdout,
    ensure_quoted,
    format_keys,
    format_table,
    node_fields,
    pf,
)


def test_table_pads_numbers_right_and_text_left() -> None:
    text = format_table(["F", "Name", "t_mem"], [[" ", "n1", "8192"], ["-", "node-2", "16384"]],
                        [False, False, True])
    assert text == (" F Name   t_mem\n"
                    "   n1      8192\n"
                    " - node-2 16384\n")


def test_table_prefix_goes_before_the_leading_space() -> None:
    assert format_table(["a"], [["1"]], [True], prefix="  ") == "   a\n   1\n"


def test_node_fields_plus_extends_defaults() -> None:
    assert node_fields([])[:2] == ["status", "name"]
    assert node_fields(["+", "idx"])[-1] == "idx"
    assert node_fields(["name"]) == ["name"]


def test_keys_are_upper_cased_and_quoted_when_needed() -> None:
    assert format_keys("HCHECK", [("ok", "1"), ("group_uuid_0", "uuid-a")]) == (
        "HCHECK_OK=1\nHCHECK_GROUP_UUID_0='uuid-a'\n")
    assert ensure_quoted("3.79687500") == "3.79687500"


def test_nan_prints_as_haskell_does() -> None:
    assert pf("%6.4f", float("nan")) == "NaN" and pf("%5.2f", 0.125) == " 0.12"


def test_commands_on_stdout_drop_check_lines_and_indent() -> None:
    cmds = "\necho jobset 1, 1 jobs\n  echo job 1/1\n  check\n  gnt-instance migrate -f i1\n"
    assert commands_for_stdout("Heading:", cmds) == (
        "\nHeading:\n  \n  echo jobset 1, 1 jobs\n    echo job 1/1\n"
        "    gnt-instance migrate -f i1\n")
