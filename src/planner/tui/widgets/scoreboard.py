"""The scoreboard pane: every criterion of the chosen lot, redrawn from a Scoreboard on each edit."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from planner.scoring import Scoreboard

# words first, so that the verdict survives 16 colours, NO_COLOR and a screen reader
MARKS = {"pass": ("✓ PASS", "status-pass"), "fail": ("✗ FAIL", "status-fail"),
         "warn": ("! WARN", "status-warn"), "info": ("i INFO", "status-info")}


class ScoreboardView(VerticalScroll, can_focus=True):
    """A scrollable table of criteria; focusable so that it scrolls from the keyboard."""

    COMPONENT_CLASSES = {"status-pass", "status-fail", "status-warn", "status-info"}

    def compose(self):
        yield Static(id="scoreboard-body")

    def show(self, board: Scoreboard) -> None:
        body = self.query_one("#scoreboard-body", Static)
        table = Table(box=None, expand=True, show_header=False, padding=(0, 1, 0, 0), show_edge=False)
        table.add_column("status", no_wrap=True, width=6)
        table.add_column("criterion", ratio=1)
        for c in board.criteria:
            word, component = MARKS[c.status]
            style = self.get_component_rich_style(component, partial=True)
            quiet = c.status in ("pass", "info")
            text = Text.assemble((c.label, "bold"), (f"  {c.count}" if c.count else "", "bold"), "\n",
                                 (c.message, "dim" if quiet else ""))
            table.add_row(Text(word, style=style), text)
        body.update(table)
        self.border_subtitle = "eligible" if board.eligible else f"{len(board.failures)} failing"
