"""What every full screen of the TUI shares: typed access to the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from shell.tui.app import GanetiApp


class GanetiScreen(Screen[None]):
    """A screen of `GanetiApp`."""

    @property
    def gapp(self) -> GanetiApp:
        """The app, with its client, queue feed and read-only flag."""
        return cast("GanetiApp", self.app)
