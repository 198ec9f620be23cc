"""Widgets shared by the TUI's screens: the virtualised table, confirmation, palette and help."""
