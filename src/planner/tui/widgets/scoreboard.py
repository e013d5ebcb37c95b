"""The scoreboard pane: every criterion of the chosen lot, redrawn from a Scoreboard on each edit."""

from __future__ import annotations

import textwrap

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from planner.scoring import Scoreboard
from planner.tui.text import plain

# words first, so that the verdict survives 16 colours, NO_COLOR and a screen reader
MARKS = {"pass": ("✓ PASS", "status-pass"), "fail": ("✗ FAIL", "status-fail"),
         "warn": ("! WARN", "status-warn"), "info": ("i INFO", "status-info")}
INDENT = " " * 7


class ScoreboardView(VerticalScroll, can_focus=True):
    """A scrollable list of criteria; focusable so that it scrolls from the keyboard."""

    COMPONENT_CLASSES = {"status-pass", "status-fail", "status-warn", "status-info"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.board: Scoreboard | None = None

    def compose(self):
        yield Static(id="scoreboard-body")

    def on_resize(self) -> None:
        if self.board is not None:
            self.show(self.board)  # the messages are wrapped to the pane's width

    def show(self, board: Scoreboard) -> None:
        # plain Text wrapped here rather than a Rich Table: measuring a table costs a tenth of a second
        self.board = board
        # the gutter is kept for the scrollbar (planner.tcss), so the width does not change with it
        width = self.scrollable_content_region.width - self.styles.scrollbar_size_vertical
        width = max(width, len(INDENT) + 20)
        text = Text()
        for c in board.criteria:
            word, component = MARKS[c.status]
            text.append(word, style=self.get_component_rich_style(component, partial=True))
            text.append(plain(f" {c.label}"), style="bold")
            if c.count:
                text.append(plain(f"  {c.count}"), style="bold")
            message = textwrap.fill(plain(c.message), width, initial_indent=INDENT, subsequent_indent=INDENT)
            text.append("\n" + message + "\n", style="dim" if c.status in ("pass", "info") else "")
        text.rstrip()
        self.query_one("#scoreboard-body", Static).update(text)
        self.border_subtitle = "eligible" if board.eligible else f"{len(board.failures)} failing"
