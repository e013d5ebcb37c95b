"""The help screen: the keys, what the scoreboard says, and where the rules come from."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from planner.rules import CallRules
from planner.tui.text import plain


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close", id="help.close")]

    def __init__(self, rules: CallRules, keys: list[tuple[str, str]]) -> None:
        super().__init__(classes="dialog-screen")
        self.rules = rules
        self.keys = keys

    def compose(self):
        text = Text()
        text.append("Keys\n", style="bold")
        for key, what in self.keys:
            text.append(plain(f"  {key:<16}"), style="bold")  # the user's keys, from config.toml
            text.append(f"{what}\n")
        text.append("\nThe scoreboard\n", style="bold")
        text.append(
            "Each row is one rule of the chosen lot. FAIL rules make the proposal ineligible; "
            "WARN is what the call expects of the content; INFO is for your information. "
            "N/M is what the plan has against what the lot needs. Only full partners (the "
            "coordinator and beneficiaries) count; associated partners and affiliated entities "
            "count towards no minimum, and only EU and associated countries count as countries. "
            "In the partners table, Counts says so: ✓ counts; ✗ assoc. (associated partner) and ✗ affil. "
            "(affiliated entity) count for nothing; ✗ country is a full partner whose country does not "
            "count; ✗ EXCLUDED may not take part.\n"
        )
        text.append(f"\nWhere the rules come from ({self.rules.title})\n", style="bold")
        for lot in self.rules.lots:
            text.append(f"Lot {lot.number} ({lot.code}): {lot.min_countries} countries, "
                        f"{lot.min_full_partners} full partners, {lot.min_labour_market_actors} labour-market "
                        f"actors, {lot.min_education_providers} providers. Source: {lot.source}\n")
        eco = self.rules.ecosystem_rules
        once = " Only one proposal per ecosystem can be funded." if eco.one_proposal_per_ecosystem else ""
        text.append(f"{eco.priority_note}{once} Source: {eco.source}\n")
        text.append(f"Deadline: {self.rules.deadline_source}\nAward: {self.rules.award_rules.source}\n")
        text.append("\nescape closes this help.", style="dim")
        with VerticalScroll(classes="dialog help"):
            yield Static(text)
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
