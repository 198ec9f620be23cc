"""Command output in the REPL: collected, then paged through ``$PAGER`` when it is too long.

As pgcli does: when stdout is a terminal and the output is taller than the
screen, pipe it through ``$PAGER`` (default ``less -R``, with ``LESS=-SRXF``
unless set). A command that is still printing after ``live_after`` seconds
(a job's log, ``job watch``) stops being held back and streams instead.
"""

from __future__ import annotations

import io
import os
import shlex
import shutil
import subprocess
import threading
from typing import TextIO

DEFAULT_PAGER = "less -R"
DEFAULT_LESS = "-SRXF"
LIVE_AFTER = 1.0


def rows_needed(text: str, columns: int) -> int:
    """Terminal rows ``text`` takes when long lines wrap."""
    width = max(columns, 1)
    return sum(max(1, -(-len(line) // width)) for line in text.splitlines())


def too_long(text: str, size: os.terminal_size) -> bool:
    """Whether ``text`` does not fit above the prompt line."""
    return rows_needed(text, size.columns) > size.lines - 1


def page(text: str, sink: TextIO) -> None:
    """Show ``text`` in the pager; print it plainly when no pager can be started."""
    env = dict(os.environ)
    env.setdefault("LESS", DEFAULT_LESS)
    command = shlex.split(os.environ.get("PAGER") or DEFAULT_PAGER)
    try:
        proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, env=env, encoding="utf-8", errors="replace"
        )
    except (OSError, ValueError):
        sink.write(text)
        return
    assert proc.stdin is not None
    try:
        proc.stdin.write(text)
        proc.stdin.close()
    except BrokenPipeError:  # the user quit the pager early
        pass
    while True:
        try:
            proc.wait()
            return
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager; wait for it to exit
            continue


class Spool(io.StringIO):
    """A stream for one command's output: held back to decide on paging, or passed through.

    It passes writes straight to ``sink`` when ``sink`` is not a terminal (no
    paging then); otherwise it collects them until ``finish()``, or until the
    command has been printing for ``live_after`` seconds.
    """

    def __init__(self, sink: TextIO, live_after: float | None = LIVE_AFTER) -> None:
        super().__init__()
        self._sink = sink
        self._live_after = live_after
        self._streaming = not _isatty(sink)
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def write(self, s: str) -> int:
        with self._lock:
            if self._streaming:
                self._sink.write(s)
                self._sink.flush()
                return len(s)
            if self._timer is None and self._live_after is not None:
                self._timer = threading.Timer(self._live_after, self._go_live)
                self._timer.daemon = True
                self._timer.start()
            return super().write(s)

    def _go_live(self) -> None:
        with self._lock:
            if not self._streaming:
                self._streaming = True
                self._sink.write(self.getvalue())
                self._sink.flush()

    def isatty(self) -> bool:
        return _isatty(self._sink)

    def finish(self) -> None:
        """The command is done: show what was held back, paged when it is too long."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            if self._streaming:
                return
            self._streaming = True
            text = self.getvalue()
        if text and too_long(text, shutil.get_terminal_size()):
            page(text, self._sink)
        else:
            self._sink.write(text)
            self._sink.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
