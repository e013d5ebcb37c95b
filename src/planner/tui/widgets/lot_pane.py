"""The lot pane: lot and duration (with caps), the requested grant, the ecosystems, the deadline, the rest in brief."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Static

from planner.budget import budget
from planner.model import Plan
from planner.rules import CallRules
from planner.scoring import Scoreboard
from planner.tui.text import literal, scrub_input
from planner.tui.fields import parse_amount
from planner.tui.widgets.choice_list import ChoiceList


def eur(amount: int) -> str:
    return f"EUR {amount:,}"


class LotPane(VerticalScroll, can_focus=False):
    @dataclass
    class ScenarioChosen(Message):
        lot: int
        months: int

    @dataclass
    class GrantChanged(Message):
        amount: int | None
        invalid: bool = False

    @dataclass
    class EcosystemsChanged(Message):
        ids: list[str]
        toggled: str

    def __init__(self, rules: CallRules, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rules = rules
        self.refused: str | None = None  # why the plan did not take the typed grant (the app sets it)
        self._scenarios = [(lot.number, d.months) for lot in rules.lots for d in lot.durations]

    def compose(self):
        yield Label("Lot and duration", classes="pane-heading")
        yield ChoiceList(
            [(f"lot{n}-{m}", f"Lot {n}  {m} months  ≤ {eur(self.rules.max_grant(n, m) or 0)}")
             for n, m in self._scenarios],
            single=True, id="scenario",
        )
        yield Static(id="lot-name", classes="hint")
        yield Label("Requested EU grant (EUR)", classes="pane-heading")
        yield Input(placeholder="e.g. 1,000,000", id="grant", compact=True)
        yield Static(id="grant-hint", classes="hint")
        yield Label("More (press the key)", classes="pane-heading")
        yield Static(id="more")
        yield Label("Industrial ecosystems", classes="pane-heading")
        yield Static(id="ecosystem-hint", classes="hint")
        yield ChoiceList(
            [(e.id, f"{e.number:>2}. {e.name}{' *' if e.priority else ''}") for e in self.rules.ecosystems],
            single=False, id="ecosystems",
        )
        yield Static(id="deadline", classes="hint")

    def show(self, plan: Plan, board: Scoreboard, resync: bool = False) -> None:
        """Draw the plan; `resync` puts the plan's grant back into the field even while it is being typed in."""
        lot = self.rules.lot(plan.lot)
        months = board.duration_months  # the scoreboard's: both panes speak of the same case
        self.query_one("#scenario", ChoiceList).show({f"lot{plan.lot}-{months}"})
        allowed = " or ".join(str(d.months) for d in lot.durations)
        note = "" if lot.duration(months) else f"  {months} months is not allowed: choose {allowed}."
        self.query_one("#lot-name", Static).update(literal(f"Lot {lot.number}: {lot.name} ({lot.code}).{note}"))

        grant = self.query_one("#grant", Input)
        wanted = "" if plan.requested_grant_eur is None else f"{plan.requested_grant_eur:,}"
        shown = parse_amount(grant.value) if grant.value.strip() else None
        if (resync or not grant.has_focus) and shown != plan.requested_grant_eur:
            with self.prevent(Input.Changed):
                grant.value = wanted  # an undo, a lot switch or another plan changed it
        b = budget(plan, self.rules, board.lot, board.duration_months)
        typed = grant.value.strip()
        amount = parse_amount(typed) if typed else None
        kept = eur(b.requested) if b.requested is not None else "no grant"
        if typed and not isinstance(amount, int):
            hint = f"✗ {typed!r} {amount}: the plan keeps {kept}."
        elif typed and amount != plan.requested_grant_eur and self.refused:
            hint = f"✗ {self.refused}: the plan keeps {kept}."
        elif b.cap is None:
            hint = "No cap: the duration is not one this lot allows."
        elif b.requested is None:
            hint = f"Cap {eur(b.cap)} for {b.months} months."
        else:
            left = b.under_cap or 0
            hint = f"Cap {eur(b.cap)}: {eur(left)} left." if left >= 0 else f"Cap {eur(b.cap)}: {eur(-left)} OVER."
            hint += f" Implied total budget at {b.funding_rate_percent}%: {eur(b.implied_total_budget or 0)}."
        self.query_one("#grant-hint", Static).update(literal(hint))  # it quotes what was typed

        self.query_one("#ecosystems", ChoiceList).show(set(plan.ecosystems or ()))
        rule = "exactly one" if lot.ecosystems == "exactly-one" else "any number"
        self.query_one("#ecosystem-hint", Static).update(literal(f"Lot {lot.number}: {rule}. * priority ecosystem."))

        deadline = self.rules.deadline_aware()
        local = deadline.astimezone()
        left = deadline - datetime.now(timezone.utc)
        status = f"{left.days} days left" if left.total_seconds() > 0 else "the call has closed"
        self.query_one("#more", Static).update(literal(_summary(board), keep_newlines=True))
        yours = "" if local.utcoffset() == deadline.utcoffset() else \
            f", {local.day} {local:%B %H:%M} your time ({local:%Z})"
        self.query_one("#deadline", Static).update(literal(
            f"Deadline: {deadline.day} {deadline:%B %Y, %H:%M} Brussels time{yours}: {status}."
        ))

    def on_choice_list_toggled(self, event: ChoiceList.Toggled) -> None:
        event.stop()
        if event.choice_list.id == "scenario":
            lot, months = event.choice_id.removeprefix("lot").split("-")
            self.post_message(self.ScenarioChosen(int(lot), int(months)))
            return
        chosen = set(event.choice_list.chosen) ^ {event.choice_id}
        ordered = [e.id for e in self.rules.ecosystems if e.id in chosen]
        self.post_message(self.EcosystemsChanged(ordered, event.choice_id))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if scrub_input(event.input):
            return  # a pasted control character: the field now shows it as \x1b, and says so again
        text = event.value.strip()
        amount = parse_amount(text) if text else None
        if not isinstance(amount, (int, type(None))):
            self.post_message(self.GrantChanged(None, invalid=True))  # the hint says why; the plan keeps its grant
            return
        self.post_message(self.GrantChanged(amount))



MARK = {"pass": "✓", "fail": "✗", "warn": "!", "info": "i"}


def _summary(board: Scoreboard) -> str:
    """One short line per extra screen: its key, and what its rule in the scoreboard says now."""
    profiles, activities = board.get("occupational-profiles"), board.get("activities")
    if profiles is None or activities is None:
        lines = [f"p  profiles, activities: not required for Lot {board.lot}"]
    else:
        lines = [f"p  {MARK[profiles.status]} EQF bands {profiles.count}, "
                 f"{MARK[activities.status]} activities {activities.count}"]
    grant = board.get("grant")
    if grant is not None:
        lines.append("b  " + {"pass": "✓ budget: the shares add up",
                              "warn": "! budget: see the Grant rule",
                              "fail": "✗ budget: over the cap",
                              "info": "i budget: no request or cap yet"}[grant.status])
    award = board.get("award")
    if award is not None:
        scored = f" {award.actual}" if award.actual is not None and award.status != "info" else ""
        started = award.actual is not None  # an info with a total: some criteria are scored, not all
        lines.append("s  " + {"pass": f"✓ self-assessment{scored}",
                              "warn": f"! self-assessment{scored}: under a threshold",
                              "info": f"i self-assessment: {'partly scored' if started else 'not scored yet'}",
                              "fail": "✗ self-assessment"}[award.status])
    return "\n".join(lines)


