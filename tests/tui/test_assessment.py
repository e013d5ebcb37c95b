"""The self-assessment screen: the chart and the award criterion, by keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from planner.tui.screens.assessment import AssessmentScreen

from .helpers import (
    focus,
    make_app,
    ready,
    replace_text,
    static_text,
    type_text,
    wait_for,
    wait_screen,
)


@pytest.mark.one_size
async def test_self_assessment_chart_and_award_criterion(draft: Path, size) -> None:
    app, notes = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert app.board.get("award").status == "info"
        await pilot.press("s")
        screen = await wait_screen(pilot, AssessmentScreen)
        for i, score in enumerate(("20", "12", "20", "16")):
            await type_text(pilot, score, done=lambda s=score, i=i: screen.query(Input)[i].value == s)
            await pilot.press("tab")
        # each score's notice says which and what (it said 'Self-assessment')
        assert any(n.message == "Self-assessment: relevance none → 20" for n in notes), [n.message for n in notes]
        award = app.board.get("award")
        assert award.status == "warn" and "total 68 is under 70" in award.message
        chart = static_text(screen, "#chart")
        # the 2024 call's thresholds come from secondary sources: marked, and said so, as on the scoreboard
        assert "✗ 12/30: under 15*" in chart and "✓ 20/25 (needs 13*)" in chart and "✗ 68/100: under 70*" in chart
        assert "* the thresholds are provisional: check the call document" in chart
        assert app.board.get("award").provisional
        await focus(pilot, screen.query_one("#score-design", Input))
        await replace_text(pilot, "99")
        assert "a score from 0 to 30" in static_text(screen, "#score-error")
        error = screen.query_one("#score-error")
        assert error.display and error.region.height >= 1  # on screen, whatever the wrap
        # "99" is refused: the plan keeps its score (not the "9" typed on the way) and says so
        assert app.document.plan.assessment.design == 12
        assert "'99' is not a score" in static_text(screen, "#score-error")
        assert "the plan keeps 12" in static_text(screen, "#score-error")
        assert "✗ 12/30: under 15*" in static_text(screen, "#chart")
        await pilot.press("tab")  # left as it is: the field keeps what was typed, the plan its score
        assert screen.query_one("#score-design", Input).value == "99"
        assert app.document.plan.assessment.design == 12
        await focus(pilot, screen.query_one("#score-design", Input))
        await replace_text(pilot, "22")
        assert "✓ 22/30" in static_text(screen, "#chart") and app.board.get("award").status == "warn"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.board.get("award").status == "pass", "the award rule to pass")
        assert "✓ 78/100" in static_text(screen, "#chart")


async def test_a_score_typed_with_a_letter_or_a_decimal_is_said_not_read_as_another(draft: Path) -> None:
    """The field's integer filter dropped what it did not allow without a word: '17.5' became 175 (and
    'not a score'), '12a' became 12. Now the text stays as typed and the line says what it is not."""
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("s")
        screen = await wait_screen(pilot, AssessmentScreen)
        assert "not scored (needs 13*)" in static_text(screen, "#chart")  # the threshold before any score
        field = screen.query(Input)[0]
        for typed in ("17.5", "12a"):
            await replace_text(pilot, typed)
            # a field with a length limit: replace_text waits one turn only (a filter may change the text)
            await wait_for(pilot, lambda t=typed: field.value == t, f"{typed} in the field")
            await pilot.press("enter")
            await wait_for(pilot, lambda t=typed: f"'{t}' is not a score from 0 to 25" in
                           static_text(screen, "#score-error"), f"the error for {typed}")
            assert app.document.plan.assessment is None or app.document.plan.assessment.relevance is None


async def test_a_score_that_is_no_score_stays_marked_while_another_is_typed(draft) -> None:
    """'26' in Relevance, then a score typed in Impact: the line saying '26' is no score went, and the
    field still read 26, unmarked, as if taken. Each field that holds no score stays marked and said."""
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("s")
        screen = await wait_screen(pilot, AssessmentScreen)
        first, second = (screen.query_one(f"#score-{c.id}", Input) for c in app.document.rules.award[:2])
        await focus(pilot, first)
        await replace_text(pilot, "26")
        await pilot.press("tab")
        await wait_for(pilot, lambda: "'26' is not a score" in static_text(screen, "#score-error"), "the error")
        await focus(pilot, second)
        await replace_text(pilot, "9")
        await pilot.press("tab")
        await wait_for(pilot, lambda: second.value == "9" and not second.has_class("-invalid"), "the good one")
        assert "'26' is not a score" in static_text(screen, "#score-error")
        assert first.value == "26" and first.has_class("-invalid")
        await focus(pilot, first)
        await replace_text(pilot, "20")
        await pilot.press("tab")
        await wait_for(pilot, lambda: not first.has_class("-invalid"), "fixed")
        assert "is not a score" not in static_text(screen, "#score-error")
