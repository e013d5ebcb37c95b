"""The base of the screens that edit the open plan in place: each edit goes through the app's Document."""

from __future__ import annotations

from textual.screen import ModalScreen

from planner.model import Plan
from planner.rules import CallRules


class PlanEditor(ModalScreen[None]):
    """Reads the plan from the app and hands edits back to it, so that they redraw and can be undone."""

    def __init__(self, rules: CallRules) -> None:
        super().__init__(classes="dialog-screen")
        self.rules = rules

    @property
    def plan(self) -> Plan:
        return self.app.document.plan  # type: ignore[attr-defined]

    def edit(self, plan: Plan) -> None:
        self.app.apply(plan)  # type: ignore[attr-defined]

    def action_close(self) -> None:
        self.dismiss(None)
