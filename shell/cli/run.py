"""Run one command of the tree: parse, call the handler, turn errors into messages and exit codes."""

from __future__ import annotations

import sys
from typing import TextIO

import shell.cli.commands  # noqa: F401  (registers the groups)
from agent.errors import GanetiError
from shell.cli.context import Context, JobSubmitted
from shell.cli.format import format_error
from shell.cli.tree import GROUPS, UsageError, build_parser

EXIT_USAGE = 2


def run_group(group_name: str, argv: list[str], program: str | None = None,
              out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``argv`` (``[COMMAND, options..., args...]``) in a group; return the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    group = GROUPS[group_name]
    prog = program or group.program
    parser = build_parser(group, prog)
    if not argv:
        parser.print_usage(err)
        print(f"{prog}: error: missing command", file=err)
        return 1
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        parser.print_usage(err)
        print(str(exc), file=err)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    ctx = Context(args, group.program, args.command_name, out, err)
    try:
        return int(args.handler(ctx))
    except JobSubmitted:
        return 0
    except UsageError as exc:
        print(str(exc), file=err)
        return EXIT_USAGE
    except GanetiError as exc:
        print(format_error(exc), file=err)
        return 1
    except KeyboardInterrupt:
        print("Interrupted", file=err)
        return 130
    finally:
        ctx.close()
