"""The partners pane: one row per participant, in the plan's order, with what does not count marked."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable

from planner.editing import counting_note
from planner.model import Plan
from planner.rules import CallRules
from planner.tui.text import literal

COLUMNS = ("Short", "Ctry", "Kind", "Role", "Counts", "PIC", "Name")
# short enough for the pane at 160 columns; the help and README spell them out
COUNTS_SHORT = {"": "✓", "excluded country": "✗ EXCLUDED", "associated partner": "✗ assoc.",
                "affiliated entity": "✗ affil.", "country not associated": "✗ country"}
ROLE_SHORT = {"coordinator": "coordinator", "beneficiary": "beneficiary",
              "affiliated-entity": "affiliated", "associated-partner": "associated"}


class PartnersTable(DataTable):
    """Enter edits the row under the cursor (via RowSelected); d or delete removes it."""

    BINDINGS = [
        Binding("d,delete", "app.remove_partner", "Remove", id="planner.remove_partner"),
    ]

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns(*COLUMNS)

    def show(self, plan: Plan, rules: CallRules) -> None:
        row = self.cursor_row
        self.clear()
        for i, p in enumerate(plan.partners):
            note = counting_note(p, rules)
            # literal Text cells: a DataTable reads a str cell as markup ("ACME [de] GmbH", "[@click=...]")
            self.add_row(*map(literal, (
                p.short_name or "", p.country, p.kind, ROLE_SHORT.get(p.role, p.role),
                COUNTS_SHORT.get(note, f"✗ {note}"), p.pic or "", p.name)), key=str(i),
            )
        if plan.partners:
            self.move_cursor(row=min(max(row, 0), len(plan.partners) - 1))
        self.border_subtitle = f"{len(plan.partners)} participants"
