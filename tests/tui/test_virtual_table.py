"""VirtualTable: keyed rows, the sorted index under updates, cursor and scroll kept, keys and mouse."""

from __future__ import annotations

import random
from typing import Any

from textual.app import App, ComposeResult

from shell.tui.widgets.virtual_table import Column, VirtualTable
from tests.tui.conftest import async_test

COLUMNS = [Column("id", "ID", width=6), Column("status", "Status"), Column("prio", "Prio", width=5)]


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS)

    def on_virtual_table_highlighted(self, message: VirtualTable.Highlighted) -> None:
        self.events.append(("highlighted", message.key))

    def on_virtual_table_selected(self, message: VirtualTable.Selected) -> None:
        self.events.append(("selected", message.key))


def rows(n: int, seed: int = 1) -> list[tuple[int, dict[str, Any]]]:
    rng = random.Random(seed)
    return [(i, {"id": i, "status": rng.choice("abcde"), "prio": rng.randrange(-3, 4)}) for i in range(n)]


def expected_order(table: VirtualTable) -> list[Any]:
    """The order a full sort gives, to check the incrementally kept index against."""
    column, reverse = table.sort_column, table.sort_reverse
    keys = [k for k, r in table.rows.items() if table._passes(r)]
    if column is None:
        return sorted(keys, reverse=reverse)
    ordered = sorted(keys, key=lambda k: (table.rows[k][column] is None, table.rows[k][column], k))
    return ordered[::-1] if reverse else ordered


@async_test
async def test_incremental_updates_keep_the_same_order_as_a_full_sort() -> None:
    app = Host()
    async with app.run_test(size=(60, 20)):
        table = app.query_one(VirtualTable)
        table.set_rows(rows(500))
        rng = random.Random(5)
        for sort, reverse in ((None, False), ("status", False), ("prio", True)):
            table.sort_by(sort, reverse)
            for _ in range(300):  # single changes take the binary-search path
                key = rng.randrange(600)
                if rng.random() < 0.2:
                    table.remove(key)
                else:
                    table.upsert(key, {"id": key, "status": rng.choice("abcde"), "prio": rng.randrange(-3, 4)})
            assert table.ordered_keys() == expected_order(table)
            burst = [(k, {"id": k, "status": rng.choice("xy"), "prio": 0}) for k in range(0, 600, 2)]
            table.apply(burst, removals=[1, 3, 5])  # a large burst re-sorts once
            assert table.ordered_keys() == expected_order(table)
            assert table.row_count == len(table.rows)


@async_test
async def test_cursor_stays_on_its_row_and_screen_line_when_rows_arrive_above() -> None:
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows((k, r) for k, r in rows(1000) if k >= 100)
        table.focus()
        assert table.move_cursor(500)
        await pilot.pause()
        line = table.cursor_row - int(table.scroll_y)
        table.apply([(k, {"id": k, "status": "a", "prio": 0}) for k in range(50, 100)])
        await pilot.pause()
        assert table.cursor_key == 500
        assert table.cursor_row - int(table.scroll_y) == line


@async_test
async def test_removing_the_cursor_row_moves_the_cursor_to_its_neighbour() -> None:
    app = Host()
    async with app.run_test(size=(60, 20)):
        table = app.query_one(VirtualTable)
        table.set_rows(rows(10))
        table.move_cursor(4)
        table.remove(4)
        assert table.cursor_key == 5
        table.set_filter(lambda r: r["id"] < 3)
        assert table.ordered_keys() == [0, 1, 2] and table.cursor_key == 2
        table.set_filter(None)
        assert table.row_count == 9 and table.cursor_key == 2


@async_test
async def test_keys_move_the_cursor_and_enter_selects() -> None:
    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows(rows(100))
        table.focus()
        await pilot.press("down", "down")
        assert table.cursor_key == 2
        await pilot.press("pagedown")
        assert table.cursor_key == 2 + table.page_height
        await pilot.press("end")
        assert table.cursor_key == 99 and int(table.scroll_y) > 0
        await pilot.press("home", "enter")
        await pilot.pause()
        assert table.cursor_key == 0 and int(table.scroll_y) == 0
        assert ("selected", 0) in app.events and ("highlighted", 99) in app.events


@async_test
async def test_clicking_a_header_sorts_and_clicking_again_reverses() -> None:
    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows(rows(30))
        await pilot.click(VirtualTable, offset=(8, 0))  # the Status header
        assert table.sort_column == "status" and not table.sort_reverse
        await pilot.click(VirtualTable, offset=(8, 0))
        assert table.sort_reverse
        assert table.ordered_keys() == expected_order(table)
        top = int(table.scroll_y)  # the sort kept the cursor's row on its screen line
        await pilot.click(VirtualTable, offset=(2, 3))  # the third line under the header
        assert table.cursor_key == table.key_at(top + 2)


@async_test
async def test_only_the_visible_lines_are_rendered_with_the_sort_arrow_in_the_header() -> None:
    app = Host()
    async with app.run_test(size=(40, 6)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows(rows(100_000))
        table.sort_by("prio", reverse=True)
        await pilot.pause()
        rendered: list[int] = []
        original = Column.cell

        def counting(self: Column, row: Any) -> Any:
            rendered.append(row["id"])
            return original(self, row)

        Column.cell = counting  # type: ignore[method-assign]
        try:
            table.clear_cache()
            lines = [table.render_line(y).text for y in range(table.size.height)]
        finally:
            Column.cell = original  # type: ignore[method-assign]
        assert "Prio ▼" in lines[0]
        assert len(set(rendered)) <= table.size.height - 1
        top = int(table.scroll_y)
        shown = [int(line.split()[0]) for line in lines[1:]]
        assert shown == table.ordered_keys(top, top + len(shown))
