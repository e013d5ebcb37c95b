"""The award self-assessment: the user's scores against each criterion's maximum, as a small chart."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Label, Static

from planner import editing
from planner.model import Plan
from planner.rules import CallRules
from planner.tui.screens.dialogs import FieldError
from planner.tui.screens.editor import PlanEditor

BAR = 30


def chart(plan: Plan, rules: CallRules) -> Text:
    """One bar per criterion and one for the total, with the threshold marked by '|' and the verdict in words."""
    share = rules.award_rules.min_share_of_each_maximum_percent
    text = Text()
    total = 0
    for c in rules.award:
        score = getattr(plan.assessment, c.id, None) if plan.assessment else None
        need = -(-c.maximum * share // 100)  # half of the maximum, rounded up
        total += score or 0
        text.append_text(_bar(c.label, score, c.maximum, need))
    text.append_text(_bar("Total", total if plan.assessment else None, 100, rules.award_rules.min_total))
    return text


def _bar(label: str, score: int | None, maximum: int, need: int) -> Text:
    filled = 0 if score is None else round(BAR * min(score, maximum) / maximum)
    mark = round(BAR * need / maximum)
    cells = ["█" if i < filled else "░" for i in range(BAR)]
    cells.insert(mark, "|")
    if score is None:
        verdict, style = "not scored", "dim"
    elif score >= need:
        verdict, style = f"✓ {score}/{maximum} (needs {need})", "green"
    else:
        verdict, style = f"✗ {score}/{maximum}: under {need}", "bold red"
    return Text.assemble((label, "bold"), "\n  ", ("".join(cells), style), f" {verdict}\n")


class AssessmentScreen(PlanEditor):
    BINDINGS = [Binding("escape", "close", "Close", id="assessment.close")]

    def compose(self):
        with VerticalScroll(classes="dialog assessment", can_focus=False):
            yield Static("Award self-assessment: your scores ('|' marks the threshold)", classes="question")
            yield Static(id="chart")
            for c in self.rules.award:
                with Horizontal(classes="score-row"):
                    yield Label(f"{c.label} (0-{c.maximum})", classes="score-label")
                    score = getattr(self.plan.assessment, c.id, None) if self.plan.assessment else None
                    yield Input("" if score is None else str(score), type="integer", id=f"score-{c.id}",
                                max_length=3, compact=True)
            yield FieldError(id="score-error")
            yield Static("tab moves between scores · changes apply at once · escape closes", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#chart", Static).update(chart(self.plan, self.rules))
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        criterion = next(c for c in self.rules.award if event.input.id == f"score-{c.id}")
        text = event.value.strip()
        error = ""
        if text and (not text.isdigit() or int(text) > criterion.maximum):
            error = f"{criterion.label}: a score from 0 to {criterion.maximum}"
        else:
            plan = editing.set_score(self.plan, criterion.id, int(text) if text else None)
            self.edit(plan)
        self.query_one("#score-error", FieldError).say(error)
        self.query_one("#chart", Static).update(chart(self.plan, self.rules))
