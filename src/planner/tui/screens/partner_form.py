"""The partner form: add or edit one participant in a few keys, with errors next to the field.

The fields come in the order a coordinator has them at hand: legal name, short name, PIC, then
country and kind, which are pickers that filter as you type (`fin` is Finland, `cham` a
chamber). The role comes after them: the first partner of an empty plan is the coordinator,
later ones beneficiaries, so a beneficiary needs no key there. `enter` in any field saves,
`ctrl+n` saves and opens the next empty form, `escape` closes (asking first when something was
typed). A line under the fields says live what this partner changes in the scoreboard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from planner import editing
from planner.model import ROLES, Partner, Plan
from planner.rules import CallRules
from planner.scoring import evaluate
from planner.tui.screens.dialogs import ClosingOnce, FieldError
from planner.tui.text import editable, literal
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.live import LiveInput
from planner.tui.widgets.picker import Item, Picker, Ranked
from planner.vocabulary import fold, match_country, match_kind, match_role, rank_countries, rank_kinds, rank_roles

FIELDS = ("name", "short_name", "pic", "country", "kind", "role", "eche", "affiliated_to", "notes")
PICKERS = ("country", "kind", "role", "eche", "affiliated_to")
GROUPS = {"eu": 0, "associated": 1, "third": 2, "excluded": 3}
COUNTRY_NOTES = {"eu": "EU Member State", "associated": "associated country",
                 "third": "third country (not associated)", "excluded": "✗ excluded"}
ECHE = {"yes": True, "no": False, "unknown": None}
# what a partner can change: the composition rules (the others do not depend on partners)
PARTNER_RULES = ("coordinator", "full-partners", "countries", "labour-market-actors", "education-providers",
                 "higher-education", "vet-provider", "excluded-countries")
MARKS = {"pass": "✓", "fail": "✗", "warn": "!", "info": "·"}
RANKED = 30  # matches listed under a picker (it shows a few rows; the rest scroll)
SURE_FROM = 3  # letters from which a prefix that starts several choices is asked, not taken


def country_items(rules: CallRules) -> list[Item]:
    """EU Member States first, then the associated countries, the other third countries, the excluded ones."""
    aliases: dict[str, list[str]] = {}
    for alias, code in rules.country_aliases.items():
        aliases.setdefault(code, []).append(alias)
    items = []
    for code, name in sorted(rules.country_names.items(), key=lambda item: item[1]):
        category = rules.country_category(code)
        items.append(Item(code, f"{name} ({code})", tuple(aliases.get(code, ())), GROUPS[category],
                          COUNTRY_NOTES[category], code))
    return sorted(items, key=lambda item: item.group)


def vocabulary_matcher(match, rank, rules: CallRules) -> Callable[[str], Ranked]:
    """A picker's matcher from the vocabulary's: exact code or name first, then prefix, then close.

    A sure match is the value. A prefix of one or two letters takes its first match too (the list
    filters from the first letter, and shows what was taken); a longer one that starts several
    things ('employ': an employer, an employers' organisation, a trade union...) is asked, as a word
    that names several kinds is ('college'). A typo is only offered ('Spian': Spain)."""

    def matcher(text: str) -> Ranked:
        found = match(text, rules)
        ids = [i for i, _label in rank(text, rules, RANKED)]
        ids = list(dict.fromkeys([*(i for i, _label in found.candidates), *ids]))
        if found.value is not None:
            return Ranked(ids, found.value, "exact" if found.how == "exact" else "prefix")
        if found.how == "prefix":
            if len(fold(text)) < SURE_FROM and ids:
                return Ranked(ids, ids[0], "prefix")
            return Ranked(ids, None, "ambiguous")
        return Ranked(ids, None, found.how if ids else "none")

    return matcher


def kind_items(rules: CallRules) -> list[Item]:
    return [Item(k.id, k.label, (*k.aliases, k.id)) for k in rules.kinds]


def role_items(rules: CallRules) -> list[Item]:
    return [Item(r, rules.role(r).label if rules.role(r) else r, (r,)) for r in ROLES]


ECHE_ITEMS = [Item("yes", "Yes: holds the Erasmus Charter for Higher Education", ("eche",)),
              Item("no", "No"), Item("unknown", "Not known")]


class PartnerForm(ClosingOnce, ModalScreen[Partner | None]):
    """Dismisses with the new Partner, or None when cancelled (the plan is left as it was).

    `plan` is the whole plan and `index` the partner being edited (None to add one). After a save
    with ctrl+n, `again` is True: the caller adds the partner and opens the next empty form.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Save partner", id="form.submit", priority=True),
        Binding("ctrl+n", "submit_next", "Save + next", id="form.submit_next", priority=True),
    ]

    def __init__(self, rules: CallRules, plan: Plan, index: int | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.rules = rules
        self.plan = plan
        self.index = index
        self.partner = plan.partners[index] if index is not None else None
        self.others = [p for i, p in enumerate(plan.partners) if i != index]
        self.again = False
        self._initial: dict[str, Any] = {}

    def compose(self):
        p = self.partner
        if p is not None:
            role, country = p.role, p.country
        else:
            role = "coordinator" if not self.plan.partners else "beneficiary"
            country = self.plan.partners[-1].country if self.plan.partners else None  # carried over
        beneficiaries = [o.label for o in self.others
                         if self.rules.role(o.role) and self.rules.role(o.role).full_partner]
        eche = None if p is None else {True: "yes", False: "no", None: "unknown"}[getattr(p, "eche", None)]
        with Vertical(classes="dialog form"):
            yield Label("Edit partner" if p else "Add partner", classes="question")
            with VerticalScroll():
                # the live line follows each keystroke in the keystroke's turn: one frame (LiveInput)
                live = self._typed
                yield from self._field("name", "Legal name", LiveInput(
                    editable(p.name) if p else "", changed=live, id="name", compact=True,
                    placeholder="as registered, e.g. Hochschule Nordhafen"))
                yield from self._field("short_name", "Short name (acronym)",
                                       LiveInput(editable(p.short_name or "") if p else "", changed=live,
                                                 id="short_name", compact=True,
                                                 placeholder="used in tables, e.g. HSNH"))
                yield from self._field("pic", "PIC (9 digits, optional)", LiveInput(
                    p.pic or "" if p else "", changed=live, id="pic", restrict=r"[0-9]*", max_length=9, compact=True,
                    placeholder="9 digits"))
                yield from self._field("country", "Country (type a name or code: fin, DE)", Picker(
                    country_items(self.rules), country, id="country", placeholder="type to choose a country",
                    changed=live, what="country",
                    matcher=vocabulary_matcher(match_country, rank_countries, self.rules)))
                yield from self._field("kind", "Kind of organisation (type: univ, vet, cham, sme)", Picker(
                    kind_items(self.rules), p.kind if p else None, id="kind", placeholder="type to choose a kind",
                    changed=live, what="kind",
                    matcher=vocabulary_matcher(match_kind, rank_kinds, self.rules)))
                yield from self._field("role", "Role", Picker(role_items(self.rules), role, id="role",
                                                                      changed=live, what="role",
                                                                      matcher=vocabulary_matcher(
                                                                          match_role, rank_roles, self.rules)))
                yield from self._field("eche", "Erasmus Charter for Higher Education (ECHE)",
                                       Picker(ECHE_ITEMS, eche, id="eche", placeholder="yes, no or not known",
                                              changed=live))
                yield from self._field("affiliated_to", "Affiliated to (its beneficiary)", Picker(
                    [Item(label, label) for label in beneficiaries],
                    p.affiliated_to if p else None, id="affiliated_to", placeholder="type to choose", changed=live))
                yield from self._field("notes", "Notes", LiveInput(editable(p.notes or "") if p else "", changed=live,
                                                                    id="notes", compact=True, placeholder="optional"))
            yield Static("", id="impact")
            with Horizontal(classes="buttons"):
                yield Button("Save (enter)", id="save", variant="primary", compact=True)
                if self.index is None:
                    yield Button("Save + next (ctrl+n)", id="next", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield PlannerFooter()

    def _field(self, name: str, label: str, widget: Any):
        yield Label(label, classes="field-label", id=f"label-{name}")
        yield widget
        yield FieldError(id=f"error-{name}")

    def on_mount(self) -> None:
        self._sync()
        self._initial = self._values()
        self.query_one("#name", Input).focus()


    # --- live ------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if not isinstance(event.input, LiveInput):
            self._typed(event.input)

    def _typed(self, field: Input | Picker) -> None:
        """A field or a picker changed (LiveInput, Picker `changed`): in the keystroke's own turn."""
        self._clear_error(field.id)
        self._sync()

    def _clear_error(self, field: str | None) -> None:
        # a fixed field loses its error at once; the others keep theirs until the next save
        if field in FIELDS:
            self.query_one(f"#error-{field}", FieldError).say("")

    def _show(self, field: str, shown: bool) -> None:
        for selector in (f"#label-{field}", f"#{field}"):
            self.query_one(selector).display = shown
        if not shown:
            self.query_one(f"#error-{field}", FieldError).say("")

    def _sync(self) -> None:
        """Show the fields that apply (ECHE for higher education, the beneficiary for an affiliated entity)."""
        role = self.query_one("#role", Picker).value
        kind = self.rules.kind(self.query_one("#kind", Picker).value or "")
        self._show("affiliated_to", role == "affiliated-entity")
        self._show("eche", bool(kind and kind.higher_education))
        self.query_one("#impact", Static).update(self._impact())

    def _impact(self) -> Text:
        """What this partner changes in the partner rules, e.g. 'labour-market actors 3/3 ✓ with this partner'."""
        values = self._values()
        if not (values["country"] and values["kind"] and values["role"]):
            return literal("Choose a country and a kind to see what this partner changes.", style="dim")
        draft = Partner.model_construct(**{**self._partner_fields(values), "name": values["name"] or "(new)"})
        base = self.plan if self.index is None else editing.remove_partner(self.plan, self.index)
        with_it = (editing.add_partner(self.plan, draft) if self.index is None
                   else editing.replace_partner(self.plan, self.index, draft))
        before, after = evaluate(base, self.rules), evaluate(with_it, self.rules)
        changes = []
        for cid in PARTNER_RULES:
            old, new = before.get(cid), after.get(cid)
            if new is None or (old is not None and (old.status, old.count) == (new.status, new.count)):
                continue
            changes.append(f"{new.label.lower()} {new.count} {MARKS[new.status]}".replace("  ", " "))
        verdict = "plan ELIGIBLE" if after.eligible else f"{len(after.failures)} rule(s) still fail"
        if not changes:
            return literal(f"With this partner: no composition rule changes ({verdict}).")
        return literal(f"With this partner: {', '.join(changes)} · {verdict}")

    # --- buttons and keys -------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_submit()
        elif event.button.id == "next":
            self.action_submit_next()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_cancel(self) -> None:
        typed = any(picker.typed for picker in self.query(Picker))  # text waiting for a pick is work too
        if self._values() == self._initial and not typed:
            self.dismiss(None)
            return
        from planner.tui.screens.dialogs import Choice

        question = "Discard the changes to this partner?" if self.partner else "Discard this partner?"
        self.app.push_screen(Choice(question, [("keep", "Keep editing"), ("discard", "Discard")],
                                    escape="keep", default="keep"),
                             lambda answer: self.dismiss(None) if answer == "discard" else None)

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in FIELDS:
            widget = self.query_one(f"#{name}")
            if isinstance(widget, Picker):
                values[name] = widget.value if widget.display else None
            else:
                values[name] = widget.value.strip() or None
        return values

    def _partner_fields(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = {k: v for k, v in values.items() if v is not None and k != "eche"}
        if values["eche"] is not None and ECHE[values["eche"]] is not None and "eche" in Partner.model_fields:
            fields["eche"] = ECHE[values["eche"]]
        return fields

    def action_submit_next(self) -> None:
        if self.index is None:
            self.again = True
        self.action_submit()

    def action_submit(self) -> None:
        values = self._values()
        errors: dict[str, str] = {}
        if values["pic"] is not None and len(values["pic"]) != 9:
            errors["pic"] = f"a PIC has 9 digits; this has {len(values['pic'])}"
        if values["role"] == "affiliated-entity" and values["affiliated_to"] is None:
            errors["affiliated_to"] = "choose the beneficiary this entity is affiliated to"
        for field, message in (("name", "the legal name is required"), ("country", "choose a country"),
                               ("kind", "choose a kind"), ("role", "choose a role")):
            if values[field] is None:
                errors[field] = message
        for field in PICKERS:  # typed and not picked: the line above says what it may have meant
            picker = self.query_one(f"#{field}", Picker)
            if picker.display and picker.value is None and picker.typed:
                errors[field] = f"not saved: choose a {picker.what}"
        if values["short_name"] and any(values["short_name"] == o.short_name for o in self.others):
            errors["short_name"] = f"{values['short_name']} is already used by another partner"
        partner = None
        if not errors:
            keep = {k: getattr(self.partner, k) for k in ("grant_eur",)} if self.partner else {}
            try:
                partner = Partner(**self._partner_fields(values), **keep)
            except ValidationError as exc:
                for error in exc.errors(include_url=False):
                    errors.setdefault(str(error["loc"][0]), error["msg"])
        for field in FIELDS:
            self.query_one(f"#error-{field}", FieldError).say(errors.get(field, ""))
        if partner is not None:
            self.dismiss(partner)
        else:
            self.again = False
            first = next(f for f in FIELDS if f in errors)
            self.query_one(f"#{first}").focus()
