"""Run one line typed at the prompt: builtins, then any spelling of a one-shot command.

Commands go through ``run_group`` exactly as on the command line, with the
REPL's output stream; nothing a command does (usage error, ``--help``, an
unexpected exception) ends the shell or shows a traceback.
"""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Callable
from typing import TextIO

from shell.cli.run import run_group
from shell.repl.helptext import help_for
from shell.repl.pager import Spool
from shell.repl.words import EXIT_WORDS, HELP, drop_program, group_of

EXIT_INTERRUPTED = 130


class LineRunner:
    """Runs lines against the tree; ``master`` (from ``--master``) is passed to every command."""

    def __init__(self, out: TextIO, master: str | None = None) -> None:
        self.out = out
        self.master = master
        self.last_exit = 0

    def run(self, line: str) -> bool:
        """Run ``line``; return False when the user asked to leave."""
        try:
            return self._run(line)
        except KeyboardInterrupt:
            self._say("Interrupted")
            self.last_exit = EXIT_INTERRUPTED
        except (Exception, SystemExit) as exc:  # never a traceback in the shell
            detail = " ".join(str(exc).split())
            self._say(f"error: {type(exc).__name__}" + (f": {detail}" if detail else ""))
            self.last_exit = 1
        return True

    def _say(self, text: str) -> None:
        print(text, file=self.out)
        self.out.flush()

    def _run(self, line: str) -> bool:
        try:
            words = drop_program(shlex.split(line, comments=True))
        except ValueError as exc:  # unclosed quote
            self._say(f"error: {exc}")
            return True
        if not words:
            return True
        if words[0] in EXIT_WORDS:
            return False
        if words[0] == HELP:
            self._paged(lambda out: out.write(help_for(words[1:])))
            return True
        group = group_of(words[0])
        if group is None:
            self._say(f"unknown command '{words[0]}': type help for the list of commands")
            self.last_exit = 2
            return True
        argv = words[1:]
        cmd = group.command(argv[0]) if argv else None
        if (
            cmd is not None
            and self.master
            and not any(w == "--master" or w.startswith("--master=") for w in argv)
        ):
            argv = [argv[0], "--master", self.master, *argv[1:]]
        if cmd is not None and cmd.submits_job:
            # Job output is a live log (and may ask a question): never hold it back.
            with contextlib.redirect_stdout(self.out):
                self.last_exit = run_group(
                    group.name, argv, group.program, out=self.out, err=self.out
                )
        else:
            self._paged(lambda out: self._group(group.name, group.program, argv, out))
        return True

    def _group(self, name: str, program: str, argv: list[str], out: TextIO) -> None:
        self.last_exit = run_group(name, argv, program, out=out, err=out)

    def _paged(self, produce: Callable[[TextIO], object]) -> None:
        """Run ``produce`` with a spool for its output (and stray prints), then show it."""
        spool = Spool(self.out)
        try:
            with contextlib.redirect_stdout(spool):
                produce(spool)
        finally:
            spool.finish()
