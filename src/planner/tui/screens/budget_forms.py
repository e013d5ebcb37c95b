"""The budget screen's two forms: a partner's line in one work package, and a work package itself.

Both dismiss with the edited plan (one edit, one undo step, made by the budget screen through the
app) or None. Amounts are read as people type them (`typed_numbers.parse_amount`: `12k`, `8.000`,
`1,45 Mio`); the new plan is then checked by `document.refusal`, the loader's own validation,
so that a form refuses exactly what the loader would refuse and says why under its fields. Nothing
typed is lost: a refused form stays open with its text.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from planner import editing
from planner.budget import line_cost
from planner.document import refusal
from planner.errors import key_path
from planner.model import MAX_MONTHS, BudgetLine, Plan, WorkPackage
from planner.rules import CallRules
from planner.tui.screens.dialogs import ClosingOnce, FieldError
from planner.tui.text import editable, literal
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.live import TextField
from planner.tui.widgets.picker import Item, Picker
from planner.typed_numbers import Invalid, parse_amount, parse_count

# a line's fields, in the order of the spec's arithmetic (staff first); the partner's rate comes last
LINE_FIELDS = (
    ("person_months", "Person-months (6.5)"),
    ("staff_cost_eur", "Staff cost of this line, EUR/PM"),
    ("travel_eur", "Travel and subsistence, EUR"),
    ("equipment_eur", "Equipment, EUR"),
    ("other_eur", "Other goods and services, EUR"),
    ("subcontracting_eur", "Subcontracting, EUR"),
)
PARTNER_RATE = "partner_staff_cost_eur"
AMOUNTS_HINT = "amounts as you type them: 12k, 8.000, 1,45 Mio"


def parse_person_months(text: str) -> int | float | None | Invalid:
    """6.5, 6,5 or 12 (None when empty), or why not: 3 decimals or more too (1.000 is a thousand in an
    amount field, and would be 1 here), which the model would refuse on enter."""
    typed = text.strip()
    if not typed:
        return None
    if re.search(r"\d\s+\d", typed):  # '3 4' was read as 34
        return Invalid("is not a number of person-months (6.5, 12): a space between digits")
    typed = re.sub(r"\s", "", typed)
    if typed.startswith("-") and re.fullmatch(r"-\d+([.,]\d+)?", typed):
        return Invalid("is negative: person-months are 0 or more")
    if typed.count(",") == 1 and "." not in typed:
        typed = typed.replace(",", ".")  # 6,5: the decimal comma
    if len(typed) > 20 or not re.fullmatch(r"\d+(\.\d+)?", typed):
        return Invalid("is not a number of person-months (6.5, 12)")
    decimals = typed.partition(".")[2]
    if len(decimals) == 3:  # 1.000 or 1,250: in an amount a thousands separator, here it would be 1 and 1.25
        return Invalid("has 3 decimals: person-months take at most 2 decimals (6.25), and a thousand is "
                       "written 1000, without a separator")
    if len(decimals) > 3:  # 6.1250 as well: the file's rule (at most 2) said before enter
        return Invalid("has more than 3 decimals: person-months take at most 2 decimals (6.25)")
    try:
        value = Decimal(typed)
    except InvalidOperation:
        return Invalid("is not a number of person-months (6.5, 12)")
    return int(value) if "." not in typed else float(typed)


def _shown(value: object) -> str:
    return "" if value is None else editable(str(value))


def _label(words: str) -> str:
    """A field's label as its messages name it: 'Person-months (6.5)' -> 'Person-months'."""
    return words.split(",")[0].split(" (")[0]


def in_words(problems: list[str], fields: dict[str, tuple[str, str]], plan: Plan) -> tuple[str, str]:
    """(why, the field at fault): the loader's problems, each one about a field of the form said with the
    field's words ('Person-months: at most 2 decimals; found 6.555') instead of its key path in the file
    ('partners[4].budget.WP2.person_months: ...'), which the form's user never sees; a work package or
    partner it names by place ('already the id of work_packages[0]') named by its id or short name.
    `fields` maps a key path to (the field's id, its words); the field at fault is the first one named."""
    names = {f"work_packages[{i}]": f"work package {wp.id}" for i, wp in enumerate(plan.work_packages)}
    names |= {f"partners[{i}]": p.label for i, p in enumerate(plan.partners)}
    said: list[str] = []
    where = ""
    for problem in problems:
        path, sep, rest = problem.partition(": ")
        if sep and path in fields:
            field, words = fields[path]
            said.append(f"{words}: " + re.sub(r"\b(?:work_packages|partners)\[\d+\]",
                                              lambda m: names.get(m[0], m[0]), rest))
            where = where or field
        else:
            said.append(problem)
    return "; ".join(said), where


class _PlanForm(ClosingOnce, ModalScreen[Plan | None]):
    """What both forms share: enter checks the edit (`edited`, each form's own) and dismisses with the
    plan, or says why under the fields (`ERROR`) and puts the cursor in the field at fault."""

    AUTO_FOCUS = ""  # each form's on_mount focuses its first field (see PartnerForm.AUTO_FOCUS)
    ERROR = ""  # the id of the form's FieldError
    KEPT = ""  # what the plan keeps when the edit is refused, after the reason
    PREVIEW = ""  # the id of the line saying, as typed, what the edit comes to or why enter would refuse it

    def edited(self) -> tuple[Plan | None, str, str]:
        raise NotImplementedError

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        plan, field, problem = self.edited()
        if plan is None:
            error = self.query_one(f"#{self.ERROR}", FieldError)
            error.say(f"not taken, {problem}{self.KEPT}")
            if self.PREVIEW:  # it said the same reason while typing: once is enough (the next key brings it back)
                self.query_one(f"#{self.PREVIEW}").display = False
            at_fault = self.query_one(f"#{field}", Input) if field else None
            if at_fault is not None:
                at_fault.focus()

            def in_view() -> None:
                # under the fields: in a short dialog (60x18) out of view, and enter seemed to do nothing;
                # then the field at fault, so that both are in view where they fit
                error.scroll_visible(animate=False)
                if at_fault is not None:
                    at_fault.scroll_visible(animate=False)

            self.call_after_refresh(in_view)
            return
        self.dismiss(plan)

    DISCARD = ""  # the question escape asks when something was typed ("Discard the changes to this line?")

    def action_cancel(self) -> None:
        # escape dropped what was typed without a word, where the partner form asks first
        if self.unsaved_work() is None:
            self.dismiss(None)
        else:
            self.ask_to_discard(self.DISCARD)

    WORK = "the form's changes"  # what unsaved_work calls them, each form its own

    _opened_with: dict[str, str] | None = None

    def _fields(self) -> dict[str, str]:
        return {str(field.id): field.value for field in self.query(Input)}

    def _on_mount(self, event) -> None:
        # the fields as the form opened (each form's own on_mount fills and focuses them after this)
        self.call_after_refresh(lambda: setattr(self, "_opened_with", self._fields()))

    def recovery_plan(self) -> Plan | None:
        """The plan with the line or work package as typed, where enter would take it (see ClosingOnce)."""
        if self.unsaved_work() is None:
            return None
        return self.edited()[0]

    def unsaved_work(self) -> str | None:
        """What was typed and not saved, for the question before quitting (Filing.action_quit): Save there
        saved the plan without it, and nothing said it would be left out."""
        if self._opened_with is None or not self.is_attached:
            return None
        return None if self._fields() == self._opened_with else self.WORK


class LineForm(_PlanForm):
    """The line of the partner at `index` in work package `wp_id`, and the partner's staff cost."""

    ERROR, KEPT, PREVIEW = "line-error", "; the plan keeps its line", "line-preview"
    # below 20 rows (60x18) the hint under the fields (four rows there) left them seven: a refused field and
    # the error under the fields could not both be in view (dialogs.tcss, -low); the footer has the keys
    VERTICAL_BREAKPOINTS = [(0, "-low"), (20, "-high")]
    WORK = "an edit of a budget line"  # the line may be in the plan already: its edit is not
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="line.cancel"),
        Binding("ctrl+s", "submit", "Save line", id="line.submit", priority=True),
    ]

    def __init__(self, plan: Plan, rules: CallRules, index: int, wp_id: str) -> None:
        super().__init__(classes="dialog-screen")
        self.plan, self.rules, self.index, self.wp_id = plan, rules, index, wp_id
        self.partner = plan.partners[index]
        self.line = (self.partner.budget or {}).get(wp_id)
        self.DISCARD = "Discard the changes to this line?" if self.line is not None else "Discard this line?"

    def compose(self):
        p = self.partner
        wp = next((w for w in self.plan.work_packages if w.id == self.wp_id), None)
        title = f" {wp.title}" if wp is not None and wp.title else ""
        with Vertical(classes="dialog form line-form"):
            yield Label(literal(f"{p.label} in {self.wp_id}{title}"), classes="question")
            with VerticalScroll(can_focus=False):  # a tab stop of its own took typed text nowhere
                for key, words in LINE_FIELDS:
                    with Horizontal(classes="line-row"):
                        yield Label(words, classes="line-label")
                        yield TextField(_shown(getattr(self.line, key, None)), id=key, compact=True,
                                    placeholder="the partner's" if key == "staff_cost_eur" else "0")
                with Horizontal(classes="line-row"):
                    yield Label(literal(f"{p.label}'s staff cost, EUR/PM"), classes="line-label")
                    yield TextField(_shown(p.staff_cost_eur), id=PARTNER_RATE, compact=True, placeholder="not set")
                yield FieldError(id="line-error")
                yield Static("", id="line-preview", classes="hint")
            yield Static(f"enter saves · tab next field · escape cancels · all empty removes the line · "
                         f"{AMOUNTS_HINT}", classes="hint")
        yield PlannerFooter()

    def on_mount(self) -> None:
        self.query_one("#person_months", Input).focus()
        self._preview()

    def read(self) -> tuple[BudgetLine | None, int | None, str, str]:
        """(the line, or None when every field is empty; the partner's rate; the field at fault; why)."""
        values: dict[str, int | float | None] = {}
        for key, words in (*LINE_FIELDS, (PARTNER_RATE, "staff cost")):
            text = self.query_one(f"#{key}", Input).value.strip()
            value = parse_person_months(text) if key == "person_months" else parse_amount(text) if text else None
            if isinstance(value, Invalid):
                return None, None, key, f"{_label(words)}: {text!r} {value.why}"
            values[key] = value
        rate = values.pop(PARTNER_RATE)
        line = None if all(v is None for v in values.values()) else BudgetLine.model_construct(
            **cast(dict[str, Any], {k: v for k, v in values.items() if v is not None}))
        return line, rate if isinstance(rate, int) else None, "", ""

    def edited(self) -> tuple[Plan | None, str, str]:
        """The plan with the line and rate, checked as the loader checks it; or (None, field, why)."""
        line, rate, field, problem = self.read()
        if problem:
            return None, field, problem
        plan = editing.set_budget_line(self.plan, self.index, self.wp_id, line)
        if rate != self.partner.staff_cost_eur:
            plan = editing.set_staff_cost(plan, self.index, rate)
        checked, problems = refusal(plan, self.rules, self.plan)
        if checked is None:
            line_path = ("partners", self.index, "budget", self.wp_id)
            fields = {key_path((*line_path, key)): (key, _label(words)) for key, words in LINE_FIELDS}
            fields[key_path(line_path)] = ("person_months", "this line")
            fields[key_path(("partners", self.index, "staff_cost_eur"))] = (
                PARTNER_RATE, f"{self.partner.label}'s staff cost")
            why, where = in_words(problems, fields, self.plan)
            return None, where, why
        return plan, "", ""

    def _preview(self) -> None:
        """What the line comes to as typed (the spec's arithmetic), or why enter would not take it: the
        same check as enter's, so that the preview never shows a figure enter then refuses (6.555
        person-months previewed as 6.55, 100001 as EUR 749,007,490) nor goes blank without a reason
        (-5, abc). A change of the partner's staff cost is said to reach all of its lines."""
        line, rate, _, _ = self.read()
        preview = self.query_one("#line-preview", Static)
        checked, _field, why = self.edited()
        if checked is None:
            preview.update(literal(f"✗ not taken as it is: {why}"))
            return
        others = len([k for k in (self.partner.budget or {}) if k != self.wp_id]) + (line is not None)
        reach = "" if rate == self.partner.staff_cost_eur else (
            f" · {self.partner.label}'s staff cost {'cleared' if rate is None else 'changed'}: it applies to "
            f"{'all ' if others > 1 else ''}{others} of its lines" + (
                " (person-months without a rate of their own then fail the budget)" if rate is None and others
                else ""))
        if line is None:
            preview.update(literal("no line: the partner has no costs in this work package" + reach))
            return
        try:
            partner = self.partner.model_copy(update={"staff_cost_eur": rate})
            counted = line_cost(self.index, partner, self.wp_id, line, self.rules.indirect_rate_percent,
                                self.rules.funding_rate_percent)
        except (ValueError, ArithmeticError):  # more than 2 decimals, say: the model says why on enter
            preview.update("")
            return
        rate_words = f" x EUR {counted.staff_cost_eur:,}" if counted.staff_cost_eur is not None else \
            " (no staff cost set)"
        # every category that has costs, so that the sum can be followed: with travel and other costs left
        # out, '58,750 personnel + 4,366 indirect: cost 66,741' did not add up
        direct = [(words, amount) for words, amount in (
            ("subcontracting", counted.subcontracting_eur), ("travel", counted.travel_eur),
            ("equipment", counted.equipment_eur), ("other", counted.other_eur)) if amount]
        parts = "".join(f" + EUR {amount:,} {words}" for words, amount in direct)
        preview.update(literal(
            f"{counted.person_months} PM{rate_words} = EUR {counted.personnel_eur:,} personnel{parts}; "
            f"+ {self.rules.indirect_rate_percent}% indirect EUR {counted.indirect_eur:,}: cost "
            f"EUR {counted.cost_eur:,}, EU contribution EUR {counted.contribution_eur:,}{reach}"))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#line-error", FieldError).say("")
        self.query_one("#line-preview").display = True
        self._preview()



def lead_items(plan: Plan, rules: CallRules) -> list[Item]:
    """The full partners, which alone may lead a work package (their short name is the lead)."""
    roles = rules.lookup_tables()[1]
    return [Item(p.label, p.label, (p.name,), note=p.name if p.name != p.label else "")
            for p in plan.partners if (role := roles.get(p.role)) is not None and role.full_partner]


class WorkPackageForm(_PlanForm):
    """A new work package (`index` None) or the one at `index`: id, title, lead and months."""

    ERROR = "wp-error"
    WORK = "an edit of a work package"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="wp.cancel"),
        Binding("ctrl+s", "submit", "Save work package", id="wp.submit", priority=True),
    ]

    def __init__(self, plan: Plan, rules: CallRules, months: int, index: int | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.plan, self.rules, self.months, self.index = plan, rules, months, index
        self.wp = plan.work_packages[index] if index is not None else None
        self.DISCARD = "Discard the changes to this work package?" if self.wp else "Discard this work package?"

    def compose(self):
        wp = self.wp
        n = len(self.plan.work_packages) + 1
        with Vertical(classes="dialog form line-form"):
            yield Label(literal(f"Work package {wp.id}") if wp else "A new work package", classes="question")
            with VerticalScroll(can_focus=False):
                for key, words, value, hint in (
                        ("wp-id", "Id (WP1, T2.3)", wp.id if wp else f"WP{n}", ""),
                        ("wp-title", "Title", wp.title if wp else "", "")):
                    with Horizontal(classes="line-row"):
                        yield Label(words, classes="line-label")
                        yield TextField(_shown(value or None), id=key, compact=True, placeholder=hint)
                yield Label("Lead (a full partner: type to choose)", classes="field-label")
                yield Picker(lead_items(self.plan, self.rules), wp.lead if wp else None, id="wp-lead",
                             what="full partner", placeholder="the partner that leads it")
                for key, words, month in (("wp-start", "Start month", wp.start_month if wp else 1),
                                          ("wp-end", "End month", wp.end_month if wp else self.months)):
                    with Horizontal(classes="line-row"):
                        yield Label(words, classes="line-label")
                        yield TextField(str(month), id=key, compact=True)
                yield FieldError(id="wp-error")
            yield Static(f"The project has {self.months} months · enter saves · escape cancels", classes="hint")
        yield PlannerFooter()

    def on_mount(self) -> None:
        self.query_one("#wp-id" if self.wp is None else "#wp-title", Input).focus()

    def edited(self) -> tuple[Plan | None, str, str]:
        wp_id = self.query_one("#wp-id", Input).value.strip()
        title = self.query_one("#wp-title", Input).value.strip()
        picker = self.query_one("#wp-lead", Picker)
        if picker.typed:
            return None, "wp-lead-input", picker.question()
        months: dict[str, int] = {}
        for key, words in (("wp-start", "Start month"), ("wp-end", "End month")):
            typed = self.query_one(f"#{key}", Input).value.strip()
            value = parse_count(typed, MAX_MONTHS)
            if isinstance(value, Invalid):
                return None, key, f"{words}: {typed!r} is not a month of the project (months 1 to {self.months})"
            months[key] = value
        if problem := self.month_problem(months["wp-start"], months["wp-end"]):
            return None, *problem
        # built without validation: the loader's own check (refusal) says what is wrong, with its key path
        wp = WorkPackage.model_construct(id=wp_id, title=title, lead=picker.value,
                                         start_month=months["wp-start"], end_month=months["wp-end"])
        plan = editing.add_work_package(self.plan, wp) if self.index is None else \
            editing.replace_work_package(self.plan, self.index, wp)
        checked, problems = refusal(plan, self.rules, self.plan)
        if checked is None:
            at = self.index if self.index is not None else len(self.plan.work_packages)  # a new one: the last
            fields = {key_path(("work_packages", at, key)): (field, words) for key, field, words in (
                ("id", "wp-id", "Id"), ("title", "wp-title", "Title"), ("lead", "wp-lead-input", "Lead"),
                ("start_month", "wp-start", "Start month"), ("end_month", "wp-end", "End month"))}
            why, where = in_words(problems, fields, self.plan)
            return None, where, why
        return plan, "", ""

    def month_problem(self, start: int, end: int) -> tuple[str, str] | None:
        """(the field, why) where the months are not the project's: each from 1 to its last month, the end
        not before the start (the loader takes 0 to 120 in any order, and the `budget` rule fails them; a
        form that took 50-10 added a work package the header then marked '✗ 50-10 ends first'). Months a
        work package already had are kept as they are: the project may be shortened for now."""
        old = (self.wp.start_month, self.wp.end_month) if self.wp is not None else None
        last = self.months
        for key, words, month, before in (("wp-start", "Start month", start, old and old[0]),
                                          ("wp-end", "End month", end, old and old[1])):
            if month == before:
                continue
            if month < 1:
                return key, f"{words}: {month} is not a month of the project (months 1 to {last})"
            if month > last:
                return key, f"{words}: {month} is after the project's last month, {last} (months 1 to {last})"
        if end < start and (start, end) != old:
            return "wp-end", f"End month: {end} is before the start, month {start}"
        return None

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#wp-error", FieldError).say("")

