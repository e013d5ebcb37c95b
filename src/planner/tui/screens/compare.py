"""The what-if comparison: the plan against every lot and duration of its call, side by side."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from planner.model import Plan
from planner.report import STATUS_WORDS, cell_reason, column_title
from planner.rules import CallRules
from planner.scoring import CRITERIA_ORDER, compare
from planner.tui.text import literal, plain
from planner.tui.widgets.footer import PlannerFooter

STYLES = {"pass": "green", "fail": "bold red", "warn": "yellow", "info": ""}
class CompareScreen(ModalScreen[tuple[int, int] | None]):
    """Dismisses with (lot, months) of the column to apply, or None."""

    BINDINGS = [
        Binding("escape,c", "close", "Close", id="compare.close"),
        Binding("enter", "apply", "Apply column", id="compare.apply", priority=True),
        Binding("1", "apply_number(0)", "Apply 1", show=False),
        Binding("2", "apply_number(1)", "Apply 2", show=False),
        Binding("3", "apply_number(2)", "Apply 3", show=False),
        Binding("4", "apply_number(3)", "Apply 4", show=False),
    ]

    def __init__(self, plan: Plan, rules: CallRules) -> None:
        super().__init__(classes="dialog-screen")
        self.plan = plan
        self.rules = rules
        self.boards = compare(plan, rules)

    def compose(self):
        with Vertical(classes="dialog compare"):
            yield Static(f"What if: the same partnership against every lot and duration of call {self.rules.id}",
                         classes="question")
            yield DataTable(id="comparison", cursor_type="column", zebra_stripes=True, fixed_columns=1)
            yield Static("* title: the plan now; cell: provisional · ≠ rules that differ · ←/→ and enter, "
                         f"or 1-{len(self.boards)}: apply a column to the plan · escape closes", classes="hint")
        yield PlannerFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Criterion", key="criterion")
        for i, board in enumerate(self.boards):
            current = "*" if (board.lot, board.duration_months) == self._current() else ""
            table.add_column(literal(f"{column_title(board)}{current}"), key=str(i))
        labels = {c.id: c.label for b in self.boards for c in b.criteria}
        for cid in CRITERIA_ORDER:
            if cid not in labels:
                continue
            cells = [b.get(cid) for b in self.boards]
            differs = len({c.status if c else None for c in cells}) > 1
            row: list[Text | str] = [Text(plain(("≠ " if differs else "  ") + labels[cid]),
                                          style="bold" if differs else "")]
            for c, board in zip(cells, self.boards):
                detail = c.count if c is not None and c.status in ("pass", "info") else (
                    cell_reason(c, board, self.plan, self.rules) if c is not None else "")
                # * : the figure is provisional (secondary sources only)
                row.append("-" if c is None else
                           Text(plain(" ".join(p for p in (STATUS_WORDS[c.status], detail, "*" * c.provisional) if p)),
                                style=STYLES[c.status]))
            table.add_row(*row, key=cid)
        # the verdict names the failing rules, one a line (a long line would push the other columns away)
        table.add_row(Text("  Verdict", style="bold"), *(
            Text("✓ ELIGIBLE", style="bold green") if b.eligible
            else Text("\n".join([f"✗ NOT ELIGIBLE ({len(b.failures)})", *(f"  {c.label.lower()}" for c in b.failures)]),
                      style="bold red")
            for b in self.boards), key="verdict", height=None)
        current = next((i for i, b in enumerate(self.boards) if (b.lot, b.duration_months) == self._current()), 0)
        table.move_cursor(column=current + 1)
        table.focus()

    def _current(self) -> tuple[int, int | None]:
        board = next((b for b in self.boards if b.lot == self.plan.lot), None)
        months = self.plan.duration_months or (board.duration_months if board else None)
        return self.plan.lot, months

    def action_apply(self) -> None:
        column = self.query_one(DataTable).cursor_column - 1
        self.action_apply_number(max(column, 0))

    def action_apply_number(self, index: int) -> None:
        if 0 <= index < len(self.boards):
            board = self.boards[index]
            self.dismiss((board.lot, board.duration_months))

    def action_close(self) -> None:
        self.dismiss(None)
