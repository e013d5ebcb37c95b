"""The import preview: every row of a CSV file, added or rejected with the reason, before anything changes."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from planner.importing import ImportPreview
from planner.tui.screens.dialogs import ClosingOnce
from planner.tui.text import literal
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.partners import kind_words, role_words


class ImportScreen(ClosingOnce, ModalScreen[bool]):
    """Dismisses True to add the accepted rows, False to change nothing."""

    BINDINGS = [
        # enter adds (the footer says so); priority: the table would take enter for its own row
        Binding("enter", "add", "Add", id="import.add", priority=True),
        Binding("escape", "cancel", "Cancel", id="import.cancel"),
    ]

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(classes="dialog-screen")
        self.preview = preview

    def compose(self):
        p = self.preview
        with Vertical(classes="dialog import"):
            # the file name, the CSV's headers and cells are the sender's text: literal, never markup
            yield Static(literal(f"Import {p.source}: {len(p.accepted)} to add, {len(p.rejected)} rejected. "
                                 "Nothing changes until you choose."), classes="question", id="import-summary")
            yield Static(literal("Columns: " + ", ".join(f"{h} → {k}" for k, h in p.columns.items())
                                 + (f". Ignored: {', '.join(p.ignored_columns)}" if p.ignored_columns else "")),
                         classes="hint", id="import-columns")
            for hint in p.hints:  # the allowed kinds or roles, once, when a row was rejected for one
                yield Static(literal(hint), classes="hint")
            yield DataTable(id="import-rows", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="buttons"):
                yield Button(f"Add {len(p.accepted)} partner{'s' if len(p.accepted) != 1 else ''} (enter)", id="add",
                             variant="primary", compact=True, disabled=not p.accepted)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield PlannerFooter()


    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Line", "Result", "Partner or reason")
        for row in self.preview.rows:
            if row.partner is None:
                table.add_row(str(row.line), Text("✗ REJECT", style="bold red"), literal("; ".join(row.problems)))
            else:
                p, rules = row.partner, self.app.document.rules  # type: ignore[attr-defined]
                table.add_row(str(row.line), Text("✓ add", style="green"),
                              literal(f"{p.label} ({p.country}, {kind_words(p.kind, rules)}, {role_words(p)})"))
        table.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "add")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add" and not self.preview.accepted:
            return False  # nothing to add: enter is not offered
        return True

    def action_add(self) -> None:
        if self.preview.accepted:
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
