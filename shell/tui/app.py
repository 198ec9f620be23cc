"""``ganeti-shell tui``: the Textual app that holds the screens, the queue feed and the safety rails.

GanetiApp registers the screens as modes (keys 1–5: overview, queue, filters,
balance, cluster), opens the command palette over the command tree with ``:``
or ctrl+p, shows help with ``?`` and switches between the light and dark theme
with ctrl+t. Every mutating action goes through ``confirm`` (which shows the
equivalent one-shot command and refuses in read-only mode) and ``teach``.

The app owns one QueueFeed: it flushes it 20 times a second and forwards
``QueueFeed.Changed`` and ``QueueFeed.ConnectionChanged`` to the screens of the
current mode; a screen that comes back into view reads ``feed.jobs`` afresh.
A lost master is shown (title, notification, CSS class ``-disconnected``) and
the feed reconnects on its own; ``app.client`` is then replaced by a new one.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from shell.cli.tree import Command, Group
from shell.client import ClusterClient
from shell.tui.feed import QueueFeed
from shell.tui.widgets.confirm import AskScreen, ConfirmScreen
from shell.tui.widgets.help import HelpScreen
from shell.tui.widgets.palette import (
    OutputScreen,
    TreeCommands,
    command_argv,
    is_mutating,
    needs_arguments,
    resolve,
    run_blocking,
)

THEMES = {"dark": "textual-dark", "light": "textual-light"}
FLUSH_INTERVAL = 0.05  # the feed's changes reach the screens at most 20 times a second

# Mode name → (key, module, class); a screen whose module is absent is not offered.
SCREENS = {
    "overview": ("1", "shell.tui.screens.overview", "OverviewScreen"),
    "queue": ("2", "shell.tui.screens.queue", "QueueScreen"),
    "filters": ("3", "shell.tui.screens.filters", "FiltersScreen"),
    "balance": ("4", "shell.tui.screens.balance", "BalanceScreen"),
    "cluster": ("5", "shell.tui.screens.cluster", "ClusterScreen"),
}


def _available() -> dict[str, tuple[str, str, str]]:
    return {name: spec for name, spec in SCREENS.items() if importlib.util.find_spec(spec[1]) is not None}


def _loader(module: str, cls: str) -> Callable[[], Screen[Any]]:
    def make() -> Screen[Any]:
        screen: Screen[Any] = getattr(importlib.import_module(module), cls)()
        return screen

    return make


_SCREENS = _available()


class GanetiApp(App[None]):
    TITLE = "ganeti-shell"
    CSS_PATH = str(Path(__file__).with_name("app.tcss"))  # absolute: subclasses live elsewhere
    COMMANDS = App.COMMANDS | {TreeCommands}
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {  # type: ignore[misc]
        name: _loader(module, cls) for name, (_, module, cls) in _SCREENS.items()
    }
    DEFAULT_MODE = "overview" if "overview" in _SCREENS else "queue"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, f"switch_mode('{name}')", name.capitalize()) for name, (key, _, _) in _SCREENS.items()),
        Binding("ctrl+p", "command_palette", "Commands", priority=True),
        Binding("colon", "command_palette", "Commands", show=False, key_display=":"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+t", "toggle_theme", "Theme"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, client_factory: Callable[[], ClusterClient], read_only: bool = False,
                 theme: str = "dark", feed: QueueFeed | None = None) -> None:
        """``feed`` replaces the queue feed on ``client_factory`` (benchmarks, snapshots)."""
        super().__init__()
        if theme not in THEMES:
            raise ValueError(f"unknown theme '{theme}' (dark or light)")
        self.client_factory = client_factory
        self.read_only = read_only
        self.theme = THEMES[theme]
        self.feed = feed or QueueFeed(client_factory)
        self.feed.post = self.post_message
        self.taught: list[str] = []  # every command taught, newest last
        self._client: ClusterClient | None = None
        self._address: str | None = None

    # -- the connection ------------------------------------------------------------

    @property
    def client(self) -> ClusterClient:
        """The client for this app's calls (blocking: use it from thread workers)."""
        if self._client is None:
            self._client = self.client_factory()
        return self._client

    @property
    def address(self) -> str:
        if self._address is None:
            self._address = self.client.address
        return self._address

    def on_mount(self) -> None:
        self.sub_title = "connecting…"
        if self.read_only:
            self.add_class("-read-only")
        self.feed.start()
        self.set_interval(FLUSH_INTERVAL, self.feed.flush)

    async def on_unmount(self) -> None:
        # app.client stays open: thread workers may still be finishing a call with it.
        await asyncio.to_thread(self.feed.stop)

    def _status_text(self) -> str:
        state = "connected" if self.feed.connected else f"DISCONNECTED ({self.feed.error}) · reconnecting"
        return f"{self.address} · {state}" + (" · read-only" if self.read_only else "")

    def on_queue_feed_connection_changed(self, message: QueueFeed.ConnectionChanged) -> None:
        self.set_class(not message.connected, "-disconnected")
        self.sub_title = self._status_text()
        if message.connected:
            if self.feed.reconnects:
                self._client = None  # a fresh channel; calls still running finish on the old one
                self.notify("reconnected to the master; the queue resumed where it left off",
                            title="connection")
        else:
            self.notify(f"no connection to the master: {message.error}; reconnecting…", title="connection",
                        severity="error", timeout=8)
        for screen in self.screen_stack:
            screen.post_message(QueueFeed.ConnectionChanged(message.connected, message.error))

    def on_queue_feed_changed(self, message: QueueFeed.Changed) -> None:
        for screen in self.screen_stack:
            screen.post_message(QueueFeed.Changed(message.job_ids))

    # -- the safety rails -------------------------------------------------------------

    async def confirm(self, question: str, command: str) -> bool:
        """Ask before a mutating action, showing its one-shot command; always no when read-only.

        Await it from a worker or a screen's handler (not from the app's own handlers).
        """
        if self.read_only:
            self.notify(f"read-only: {command}", title="not run", severity="warning")
            return False
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.push_screen(ConfirmScreen(question, command),
                         callback=lambda ok: answer.set_result(bool(ok)) if not answer.done() else None)
        return await answer

    async def ask(self, question: str, value: str = "", check: Callable[[str], str | None] | None = None,
                  hint: str = "") -> str | None:
        """Ask for one value (checked as typed); None when cancelled. Await as ``confirm``."""
        answer: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self.push_screen(AskScreen(question, value, check, hint),
                         callback=lambda v: answer.set_result(v) if not answer.done() else None)
        return await answer

    def teach(self, command: str) -> None:
        """Show the one-shot command that does what the operator just did."""
        self.taught.append(command)
        self.notify(f"$ {command}", title="same as", timeout=6, markup=False)

    # -- actions -------------------------------------------------------------------

    def action_toggle_theme(self) -> None:
        self.theme = THEMES["light"] if self.theme == THEMES["dark"] else THEMES["dark"]

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        name = self.current_mode if self.current_mode in SCREENS else type(self.screen).__name__
        self.push_screen(HelpScreen(name, self.screen.active_bindings))

    # -- the palette ---------------------------------------------------------------------

    def choose_command(self, group: Group, cmd: Command) -> None:
        """A command picked in the palette: ask for its arguments when it needs some, then run it."""
        self._choose(group, cmd)

    @work(exclusive=False, group="palette")
    async def _choose(self, group: Group, cmd: Command) -> None:
        line = f"{group.program} {cmd.name}"
        if needs_arguments(cmd):
            usage = " ".join(a.name.upper() + ("…" if a.nargs in ("*", "+") else "") for a in cmd.args)
            args = await self.ask(f"{line} — arguments and options:", hint=f"{cmd.help}. usage: {line} [OPTIONS] {usage}")
            if args is None:
                return
            line = f"{line} {args}".strip()
        await self._run(line)

    def run_line(self, line: str) -> None:
        """Run a typed one-shot command line (``gnt-job cancel 42``) with its output on a screen."""
        self._run_worker(line)

    @work(exclusive=False, group="palette")
    async def _run_worker(self, line: str) -> None:
        await self._run(line)

    async def _run(self, line: str) -> None:
        try:
            group, cmd, args = resolve(line)
        except ValueError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        mutating = cmd is not None and is_mutating(cmd, args[1:])
        if mutating and not await self.confirm(f"Run {line}?", line):
            return
        argv = command_argv(self, group, cmd, args, confirmed=mutating) if cmd is not None else args
        screen = OutputScreen(line)
        await self.push_screen(screen)
        code = await asyncio.to_thread(run_blocking, self, group, argv, screen)
        screen.finish(code)
