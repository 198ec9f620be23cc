"""The ``?`` help: every key of the screen it was opened from, then the keys that work everywhere."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = (
    "Each action shows the one-shot command that does the same\n"
    "(gnt-job cancel 42); actions that change the cluster ask first,\n"
    "and none work with --read-only. The / filter takes the query\n"
    "language of -F on list commands: status == \"queued\".\n"
    "Tables: arrows, PgUp/PgDn, Home/End move; Enter opens; a click on\n"
    "a header sorts by it, a second click reverses; the wheel scrolls.\n"
    ": or ctrl+p opens the command palette over every gnt-* command."
)
NAMES = {"question_mark": "?", "slash": "/", "colon": ":", "escape": "Esc", "enter": "Enter"}


def _key_name(key: str, binding: Binding) -> str:
    return binding.key_display or NAMES.get(key, key)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "close", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 84; max-height: 90%; height: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    """

    def __init__(self, screen_name: str, bindings: dict[str, ActiveBinding]) -> None:
        super().__init__()
        self.screen_name = screen_name
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        here = Table(title=f"{self.screen_name} keys", show_header=False, box=None)
        everywhere = Table(title="everywhere", show_header=False, box=None)
        for table in (here, everywhere):
            table.add_column("key", style="bold", width=12)
            table.add_column("action")
        seen: set[str] = set()
        for key, active in self.bindings.items():
            binding = active.binding
            if not binding.show or not binding.description or binding.description in seen:
                continue
            seen.add(binding.description)
            name = _key_name(key, binding)
            target = everywhere if active.node is self.app else here
            target.add_row(name, binding.description + ("" if active.enabled else " (unavailable)"))
        with VerticalScroll():
            yield Static(INTRO, markup=False)
            yield Static(here, id="screen-keys")
            yield Static(everywhere, id="app-keys")

    def action_close(self) -> None:
        self.dismiss(None)
