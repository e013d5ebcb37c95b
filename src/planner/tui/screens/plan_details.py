"""Plan details: title, acronym, call, duration and notes in one dialog (`t`, or "Plan details" in the palette).

The call is picked from the calls the planner knows (`rules.available_calls()`, read each time);
the durations from the plan's lot in the chosen call. A new plan's first save opens this dialog
first, so that the placeholder title of a new plan is never written as the plan's title.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from planner.errors import PlanError
from planner.model import Plan, new_plan
from planner.rules import DEFAULT_CALL, CallRules, available_calls, load_call
from planner.tui.screens.dialogs import ClosingOnce, FieldError
from planner.tui.text import literal
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.live import TextField
from planner.tui.widgets.picker import Item, Picker

PLACEHOLDER_TITLE = new_plan(DEFAULT_CALL).title  # what a new plan holds until the user gives a title


def has_placeholder_title(plan: Plan) -> bool:
    return not plan.title.strip() or plan.title == PLACEHOLDER_TITLE


def call_items(beside: Path | None = None) -> list[Item]:
    """Every call known by id (the built-in ones and the coordinator's own), an expected one said so."""
    items = []
    for call_id in available_calls(beside):
        try:
            rules = load_call(call_id, beside)
            name = rules.title + (" (expected)" if rules.is_expected else "")
        except PlanError:
            name = call_id
        items.append(Item(call_id, call_id, (name,), note=name))
    return items


class PlanDetails(ClosingOnce, ModalScreen[Plan | None]):
    """Dismisses with the plan with its new details, or None (cancelled). `why` is said above the fields."""

    AUTO_FOCUS = ""  # on_mount focuses the title (see PartnerForm.AUTO_FOCUS)

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="details.cancel"),
        Binding("ctrl+s", "submit", "Save details", id="details.submit", priority=True),
    ]

    def __init__(self, plan: Plan, rules: CallRules, why: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self._initial: tuple[str, str, str | None, str | None, str] | None = None  # the fields as they opened
        self.plan = plan
        self.rules = rules
        self.why = why

    def compose(self):
        p = self.plan
        title = "" if has_placeholder_title(p) else p.title
        with Vertical(classes="dialog form details"):
            yield Label("Plan details", classes="question")
            if self.why:
                yield Static(literal(self.why), classes="hint", id="why")
            with VerticalScroll(can_focus=False):  # a tab stop of its own: shift+tab went nowhere to be seen
                yield Label("Title", classes="field-label")
                yield TextField(title, id="title", compact=True, placeholder="the proposal's full title")
                yield FieldError(id="error-title")
                yield Label("Acronym", classes="field-label")
                yield TextField(p.acronym or "", id="acronym", compact=True, placeholder="e.g. CIRCLE-SME")
                yield Label("Call (type to choose)", classes="field-label")
                yield Picker(call_items(self._beside), p.call or self.rules.id, id="call", placeholder="e.g. 2025")
                yield FieldError(id="error-call")
                yield Label("Duration (months, from the lot's allowed durations)", classes="field-label")
                yield Picker(self._duration_items(p.call or self.rules.id), self._months(), id="duration",
                             placeholder="not set: the lot's shortest")
                yield FieldError(id="error-duration")
                yield Label("Notes", classes="field-label")
                yield TextArea(p.notes or "", id="notes", soft_wrap=True, show_line_numbers=False)
            with Horizontal(classes="buttons"):
                yield Button("Save (enter / ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield PlannerFooter()


    @property
    def _beside(self) -> Path | None:
        """The plan's folder, where a `calls/` folder of the team's own rule sets may be."""
        return getattr(self.app, "plan_folder", None)

    def _months(self) -> str | None:
        return str(self.plan.duration_months) if self.plan.duration_months else None

    def _duration_items(self, call_id: str) -> list[Item]:
        try:
            rules = load_call(call_id, self._beside) if call_id != self.rules.id else self.rules
        except PlanError:
            return []
        if not rules.has_lot(self.plan.lot):
            return []
        lot = rules.lot(self.plan.lot)
        return [Item(str(d.months), f"{d.months} months", note=f"Lot {lot.number}, up to EUR {d.max_grant_eur:,}")
                for d in lot.durations]

    def on_mount(self) -> None:
        self._initial = self._shown()
        self.query_one("#title", Input).focus()

    def _shown(self) -> tuple[str, str, str | None, str | None, str]:
        """What the fields hold: the details as the user sees them, to tell whether any was changed."""
        return (self.query_one("#title", Input).value, self.query_one("#acronym", Input).value,
                self.query_one("#call", Picker).value, self.query_one("#duration", Picker).value,
                self.query_one("#notes", TextArea).text)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "title":
            self.query_one("#error-title", FieldError).say("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_submit()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        """Closes as it opened; with a change in any field (or text waiting for a pick), asks first:
        the notes may be a paragraph's work."""
        if self.unsaved_work() is None:
            self.dismiss(None)
            return
        self.ask_to_discard("Discard the changes to the plan details?")

    def unsaved_work(self) -> str | None:
        typed = any(picker.typed for picker in self.query(Picker))
        return None if self._shown() == self._initial and not typed else "your changes to the plan details"

    def action_submit(self) -> None:
        values: dict[str, Any] = {
            "title": self.query_one("#title", Input).value.strip(),
            "acronym": self.query_one("#acronym", Input).value.strip() or None,
            "call": self.query_one("#call", Picker).value,
            "notes": self.query_one("#notes", TextArea).text.strip() or None,
        }
        months = self.query_one("#duration", Picker).value
        values["duration_months"] = int(months) if months else None
        errors = {}
        if not values["title"] or values["title"] == PLACEHOLDER_TITLE:
            errors["title"] = "give the plan its title"
        if values["call"] is None:
            errors["call"] = f"choose a call: {', '.join(available_calls(self._beside))}"
        elif values["call"] == DEFAULT_CALL and self.plan.call is None:
            values["call"] = None  # a plan without a call is read as the default one: leave it unwritten
        if values["duration_months"] is not None:
            try:
                rules = load_call(self.query_one("#call", Picker).value or self.rules.id, self._beside)
                lot = self.plan.lot
                if rules.has_lot(lot) and rules.lot(lot).duration(values["duration_months"]) is None:
                    errors["duration"] = "not a duration of this lot in that call"
            except PlanError as exc:
                errors["call"] = exc.message
        for field in ("call", "duration"):  # typed and not picked: never saved as "not set"
            picker = self.query_one(f"#{field}", Picker)
            if picker.value is None and picker.typed:
                what = "call" if field == "call" else "duration of this lot"
                choices = ", ".join(item.label for item in picker.items) or "none"
                errors[field] = f"not saved: {picker.typed!r} is no {what}; choose one: {choices}"
        if "call" not in errors and values["call"] is not None and values["call"] != (self.plan.call or self.rules.id):
            # another call: the plan must fit it (its lot above all), or the dialog closed, said "Call not
            # changed" and dropped every other field typed with it
            from planner.storage import check_against_rules

            try:
                check_against_rules(self.plan.model_copy(update=values), load_call(values["call"], self._beside),
                                    "the plan")
            except PlanError as exc:
                said = "; ".join(exc.problems) or exc.message
                hint = ": change the lot first (l), or choose another call" if said.startswith("lot:") else ""
                errors["call"] = f"not saved: {said}{hint}"
        for field in ("title", "call", "duration"):
            self.query_one(f"#error-{field}", FieldError).say(errors.get(field, ""))
        if errors:
            self.query_one(f"#{next(iter(errors))}").focus()
            return
        try:
            plan = self.plan.model_copy(update=values)
            Plan.model_validate(plan.model_dump())
        except ValidationError as exc:
            self.query_one("#error-title", FieldError).say(str(exc.errors(include_url=False)[0]["msg"]))
            return
        self.dismiss(plan)

    def on_picker_changed(self, event: Picker.Changed) -> None:
        if event.picker.id == "call" and event.value:
            duration = self.query_one("#duration", Picker)
            kept = duration.value
            items = self._duration_items(event.value)
            duration.items = items
            duration._by_id = {item.id: item for item in items}
            duration.set_value(kept)
