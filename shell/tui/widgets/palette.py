"""The command palette over the one command tree, and the screen that runs a chosen command.

``TreeCommands`` offers every ``gnt-GROUP COMMAND`` of shell/cli/tree.py (the
same tree as the REPL and the one-shot commands), and the line typed so far
as ``run: gnt-job cancel 42`` once it names a command. Choosing a command
that takes arguments asks for them. ``run_line`` runs a line through
``run_group`` exactly as the command line does, in a thread, streaming its
output into ``OutputScreen``; mutating commands are confirmed first and
refused in read-only mode.
"""

from __future__ import annotations

import contextlib
import io
import shlex
import sys
import threading
from typing import TYPE_CHECKING, Any, ClassVar, TextIO, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widgets import Footer, Log, Static

import shell.cli.commands  # noqa: F401  (registers the groups in the tree)
from shell.cli.run import run_group
from shell.cli.tree import GROUPS, Command, Group, options_for
from shell.repl.words import drop_program, group_of

if TYPE_CHECKING:
    from shell.tui.app import GanetiApp

# Commands that only read (or, like verify, only check): allowed in read-only mode, not confirmed.
READ_ONLY_COMMANDS = frozenset({"info", "list", "list-fields", "locks", "dry-run", "watch", "wait", "verify"})
_RUN_LOCK = threading.Lock()  # commands redirect the process's stdout: one at a time


def commands() -> list[tuple[Group, Command]]:
    return [(g, c) for g in GROUPS.values() for c in g.commands]


def is_mutating(cmd: Command, args: list[str]) -> bool:
    """Whether running ``cmd`` with ``args`` changes the cluster."""
    if cmd.name == "queue":
        return any(a in ("drain", "undrain") for a in args)
    return cmd.name not in READ_ONLY_COMMANDS


def needs_arguments(cmd: Command) -> bool:
    """Whether choosing ``cmd`` should ask for its arguments first."""
    return any(a.nargs in (None, "+") for a in cmd.args) or cmd.name in ("add", "modify", "dry-run")


def resolve(line: str) -> tuple[Group, Command | None, list[str]]:
    """The group, command and arguments a line names; ValueError with a one-line reason."""
    try:
        words = drop_program(shlex.split(line))
    except ValueError as exc:
        raise ValueError(f"cannot split the line: {exc}") from None
    if not words:
        raise ValueError("empty command")
    group = group_of(words[0])
    if group is None:
        raise ValueError(f"unknown command '{words[0]}'")
    cmd = group.command(words[1]) if len(words) > 1 else None
    return group, cmd, words[1:]


class TreeCommands(Provider):
    """Palette entries for the command tree."""

    @property
    def ganeti(self) -> GanetiApp:
        return self.app  # type: ignore[return-value]

    async def discover(self) -> Hits:
        for group, cmd in commands():
            text = f"{group.program} {cmd.name}"
            yield DiscoveryHit(text, lambda g=group, c=cmd: self.ganeti.choose_command(g, c),
                               text=text, help=cmd.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        typed = query.strip()
        try:
            group, cmd, args = resolve(typed)
        except ValueError:
            cmd = None
        if cmd is not None and len(args) > 1:
            yield Hit(1.0, Text(f"run: {typed}", style="bold"),
                      lambda line=typed: self.ganeti.run_line(line), text=typed,
                      help=f"{cmd.help} (as typed)")
        for group, cmd in commands():
            text = f"{group.program} {cmd.name}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text),
                          lambda g=group, c=cmd: self.ganeti.choose_command(g, c),
                          text=text, help=cmd.help)


class OutputScreen(ModalScreen[None]):
    """The output of one command, streamed as it runs; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss_output", "Close"),
    ]
    DEFAULT_CSS = """
    OutputScreen { align: center middle; }
    OutputScreen > Static#title { dock: top; height: 1; background: $panel; padding: 0 1; }
    OutputScreen > Log { height: 1fr; border: round $primary; }
    OutputScreen > Static#status { dock: bottom; height: 1; padding: 0 1; margin-bottom: 1; }
    """

    def __init__(self, line: str) -> None:
        super().__init__()
        self.line = line
        self.exit_code: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(f"$ {self.line}", id="title", markup=False)
        yield Log(id="output", highlight=False)
        yield Static("running…", id="status", markup=False)
        yield Footer()

    def write(self, text: str) -> None:
        try:
            self.query_one(Log).write(text)
        except NoMatches:  # closed while the command still runs: its output goes nowhere
            pass

    def finish(self, code: int) -> None:
        self.exit_code = code
        try:
            self.query_one("#status", Static).update(f"exit code {code} · Escape closes")
        except NoMatches:
            pass

    @property
    def text(self) -> str:
        return "\n".join(self.query_one(Log).lines)

    def action_dismiss_output(self) -> None:
        self.dismiss(None)


class _ToScreen(io.TextIOBase):
    """A text stream that appends to an OutputScreen from the command's thread."""

    def __init__(self, app: Any, screen: OutputScreen) -> None:
        self.app = app
        self.screen = screen

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if text:
            try:
                self.app.call_from_thread(self.screen.write, text)
            except RuntimeError:  # the app has stopped: nobody to show it to
                pass
        return len(text)


class _NoTerminal(io.StringIO):
    """Standard input while a command runs: not a terminal, so a command never waits for an answer."""

    def isatty(self) -> bool:
        return False


def command_argv(app: GanetiApp, group: Group, cmd: Command, args: list[str], confirmed: bool) -> list[str]:
    """Arguments as run: the app's master added, and ``--force`` once the TUI has confirmed."""
    argv = list(args)
    if not any(a == "--master" or a.startswith("--master=") for a in argv):
        argv = [argv[0], "--master", app.address, *argv[1:]]
    flags = {f for o in options_for(group, cmd) for f in o.flags}
    if confirmed and "--force" in flags and "--force" not in argv and "-f" not in argv:
        argv.insert(1, "--force")
    return argv


def run_blocking(app: GanetiApp, group: Group, argv: list[str], screen: OutputScreen) -> int:
    """Run one command in this (worker) thread with its output going to ``screen``."""
    stream = cast(TextIO, _ToScreen(app, screen))
    with _RUN_LOCK:
        saved_stdin = sys.stdin
        sys.stdin = _NoTerminal()
        try:
            with contextlib.redirect_stdout(stream):
                return run_group(group.name, argv, group.program, out=stream, err=stream)
        except (Exception, SystemExit) as exc:  # never a traceback in the TUI
            stream.write(f"error: {type(exc).__name__}: {exc}\n")
            return 1
        finally:
            sys.stdin = saved_stdin
