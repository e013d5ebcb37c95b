"""The partner form: add or edit one participant, with errors shown next to the field."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Select

from planner.model import ROLES, Partner
from planner.rules import CATEGORY_LABELS, CallRules
from planner.tui.screens.dialogs import FieldError
from planner.tui.text import literal, plain

FIELDS = ("name", "short_name", "country", "kind", "role", "pic", "affiliated_to", "notes")


class PartnerForm(ModalScreen[Partner | None]):
    """Dismisses with the new Partner, or None when cancelled (the plan is left as it was)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Save partner", id="form.submit", priority=True),
    ]

    def __init__(self, rules: CallRules, others: list[Partner], partner: Partner | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.rules = rules
        self.others = others
        self.partner = partner

    def compose(self):
        p = self.partner
        countries = sorted(self.rules.country_names.items(), key=lambda item: item[1])
        country_options = [
            (literal(f"{name} ({code}), {CATEGORY_LABELS[self.rules.country_category(code)]}"), code)
            for code, name in countries
        ]
        beneficiaries = [o.label for o in self.others
                         if self.rules.role(o.role) and self.rules.role(o.role).full_partner]
        with Vertical(classes="dialog form"):
            yield Label("Edit partner" if p else "Add partner", classes="question")
            with VerticalScroll():
                yield from self._field("name", "Legal name", Input(
                    plain(p.name) if p else "", id="name", compact=True,
                    placeholder="as registered, e.g. Hochschule Nordhafen"))
                yield from self._field("short_name", "Short name (acronym)",
                                       Input(plain(p.short_name or "") if p else "", id="short_name", compact=True,
                                             placeholder="used in tables, e.g. HSNH"))
                yield from self._field("country", "Country (type to search)", Select(
                    country_options, value=p.country if p else Select.NULL, id="country", compact=True,
                    prompt="choose a country"))
                yield from self._field("kind", "Kind of organisation", Select(
                    [(literal(f"{k.label} [{k.id}]"), k.id) for k in self.rules.kinds],
                    value=p.kind if p and self.rules.kind(p.kind) else Select.NULL, id="kind", compact=True,
                    prompt="choose a kind"))
                yield from self._field("role", "Role", Select(
                    [(self.rules.role(r).label if self.rules.role(r) else r, r) for r in ROLES],
                    value=p.role if p else "beneficiary", id="role", compact=True, allow_blank=False))
                yield from self._field("pic", "PIC (9 digits, optional)", Input(
                    p.pic or "" if p else "", id="pic", restrict=r"[0-9]*", max_length=9, compact=True,
                    placeholder="9 digits"))
                yield from self._field("affiliated_to", "Affiliated to (for affiliated entities)", Select(
                    [(literal(label), label) for label in beneficiaries],  # partners' names: literal
                    value=p.affiliated_to if p and p.affiliated_to in beneficiaries else Select.NULL,
                    id="affiliated_to", compact=True, prompt="its beneficiary"))
                yield from self._field("notes", "Notes", Input(plain(p.notes or "") if p else "", id="notes",
                                                                compact=True,
                                                                placeholder="optional"))
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield Footer()

    def _field(self, name: str, label: str, widget: Any):
        yield Label(label, classes="field-label")
        yield widget
        yield FieldError(id=f"error-{name}")

    def on_mount(self) -> None:
        self._sync_affiliation()
        self.query_one("#name", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._clear_error(event.select.id)
        if event.select.id == "role":
            self._sync_affiliation()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._clear_error(event.input.id)

    def _clear_error(self, field: str | None) -> None:
        # a fixed field loses its error at once; the others keep theirs until the next save
        if field in FIELDS:
            self.query_one(f"#error-{field}", FieldError).say("")

    def _sync_affiliation(self) -> None:
        role = self.query_one("#role", Select).value
        self.query_one("#affiliated_to", Select).disabled = role != "affiliated-entity"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_submit()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _value(self, name: str) -> Any:
        widget = self.query_one(f"#{name}")
        if isinstance(widget, Select):
            return None if widget.is_blank() or widget.disabled else widget.value
        text = widget.value.strip()
        return text or None

    def action_submit(self) -> None:
        values = {name: self._value(name) for name in FIELDS}
        errors: dict[str, str] = {}
        if values["pic"] is not None and len(values["pic"]) != 9:
            errors["pic"] = f"a PIC has 9 digits; this has {len(values['pic'])}"
        if values["role"] == "affiliated-entity" and values["affiliated_to"] is None:
            errors["affiliated_to"] = "choose the beneficiary this entity is affiliated to"
        for field, message in (("name", "the legal name is required"), ("country", "choose a country"),
                               ("kind", "choose a kind")):
            if values[field] is None:
                errors[field] = message
        if values["short_name"] and any(values["short_name"] == o.short_name for o in self.others):
            errors["short_name"] = f"{values['short_name']} is already used by another partner"
        partner = None
        if not errors:
            keep = {k: getattr(self.partner, k) for k in ("grant_eur",)} if self.partner else {}
            try:
                partner = Partner(**{k: v for k, v in values.items() if v is not None}, **keep)
            except ValidationError as exc:
                for error in exc.errors(include_url=False):
                    errors.setdefault(str(error["loc"][0]), error["msg"])
        for field in FIELDS:
            self.query_one(f"#error-{field}", FieldError).say(errors.get(field, ""))
        if partner is not None:
            self.dismiss(partner)
        else:
            first = next(f for f in FIELDS if f in errors)
            self.query_one(f"#{first}").focus()
