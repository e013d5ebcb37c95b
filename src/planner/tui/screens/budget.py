"""The budget: each partner's share of the grant against the request, the cap and the funding rate."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from planner import editing
from planner.budget import budget
from planner.scoring import evaluate
from planner.tui.document import refusal
from planner.tui.fields import parse_amount
from planner.tui.screens import DIALOG_CSS
from planner.tui.screens.dialogs import FieldError
from planner.tui.screens.editor import PlanEditor
from planner.tui.text import literal, plain
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.partners import ROLE_SHORT


def eur(amount: int | None) -> str:
    return "-" if amount is None else f"EUR {amount:,}"


class ShareForm(ModalScreen[int | None | bool]):
    """Dismisses with the new share, None to clear it, or False when cancelled.

    A share that the plan cannot hold (negative, not a number, refused by `check`, which runs the
    loader's validation) is not dismissed: the form says why, and the plan keeps the old share.
    """
    CSS_PATH = DIALOG_CSS

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="share.cancel")]

    def __init__(self, label: str, share: int | None,
                 check: Callable[[int | None], str | None] | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.label = label
        self.share = share
        self.check = check

    def compose(self):
        with Vertical(classes="dialog"):
            yield Label(literal(f"Share of the grant for {self.label} (EUR, empty for none)"), classes="question")
            # no type="integer": its filter dropped what it did not allow, so '240k' became EUR 240 without
            # a word; the text goes to the planner's one reading of amounts, which says what it read
            yield Input("" if self.share is None else str(self.share), id="share", compact=True)
            yield Static("", id="share-reading", classes="hint")
            yield FieldError(id="share-error")
            yield Static("enter saves · escape cancels", classes="hint")
        yield PlannerFooter()

    def on_input_changed(self, event: Input.Changed) -> None:
        """What the typed text reads as ('→ EUR 240,000'), so that '240k' is seen to be 240,000."""
        event.stop()
        text = event.value.strip()
        amount = parse_amount(text) if text else None
        reading = "→ no share" if amount is None else f"→ {eur(amount)}" if isinstance(amount, int) else ""
        if text == ("" if self.share is None else str(self.share)):
            reading = ""
        self.query_one("#share-reading", Static).update(reading)
        self.query_one("#share-error", FieldError).say("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        amount = parse_amount(text) if text else None
        problem = amount if isinstance(amount, str) else self.check(amount) if self.check else None
        if problem:
            kept = eur(self.share) if self.share is not None else "no share"
            shown = f"{text!r} {problem}" if isinstance(amount, str) else f"not taken, {problem}"
            self.query_one("#share-error", FieldError).say(f"{shown}; the plan keeps {kept}")
            return
        self.dismiss(amount)

    def action_cancel(self) -> None:
        self.dismiss(False)


class BudgetScreen(PlanEditor):
    BINDINGS = [Binding("escape,b", "close", "Close", id="budget.close")]

    def compose(self):
        with Vertical(classes="dialog budget"):
            yield Static("Budget: partner shares of the lump sum (enter edits a share)", classes="question")
            yield Static(id="budget-summary")
            yield DataTable(id="shares", cursor_type="row", zebra_stripes=True)
        yield PlannerFooter()

    def on_mount(self) -> None:
        self.show()
        self.query_one("#shares").focus()

    def plan_changed(self) -> None:
        self.show()

    def show(self) -> None:
        board = evaluate(self.plan, self.rules)
        b = budget(self.plan, self.rules, board.lot, board.duration_months)
        text = Text()
        text.append(f"Requested {eur(b.requested)} · cap for Lot {board.lot}, {b.months} months {eur(b.cap)}")
        if b.under_cap is not None:
            text.append(f" · {eur(abs(b.under_cap))} {'left under' if b.under_cap >= 0 else 'OVER'} the cap",
                        style="" if b.under_cap >= 0 else "bold red")
        text.append(f"\nShares add up to {eur(b.shares_total)}")
        if b.unassigned:
            text.append(f" · {eur(abs(b.unassigned))} {'unassigned' if b.unassigned > 0 else 'over the request'}",
                        style="bold yellow")
        if b.implied_total_budget is not None:
            text.append(f"\nAt the {b.funding_rate_percent}% funding rate this implies an estimated total budget "
                        f"of {eur(b.implied_total_budget)}")
        grant = board.get("grant")
        if grant is not None and grant.status in ("warn", "fail"):
            text.append(plain(f"\n{'!' if grant.status == 'warn' else '✗'} {grant.message}", keep_newlines=True),
                        style="bold yellow")
        self.query_one("#budget-summary", Static).update(text)
        table = self.query_one("#shares", DataTable)
        row = table.cursor_row
        # the columns are made again with the rows: a DataTable cleared of its rows only keeps the old
        # widths, and a share that grew (EUR 1,020,000) was cut to EUR 1,020,0
        table.clear(columns=True)
        rows = []
        for s in b.shares:
            missing = s.full_partner and not s.grant_eur
            share = Text(eur(s.grant_eur) + ("  ! none" if missing else ""), style="bold yellow" if missing else "",
                         justify="right")
            percent = Text("" if s.percent is None else f"{s.percent:.1f}%", justify="right")
            rows.append((literal(s.label), literal(ROLE_SHORT.get(s.role, s.role)), share, percent))
        # widths measured here (every amount whole), not left to the table's auto width
        for i, label in enumerate(("Partner", "Role", "Share", "% of request")):
            table.add_column(label, width=max([len(label)] + [cells[i].cell_len for cells in rows]))
        for s, cells in zip(b.shares, rows):
            table.add_row(*cells, key=str(s.index))
        if b.shares:
            table.move_cursor(row=min(max(row, 0), len(b.shares) - 1))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = event.cursor_row
        if not 0 <= index < len(self.plan.partners):
            return
        partner = self.plan.partners[index]

        def chosen(amount: int | None | bool) -> None:
            if amount is not False:
                self.edit(editing.set_share(self.plan, index, amount))

        def check(amount: int | None) -> str | None:
            return "; ".join(refusal(editing.set_share(self.plan, index, amount), self.rules, self.plan)[1]) or None

        self.app.push_screen(ShareForm(partner.label, partner.grant_eur, check), chosen)
