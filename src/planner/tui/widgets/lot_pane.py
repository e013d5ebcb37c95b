"""The lot pane: lot and duration (with caps), the requested grant, the ecosystems (one per line), the deadline.

The profiles, activities, budget and self-assessment are rules in the scoreboard, with the key of their screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from textual import events
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Static

from planner import editing
from planner.budget import budget, contribution_words
from planner.document import refusal
from planner.errors import PlanError
from planner.model import Plan
from planner.rules import CallRules, is_provisional, load_call, next_call
from planner.scoring import Scoreboard, deadline_words
from planner.tui.text import literal, scrub_input
from planner.tui.widgets.choice_list import ChoiceList
from planner.tui.widgets.live import LiveInput
from planner.tui.widgets.quiet import Line, set_border_subtitle
from planner.typed_numbers import Invalid, parse_amount


class GrantInput(LiveInput):
    def on_key(self, event: events.Key) -> None:
        if event.key == "escape":  # leaves the field (LotPane.action_leave_grant): the typing is put back,
            event.prevent_default()  # not applied as before another key of the screen (LiveInput.on_key)


def eur(amount: int) -> str:
    return f"EUR {amount:,}"


class LotPane(VerticalScroll, can_focus=False):
    # the grant field is entered with g (MainScreen.action_grant), never by tab: left with escape (what was
    # typed and not taken is put back), with enter once the plan took the amount, or with tab
    BINDINGS = [Binding("escape", "leave_grant", "Done", id="lot.leave_grant")]

    @dataclass
    class ScenarioChosen(Message):
        lot: int
        months: int

    @dataclass
    class EcosystemsChanged(Message):
        ids: list[str]
        toggled: str

    def __init__(self, rules: CallRules, grant_typed: Callable[[int | None, bool], None], budget_key: str = "b",
                 **kwargs) -> None:
        """`grant_typed(amount, invalid)`: called when the grant field is confirmed or left with a new value;
        `budget_key`: the budget screen's key, named where the hint says to cut costs."""
        super().__init__(**kwargs)
        self.budget_key = budget_key
        self.rules = rules
        self.grant_typed = grant_typed
        self.refused: str | None = None  # why the plan did not take the typed grant (the app sets it)
        self._drawn: tuple[Plan, Scoreboard] | None = None  # what show() drew last: the live check's base
        self._scenarios = [(lot.number, d.months) for lot in rules.lots for d in lot.durations]
        self._shown: dict[str, object] = {}  # the text each line shows, by selector

    def compose(self):
        # dense: no headings where the content says what it is (the border title names the pane)
        # from the rules of now: a recompose after another call was chosen has other lots and durations
        self._shown = {}
        self._scenarios = [(lot.number, d.months) for lot in self.rules.lots for d in lot.durations]
        yield ChoiceList(
            [(f"lot{n}-{m}", f"Lot {n}  {m} months  ≤ {eur(self.rules.max_grant(n, m) or 0)}")
             for n, m in self._scenarios],
            single=True, id="scenario",
        )
        yield Line(id="lot-name", classes="hint one-line")
        with Horizontal(id="grant-row"):
            yield Label("Grant EUR", classes="pane-heading")
            # each keystroke is checked in its own turn (one frame for the digit and its hint); the plan
            # takes the amount on enter, tab or leaving the field: one edit, one undo step
            yield GrantInput(changed=self._grant_field_typed, applied=self._grant_field_applied,
                            placeholder="e.g. 1,000,000 or 1.45M", id="grant", compact=True)
        yield Line(id="grant-hint", classes="hint")
        yield Line(id="ecosystem-hint", classes="pane-heading")
        yield ChoiceList(
            [(e.id, f"{e.number:>2}. {e.name}{' *' if e.priority else ''}") for e in self.rules.ecosystems],
            single=False, id="ecosystems",
        )
        yield Line(id="deadline", classes="hint")

    def show(self, plan: Plan, board: Scoreboard, resync: bool = False) -> None:
        """Draw the plan; `resync` puts the plan's grant back into the field even while it is being typed in."""
        lot = self.rules.lot(plan.lot)
        months = board.duration_months  # the scoreboard's: both panes speak of the same case
        self.query_one("#scenario", ChoiceList).show({f"lot{plan.lot}-{months}"})
        allowed = " or ".join(str(d.months) for d in lot.durations)
        note = "" if lot.duration(months) else f"  {months} months is not allowed: choose {allowed}."
        self._update("#lot-name", literal(f"Lot {lot.number}: {lot.name} ({lot.code}).{note}"))

        self._drawn = (plan, board)
        grant = self.query_one("#grant", LiveInput)
        wanted = "" if plan.requested_grant_eur is None else f"{plan.requested_grant_eur:,}"
        typed = grant.value.strip()
        shown = parse_amount(typed) if typed else None
        # an undo, a lot switch or another plan changed it; while it is being typed in, or left with
        # what is not an amount (the hint says so), the field keeps what was typed
        if (resync or not (grant.has_focus or grant.pending or isinstance(shown, Invalid))) \
                and shown != plan.requested_grant_eur:
            with grant.quietly():
                grant.value = wanted
            grant.cursor_position = len(wanted)
        self._grant_hint(plan, board)

        self.query_one("#ecosystems", ChoiceList).show(set(plan.ecosystems or ()))
        rule = {"exactly-one": "exactly one", "none": "no ecosystem rule"}.get(lot.ecosystems, "any number")
        # the legend only where a star is shown: no source names priorities from 2025
        legend = " · * priority" if any(e.priority for e in self.rules.ecosystems) else ""
        self._update("#ecosystem-hint", literal(f"Ecosystems · Lot {lot.number}: {rule}{legend}"))

        set_border_subtitle(self, _call_line(self.rules))  # in the border: no spare line at 160x48 (docs/layout.md)
        self._update("#deadline", literal(deadline_line(self.rules)))

    def _grant_hint(self, plan: Plan, board: Scoreboard) -> None:
        """The live check: the plan's grant against the cap, or what the typed text would be."""
        grant = self.query_one("#grant", LiveInput)
        typed = grant.value.strip()
        amount = parse_amount(typed) if typed else None
        b = budget(plan, self.rules, board.lot, board.duration_months, shares=False)  # the totals: cheap
        kept = eur(b.requested) if b.requested is not None else "no grant"
        prefix = ""
        refused = self.refused
        if grant.pending and not isinstance(amount, Invalid) and amount != plan.requested_grant_eur:
            # typed, not applied yet: what it would be, checked against the cap, or why enter would not
            # take it (over EUR 1,000,000,000): the model's check, as enter's
            typed_plan = editing.set_requested_grant(plan, amount)
            refused = "; ".join(refusal(typed_plan, self.rules, plan, self.rules)[1]) or None
            if refused is None:
                prefix = f"→ {eur(amount) if amount is not None else 'no grant'} on enter (now {kept}): "
                b = budget(typed_plan, self.rules, board.lot, board.duration_months, shares=False)
        if typed and isinstance(amount, Invalid):
            hint = f"✗ {typed!r} {amount.why}: the plan keeps {kept}."
        elif typed and amount != plan.requested_grant_eur and refused:
            # the loader's words without the file's key path, which the field's user never sees
            hint = f"✗ Grant: {refused.removeprefix('requested_grant_eur: ')}: the plan keeps {kept}."
        elif b.cap is None:
            hint = "No cap: the duration is not one this lot allows."
        elif board.estimate is not None and not prefix:
            # the plan has a budget: the verdict judges its contribution, the typed grant only against it
            est, cut = board.estimate, board.cut_to_cap
            hint = f"EU contribution {contribution_words(est.contribution_eur, est.funding_rate_percent)}: "
            if cut is not None:
                # 'to fit': the line keeps to two rows of the pane at 160x48, whichever lot it is judged
                # by, so that a lot switch lays the screen out once (tests/tui/test_speed.py)
                hint += f"cut {eur(cut)} of costs ({self.budget_key}) to fit."
            else:
                hint += f"{eur(b.cap - est.contribution_eur)} under the cap."
                if plan.requested_grant_eur is not None and plan.requested_grant_eur != est.contribution_eur:
                    hint += " The grant typed above differs."
        elif b.requested is None:
            hint = f"Cap {eur(b.cap)} for {b.months} months."
        else:
            left = b.under_cap or 0
            hint = f"Cap {eur(b.cap)}: {eur(left)} left." if left >= 0 else f"Cap {eur(b.cap)}: {eur(-left)} OVER."
            hint += f" Implied total budget at {b.funding_rate_percent}%: {eur(b.implied_total_budget or 0)}."
        if prefix and b.cap is not None and b.requested is not None and not (typed and isinstance(amount, Invalid)):
            # typed, not applied: two lines at most in the pane (the implied budget comes once applied)
            left = b.under_cap or 0
            hint = (f"{eur(left)} under the cap." if left >= 0 else f"{eur(-left)} OVER the cap of {eur(b.cap)}.")
        hint = prefix + hint
        self._update("#grant-hint", literal(hint))  # it quotes what was typed

    def _update(self, selector: str, text) -> None:
        """Update a line only when its text changed: an unchanged Static is not laid out and drawn again."""
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            self.query_one(selector, Static).update(text)

    def on_choice_list_toggled(self, event: ChoiceList.Toggled) -> None:
        event.stop()
        if event.choice_list.id == "scenario":
            lot, months = event.choice_id.removeprefix("lot").split("-")
            self.post_message(self.ScenarioChosen(int(lot), int(months)))
            return
        chosen = set(event.choice_list.chosen) ^ {event.choice_id}
        ordered = [e.id for e in self.rules.ecosystems if e.id in chosen]
        self.post_message(self.EcosystemsChanged(ordered, event.choice_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_grant":  # only from the grant field (escape elsewhere is not the pane's)
            return self.is_mounted and self.query_one("#grant", LiveInput).has_focus
        return True

    def action_leave_grant(self) -> None:
        grant = self.query_one("#grant", LiveInput)
        if grant.pending:
            grant.revert()  # the hint shows the plan's grant again
        self.query_one("#scenario", ChoiceList).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """enter in the grant field (LiveInput applied it first): back to the lot list once the plan took it;
        what is not an amount, or what the plan refused, stays in the field with its reason."""
        if event.input.id != "grant":
            return
        event.stop()
        text = event.value.strip()
        if not isinstance(parse_amount(text) if text else None, Invalid) and not self.refused:
            self.query_one("#scenario", ChoiceList).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # the grant field's changes were handled when they were typed (LiveInput)

    def _grant_field_typed(self, field: LiveInput) -> None:
        """A keystroke: the hint checks what was typed; the plan is not touched."""
        if scrub_input(field):
            return  # a pasted control character: the field now shows it as \x1b, and says so again
        self.refused = None
        if self._drawn is not None:
            self._grant_hint(*self._drawn)

    def _grant_field_applied(self, field: LiveInput) -> None:
        """Confirmed or left: the plan takes the amount (what is not one stays in the field, marked)."""
        text = field.value.strip()
        amount = parse_amount(text) if text else None
        if isinstance(amount, Invalid):
            return  # the hint says why; the plan keeps its grant
        self.grant_typed(amount, False)
        typed = field.value.strip()
        if self._drawn is not None and self._drawn[0].requested_grant_eur == amount and typed:
            shown = f"{amount:,}" if amount is not None else ""
            if typed != shown:  # '1.45M' taken: the field shows the amount as the plan has it
                with field.quietly():
                    field.value = shown
                field.cursor_position = len(shown)
            self._grant_hint(*self._drawn)


def _call_line(rules: CallRules) -> str:
    # short: the pane is about 40 columns wide; the call's full name is in the help and `planner rules`
    if rules.is_expected:
        return f"Call {rules.id} expected: {len(rules.lots)} lots, all provisional"  # fits the pane at 160x48
    provisional = sum(is_provisional(lot.grade) for lot in rules.lots)
    note = f", {provisional} provisional" if provisional else ""
    return f"Call {rules.id}: {len(rules.lots)} lots{note} · y: next call"


def deadline_line(rules: CallRules) -> str:
    """The deadline in its own time zone and here, and what is left; two lines at most in the pane at 160x48.

    'Deadline: 40 days left (10 Mar 2027, 17:00 Brussels, 16:00 here).', 'Deadline: closes today at 17:00
    Brussels (16:00 here).', 'Deadline: not yet published (expected early 2027).', 'Deadline: closed
    (10 Mar 2026, 17:00 Brussels); next call: 2027, expected (y).'"""
    now = datetime.now(timezone.utc).astimezone()
    text = f"Deadline: {deadline_words(rules, now)}"
    deadline = rules.deadline_aware()
    if deadline is None or deadline > now:
        return text + "."
    target = next_call(rules.id, now)
    if target is None:
        return text + "; the newest call the planner knows."
    try:
        status = "expected" if load_call(target).is_expected else "open"
    except PlanError:
        status = "unreadable"
    return text + f"; next call: {target}, {status} (y)."
