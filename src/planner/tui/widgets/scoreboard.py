"""The scoreboard pane: one line per rule of the chosen lot, and the rule under the cursor in full.

Each line: the status word (glyph and colour on top), the label, N/M, the key of the screen that
edits the rule, and the shortest advice, cut with … rather than wrapped. The line under the table
gives the highlighted rule's whole message. Redrawn on every edit by updating the rows that
changed, in place (the row keys are positions).
"""

from __future__ import annotations

from dataclasses import replace

from rich.cells import cell_len
from rich.text import Text
from textual.containers import Vertical
from textual.widgets import DataTable

from planner.scoring import Criterion, Scoreboard
from planner.tui.text import literal
from planner.tui.widgets.cut import CutLines
from planner.tui.widgets.fit import Col, FittedTable, cell
from planner.tui.widgets.quiet import set_border_subtitle

# words first, so that the verdict survives 16 colours, NO_COLOR and a screen reader
MARKS = {"pass": ("✓ PASS", "status-pass"), "fail": ("✗ FAIL", "status-fail"),
         "warn": ("! WARN", "status-warn"), "info": ("i INFO", "status-info")}
# the screen that edits a rule, by the id of its key binding (the key itself may be remapped)
SCREEN_FOR_RULE = {"grant": "planner.budget", "budget": "planner.budget", "occupational-profiles": "planner.content",
                   "activities": "planner.content", "award": "planner.assessment"}
# enter on a rule goes where it is fixed: its screen, or the pane that edits it
ACTION_FOR_RULE = {"grant": "budget", "budget": "budget", "occupational-profiles": "content", "activities": "content",
                   "award": "assessment", "duration": "pane(1)", "ecosystem": "pane(1)", "deadline": "pane(1)"}


def partners_to_add(board: Scoreboard) -> str:
    """What the composition rules need as a whole, the same for each of them: '3 more partners:
    1 VET or HE provider, from 3 new countries' (one set of new partners closes them all at once).
    '' when they pass, or when the rules can close them with no partner."""
    if board.eligible:
        return ""  # nothing to close (and qualify not imported: see _closed_by_partners)
    tq = board.to_qualify
    if not tq.new_full_partners or not tq.steps:
        return ""
    # the partners alone: the other steps are the other failing rules, on their own lines
    return replace(tq, steps=tq.steps[:1], step_ids=tq.step_ids[:1]).summary()


def _closed_by_partners(criterion_id: str) -> bool:
    """A composition rule, one that new full partners close (qualify.COMPOSITION). qualify is
    imported when a rule fails, not with the scoreboard: an eligible plan starts without it (2 ms)."""
    from planner.qualify import COMPOSITION

    return criterion_id in COMPOSITION


def advice(c: Criterion) -> str:
    """The shortest useful text: what to do, without repeating the N/M column; the deadline's time left."""
    if c.count and c.message.startswith(f"{c.actual} of {c.required} ") and ": " in c.message:
        return c.message.split(": ", 1)[1]  # "10 of 12 full partners (...): add 2 more full partners"
    needed = f", at least {c.required} needed"
    if c.count and needed in c.message:
        return c.message.replace(needed, "", 1)  # "14 full partners (...)": N/M says what is needed
    if c.id == "deadline" and ": the call closed " in c.message:
        return c.message.rsplit(": ", 1)[1]  # the date is in the lot pane and the detail line
    return c.message


class RulesTable(FittedTable):
    COLUMNS = (Col("status", "Status"), Col("rule", "Rule"), Col("count", "N/M"), Col("key", "Key"),
               Col("advice", "What to do"))
    FLEX = "advice"
    SHRINK = (("advice", 30), ("rule", 22), ("key", 0), ("advice", 10), ("rule", 10), ("advice", 0))

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ids: list[str] = []


class ScoreboardView(Vertical):
    """The rules table (focusable: its cursor picks the rule shown in full) and the detail line."""

    COMPONENT_CLASSES = {"status-pass", "status-fail", "status-warn", "status-info"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.board: Scoreboard | None = None
        self.keys: dict[str, str] = {}
        self._partners = self._partners_shown = ""  # what the composition rules take as a whole

    def compose(self):
        yield RulesTable(id="rules")
        yield CutLines(4, id="rule-detail")  # max-height: 4 in planner.tcss

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _: self._restyle())

    def _restyle(self) -> None:
        if self.board is not None:
            board, self.board = self.board, None
            self.show(board, self.keys)  # the status colours come from the theme

    def show(self, board: Scoreboard, keys: dict[str, str] | None = None) -> None:
        """`keys`: binding id -> the key the user presses (for the Key column)."""
        old, self.board = self.board, board
        self.keys = keys or self.keys
        table = self.query_one(RulesTable)
        ids = [c.id for c in board.criteria]
        rebuild = ids != table.ids
        self._partners = partners_to_add(board)
        rows = [self._row(c) for c in board.criteria]
        olds = list(old.criteria) if old is not None else []
        # the same counts, another answer (another kind of partner needed): the composition rows anew
        answer_changed, self._partners_shown = self._partners != self._partners_shown, self._partners

        def changed(i: int) -> bool:
            return i >= len(olds) or olds[i] != board.criteria[i] or (
                answer_changed and _closed_by_partners(board.criteria[i].id))

        if rebuild:
            # another lot or call, other rules: the rows are updated in place (keys are positions),
            # the extra ones added or removed at the end; clearing the table would redraw it twice
            at = table.ids[table.cursor_row] if table.ids and table.cursor_row < len(table.ids) else None
            shown = table.row_count
            for i in range(shown - 1, len(ids) - 1, -1):
                table.remove_row(str(i))
            for i, row in enumerate(rows):
                if i >= shown:
                    table.add_row(*row.values(), key=str(i))
                elif changed(i):
                    table.update_row(str(i), row)
            table.ids = ids
            # the cursor stays on its rule; at first, on the first rule that fails (or warns)
            first = next((c.id for c in board.criteria if c.status == "fail"), None) or \
                next((c.id for c in board.criteria if c.status == "warn"), None)
            target = at if at in ids else first
            if target is not None:
                table.move_cursor(row=ids.index(target))
        else:
            for i, row in enumerate(rows):
                if changed(i):
                    table.update_row(str(i), row)
        table.set_natural({key: max(cell_len(r[key].plain) for r in rows) if rows else 0 for key in rows[0]}
                          if rows else {})
        table.fit_columns()
        table.settle()  # rows added or removed: one layout, in this frame
        self._detail()
        set_border_subtitle(self, "eligible" if board.eligible else f"{len(board.failures)} failing")

    def _row(self, c: Criterion) -> dict[str, Text]:
        word, component = MARKS[c.status]
        key = self.keys.get(SCREEN_FOR_RULE.get(c.id, ""), "")
        dim = "dim" if c.status in ("pass", "info") else ""
        return {"status": cell(Text(word, style=self.get_component_rich_style(component, partial=True))),
                "rule": cell(Text(c.label + (" *" if c.provisional else ""), style="bold")),
                "count": cell(Text(c.count)),
                "key": cell(Text(key.split(",")[0], style="bold")),
                "advice": cell(literal(self._advice(c), dim))}  # messages name partners: user text

    def _advice(self, c: Criterion) -> str:
        """A failing composition rule: what they all take, once for all of them (the first says it,
        the others point to it), not one count per rule that a coordinator would have to add up."""
        if c.status != "fail" or not _closed_by_partners(c.id) or not self._partners or self.board is None:
            return advice(c)
        first = next(x.id for x in self.board.criteria if x.status == "fail" and _closed_by_partners(x.id))
        n = self.board.to_qualify.new_full_partners
        return self._partners if c.id == first else f"closed by the same {n} new partner{'s' if n != 1 else ''} ↑"

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail()

    async def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.board is not None and 0 <= event.cursor_row < len(self.board.criteria):
            await self.run_action(f"screen.{ACTION_FOR_RULE.get(self.board.criteria[event.cursor_row].id, 'pane(0)')}")

    def _detail(self) -> None:
        table = self.query_one(RulesTable)
        if self.board is None or not table.ids:
            return
        c = self.board.criteria[min(max(table.cursor_row, 0), len(self.board.criteria) - 1)]
        key = self.keys.get(SCREEN_FOR_RULE.get(c.id, ""), "")
        text = Text.assemble((MARKS[c.status][0], self.get_component_rich_style(MARKS[c.status][1], partial=True)),
                             " ", (c.label, "bold"), f" {c.count}" if c.count else "", ": ")
        text.append_text(literal(c.message))
        if c.status == "fail" and _closed_by_partners(c.id) and self._partners:
            text.append("  What it takes: ", style="bold")
            text.append_text(literal(self.board.to_qualify.summary()))
        if c.provisional:
            # the figure behind this verdict rests on secondary sources only
            text.append("  * provisional figure: check the call document", style="bold")
        # the key stays in view when the message is cut: it is where the rest can be read and fixed
        tail = Text(f"  (enter{' or ' + key.split(',')[0] if key else ''}: edit)", style="dim")
        self.query_one("#rule-detail", CutLines).show(text, tail)  # unchanged: not laid out and drawn again
        # a detail of more lines takes them from the table: the table keeps its row in view (FittedTable)
