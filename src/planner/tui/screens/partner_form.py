"""The partner form: add or edit one participant in a few keys, with errors next to the field.

The fields come in the order a coordinator has them at hand: legal name, short name, PIC, then
country and kind, which are pickers that filter as you type (`fin` is Finland, `cham` a
chamber). The role comes after them: the first partner of an empty plan is the coordinator,
later ones beneficiaries, so a beneficiary needs no key there. `enter` in any field saves,
`ctrl+n` saves and opens the next empty form, `escape` closes (asking first when something was
typed). A line under the fields says live what this partner changes in the scoreboard.

Partners you already know: the organisations of the other plans in the plan's folder (and of its
`partners.toml`) are offered under the legal name as you type it, the short name or the PIC
(`Ould` finds Oulu University of Applied Sciences: one typo is forgiven). `ctrl+t` takes the
highlighted one and fills its short name, PIC, country, kind and ECHE; `down`/`up` choose another,
and `enter` then takes it too (without a choice made, `enter` saves, as everywhere). Copies of one
organisation that differ (two PICs for one name) are each offered, saying how the other differs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from planner import editing
from planner import folder_partners as folders
from planner.model import (
    ROLES,
    Partner,
    Plan,
    organisation_key,
    partner_keys,
    pic_digits,
    reference_keys,
    short_name_key,
)
from planner.qualify_words import in_sentence
from planner.recovery import Draft
from planner.rules import CallRules
from planner.safetext import describe_format, without_format
from planner.scoring import evaluate
from planner.tui.screens.dialogs import ClosingOnce, FieldError
from planner.tui.text import editable, literal
from planner.tui.widgets.choice_list import CursorList
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.live import LiveInput, Pasted, TextField
from planner.tui.widgets.picker import Item, Picker, Ranked
from planner.vocabulary import fold, match_country, match_kind, match_role, rank_countries, rank_kinds, rank_roles

if TYPE_CHECKING:
    from textual import getters

    from planner.tui.app import PlannerApp

FIELDS = ("name", "short_name", "pic", "country", "kind", "role", "eche", "affiliated_to", "notes")
PICKERS = ("country", "kind", "role", "eche", "affiliated_to")
GROUPS = {"eu": 0, "associated": 1, "third": 2, "excluded": 3}
COUNTRY_NOTES = {"eu": "EU Member State", "associated": "associated country",
                 "third": "third country (not associated)", "excluded": "✗ excluded"}
ECHE = {"yes": True, "no": False, "unknown": None}
# what a partner can change: the composition rules (the others do not depend on partners)
PARTNER_RULES = ("coordinator", "full-partners", "countries", "labour-market-actors", "education-providers",
                 "higher-education", "vet-provider", "excluded-countries", "third-countries", "eche")
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
    return [Item(r, role.label if (role := rules.role(r)) else r, (r,)) for r in ROLES]


ECHE_ITEMS = [Item("yes", "Yes: holds the Erasmus Charter for Higher Education", ("eche",)),
              Item("no", "No"), Item("unknown", "Not known")]


SHOWN_KNOWN = 5


class KnownInput(LiveInput):
    """The legal name, short name and PIC fields: `down`/`up` choose among the partners the folder
    knows, `ctrl+t` takes the one highlighted. Without suggestions on show the keys do what they did."""

    BINDINGS = [
        # not in the footer: the line under the suggestions names it when there are some
        Binding("ctrl+t", "screen.take_known", "Take known partner", id="form.take_known", show=False),
        Binding("down", "screen.known_move(1)", show=False),
        Binding("up", "screen.known_move(-1)", show=False),
    ]


def pasted_name(line: str) -> Pasted:
    """A name or short name pasted from a web page or a document: without the bidi controls and
    invisible characters that often come with it unseen (the plan refuses them in names), said."""
    text, found = without_format(line)
    if not found:
        return Pasted(line)
    left_out = ", ".join(describe_format(char) for char in found)
    return Pasted(text, f"left out of the paste: {left_out} (not allowed in names)")


# a PIC inside other words ('PIC: 999-500-004'): nine digits, grouped by threes or not
_NINE_DIGITS = re.compile(r"(?<![\d.,-])\d{3}[ .-]?\d{3}[ .-]?\d{3}(?![\d])")


def pasted_pic(line: str) -> Pasted:
    """A PIC pasted as documents write it ('999 500 004', '999-500-004', 'PIC: 999500004'): its 9 digits,
    in place of what the field held. A paste with no PIC in it is refused, said (the field takes only
    digits, and Textual's Input would drop such a paste with a bell)."""
    digits = pic_digits(line)
    if len(digits) == 9 and digits.isdigit():
        return Pasted(digits, "" if digits == line.strip() else f"read as PIC {digits}", whole=True)
    if digits.isdigit():
        return Pasted(digits)  # part of a PIC: pasted where the cursor is, as typed digits are
    found = _NINE_DIGITS.findall(line)
    if len(found) == 1:
        pic = re.sub(r"\D", "", found[0])
        return Pasted(pic, f"read as PIC {pic}", whole=True)
    if found:
        return Pasted("", f"not pasted: {shown_paste(line)} holds {len(found)} PICs: paste one")
    return Pasted("", f"not pasted: {shown_paste(line)} is not a PIC (9 digits)")


def shown_paste(line: str, limit: int = 40) -> str:
    """A paste quoted in a note: one line, cut to `limit` characters with …"""
    return repr(line if len(line) <= limit else line[: limit - 1] + "…")


def known_words(k: folders.Known, width: int = 0) -> Text:
    """'Oulu University of Applied Sciences (OAMK) · FI · PIC 999555001 · higher-education · plan-003.toml'
    on one line (cut with …), and under it how another copy differs."""
    from_files = ", ".join(k.sources[:2]) + (f" +{len(k.sources) - 2}" if len(k.sources) > 2 else "")
    parts = [k.name + (f" ({k.short_name})" if k.short_name else ""), k.country,
             *([f"PIC {k.pic}"] if k.pic else []), k.kind, from_files]
    text = literal(" · ".join(parts))
    if width > 0:
        text.truncate(width, overflow="ellipsis")  # one line: five of them fit under the name at 80x24
    if k.conflict:
        text.append_text(literal(f"\n  ! {k.conflict}", style="yellow"))
    return text


class PartnerForm(ClosingOnce, ModalScreen[Partner | None]):
    """Dismisses with the new Partner, or None when cancelled (the plan is left as it was).

    `plan` is the whole plan and `index` the partner being edited (None to add one). After a save
    with ctrl+n, `again` is True: the caller adds the partner and opens the next empty form.
    """
    # below 20 rows (40x12) the fields had one row: the field typed in, without its label or its hint
    # (dialogs.tcss, -low: the line of what the partner changes gives way)
    VERTICAL_BREAKPOINTS = [(0, "-low"), (20, "-high")]

    _impact_shown: tuple | None = None  # the impact line last shown (see `_sync`)

    if TYPE_CHECKING:  # the app as mypy sees it (PlannerApp); at run time Textual's, nothing imported
        app = getters.app(PlannerApp)

    # no first focus from Textual: its default (the first focusable widget, the scrolling body)
    # restyled the whole body twice, for that focus and as on_mount moved it to the name. Naming the
    # field here instead focuses it before the form is laid out, and Textual then scrolls the form
    # down by the name's label; on_mount focuses it once laid out.
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Save partner", id="form.submit", priority=True),
        Binding("ctrl+n", "submit_next", "Save + next", id="form.submit_next", priority=True),
    ]

    def __init__(self, rules: CallRules, plan: Plan, index: int | None = None,
                 known: list[folders.Known] | None = None, folder: Path | None = None, after: str = "",
                 fill: dict[str, str] | None = None) -> None:
        """`known`: the partners to offer; without it, those of `folder` (default: the folder of the
        app's plan, or the current folder for a new plan), read when the form opens. `after`: the
        partner just added with ctrl+n, said in the title ("Add partner · KTS added"). `fill`: a draft's
        text typed into the fields as the form opens (recovery)."""
        self._fill = fill
        super().__init__(classes="dialog-screen")
        self.rules = rules
        self._known_given = known
        self._folder = folder
        self.known: list[folders.Known] | None = None
        self.known_problems: list[str] = []
        self._offered: list[folders.Known] = []
        self._chosen = False  # down/up chose a suggestion: enter takes it
        self.plan = plan
        self.index = index
        self.partner = plan.partners[index] if index is not None else None
        self.others = [p for i, p in enumerate(plan.partners) if i != index]
        self.again = False
        self.after = after
        self._initial: dict[str, Any] = {}
        # (its label, the text) where the partner's affiliated_to names its beneficiary otherwise than by the
        # label the field shows (a legal name, another case): see compose
        self._named: tuple[str, str] | None = None

    def compose(self):
        p = self.partner
        country: str | None
        if p is not None:
            role, country = p.role, p.country
        else:
            role = "coordinator" if not self.plan.partners else "beneficiary"
            country = self.plan.partners[-1].country if self.plan.partners else None  # carried over
        full = [o for o in self.others if (their := self.rules.role(o.role)) and their.full_partner]
        beneficiaries = [o.label for o in full]
        # the beneficiary this entity names, found as the rules find it: by its short name or its legal name,
        # in any case or spacing (the spec lets affiliated_to give either): the field shows its label
        named = [o.label for o in full if p is not None and p.affiliated_to
                 and reference_keys(p.affiliated_to) & partner_keys(o)]
        if p is not None and p.affiliated_to and p.affiliated_to not in beneficiaries and len(named) == 1:
            self._named = (named[0], p.affiliated_to)
        eche = None if p is None else {True: "yes", False: "no", None: "unknown"}[getattr(p, "eche", None)]
        with Vertical(classes="dialog form"):
            after = self.after if len(self.after) <= 30 else self.after[:29] + "…"  # one line at 80 columns
            title = "Edit partner" if p else "Add partner" + (f" · {after} added" if after else "")
            yield Label(literal(title), classes="question")
            with VerticalScroll(can_focus=False):  # a tab stop of its own: shift+tab went nowhere to be seen
                # the live line follows each keystroke in the keystroke's turn: one frame (LiveInput)
                live = self._typed
                # an edit starts with the cursor after the name, not the name selected: the first key typed
                # replaced a registered name whole
                yield from self._field("name", "Legal name", KnownInput(
                    editable(p.name) if p else "", changed=live, id="name", compact=True, paste_filter=pasted_name,
                    placeholder="as registered, e.g. Hochschule Nordhafen", select_on_focus=p is None))
                known = CursorList(compact=True, id="known")
                known.can_focus = False
                known.display = False
                yield known
                yield Static("", id="known-hint", classes="hint")
                yield from self._field("short_name", "Short name (acronym)",
                                       KnownInput(editable(p.short_name or "") if p else "", changed=live,
                                                 id="short_name", compact=True, paste_filter=pasted_name,
                                                 placeholder="used in tables, e.g. HSNH"))
                yield from self._field("pic", "PIC (9 digits, optional)", KnownInput(
                    p.pic or "" if p else "", changed=live, id="pic", restrict=r"[0-9]*", max_length=9, compact=True,
                    placeholder="9 digits", paste_filter=pasted_pic))
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
                    self._named[0] if self._named else p.affiliated_to if p else None, id="affiliated_to",
                    placeholder="type to choose", changed=live))
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
        if self._fill:
            self.fill_in(self._fill)  # after _initial: what a draft gives back is work not saved yet
        self.query_one("#known-hint", Static).display = False
        self.query_one("#name", Input).focus()
        if self._known_given is not None:
            self._known_loaded(self._known_given, [])
        else:
            self.run_worker(self._read_known, thread=True, exclusive=True, group="known", exit_on_error=False)

    # --- partners the folder knows ---------------------------------------------------------

    def _known_folder(self) -> tuple[Path, Path | None]:
        if self._folder is not None:
            return self._folder, None
        path = getattr(getattr(self.app, "document", None), "path", None)
        return (path.parent, path) if path is not None else (Path("."), None)

    def _read_known(self) -> None:
        """In a thread: the folder's plans are read once (the folder view's cache makes it quick after it)."""
        where, mine = self._known_folder()
        try:
            known, problems = folders.known_partners(where, exclude=mine)
        except Exception as exc:  # never the form's end: it works without the folder's partners
            known, problems = [], [f"{where}: the partners of its plans could not be read ({exc})"]
        try:
            self.app.call_from_thread(self._known_loaded, known, problems)
        except RuntimeError:
            pass  # the app closed meanwhile

    def _ensure_known(self) -> None:
        """A key that needs the list before the thread brought it (keys typed in a burst): read it now."""
        if self.known is None:
            where, mine = self._known_folder()
            self._known_loaded(*folders.known_partners(where, exclude=mine))

    def _known_loaded(self, known: list[folders.Known], problems: list[str]) -> None:
        if self.known is not None or not self.is_attached:
            return
        names = {folders.norm(o.name) for o in self.others}
        pics = {o.pic for o in self.others if o.pic}
        # the partners of this plan are not offered again
        self.known = [k for k in known if folders.norm(k.name) not in names and not (k.pic and k.pic in pics)]
        self.known_problems = problems
        focused = self.focused
        if isinstance(focused, KnownInput):
            self._offer(focused)

    def _offer(self, field: Input | None) -> None:
        """The known partners that match what is typed in `field` (None: hide the list)."""
        options = self.query_one("#known", OptionList)
        typed = field.value if isinstance(field, KnownInput) else ""
        offered = folders.matching(typed, self.known or [], SHOWN_KNOWN) if typed.strip() else []
        if offered == self._offered and options.display == bool(offered):
            return
        self._offered, self._chosen = offered, False
        options.clear_options()
        width = self.query_one("#name", Input).size.width - 1
        options.add_options([Option(known_words(k, width)) for k in offered])
        options.display = bool(offered)
        if offered:
            options.highlighted = 0
        self._hint_highlighted()

    def _hint_highlighted(self) -> None:
        """Under the list: the highlighted one in full (its line may be cut), and the keys."""
        hint = self.query_one("#known-hint", Static)
        if not self._offered:
            hint.update("")
            hint.display = False
            return
        index = self.query_one("#known", OptionList).highlighted or 0
        k = self._offered[index]
        kind = self.rules.kind(k.kind)
        facts = ", ".join([*([k.short_name] if k.short_name else []), k.country, kind.label if kind else k.kind,
                           *([f"PIC {k.pic}"] if k.pic else []), *(["ECHE"] if k.eche else [])])
        problem = f" · {self.known_problems[0]}" if self.known_problems else ""
        more = " · ↓↑ another" if len(self._offered) > 1 else ""
        hint.update(literal(f"ctrl+t takes it: {facts} (from {', '.join(k.sources)}){more}{problem}"))
        hint.display = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "known_move":
            return bool(self._offered) and isinstance(self.focused, KnownInput)
        return True

    def action_known_move(self, step: int) -> None:
        options = self.query_one("#known", OptionList)
        if not self._offered:
            return
        current = options.highlighted if options.highlighted is not None else 0
        options.highlighted = min(max(current + (step if self._chosen else max(step, 0)), 0), len(self._offered) - 1)
        self._chosen = True
        self._hint_highlighted()

    def action_take_known(self) -> None:
        self._ensure_known()
        if not self._offered and isinstance(self.focused, KnownInput):
            self._offer(self.focused)
        if not self._offered:
            self.app.tell("No partner known from the folder matches what is typed.", timeout=3)
            return
        index = self.query_one("#known", OptionList).highlighted or 0
        self.take(self._offered[index])

    def take(self, known: folders.Known) -> None:
        """Fill the form with a known partner: legal name, short name, PIC, country, kind and ECHE. What
        the known copy lacks (a short name, a PIC, whether it holds the ECHE) is not blanked: what the
        form holds of it stays, and the line under the field says so (a partner's PIC was erased)."""
        kept = []
        for name, value in (("name", known.name), ("short_name", known.short_name or ""), ("pic", known.pic or "")):
            field = self.query_one(f"#{name}", LiveInput)  # name, short name, PIC: KnownInputs
            if not value and field.value.strip():
                kept.append({"short_name": "short name", "pic": "PIC"}[name])
                continue
            with field.quietly():
                field.value = editable(value)
            field.cursor_position = len(field.value)
        self.query_one("#country", Picker).set_value(known.country)
        self.query_one("#kind", Picker).set_value(known.kind)
        self._sync()  # shows the ECHE field for a higher education institution
        eche = self.query_one("#eche", Picker)
        if known.eche is None and eche.value in ("yes", "no"):
            kept.append("ECHE")
        else:
            eche.set_value({True: "yes", False: "no", None: "unknown"}[known.eche])
        self._offer(None)
        for name in FIELDS:
            self._clear_error(name)
        self._sync()
        missing = [what for what, ok in (("country", self.query_one("#country", Picker).value),
                                         ("kind", self.query_one("#kind", Picker).value)) if not ok]
        note = f"; its {' and '.join(missing)} is not in call {self.rules.id}: choose one" if missing else ""
        if kept:
            was = "it was" if len(kept) == 1 else "they were"
            note += f"; {' and '.join(kept)} kept as {was} (not in {known.sources[0]})"
        hint = self.query_one("#known-hint", Static)
        hint.update(literal(f"Filled in from {known.sources[0]}{note}"))
        hint.display = True
        self.query_one(f"#{missing[0]}" if missing else "#role", Picker).focus()


    # --- live ------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if not isinstance(event.input, LiveInput):
            self._typed(event.input)

    def _typed(self, field: Input | Picker) -> None:
        """A field or a picker changed (LiveInput, Picker `changed`): in the keystroke's own turn."""
        self._clear_error(field.id)
        if isinstance(field, KnownInput):
            self._offer(field)
        self._sync()

    def on_text_field_noted(self, event: TextField.Noted) -> None:
        """A paste the field took in another form (pasted_name, pasted_pic): said under the field, after
        the change the paste made cleared the field's line."""
        if event.field.id in FIELDS:
            self.query_one(f"#error-{event.field.id}", FieldError).say(event.note, note=True)

    def on_descendant_focus(self, event) -> None:
        # the suggestions follow the field: those of the name, the short name or the PIC, none elsewhere
        if self.is_mounted and self.query("#known"):
            self._offer(event.widget if isinstance(event.widget, KnownInput) else None)

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
        # the ECHE is for higher education institutions of EU/associated countries: not asked of a third
        # country not associated (a UK university), nor of an excluded one; asked while the country is not known
        country = self.query_one("#country", Picker).value
        category = self.rules.lookup_tables()[0].get(self.rules.canonical_country(country)) if country else None
        self._show("eche", bool(kind and kind.higher_education) and category not in ("third", "excluded"))
        impact = self._impact()
        shown = (impact.plain, str(impact.style), tuple(impact.spans))  # Text's == leaves out its style
        if shown != self._impact_shown:  # each key typed in the name gives the same line
            self._impact_shown = shown
            self.query_one("#impact", Static).update(impact)

    def _impact(self) -> Text:
        """What this partner changes in the partner rules, e.g. 'labour-market actors 3/3 ✓ with this partner'."""
        values = self._values()
        if not (values["country"] and values["kind"] and values["role"]):
            return literal("Choose a country and a kind to see what this partner changes.", style="dim")
        draft = Partner.model_construct(**{**self._partner_fields(values), "name": values["name"] or "(new)"})
        with_it = (editing.add_partner(self.plan, draft) if self.index is None
                   else editing.replace_partner(self.plan, self.index, draft))
        # against the plan as it is: an edited partner against itself as it was (against the plan without it,
        # a beneficiary made an associated partner changed 'no rule', and then the counts fell on saving)
        before, after = evaluate(self.plan, self.rules), evaluate(with_it, self.rules)
        changes = []
        for cid in PARTNER_RULES:
            old, new = before.get(cid), after.get(cid)
            if new is None and old is not None:  # a rule that no longer applies (ECHE without a HEI)
                changes.append(f"{in_sentence(old.label)} ✓")
                continue
            if new is None or (old is not None and (old.status, old.count) == (new.status, new.count)):
                continue
            changes.append(f"{in_sentence(new.label)} {new.count} {MARKS[new.status]}".replace("  ", " "))
        # the same organisation again (its legal name in its country): it would count twice, as an import refuses
        key = organisation_key(values["name"] or "", self.rules.canonical_country(values["country"]))
        again = next((o for o in self.others
                      if organisation_key(o.name, self.rules.canonical_country(o.country)) == key), None)
        twice = (f" · ! {values['name']} ({values['country']}) is already in the plan as {again.label}: one "
                 "organisation counts once") if again is not None and values["name"] else ""
        n = len(after.failures)
        verdict = f"plan ELIGIBLE{after.condition}" if after.eligible else \
            f"{n} rule{'' if n == 1 else 's'} still fail{'s' if n == 1 else ''}"
        what = "With this partner" if self.index is None else "With these changes"
        if not changes:
            return literal(f"{what}: no partner rule changes ({verdict}).{twice}")
        return literal(f"{what}: {', '.join(changes)} · {verdict}{twice}")

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
        if self._chosen and self._offered and isinstance(event.input, KnownInput):
            self.action_take_known()  # a suggestion chosen with down/up: enter takes it
            return
        self.action_submit()

    def action_cancel(self) -> None:
        if self.unsaved_work() is None:
            self.dismiss(None)
            return
        self.ask_to_discard("Discard the changes to this partner?" if self.partner else "Discard this partner?")

    def unsaved_work(self) -> str | None:
        typed = any(picker.typed for picker in self.query(Picker))  # text waiting for a pick is work too
        if self._values() == self._initial and not typed:
            return None
        if self.partner is not None:
            return f"your changes to {self.partner.label}"
        name = self.query_one("#name", Input).value.strip()
        return f"the partner being added ({name})" if name else "the partner being added"

    def recovery_draft(self) -> Draft | None:
        """Each field's text as typed, when something was typed: a dropped link lost the partner being typed."""
        if not self.is_attached or self.unsaved_work() is None:
            return None
        fields = {}
        for name in FIELDS:
            widget = self.query_one(f"#{name}")
            text = widget.input.value if isinstance(widget, Picker) else self.query_one(f"#{name}", Input).value
            if text.strip():
                fields[name] = text
        return Draft(self.index, fields) if fields else None

    def fill_in(self, fields: dict[str, str]) -> None:
        """The fields as a draft had them (recovery): typed in again, each matched as typing matches it."""
        for name, text in fields.items():
            if name not in FIELDS:
                continue
            widget = self.query_one(f"#{name}")
            if isinstance(widget, Picker):
                widget.type_in(text)
            else:
                field = self.query_one(f"#{name}", Input)
                field.value = text
                field.cursor_position = len(text)
        self._sync()

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in FIELDS:
            widget = self.query_one(f"#{name}")
            if isinstance(widget, Picker):
                values[name] = widget.value if widget.display else None
            else:  # the others are LiveInputs
                values[name] = self.query_one(f"#{name}", Input).value.strip() or None
        if self._named is not None and values["affiliated_to"] == self._named[0]:
            values["affiliated_to"] = self._named[1]  # the same beneficiary: its reference kept as written
        return values

    def _partner_fields(self, values: dict[str, Any]) -> dict[str, Any]:
        """The partner the form's values make: what the form edits, and what it does not edit kept as
        it was (the share, and the partner's budget: staff cost, lines), for the save and for the line
        that says what the change does alike."""
        fields = {k: v for k, v in values.items() if v is not None and k != "eche"}
        if values["eche"] is not None and ECHE[values["eche"]] is not None and "eche" in Partner.model_fields:
            fields["eche"] = ECHE[values["eche"]]
        if self.partner is not None:
            fields.update({k: getattr(self.partner, k) for k in ("grant_eur", "staff_cost_eur", "budget")})
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
        if values["short_name"]:
            key = short_name_key(values["short_name"])  # the loader's comparison: any case
            same = next((o for o in self.others if o.short_name and short_name_key(o.short_name) == key), None)
            if same is not None:
                errors["short_name"] = f"{values['short_name']} is already used by {same.name} ({same.short_name})"
        partner = None
        if not errors:
            try:
                partner = Partner(**self._partner_fields(values))
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
