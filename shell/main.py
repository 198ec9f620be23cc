"""The single entry point: one binary that is the shell, the agent and every multi-call tool.

Invoked as ``gnt-instance``, ``hbal`` and so on (symlinks), it behaves as that
tool; as ``ganeti-shell GROUP ...`` it runs the group's command; with no
arguments it opens the REPL. Heavy modules are imported only by the path
that needs them, so ``--version`` and the htools start fast.
"""

from __future__ import annotations

import os
import sys

from agent.version import VERSION

GNT_PROGRAMS = {
    "gnt-cluster": "cluster",
    "gnt-node": "node",
    "gnt-instance": "instance",
    "gnt-job": "job",
    "gnt-debug": "debug",
    "gnt-filter": "filter",
    "gnt-group": "group",
}
HTOOLS = ("hbal", "hcheck", "hinfo", "hail", "hroller", "hsqueeze", "hspace")
GROUP_NAMES = tuple(GNT_PROGRAMS.values())

USAGE = f"""usage: ganeti-shell [--version] [--help] [COMMAND ...]

With no command, opens the interactive shell.

commands:
  {"  ".join(GROUP_NAMES)}
                 Ganeti's gnt-* commands (also as gnt-cluster, gnt-node, ... symlinks)
  {"  ".join(HTOOLS)}
                 Ganeti's htools (also as hbal, hcheck, hinfo symlinks)
  agent          run a node agent (with --master, the master too)
  demo           start a local cluster on loopback and open the shell
  repl           open the interactive shell
  tui            open the live terminal UI (--master ADDRESS, --read-only, --theme dark|light)
  completion     print a shell completion script (bash, zsh or fish)
"""


def _htool(name: str, argv: list[str]) -> int:
    import importlib

    module = importlib.import_module(f"shell.htools.{name}")
    return int(module.main(argv))


def dispatch(argv: list[str], invoked_as: str = "ganeti-shell") -> int:
    """Run the command line ``argv`` (without the program name); return the exit code."""
    if invoked_as in GNT_PROGRAMS:
        from shell.cli.run import run_group

        if argv[:1] == ["--version"]:
            print(f"{invoked_as} (ganeti-shell) {VERSION}")
            return 0
        return run_group(GNT_PROGRAMS[invoked_as], argv, invoked_as)
    if invoked_as in HTOOLS:
        return _htool(invoked_as, argv)
    if not argv or argv[0] == "repl":
        from shell.repl.app import run_repl

        return run_repl(argv[1:])
    head, rest = argv[0], argv[1:]
    if head in ("--version", "-V", "version"):
        print(f"ganeti-shell {VERSION}")
        return 0
    if head in ("--help", "-h", "help"):
        print(USAGE, end="")
        return 0
    if head in GROUP_NAMES:
        from shell.cli.run import run_group

        return run_group(head, rest, f"ganeti-shell {head}")
    if head in HTOOLS:
        return _htool(head, rest)
    if head == "agent":
        from agent.daemon import main as agent_main

        return agent_main(rest)
    if head == "__complete":  # hidden: live names for the completion scripts
        from shell.cli.completion.names import main as names_main

        return names_main(rest)
    if head == "completion":
        from shell.cli.completion import main as completion_main

        return completion_main(rest)
    if head == "tui":
        from shell.tui import main as tui_main

        return tui_main(rest)
    if head == "demo":
        from shell.demo import main as demo_main

        return demo_main(rest)
    print(f"ganeti-shell: unknown command '{head}'", file=sys.stderr)
    print(USAGE, end="", file=sys.stderr)
    return 2


def main() -> None:
    invoked_as = os.path.basename(sys.argv[0])
    if invoked_as.endswith(".py") or invoked_as == "__main__.py":
        invoked_as = "ganeti-shell"
    try:
        code = dispatch(sys.argv[1:], invoked_as)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (head, less) went away: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    sys.exit(code)
