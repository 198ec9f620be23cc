"""The command tree: every command parses, has a handler and documented options."""

from __future__ import annotations

import io

import pytest

from shell.cli.run import run_group
from shell.cli.tree import GROUPS, UsageError, build_parser, options_of


def test_every_group_has_its_gnt_program_and_commands() -> None:
    assert {"cluster", "node", "instance", "job", "debug"} <= set(GROUPS)
    for group in GROUPS.values():
        assert group.program == f"gnt-{group.name}"
        assert group.commands


def test_every_command_has_a_handler_and_help() -> None:
    for group in GROUPS.values():
        for cmd in group.commands:
            assert callable(cmd.handler) and cmd.help
            for opt in options_of(cmd, True):
                assert opt.help


def test_job_commands_take_the_common_job_options() -> None:
    parser = build_parser(GROUPS["instance"])
    args = parser.parse_args(["add", "--submit", "--priority", "high", "--reason", "r", "-s", "1G", "x"])
    assert args.submit and args.priority == "high" and args.reason == "r"


def test_aliases_reach_the_same_handler() -> None:
    parser = build_parser(GROUPS["instance"])
    assert parser.parse_args(["start", "a"]).handler is parser.parse_args(["startup", "a"]).handler


def test_unknown_flag_is_a_usage_error_with_exit_two() -> None:
    err = io.StringIO()
    assert run_group("node", ["list", "--bogus"], out=io.StringIO(), err=err) == 2
    assert "unrecognized arguments: --bogus" in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_units_are_only_offered_where_ganeti_has_them() -> None:
    with pytest.raises(UsageError):
        build_parser(GROUPS["job"]).parse_args(["list", "--units", "g"])
    assert build_parser(GROUPS["node"]).parse_args(["list", "--units", "g"]).units == "g"


def test_bad_size_is_one_line_and_exit_two() -> None:
    err = io.StringIO()
    code = run_group("instance", ["add", "-s", "10X", "-n", "n1", "-o", "noop", "x"], out=io.StringIO(), err=err)
    assert code == 2
    assert err.getvalue().strip() == "Invalid disk size '10X': expected a number with an optional m/g/t unit"
