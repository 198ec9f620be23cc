"""Modal dialogs: confirm a mutating action (showing its one-shot command) and ask for a value.

Both are ModalScreens that dismiss with their answer, so callers await them
with ``app.push_screen_wait`` from a worker or pass a callback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


class ConfirmScreen(ModalScreen[bool]):
    """"Cancel job 42?" with the command that does the same: y/Enter confirms, n/Escape does not."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen, AskScreen { align: center middle; }
    ConfirmScreen > Vertical, AskScreen > Vertical {
        width: 72; height: auto; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    ConfirmScreen .command, AskScreen .command { color: $text-muted; margin: 1 0; }
    ConfirmScreen Horizontal, AskScreen Horizontal { height: auto; align: right middle; }
    ConfirmScreen Button, AskScreen Button { margin-left: 2; }
    AskScreen .error { color: $error; height: auto; }
    """

    def __init__(self, question: str, command: str) -> None:
        super().__init__()
        self.question = question
        self.command = command

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="question", markup=False)  # a Static wraps a long question
            yield Static(f"same as: {self.command}", classes="command", id="command", markup=False)
            with Horizontal():
                yield Button("Yes (y)", variant="warning", id="yes")
                yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class AskScreen(ModalScreen[str | None]):
    """Ask for one value, checked by ``check`` (returns an error message or None) as you type."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, value: str = "", check: Callable[[str], str | None] | None = None,
                 hint: str = "") -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.check = check or (lambda text: None)
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Input(self.value, id="answer")
            yield Static(self.hint, classes="command", id="hint", markup=False)
            yield Static("", classes="error", id="error", markup=False)
            with Horizontal():
                yield Button("OK (Enter)", variant="primary", id="ok")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#error", Static).update(self.check(event.value) or "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._submit(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._submit(self.query_one(Input).value)
        else:
            self.dismiss(None)

    def _submit(self, value: str) -> None:
        error = self.check(value)
        if error:
            self.query_one("#error", Static).update(error)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
