"""The partners pane: one row per participant, in the plan's order, with what does not count marked.

One line per partner, cut with … rather than wrapped: the Name column takes the spare width, PIC is
the first to give up its width. Kinds read in words (the rules' labels), an affiliated entity names
its beneficiary, and a partner without a short name gets one made of its name's first letters,
dimmed and in italics so that it is never taken for a real one. Only the rows of partners that
changed are redrawn: an edit in a plan of 1,000 partners touches one row.
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Static

from planner import export
from planner.editing import counting_note
from planner.model import Partner, Plan
from planner.rules import CallRules
from planner.tui.actions import ACTIONS, bound
from planner.tui.text import literal
from planner.tui.widgets.fit import Col, FittedTable, cell
from planner.tui.widgets.quiet import Line, set_border_subtitle

# short enough for one line; the help and docs/guide.md spell them out. A full partner from a third
# country not associated counts as a partner (full partners, its kind): only its country counts for no minimum
COUNTS_SHORT = {"": "✓", "excluded country": "✗ EXCLUDED", "associated partner": "✗ assoc.",
                "affiliated entity": "✗ affil.", "country not associated": "✓ not ctry",
                "third country not allowed": "✗ region"}
ROLE_SHORT = {"coordinator": "coordinator", "beneficiary": "beneficiary",
              "affiliated-entity": "affil.", "associated-partner": "associated"}


def derived_short_name(name: str) -> str:
    """A stand-in for a missing short name: the first letters of the name's capitalised words."""
    words = re.findall(r"\w+", name)
    capitals = [w for w in words if w[0].isupper()]
    letters = "".join(w[0] for w in (capitals if len(capitals) >= 2 else words))
    return (letters if len(letters) >= 2 else name)[:6].upper()


def kind_words(kind_id: str, rules: CallRules) -> str:
    """The kind as the rules name it, without the parenthesis: 'VET provider', not 'vet-provider'."""
    return export.kind_words(kind_id, rules).split(" (")[0]


def role_words(p: Partner) -> str:
    role = ROLE_SHORT.get(p.role, p.role)
    if p.role == "affiliated-entity":
        return f"{role} → {p.affiliated_to}" if p.affiliated_to else "affiliated"
    return role


class PartnersTable(FittedTable):
    """Enter edits the row under the cursor (via RowSelected); d or delete removes it."""

    BINDINGS: ClassVar[list[BindingType]] = [*bound(ACTIONS, "table")]
    COLUMNS = (Col("short", "Short"), Col("name", "Name"), Col("country", "Ctry"), Col("kind", "Kind"),
               Col("role", "Role"), Col("counts", "Counts"), Col("pic", "PIC"))
    FLEX = "name"
    SHRINK = (("kind", 16), ("name", 30), ("pic", 0), ("role", 12), ("kind", 10), ("name", 16),
              ("role", 8), ("counts", 3), ("kind", 4), ("name", 8))

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.zebra_stripes = True
        self._shown: tuple[Partner, ...] = ()
        self._rules: CallRules | None = None
        self._widths: list[dict[str, int]] = []

    def row(self, p: Partner, rules: CallRules) -> dict[str, Text]:
        short = literal(p.short_name) if p.short_name else literal(derived_short_name(p.name), "dim italic")
        note = counting_note(p, rules)
        return {"short": cell(short), "name": cell(literal(p.name)), "country": cell(literal(p.country)),
                "kind": cell(Text(kind_words(p.kind, rules))), "role": cell(literal(role_words(p))),
                "counts": cell(Text(COUNTS_SHORT.get(note, f"✗ {note}"))), "pic": cell(literal(p.pic or ""))}

    def show(self, plan: Plan, rules: CallRules) -> None:
        """Update the rows whose partner changed (compared by identity first: edits keep the others'
        objects), and re-fit the columns only when a column's widest cell changed."""
        partners = plan.partners
        if partners is self._shown and rules is self._rules:
            return
        if rules is self._rules and len(partners) == len(self._shown) and self.row_count == len(partners):
            changed = False
            for i, (old, new) in enumerate(zip(self._shown, partners)):
                if old is not new and old != new:
                    cells = self.row(new, rules)
                    self.update_row(str(i), cells)
                    self._widths[i] = {key: cell_len(value.plain) for key, value in cells.items()}
                    changed = True
            self._shown = partners
            if changed:
                self._set_natural()
            return  # the same rows: the columns fit as they did
        n = len(self._shown)
        if rules is self._rules and n < len(partners) and self.row_count == n and \
                all(a is b for a, b in zip(self._shown, partners)):
            added = [self.row(p, rules) for p in partners[n:]]  # added at the end: only the new rows
            for i, cells in enumerate(added, start=n):
                self.add_row(*cells.values(), key=str(i))
            self._widths.extend({key: cell_len(value.plain) for key, value in r.items()} for r in added)
            self._set_natural()
        else:
            row = self.cursor_row
            rows = [self.row(p, rules) for p in partners]
            self.clear()
            self.add_rows([list(r.values()) for r in rows])
            self._widths = [{key: cell_len(value.plain) for key, value in r.items()} for r in rows]
            if partners:
                self.move_cursor(row=min(max(row, 0), len(partners) - 1))
            self._set_natural()
        self._shown, self._rules = partners, rules
        self.fit_columns()

    def _set_natural(self) -> None:
        self.set_natural({c.key: max((w[c.key] for w in self._widths), default=0) for c in self.COLUMNS})

    def add_rows(self, rows):  # keys are the row numbers, as edit_partner() and remove expect
        return [self.add_row(*r, key=str(i)) for i, r in enumerate(rows)]


class PartnersPane(Vertical):
    """The table, with a line under it when the plan has no partner yet."""

    def compose(self):
        yield PartnersTable(id="partners")
        yield Line(id="partners-empty", classes="hint")

    def show(self, plan: Plan, rules: CallRules, add_key: str = "a", import_key: str = "i") -> None:
        self.query_one(PartnersTable).show(plan, rules)
        empty = self.query_one("#partners-empty", Static)
        empty.display = not plan.partners
        if not plan.partners:
            empty.update(f"No partners yet: press {add_key} to add one, or {import_key} to import them "
                         "from a CSV file or a spreadsheet.")
        n = len(plan.partners)
        set_border_subtitle(self, f"{n} participant{'s' if n != 1 else ''}")
