"""The interactive shell: a prompt-toolkit session over the command tree.

``run_repl`` wires the parts together: history in a file, the tree completer
with live names, the bottom toolbar, and ``LineRunner`` for each line. Pass
``input``/``output`` (pipe input, ``DummyOutput``), ``stdout`` and ``client``
to drive it from tests.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output
from prompt_toolkit.styles import Style

from shell.client import resolve_address
from shell.repl.completer import TreeCompleter
from shell.repl.live import ClusterSource, LiveNames, MasterConnection
from shell.repl.runner import LineRunner
from shell.repl.toolbar import StatusPoller, render

ENV_HISTORY = "GANETI_SHELL_HISTORY"
PROMPT = "ganeti> "
STYLE = Style.from_dict(
    {
        "bottom-toolbar.error": "fg:ansired",
        "fuzzymatch.inside.character": "bold underline",
    }
)


def history_path() -> Path:
    """``$GANETI_SHELL_HISTORY``, else ``~/.local/share/ganeti-shell/history``."""
    explicit = os.environ.get(ENV_HISTORY)
    if explicit:
        return Path(explicit).expanduser()
    return Path.home() / ".local" / "share" / "ganeti-shell" / "history"


def open_history(path: Path) -> History:
    """The history file, its directory created; in memory only when it cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    except OSError:
        return InMemoryHistory()
    return FileHistory(str(path))


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ganeti-shell repl", description="The interactive shell.")
    parser.add_argument(
        "--master", metavar="ADDRESS", help="address of the master (unix:PATH or HOST:PORT)"
    )
    return parser.parse_args(argv)


def run_repl(
    argv: list[str],
    input: Input | None = None,
    output: Output | None = None,
    *,
    stdout: TextIO | None = None,
    client: ClusterSource | None = None,
) -> int:
    """Run the shell until exit, quit or Ctrl-D; return 0 (or 2 for bad ``argv``).

    ``stdout`` receives the commands' output (default ``sys.stdout``); ``client``
    replaces the connection to the master used for completion and the toolbar.
    """
    try:
        args = _parse(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    out = stdout or sys.stdout
    runner = LineRunner(out, args.master)
    if input is None and not sys.stdin.isatty():
        return _run_script(runner)
    connection = MasterConnection(args.master)
    source: Callable[[], ClusterSource] = connection.get if client is None else (lambda: client)
    address = resolve_address(args.master)
    poller = StatusPoller(source)
    session: PromptSession[str] = PromptSession(
        PROMPT,
        history=open_history(history_path()),
        completer=TreeCompleter(LiveNames(source)),
        complete_in_thread=True,
        complete_while_typing=True,
        auto_suggest=AutoSuggestFromHistory(),
        bottom_toolbar=lambda: render(address, poller.status),
        style=STYLE,
        input=input,
        output=output,
    )
    poller.on_change = session.app.invalidate
    poller.start()
    try:
        while True:
            try:
                line = session.prompt()
            except KeyboardInterrupt:  # Ctrl-C clears the line, as in bash
                continue
            except EOFError:  # Ctrl-D
                return 0
            if not runner.run(line):
                return 0
    finally:
        poller.stop()
        connection.close()


def _run_script(runner: LineRunner) -> int:
    """Lines from a pipe (``ganeti-shell < commands``): run each, no prompt; exit code of the last."""
    for line in sys.stdin:
        if not runner.run(line):
            break
    return runner.last_exit
