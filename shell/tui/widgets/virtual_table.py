"""A virtualised table for live views of hundreds of thousands of rows.

Only the lines on screen are rendered (Textual's Line API): the table keeps its
rows in a dict keyed by id and their order in a sorted index of
``(sort value, key)`` entries, so an update moves one entry with a binary
search instead of rebuilding the table, and a large burst re-sorts once. The
cursor follows its row's key and the view keeps its place on updates: when the
cursor is on screen it stays on the same screen line, otherwise the top row
does.

Keys: arrows, page up/down, home/end move the cursor; Enter selects; a click
on a row moves the cursor (a double click selects), a click on a header sorts
by that column (again: reverses).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

Key = Hashable
Row = Mapping[str, Any]
Cell = str | Text
SAMPLE_ROWS = 200  # rows measured for an automatic column width
MAX_AUTO_WIDTH = 60
BULK_FRACTION = 16  # a burst touching more than 1/16 of the rows re-sorts the index once
STRIP_CACHE = 1024  # rendered rows kept (a few screens' worth)


@lru_cache(maxsize=256)
def _parse_style(style: str | Style) -> Style:
    return style if isinstance(style, Style) else Style.parse(style)


@dataclass(frozen=True)
class _Frame:
    """What every line of one frame shares."""

    width: int
    widths: list[int]
    base: Style
    header: Style
    cursor: Style
    empty: Style


@dataclass(frozen=True)
class Column:
    """One column: the row field ``key``, its header, a fixed width (else measured) and a renderer."""

    key: str
    label: str
    width: int | None = None
    render: Callable[[Any, Row], Cell] | None = None
    sort_key: Callable[[Any], Any] | None = None

    def cell(self, row: Row) -> Cell:
        value = row.get(self.key)
        if self.render is not None:
            return self.render(value, row)
        return "" if value is None else str(value)


class VirtualTable(ScrollView, can_focus=True):
    """A keyed, sorted, filtered table that renders only its visible lines."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--empty",
    }
    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        background: $surface;
    }
    VirtualTable > .virtual-table--header {
        text-style: bold;
        background: $panel;
        color: $text;
    }
    VirtualTable > .virtual-table--cursor {
        background: $block-cursor-blurred-background;
    }
    VirtualTable:focus > .virtual-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    VirtualTable > .virtual-table--empty {
        color: $text-muted;
    }
    """

    class Highlighted(Message):
        """The cursor moved to the row ``key``."""

        def __init__(self, table: VirtualTable, key: Key | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable:
            return self.table

    class Selected(Message):
        """Enter (or a double click) on the row ``key``."""

        def __init__(self, table: VirtualTable, key: Key) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(self, columns: list[Column], *, empty_text: str = "(no rows)",
                 name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self.empty_text = empty_text
        self._by_key = {c.key: c for c in self.columns}
        self._widths = [c.width or cell_len(c.label) + 2 for c in self.columns]
        self._rows: dict[Key, Row] = {}
        self._entries: dict[Key, tuple[Any, ...]] = {}  # keys that pass the filter
        self._index: list[tuple[Any, ...]] = []  # their entries, ascending
        self._filter: Callable[[Row], bool] | None = None
        self._sort_column: str | None = None
        self._reverse = False
        self._cursor_key: Key | None = None
        self._frame: _Frame | None = None
        self._strips: dict[Key, tuple[Row, Style, list[int], Strip]] = {}

    # -- reading -----------------------------------------------------------------

    @property
    def rows(self) -> Mapping[Key, Row]:
        """Every row, shown or filtered out."""
        return self._rows

    @property
    def row_count(self) -> int:
        """Rows that pass the filter."""
        return len(self._index)

    @property
    def sort_column(self) -> str | None:
        return self._sort_column

    @property
    def sort_reverse(self) -> bool:
        return self._reverse

    @property
    def cursor_key(self) -> Key | None:
        return self._cursor_key

    @property
    def cursor_row(self) -> int:
        """Position of the cursor among the shown rows (0 when there are none)."""
        return self._position(self._cursor_key) if self._cursor_key in self._entries else 0

    def key_at(self, position: int) -> Key:
        index = len(self._index) - 1 - position if self._reverse else position
        return self._index[index][-1]

    def ordered_keys(self, start: int = 0, stop: int | None = None) -> list[Key]:
        """Shown keys in display order, from ``start`` to ``stop``."""
        stop = len(self._index) if stop is None else min(stop, len(self._index))
        return [self.key_at(p) for p in range(max(0, start), stop)]

    @property
    def page_height(self) -> int:
        """Rows that fit under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    # -- changing the rows -------------------------------------------------------

    def set_rows(self, rows: Iterable[tuple[Key, Row]]) -> None:
        """Replace every row (the cursor stays on its key when that key is still there)."""
        self._rows = dict(rows)
        self._measure(self._rows.values())
        self._rebuild()

    def upsert(self, key: Key, row: Row) -> None:
        self.apply([(key, row)], ())

    def remove(self, key: Key = None) -> Any:  # type: ignore[override]
        """Remove the row ``key``; without a key, remove the widget itself (Textual's meaning)."""
        if key is None:
            return super().remove()
        self.apply((), [key])
        return None

    def apply(self, upserts: Iterable[tuple[Key, Row]], removals: Iterable[Key] = ()) -> None:
        """Add or replace rows and remove others, keeping the cursor's row and the view's place."""
        upserts = list(upserts)
        removals = list(removals)
        if not upserts and not removals:
            return
        anchor = self._anchor()
        bulk = len(upserts) + len(removals) > max(64, len(self._index) // BULK_FRACTION)
        for key, row in upserts:
            self._rows[key] = row
            old = self._entries.get(key)
            new = self._entry(key, row) if self._passes(row) else None
            if old == new:
                continue
            if old is not None:
                del self._entries[key]
                if not bulk:
                    del self._index[bisect_left(self._index, old)]
            if new is not None:
                self._entries[key] = new
                if not bulk:
                    insort(self._index, new)
        for key in removals:
            self._rows.pop(key, None)
            old = self._entries.pop(key, None)
            if old is not None and not bulk:
                del self._index[bisect_left(self._index, old)]
        if bulk:
            self._index = sorted(self._entries.values())
        self._measure(row for _, row in upserts[:SAMPLE_ROWS])
        self._restore(anchor)

    def sort_by(self, column_key: str | None, reverse: bool = False) -> None:
        """Sort by a column (``None``: by key); the cursor stays on its row."""
        if column_key is not None and column_key not in self._by_key:
            raise ValueError(f"no column '{column_key}'")
        self._sort_column, self._reverse = column_key, reverse
        self._rebuild()

    def set_filter(self, predicate: Callable[[Row], bool] | None) -> None:
        """Show only rows for which ``predicate`` is true (``None``: all rows)."""
        self._filter = predicate
        self._rebuild()

    def move_cursor(self, key: Key, scroll: bool = True) -> bool:
        """Put the cursor on ``key``; False when that row is not shown."""
        if key not in self._entries:
            return False
        self._set_cursor(key)
        if scroll:
            self._scroll_to_cursor()
        return True

    # -- internals ---------------------------------------------------------------

    def _passes(self, row: Row) -> bool:
        if self._filter is None:
            return True
        try:
            return bool(self._filter(row))
        except Exception:  # a predicate that cannot judge a row hides it
            return False

    def _entry(self, key: Key, row: Row) -> tuple[Any, ...]:
        if self._sort_column is None:
            return (key,)
        value = row.get(self._sort_column)
        column = self._by_key[self._sort_column]
        if column.sort_key is not None and value is not None:
            value = column.sort_key(value)
        return (value is None, value, key)

    def _position(self, key: Key | None) -> int:
        index = bisect_left(self._index, self._entries[key])
        return len(self._index) - 1 - index if self._reverse else index

    def _rebuild(self) -> None:
        anchor = self._anchor()
        self._entries = {k: self._entry(k, r) for k, r in self._rows.items() if self._passes(r)}
        self._index = sorted(self._entries.values())
        self._restore(anchor)

    def _anchor(self) -> tuple[Key | None, int, int]:
        """What keeps its screen line across a change: the cursor row if shown, else the top row."""
        if not self._index:
            return None, 0, 0
        top = int(self.scroll_y)
        cursor = self.cursor_row
        if self._cursor_key in self._entries and top <= cursor < top + self.page_height:
            return self._cursor_key, cursor - top, cursor
        top = min(top, len(self._index) - 1)
        return self.key_at(top), 0, cursor

    def _restore(self, anchor: tuple[Key | None, int, int]) -> None:
        key, offset, old_cursor = anchor
        self.virtual_size = Size(self._total_width(), len(self._index) + 1)
        if not self._index:
            self._set_cursor(None)
            self.refresh()
            return
        if self._cursor_key not in self._entries:
            self._set_cursor(self.key_at(min(old_cursor, len(self._index) - 1)))
        if key is not None and key in self._entries:
            top = self._position(key) - offset
        elif key is not None:
            top = self.cursor_row - offset
        else:
            top = int(self.scroll_y)
        max_top = max(0, len(self._index) + 1 - self.scrollable_content_region.height)
        self.set_scroll(None, max(0, min(top, max_top)))
        self.refresh()

    def _set_cursor(self, key: Key | None) -> None:
        if key != self._cursor_key:
            self._cursor_key = key
            self.post_message(self.Highlighted(self, key))
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        position = self.cursor_row
        top = int(self.scroll_y)
        if position < top:
            self.scroll_to(y=position, animate=False, immediate=True)
        elif position >= top + self.page_height:
            self.scroll_to(y=position - self.page_height + 1, animate=False, immediate=True)

    def _measure(self, rows: Iterable[Row]) -> None:
        """Grow automatic column widths to fit a sample of rows."""
        sample = [r for _, r in zip(range(SAMPLE_ROWS), rows, strict=False)]
        for i, column in enumerate(self.columns):
            if column.width is not None:
                continue
            for row in sample:
                cell = column.cell(row)
                width = min(MAX_AUTO_WIDTH, cell_len(cell.plain if isinstance(cell, Text) else cell))
                if width > self._widths[i]:
                    self._widths[i] = width

    def _total_width(self) -> int:
        return sum(self._widths) + len(self._widths) - 1

    def _widths_for(self, width: int) -> list[int]:
        widths = list(self._widths)
        spare = width - self._total_width()
        if spare > 0 and widths:
            widths[-1] += spare
        return widths

    # -- rendering -----------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame = None  # styles and widths are worked out once per frame
        return super().render_lines(crop)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._frame = None
        self._strips.clear()

    def clear_cache(self) -> None:
        """Forget the rendered rows: for cells that change with time (an age), not with the row."""
        self._strips.clear()
        self.refresh()

    def _frame_context(self) -> _Frame:
        if self._frame is None:
            width = self.scrollable_content_region.width
            base = self.rich_style
            self._frame = _Frame(
                width, self._widths_for(width), base,
                base + self.get_component_rich_style("virtual-table--header"),
                base + self.get_component_rich_style("virtual-table--cursor"),
                base + self.get_component_rich_style("virtual-table--empty"),
            )
        return self._frame

    def render_line(self, y: int) -> Strip:
        frame = self._frame_context()
        scroll_x = int(self.scroll_x)
        if y == 0:
            style = frame.header
            segments = self._segments(self._header_cells(), frame.widths, style)
        else:
            position = int(self.scroll_y) + y - 1
            if position >= len(self._index):
                if not self._index and y == 1:
                    style = frame.empty
                    segments = [Segment(self.empty_text, style)]
                else:
                    return Strip.blank(frame.width, frame.base)
            else:
                key = self.key_at(position)
                row = self._rows[key]
                style = frame.cursor if key == self._cursor_key else frame.base
                strip = self._row_strip(key, row, frame, style)
                return strip.crop_extend(scroll_x, scroll_x + frame.width, style)
        return Strip(segments).crop_extend(scroll_x, scroll_x + frame.width, style)  # header, empty

    def _row_strip(self, key: Key, row: Row, frame: _Frame, style: Style) -> Strip:
        """The row's full-width line, cached until the row object, widths or styles change."""
        cached = self._strips.get(key)
        if cached is not None and cached[0] is row and cached[1] == style and cached[2] == frame.widths:
            return cached[3]
        on_cursor = style is frame.cursor
        strip = Strip(self._segments([c.cell(row) for c in self.columns], frame.widths, style, on_cursor),
                      sum(frame.widths) + len(frame.widths) - 1)
        if len(self._strips) > STRIP_CACHE:
            self._strips.clear()
        self._strips[key] = (row, style, frame.widths, strip)
        return strip

    def _header_cells(self) -> list[Cell]:
        cells: list[Cell] = []
        for column in self.columns:
            label = column.label
            if column.key == self._sort_column:
                label += " ▼" if self._reverse else " ▲"
            cells.append(label)
        return cells

    def _segments(self, cells: list[Cell], widths: list[int], style: Style,
                  on_cursor: bool = False) -> list[Segment]:
        """One line of cells, each cut or padded to its column, separated by a space.

        A cell's own colour shows, except on the cursor row, whose style wins (readable)."""
        segments: list[Segment] = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            if i:
                segments.append(Segment(" ", style))
            if isinstance(cell, Text):
                text = cell
                if cell_len(text.plain) > width:
                    text = text.copy()
                    text.truncate(width, overflow="ellipsis")
                if not text.spans:
                    own = _parse_style(text.style) if text.style else None
                    cell_style = style if own is None else (own + style if on_cursor else style + own)
                    segments.append(Segment(text.plain, cell_style))
                else:
                    rendered = text.copy()
                    rendered.stylize_before(style)
                    segments.extend(rendered.render(self.app.console))
                used = cell_len(text.plain)
            else:
                if cell_len(cell) > width:
                    cell = set_cell_size(cell, width - 1) + "…" if width > 1 else cell[:width]
                segments.append(Segment(cell, style))
                used = cell_len(cell)
            if used < width:
                segments.append(Segment(" " * (width - used), style))
        return segments

    # -- keys and mouse ------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        if not self._index:
            return
        position = max(0, min(len(self._index) - 1, self.cursor_row + delta))
        self.move_cursor(self.key_at(position))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * self.page_height)

    def action_edge(self, end: int) -> None:
        if self._index:
            self.move_cursor(self.key_at(len(self._index) - 1 if end else 0))

    def action_select(self) -> None:
        if self._cursor_key is not None and self._cursor_key in self._entries:
            self.post_message(self.Selected(self, self._cursor_key))

    def _column_at(self, x: int) -> Column | None:
        left = 0
        for column, width in zip(self.columns, self._widths_for(self.size.width), strict=True):
            if left <= x < left + width + 1:
                return column
            left += width + 1
        return None

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = self._column_at(event.x + int(self.scroll_x))
            if column is not None:
                reverse = not self._reverse if column.key == self._sort_column else False
                self.sort_by(column.key, reverse)
            return
        position = int(self.scroll_y) + event.y - 1
        if 0 <= position < len(self._index):
            self.move_cursor(self.key_at(position))
            if event.chain >= 2:
                self.action_select()


__all__ = ["Column", "VirtualTable"]
