"""The award self-assessment: the user's scores against each criterion's maximum, as a small chart."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Static

from planner import editing
from planner.model import Plan
from planner.rules import CallRules
from planner.tui.screens.dialogs import FieldError
from planner.tui.screens.editor import PlanEditor
from planner.tui.text import literal
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.live import LiveInput
from planner.typed_numbers import MAX_TYPED, Invalid, parse_count

BAR = 30


def chart(plan: Plan, rules: CallRules) -> Text:
    """One bar per criterion and one for the total, with the threshold marked by '|' and the verdict in
    words; thresholds from secondary sources marked * and said so under the bars, as the scoreboard does."""
    text = Text()
    total = 0
    star = "*" if rules.provisional(rules.award_rules.grade) else ""
    for c in rules.award:
        score = getattr(plan.assessment, c.id, None) if plan.assessment else None
        need = rules.award_threshold(c)
        total += score or 0
        text.append_text(_bar(c.label, score, c.maximum, need, star))
    text.append_text(_bar("Total", total if plan.assessment else None, rules.award_maximum,
                          rules.award_rules.min_total, star))
    if star:
        text.append("* the thresholds are provisional: check the call document\n", style="dim")
    return text


def _bar(label: str, score: int | None, maximum: int, need: int, star: str = "") -> Text:
    filled = 0 if score is None else round(BAR * min(score, maximum) / maximum)
    mark = round(BAR * need / maximum)
    cells = ["█" if i < filled else "░" for i in range(BAR)]
    cells.insert(mark, "|")
    if score is None:
        verdict, style = f"not scored (needs {need}{star})", "dim"
    elif score >= need:
        verdict, style = f"✓ {score}/{maximum} (needs {need}{star})", "green"
    else:
        verdict, style = f"✗ {score}/{maximum}: under {need}{star}", "bold red"
    return Text.assemble((label, "bold"), "\n  ", ("".join(cells), style), f" {verdict}\n")


class AssessmentScreen(PlanEditor):
    BINDINGS = [Binding("escape", "close", "Close", id="assessment.close")]

    def compose(self):
        with VerticalScroll(classes="dialog assessment", can_focus=False):
            yield Static("Award self-assessment: your scores ('|' marks the threshold)", classes="question")
            yield Static(id="chart")
            yield FieldError(id="score-error")
            for c in self.rules.award:
                with Horizontal(classes="score-row"):
                    score = getattr(self.plan.assessment, c.id, None) if self.plan.assessment else None
                    # the chart follows each keystroke in its own turn (LiveInput); the plan takes the
                    # score on enter, tab or leaving: a half-typed one is never the plan's, nor an undo step
                    # no type="integer": its filter dropped what it did not allow without a word ('17.5'
                    # became 175, '12a' 12); the text goes to parse_count, which says what it is not
                    yield LiveInput("" if score is None else str(score), changed=self._typed, applied=self._applied,
                                    id=f"score-{c.id}", max_length=MAX_TYPED, compact=True)
                    yield Label(literal(f"of {c.maximum}: {c.label}"), classes="score-label")
            yield Static("enter or tab applies a score · escape closes", classes="hint")
        yield PlannerFooter()

    def on_mount(self) -> None:
        self.query_one("#chart", Static).update(chart(self.plan, self.rules))
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # taken when typed (LiveInput)

    def _criterion(self, field: LiveInput):
        return next(c for c in self.rules.award if field.id == f"score-{c.id}")

    def _read(self, field: LiveInput) -> tuple[int | None, str]:
        """The typed score (None for none) and "", or None and why it is not one, as the error line says it."""
        criterion = self._criterion(field)
        text = field.value.strip()
        score = parse_count(text, criterion.maximum) if text else None
        if not isinstance(score, Invalid):
            return score, ""
        # the plan keeps its last good score: the chart and the file never hold a half-typed number
        kept = getattr(self.plan.assessment, criterion.id, None) if self.plan.assessment else None
        return None, (f"✗ {criterion.label}: {text!r} is not a score from 0 to {criterion.maximum} "
                       f"(the plan keeps {'no score' if kept is None else kept})")

    def _typed(self, field: LiveInput) -> None:
        """A keystroke: the chart shows the typed score, the plan does not take it yet."""
        score, error = self._read(field)
        draft = self.plan if error else editing.set_score(self.plan, self._criterion(field).id, score)
        self.query_one("#chart", Static).update(chart(draft, self.rules))
        self._say()

    def _applied(self, field: LiveInput) -> None:
        """enter, tab, leaving the field or the screen: the plan takes the score, one undo step."""
        score, error = self._read(field)
        refused = ""
        if not error:
            refused = self.edit(editing.set_score(self.plan, self._criterion(field).id, score), inline=True) or ""
            if refused:
                refused = f"✗ {self._criterion(field).label}: not taken, {refused}"
        self._say(refused)

    def _say(self, refused: str = "") -> None:
        """Every field whose text is no score, marked and said (the line said only the field typed in last:
        '26' stayed in its field unmarked once another was typed in), and a refusal of the plan's."""
        errors = []
        for c in self.rules.award:
            field = self.query_one(f"#score-{c.id}", LiveInput)
            error = self._read(field)[1]
            field.set_class(bool(error), "-invalid")
            if error:
                errors.append(error)
        self.query_one("#score-error", FieldError).say("\n".join([*errors, *([refused] if refused else [])]))

    def plan_changed(self) -> None:
        self.query_one("#chart", Static).update(chart(self.plan, self.rules))
        for c in self.rules.award:  # an undo changes the scores under the fields
            field = self.query_one(f"#score-{c.id}", LiveInput)
            score = getattr(self.plan.assessment, c.id, None) if self.plan.assessment else None
            # what is typed and not applied, or is no score (the error line says so), stays in the field
            if field.pending or self._read(field)[1]:
                continue
            if field.value.strip() != ("" if score is None else str(score)):
                with field.quietly():
                    field.value = "" if score is None else str(score)
