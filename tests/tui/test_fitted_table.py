"""FittedTable renders its plain cells itself (through DataTable a lot switch redrew the rules table in 15-30 ms).

It must give exactly what DataTable gives: the same segments, texts and styles (meta included, which
the mouse relies on), for every kind of cell the planner makes and at widths that cut them."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.app import App
from textual.widgets import DataTable

from planner.tui.app import PlannerApp, open_document
from planner.tui.widgets.fit import Col, FittedTable, cell
from planner.tui.widgets.scoreboard import RulesTable

from .helpers import ready

SAMPLE = Path(__file__).parents[2] / "samples" / "lot2-example.toml"


class Table(FittedTable):
    COLUMNS = (Col("a", "A"), Col("b", "B"), Col("c", "C"))
    FLEX = "c"
    SHRINK = (("c", 1),)


CELLS = [
    cell(Text("✓ PASS", style="green")),
    cell(Text("Rules of the call", style="bold")),
    cell(Text("")),
    cell(Text("", style="bold")),
    cell(Text("10 of 12 full partners: add 2 more")),
    cell(Text("Université de Liège"), "dim"),
    cell(Text("東京大学 Tokyo 東京大学")),  # wide characters, cut between them
    cell(Text("a 🇫🇮 flag and ☃")),
    Text.assemble(("OVER", "bold red"), " by ", ("EUR 3", "underline")),  # spans, no_wrap unset
    cell(Text("[b]not markup[/b]")),
    cell(Text("x")),
    cell(Text.assemble(("👩", "bold"), "\u200d💻 codes")),  # a style boundary inside a ZWJ cluster
    cell(Text.assemble("ab ", ("👨\u200d👩\u200d👧", "italic"), " family")),
]


class Host(App):
    def compose(self):
        yield Table(id="t")


@pytest.mark.asyncio
async def test_plain_cells_render_as_datatable_renders_them():
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(Table)
        for i, value in enumerate(CELLS):
            table.add_row(value, cell(Text(str(i))), value, key=str(i))
        await pilot.pause()
        base = table.rich_style
        compared = fast_paths = 0
        for row in range(len(CELLS)):
            for column in range(3):
                for width in (3, 4, 5, 7, 9, 12, 40):
                    for cursor, hover in ((False, False), (True, False), (False, True), (True, True)):
                        table._cell_render_cache.clear()
                        ours = table._render_cell(row, column, base, width, cursor, hover)
                        table._cell_render_cache.clear()
                        theirs = DataTable._render_cell(table, row, column, base, width, cursor, hover)
                        assert ours == theirs, (row, column, width, cursor, hover)
                        compared += 1
        # the fast path ran: a cell made by `cell` is not handed back to DataTable
        calls = []
        original = DataTable._render_cell
        DataTable._render_cell = lambda *a, **k: calls.append(a) or original(*a, **k)
        try:
            table._cell_render_cache.clear()
            table._render_cell(0, 0, base, 10)
            fast_paths = 1 if not calls else 0
            table._render_cell(-1, 0, base, 10)  # the header: DataTable's way
        finally:
            DataTable._render_cell = original
        assert compared == len(CELLS) * 3 * 7 * 4 and fast_paths == 1 and len(calls) == 1


@pytest.mark.asyncio
async def test_the_rules_table_draws_the_same_with_and_without_the_fast_path():
    """The whole table as the user sees it: the screen's text and colours, both ways."""
    app = PlannerApp(open_document(SAMPLE))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        table = app.query_one(RulesTable)
        region = table.region
        lines_ours = [table.render_line(y) for y in range(region.height)]
        fast = FittedTable._render_cell
        FittedTable._render_cell = DataTable._render_cell
        try:
            table._cell_render_cache.clear()
            table._line_cache.clear()
            table._styles_cache.clear()
            lines_theirs = [table.render_line(y) for y in range(region.height)]
        finally:
            FittedTable._render_cell = fast
        assert len(lines_ours) > 10
        assert [list(s) for s in lines_ours] == [list(s) for s in lines_theirs]
