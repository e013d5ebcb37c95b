"""The budget screen (`b`): partners by work packages, each cell a line's cost, against the lot's cap.

The grid (widgets/budget_grid.py) has a row per budget holder (full partners and affiliated
entities; associated partners hold none) and a column per work package, the months and the totals
on top; the bar under the title is the budget's EU contribution against the cap for the plan's lot
and duration, and what the consortium covers itself. `enter` edits the line under the cursor
(budget_forms.LineForm), `a`/`e`/`d` add, edit and remove work packages, `t` shows the timeline
(under the grid where the screen is tall enough), `s` the partner's hand-set share (ShareForm, the
shares of a plan without a budget). Every edit is one undo step through the app, which redraws the
scoreboard and calls `plan_changed`: the grid repaints only the rows whose cells changed.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from planner import editing
from planner.budget import ASSOCIATED, Estimate, budget, contribution_words, estimate
from planner.document import refusal
from planner.model import Plan
from planner.scoring import Scoreboard, evaluate, grant_in_full
from planner.tui.screens import DIALOG_CSS
from planner.tui.screens.dialogs import ClosingOnce, FieldError
from planner.tui.screens.editor import PlanEditor
from planner.tui.text import literal, plain
from planner.tui.widgets.budget_grid import (
    MONTHS_ROW,
    SHARE,
    TOTAL_ROW,
    WP_PREFIX,
    BudgetGrid,
    Timeline,
    cap_bar,
    grid_cells,
    month_cell,
    months_text,
    needs_lines,
)
from planner.tui.widgets.cut import CutLines
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.live import TextField
from planner.tui.widgets.quiet import set_border_subtitle
from planner.typed_numbers import Invalid, parse_amount

KEYS_HINT = Text("enter edits a line · a adds a work package, e edits it, d removes it · s a partner's share · "
                 "t timeline · p problems · ctrl+z undoes · escape closes")
# the grid's own keys, which are the table's (no binding of the screen's): the help lists them first
GRID_KEYS = [("↑ ↓ ← →", "move between partners and work packages"),
             ("enter", "edit the line under the cursor (on a work package's months or total: the work package)"),
             ("home / end", "the first / last column"),
             ("pageup / pagedown", "a page of partners up / down")]
TALL = 40  # from this height the timeline is shown under the grid; below it, `t` switches between them
# below this height the lines around the grid take what they need, at most one or two each: at 40x12 the
# summary's six lines, two blank lines of problems and the detail's two left the grid its header alone
SHORT = 20
SUMMARY_LINES = 8  # the summary's lines at most, wrapped at 40 columns


def eur(amount: int | None) -> str:
    return "-" if amount is None else f"EUR {amount:,}"


class ShareForm(ClosingOnce, ModalScreen[int | None | bool]):
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
            yield TextField("" if self.share is None else str(self.share), id="share", compact=True)
            yield Static("", id="share-reading", classes="hint")
            yield FieldError(id="share-error")
            yield Static("enter saves · escape cancels", classes="hint")
        yield PlannerFooter()

    def on_input_changed(self, event: Input.Changed) -> None:
        """What the typed text reads as ('→ EUR 240,000'), so that '240k' is seen to be 240,000."""
        event.stop()
        text = event.value.strip()
        amount = parse_amount(text) if text else None
        # what it is not, while typing, as the line form says it ('1e6', '12,5', '-5000' were silent until enter);
        # and the check enter runs: 2000000000 read '→ EUR 2,000,000,000', then enter refused it
        problem = self.check(amount) if self.check and not isinstance(amount, Invalid) else None
        reading = f"✗ not taken as it is: {problem}" if problem else "→ no share" if amount is None else \
            f"→ {eur(amount)}" if isinstance(amount, int) else f"✗ {text!r} {amount.why}"
        if text == ("" if self.share is None else str(self.share)):
            reading = ""
        self.query_one("#share-reading", Static).update(literal(reading))
        self.query_one("#share-error", FieldError).say("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        amount = parse_amount(text) if text else None
        if isinstance(amount, Invalid):
            shown = f"{text!r} {amount.why}"
        elif problem := self.check(amount) if self.check else None:
            shown = f"not taken, {problem}"
        else:
            self.dismiss(amount)
            return
        kept = eur(self.share) if self.share is not None else "no share"
        error = self.query_one("#share-error", FieldError)
        error.say(f"{shown}; the plan keeps {kept}")
        self.query_one("#share-reading", Static).update("")  # it said the same while typing: once is enough
        self.call_after_refresh(error.scroll_visible, animate=False)

    def action_cancel(self) -> None:
        if self.unsaved_work() is None:
            self.dismiss(False)
        else:  # False: cancelled (None clears the share)
            self.ask_to_discard("Discard the share typed?", cancelled=False)

    def unsaved_work(self) -> str | None:
        typed = self.query_one("#share", Input).value.strip() if self.is_attached else ""
        return None if typed == ("" if self.share is None else str(self.share)) else "a share typed"


class BudgetScreen(PlanEditor):
    OWN_KEYS = GRID_KEYS  # enter, the arrows, home and end and the page keys are the grid's: no binding names them
    BINDINGS = [
        Binding("escape,b", "close", "Close", id="budget.close"),
        Binding("a", "add_work_package", "Add WP", id="budget.add_wp"),
        Binding("e", "edit_work_package", "Edit WP", id="budget.edit_wp"),
        Binding("d,delete", "remove_work_package", "Remove WP", id="budget.remove_wp"),
        Binding("s", "share", "Share", id="budget.share"),
        Binding("t", "timeline", "Timeline", id="budget.timeline"),
        Binding("p", "problems", "Problems in full", id="budget.problems"),
    ]

    def __init__(self, rules) -> None:
        super().__init__(rules)
        self.timeline_only = False  # below TALL rows: the timeline in place of the grid (`t`)
        self.timeline_hidden = False  # from TALL rows: the timeline under the grid, unless `t` hid it
        self.board: Scoreboard | None = None
        self.est: Estimate | None = None
        self._said: Plan | None = None  # the plan that the hint line's "✓ what changed" is about

    def compose(self):
        with Vertical(classes="dialog budget") as dialog:
            dialog.border_title = "Budget"
            yield CutLines(SUMMARY_LINES, id="budget-summary")
            yield CutLines(2, tail_when_cut=True, id="budget-problems")
            yield BudgetGrid(id="budget-grid")
            yield Timeline(id="timeline")
            yield CutLines(2, id="budget-detail")
            yield CutLines(1, id="budget-hint", classes="hint")
        yield PlannerFooter()

    @property
    def grid(self) -> BudgetGrid:
        return self.query_one(BudgetGrid)

    def on_mount(self) -> None:
        self.show()
        self.query_one("#budget-hint", CutLines).show(KEYS_HINT)
        grid = self.grid
        first_wp = next((i for i, c in enumerate(grid.COLUMNS) if c.key.startswith(WP_PREFIX)), 1)
        grid.move_cursor(row=min(2, grid.row_count - 1), column=first_wp)
        grid.focus()
        self._layout_views()

    def on_resize(self) -> None:
        self._layout_views()

    def _layout_views(self) -> None:
        tall = self.size.height >= TALL
        short = self.size.height < SHORT
        if short != self.has_class("-short"):
            self.set_class(short, "-short")
            for selector, lines in (("#budget-summary", SUMMARY_LINES), ("#budget-problems", 2),
                                    ("#budget-detail", 2)):
                widget = self.query_one(selector, CutLines)
                widget.lines = (2 if selector == "#budget-summary" else 1) if short else lines
                widget.refresh(layout=True)
            self._fit_problems()
        self.set_class(tall, "-tall")  # the grid as tall as its rows, the timeline right under it
        self.query_one("#timeline", Timeline).display = not self.timeline_hidden if tall else self.timeline_only
        self.grid.display = tall or not self.timeline_only
        self._detail()  # the grid's cell, or the timeline's words in its place

    @property
    def showing_timeline_only(self) -> bool:
        """The timeline in the grid's place (`t` below TALL rows)."""
        return self.timeline_only and self.size.height < TALL

    def action_close(self) -> None:
        """escape (or b): from the timeline shown in the grid's place back to the grid, as `t`; else closed."""
        if self.showing_timeline_only:
            self.action_timeline()
        else:
            super().action_close()

    def _fit_problems(self) -> None:
        """On a short screen the problems' line only when there is one (an empty line is a row of the grid)."""
        problems = self.query_one("#budget-problems", CutLines)
        problems.display = not self.has_class("-short") or bool(problems.full.plain)

    def plan_changed(self) -> None:
        self.show()
        if self.plan is not self._said:  # an undo, say: what the line said of the last edit is gone
            self._said = None
            self.query_one("#budget-hint", CutLines).show(KEYS_HINT)

    def edit(self, plan, merge: str | None = None, inline: bool = False) -> str | None:
        """As PlanEditor's, but what the edit changed is said on the screen's own line under the grid,
        not in a notice: a dialog's notice line moves the dialog box (a repaint of all of it), and an
        edit here should repaint the rows it changed."""
        why = self.app.apply(plan, merge=merge, inline=inline, say=False)
        if why is None:
            change = self.app.document.last_change
            self._said = self.plan
            self.query_one("#budget-hint", CutLines).show(literal(f"✓ {change} · ctrl+z undoes it"))
        return why

    # --- drawing ---------------------------------------------------------------------------

    @property
    def months(self) -> int:
        return self.board.duration_months if self.board is not None else 0

    def show(self) -> None:
        board = getattr(self.app, "board", None)
        if board is None or board.plan is not self.plan:
            board = evaluate(self.plan, self.rules)
        self.board = board
        self.est = est = board.estimate if board.estimate is not None else estimate(self.plan, self.rules)
        months = board.duration_months
        dialog = self.query_one(".dialog.budget")
        # the screen covers the header and its ●: the plan not yet saved is said here too
        unsaved = " · ● unsaved" if self.app.document.dirty else ""
        title = plain(f"Budget · Lot {board.lot}, {months} months · costs in EUR{unsaved}")
        if dialog.border_title != title:
            dialog.border_title = title
        count = len(self.plan.work_packages)
        set_border_subtitle(dialog, f"{count} work package{'' if count == 1 else 's'}")
        self.query_one("#budget-summary", CutLines).show(self._summary(board, est))  # unchanged: not drawn again
        problems = Text()
        shown = [c for c in map(board.get, ("grant", "budget")) if c is not None and c.status in ("warn", "fail")]
        for c in sorted(shown, key=lambda c: c.status != "fail"):  # a failure first: two lines may hold one only
            problems.append(f"{'✗ FAIL' if c.status == 'fail' else '! WARN'} {c.label}: ", style="bold")
            problems.append_text(literal(c.message))
            problems.append("  ")
        self.query_one("#budget-problems", CutLines).show(problems, Text(" (p: in full)", style="bold"))
        self._fit_problems()
        self.grid.show(grid_cells(self.plan, self.rules, est, months))
        self.query_one("#timeline", Timeline).show(self.plan.work_packages, months)
        if self.is_mounted:
            self._detail()

    def _summary(self, board: Scoreboard, est: Estimate) -> Text:
        plan = self.plan
        text = Text()
        if not plan.has_budget:
            b = budget(plan, self.rules, board.lot, board.duration_months)
            text.append("No budget yet: a adds a work package, then enter on a cell gives a partner's costs in it.\n")
            text.append(f"Requested {eur(b.requested)} · cap for Lot {board.lot}, {b.months} months {eur(b.cap)}")
            if b.under_cap is not None:
                text.append(f" · {eur(abs(b.under_cap))} {'left under' if b.under_cap >= 0 else 'OVER'} the cap",
                            style="" if b.under_cap >= 0 else "bold")
            text.append(f"\nShares add up to {eur(b.shares_total)}")
            if b.unassigned:
                text.append(f" · {eur(abs(b.unassigned))} {'unassigned' if b.unassigned > 0 else 'over the request'}",
                            style="bold")
            if b.implied_total_budget is not None:
                text.append(f" · at {b.funding_rate_percent}% an estimated budget of {eur(b.implied_total_budget)}")
            return text
        text.append("Contribution ", style="bold")
        text.append(cap_bar(est.contribution_eur, board.cap_eur, cut=board.cut_to_cap),
                    style="bold" if board.cap_eur is not None and est.contribution_eur > board.cap_eur else "")
        # not 'EU 80%' of the costs beside it: the contribution is each line's 80%, rounded, added up
        text.append(f"\nCosts {eur(est.cost_eur)} · EU contribution "
                    f"{contribution_words(est.contribution_eur, est.funding_rate_percent)} · "
                    f"consortium covers {eur(est.cost_eur - est.contribution_eur)}")
        return text

    def _detail(self) -> None:
        self.query_one("#budget-detail", CutLines).show(self.detail())

    def detail(self) -> Text:
        """The cell under the cursor in full: a line's arithmetic, a work package, a partner's totals."""
        if self.showing_timeline_only:  # no cell under a cursor: the grid is not on the screen
            return Text("The months each work package runs · t or escape: back to the grid, where enter "
                        "edits a cell", style="dim")
        grid, plan, est = self.grid, self.plan, self.est
        if grid.grid is None or est is None:
            return Text()
        row, col = grid.at_cursor()
        wp = self._wp_of(col)
        index = grid.grid.rows_of.get(row)
        stray = col.removeprefix(WP_PREFIX) if col.startswith(WP_PREFIX) and wp is None else None
        if stray is not None and (row in (MONTHS_ROW, TOTAL_ROW) or index is None):
            return literal(self._stray_words(stray))
        if wp is not None and row in (MONTHS_ROW, TOTAL_ROW):
            lead = wp.lead or "no lead"
            cost = next((s for s in est.by_work_package if s.key == wp.id), None)
            text = literal(f"{wp.id} {wp.title or ''} · lead {lead} · months {month_cell(wp, self.months)}"
                           f" · cost {eur(cost.cost_eur if cost else 0)}, "
                           f"{months_text(cost.person_months) if cost else 0} person-months")
            text.append(" · enter or e edits it, d removes it", style="dim")
            return text
        if index is None:
            return Text("Totals of every partner · the months each work package runs", style="dim")
        p = plan.partners[index]
        if wp is not None or stray is not None:
            wp_id = wp.id if wp is not None else str(stray)
            line = next((x for x in (*est.lines, *est.uncounted)
                         if x.partner_index == index and x.work_package == wp_id), None)
            if line is None and p.role == ASSOCIATED:
                return literal(f"✗ {p.label} is an associated partner, which has no budget: no line to add "
                               f"in {wp_id} (empty its lines in the other work packages)")
            if line is None:
                return literal(f"{p.label} has no line in {wp_id}: enter adds one" if wp is not None
                               else f"{p.label} has no line in {wp_id} · {self._stray_words(wp_id)}")
            rate = f" x EUR {line.staff_cost_eur:,}" if line.staff_cost_eur is not None else " (no staff cost)"
            text = literal(f"{p.label} in {wp_id}: {line.person_months} PM{rate} = {line.personnel_eur:,}"
                           f" · travel {line.travel_eur:,} · equipment {line.equipment_eur:,} · other "
                           f"{line.other_eur:,} · subcontracting {line.subcontracting_eur:,} · indirect "
                           f"{line.indirect_eur:,} · cost {eur(line.cost_eur)}, "
                           f"contribution {eur(line.contribution_eur)}")
            if stray is not None:
                text.append_text(literal(f" · {self._stray_words(wp_id)}"))
            if p.role == ASSOCIATED:
                text.append_text(literal(f" · ✗ not counted: {p.label} is an associated partner (empty the line)"))
            return text
        total = next((s for s in est.by_partner if s.key == p.label), None)
        if p.role == ASSOCIATED:  # a row only because it has lines (budget_grid.holders)
            return literal(f"✗ {p.label} is an associated partner, which has no budget: its lines count in no "
                           "total, and the budget fails until they go (enter on a cell, then empty the line)")
        if needs_lines(plan, p, self.rules):
            words = f"! {p.label} has no budget line: enter on a work package's cell gives its costs"
        else:
            words = (f"{p.label}: cost {eur(total.cost_eur if total else 0)}, contribution "
                     f"{eur(total.contribution_eur if total else 0)}")
        rate = f"EUR {p.staff_cost_eur:,} a person-month" if p.staff_cost_eur is not None else "not set"
        return literal(f"{words} · staff cost {rate} · share {eur(p.grant_eur)} (s edits it)")

    def _stray_words(self, wp_id: str) -> str:
        """What a column of lines for a work package the plan does not have is, and the ways out."""
        same = next((w.id for w in self.plan.work_packages if w.id.casefold() == wp_id.casefold()), None)
        near = f" ({same} differs only in case: e on {same} renames it {wp_id})" if same else ""
        return (f"✗ {wp_id} is no work package of the plan{near}, but lines name it and count in the totals: "
                f"a adds {wp_id}, or enter on a cell edits a line (empty it to remove it)")

    def _wp_of(self, col: str):
        if not col.startswith(WP_PREFIX):
            return None
        wp_id = col.removeprefix(WP_PREFIX)
        return next((w for w in self.plan.work_packages if w.id == wp_id), None)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        self._detail()

    # --- editing ---------------------------------------------------------------------------

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        from planner.tui.screens.budget_forms import LineForm

        grid = self.grid
        if grid.grid is None:
            return
        row, col = grid.at_cursor()
        index = grid.grid.rows_of.get(row)
        wp = self._wp_of(col)
        if index is None:
            if wp is not None:
                self.action_edit_work_package()
            return
        if col == SHARE or not self.plan.work_packages:  # no budget yet: the share is what there is to edit
            self.action_share()
            return
        partner = self.plan.partners[index]
        if col.startswith(WP_PREFIX) and wp is None:  # a line for a work package the plan does not have
            wp_id = col.removeprefix(WP_PREFIX)
        elif wp is not None:
            wp_id = wp.id
        elif partner.role == ASSOCIATED:  # the name, cost or person-months: its first line, if any
            wp_id = next(iter(partner.budget or ()), "")
        else:  # the name, cost or person-months: the partner's line in the first work package
            wp_id = self.plan.work_packages[0].id
        if partner.role == ASSOCIATED and wp_id not in (partner.budget or {}):
            # its lines may be emptied (the budget fails until they go); none is added
            self.app.tell(f"{partner.label} is an associated partner, which has no budget: no line to add",
                          timeout=5)
            return
        self._form(LineForm(self.plan, self.rules, index, wp_id))

    def _form(self, form) -> None:
        def done(plan) -> None:
            if plan is None:
                return
            if plan == self.plan:
                self.app.tell("Nothing changed", timeout=3)
            else:
                self.edit(plan)

        self.app.push_screen(form, done)

    def _wp_index(self) -> int | None:
        col = self.grid.at_cursor()[1]
        wp = self._wp_of(col)
        if wp is None:
            self.app.tell(self._stray_words(col.removeprefix(WP_PREFIX)) if col.startswith(WP_PREFIX)
                          else "Put the cursor on a work package's column first (its id is on top)", timeout=6)
            return None
        return self.plan.work_packages.index(wp)

    def action_add_work_package(self) -> None:
        from planner.tui.screens.budget_forms import WorkPackageForm

        self._form(WorkPackageForm(self.plan, self.rules, self.months))

    def action_edit_work_package(self) -> None:
        from planner.tui.screens.budget_forms import WorkPackageForm

        index = self._wp_index()
        if index is not None:
            self._form(WorkPackageForm(self.plan, self.rules, self.months, index))

    def action_remove_work_package(self) -> None:
        """Asks first, as removing a partner does, naming what goes with it: every partner's line in it
        (one key, repeated, took all eight work packages and their EUR 4.9 million of lines)."""
        from planner.tui.screens.dialogs import Choice

        index = self._wp_index()
        if index is None:
            return
        wp = self.plan.work_packages[index]
        holders = [p for p in self.plan.partners if p.budget and wp.id in p.budget]
        cost = next((s.cost_eur for s in self.est.by_work_package if s.key == wp.id), 0) if self.est else 0
        if holders:
            who = "1 partner's line" if len(holders) == 1 else f"{len(holders)} partners' lines"
            lines = f"\nIts {who} go with it: EUR {cost:,} of costs (ctrl+z brings them back)."
        else:
            lines = "\nNo partner has a line in it."
        title = f" ({wp.title})" if wp.title else ""

        def answered(choice: str | None) -> None:
            if choice == "remove" and index < len(self.plan.work_packages) and self.plan.work_packages[index] == wp:
                self.edit(editing.remove_work_package(self.plan, index))

        self.app.push_screen(Choice(f"Remove work package {wp.id}{title}?{lines}",
                                    [("remove", "Remove"), ("cancel", "Cancel")], default="cancel"), answered)

    def action_share(self) -> None:
        index = self.grid.grid.rows_of.get(self.grid.at_cursor()[0]) if self.grid.grid else None
        if index is None:
            self.app.tell("Put the cursor on a partner's row first", timeout=4)
            return
        partner = self.plan.partners[index]

        def chosen(amount: int | None | bool) -> None:
            if amount is not False:
                self.edit(editing.set_share(self.plan, index, amount))

        def check(amount: int | None) -> str | None:
            """Why the plan would not take it, in the form's words ('Share: more than EUR 1,000,000,000'), not
            the key path in the file (partners[0].grant_eur), which the form's user never sees."""
            from planner.errors import key_path
            from planner.tui.screens.budget_forms import in_words

            problems = refusal(editing.set_share(self.plan, index, amount), self.rules, self.plan)[1]
            fields = {key_path(("partners", index, "grant_eur")): ("share", "Share")}
            return in_words(list(problems), fields, self.plan)[0] or None

        self.app.push_screen(ShareForm(partner.label, partner.grant_eur, check), chosen)

    def action_problems(self) -> None:
        """The grant's and the budget's warnings and failures in full, each in a paragraph of its own: the
        line over the grid holds two lines of them (at 160x48 too, a failure's words ended in '…')."""
        from planner.tui.screens.dialogs import Choice

        board = self.board
        shown = [c for c in (grant_in_full(self.plan, self.rules, board), board.get("budget"))
                 if c is not None] if board is not None else []
        marks = {"fail": "✗ FAIL", "warn": "! WARN", "pass": "✓ PASS", "info": "INFO"}
        words = "\n\n".join(f"{marks[c.status]} {c.label}: {c.message}"
                            for c in sorted(shown, key=lambda c: c.status != "fail"))
        self.app.push_screen(Choice(words or "No budget rule in this call", [("close", "Close")], escape="close"))

    def action_timeline(self) -> None:
        if self.size.height >= TALL:
            self.timeline_hidden = not self.timeline_hidden
        else:
            self.timeline_only = not self.timeline_only
        self._layout_views()
        if not self.timeline_only:
            self.grid.focus()
