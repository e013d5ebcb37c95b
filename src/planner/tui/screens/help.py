"""The help screen: the keys, what the scoreboard says, and where the rules come from."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from planner.rules import CallRules, is_provisional, not_published
from planner.tui.screens import DIALOG_CSS
from planner.tui.text import plain
from planner.tui.widgets.footer import PlannerFooter


def own_keys(screen: Screen) -> list[tuple[str, str]]:
    """A screen's own keys as bound now (remapped ones too), for its help: those of its bindings with an id
    and words, not Textual's focus and copy keys; one line for a binding of several keys ('d, del'), and
    the words as the footer has them but for the first letter ('remove WP')."""
    keys: dict[str, list[str]] = {}
    for node, binding, _, _ in screen.active_bindings.values():
        if node is screen and binding.id and binding.description and binding.action != "help":
            what = binding.description[:1].lower() + binding.description[1:]
            keys.setdefault(what, []).append(screen.app.get_key_display(binding))
    return [(", ".join(shown), what) for what, shown in keys.items()]


class HelpScreen(ModalScreen[None]):
    CSS_PATH = DIALOG_CSS
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close", id="help.close")]

    def __init__(self, rules: CallRules, keys: list[tuple[str, str]],
                 more_keys: Sequence[tuple[str, list[tuple[str, str]]]] = (), first: str = "Keys") -> None:
        """`keys`: the main screen's (keys, what they do), or those of the screen it was asked from, under
        the title `first`; `more_keys`: (title, keys) of other screens'."""
        super().__init__(classes="dialog-screen")
        self.rules = rules
        self.sections = [(first, keys), *more_keys]

    def compose(self):
        from rich.console import Group
        from rich.table import Table

        parts: list = []
        for i, (title, keys) in enumerate(self.sections):
            parts.append(Text(("\n" if i else "") + plain(title), style="bold"))  # it names a key from config.toml
            # two columns: a long description wraps in its own (at 80 columns it wrapped to the left edge,
            # under the keys)
            grid = Table.grid(padding=(0, 1))
            grid.add_column(width=max([16, *(len(plain(key)) for key, _ in keys)]) + 2, no_wrap=True)
            grid.add_column(ratio=1)
            for key, what in keys:
                grid.add_row(Text(plain(f"  {key}"), style="bold"), Text(what))  # the user's keys, from config.toml
            parts.append(grid)
        text = Text()
        text.append("\nThe scoreboard\n", style="bold")
        text.append(
            "Each row is one rule of the chosen lot. FAIL rules make the proposal ineligible; "
            "WARN is what the call expects of the content; INFO is for your information. "
            "N/M is what the plan has against what the lot needs. Only full partners (the "
            "coordinator and beneficiaries) count; associated partners and affiliated entities "
            "count towards no minimum, and only EU and associated countries count as countries. "
            "In the partners table, Counts says so: ✓ counts; ✗ assoc. (associated partner) and ✗ affil. "
            "(affiliated entity) count for nothing; ✓ not ctry is a full partner from a third country not "
            "associated: it counts as a partner and for its kind, its country counts for no minimum; "
            "✗ region (from 2025) is a full partner from a third country outside the regions the call "
            "allows: make it an associated partner; ✗ EXCLUDED may not take part.\n"
        )
        text.append(f"\nWhere the rules come from ({self.rules.title})\n", style="bold")
        if self.rules.is_expected:
            text.append(f"Call {self.rules.id} is expected, not published: every rule below is provisional "
                        f"(the call before it carried forward, and what a source says will change); deadline "
                        f"{not_published(self.rules)}.\n", style="bold")
        for code, condition in self.rules.countries.conditions.items():
            text.append(f"{self.rules.country_name(code)} ({code}): {condition}. "
                        f"Source: {self.rules.countries.source}\n")
        for lot in self.rules.lots:
            # the minimums once, named (bare figures read both ways), and whether they are provisional
            text.append(f"Lot {lot.number} ({lot.code}): {lot.minimums}")
            if is_provisional(lot.grade):
                text.append(" (provisional: check the call document, secondary sources only)", style="bold")
            text.append(f". Source: {lot.source}\n")
            for d in lot.durations:
                if is_provisional(d.grade):
                    text.append(f"  {d.months} months, up to EUR {d.max_grant_eur:,} for Lot {lot.number} is "
                                "provisional: check the call document.\n", style="bold")
        eco = self.rules.ecosystem_rules
        # said only where a source for this call says it (the 2024 seed page does; no 2025 or 2026 source)
        once = (" Only one proposal per ecosystem can be funded." if eco.one_proposal_per_ecosystem else
                " No source for this call says whether only one proposal per ecosystem can be funded.")
        text.append(f"{eco.priority_note}{once} Source: {eco.source}\n")
        third = self.rules.third_countries
        if third is not None:
            regions = "; ".join(f"{r.name}: {' '.join(r.countries)}" for r in third.regions)
            text.append(f"Third countries: a full partner from a third country not associated must come from "
                        f"{regions}; others may be associated partners. Source: {third.source}\n")
        if self.rules.eche is not None:
            text.append("ECHE: higher education institutions from EU/associated countries among the full partners "
                        f"hold an Erasmus Charter for Higher Education. Source: {self.rules.eche.source}\n")
        text.append("A * in the scoreboard marks a rule whose figure rests on secondary sources only.\n")
        text.append(f"Deadline: {self.rules.deadline_source}\nAward: {self.rules.award_rules.source}\n")
        text.append("\nescape closes this help.", style="dim")
        with VerticalScroll(classes="dialog help"):
            yield Static(Group(*parts, text))
        yield PlannerFooter()

    def action_close(self) -> None:
        self.dismiss(None)
