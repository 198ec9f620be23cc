"""``ganeti-shell tui``: the live terminal UI (Textual) over the master's streams.

``main(argv)`` parses ``[--master ADDRESS] [--read-only] [--theme dark|light]``
and runs ``shell.tui.app.GanetiApp``; Textual is imported only here, so the
other commands start without it.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ganeti-shell tui", description="The live terminal UI.")
    parser.add_argument("--master", metavar="ADDRESS", help="address of the master (unix:PATH or HOST:PORT)")
    parser.add_argument("--read-only", action="store_true", help="no action that changes the cluster works")
    parser.add_argument("--theme", choices=("dark", "light"), default="dark", help="colour theme (default dark)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)

    from agent.errors import GanetiError
    from shell.client import ClusterClient, resolve_address

    address = resolve_address(args.master)
    try:
        ClusterClient(address).close()  # a TCP master without certificates fails here, with the reason
    except GanetiError as exc:
        print(f"ganeti-shell tui: {exc.message}", file=sys.stderr)
        return 1

    from shell.tui.app import GanetiApp

    app = GanetiApp(lambda: ClusterClient(address, timeout=30), read_only=args.read_only, theme=args.theme)
    app.run()
    return 0
