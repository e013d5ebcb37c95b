"""The base of the screens that edit the open plan in place: each edit goes through the app's Document."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding
from textual.screen import ModalScreen

from planner.model import Plan
from planner.rules import CallRules
from planner.tui.screens.dialogs import ClosingOnce

if TYPE_CHECKING:
    from textual import getters

    from planner.tui.app import PlannerApp


class PlanEditor(ClosingOnce, ModalScreen[None]):
    """Reads the plan from the app and hands edits back to it, so that they redraw and can be undone.

    A modal screen hides the app's own bindings, so save, undo and redo are bound here again.
    """

    if TYPE_CHECKING:  # the app as mypy sees it (PlannerApp); at run time Textual's, nothing imported
        app = getters.app(PlannerApp)

    BINDINGS = [
        Binding("ctrl+s", "app.save", "Save", id="editor.save"),
        Binding("ctrl+z", "app.undo", "Undo", id="editor.undo"),
        Binding("ctrl+y", "app.redo", "Redo", id="editor.redo", show=False),
        Binding("question_mark,f1", "help", "Help", id="editor.help", show=False),
    ]
    # keys of a widget of the screen that no binding of the screen names (the budget grid's arrows), on
    # top of the help's list: (keys, what they do)
    OWN_KEYS: ClassVar[list[tuple[str, str]]] = []

    def __init__(self, rules: CallRules) -> None:
        super().__init__(classes="dialog-screen")
        self.rules = rules

    def action_help(self) -> None:
        """? and f1: this screen's keys as bound now (remapped ones too, ctrl+y among them, which the footer
        has no room for), then the main screen's. The main screen's help was out of reach here: ? did nothing."""
        from planner.tui.screens.help import HelpScreen, own_keys

        self.app.push_screen(HelpScreen(self.rules, self.OWN_KEYS + own_keys(self),
                                        [("On the main screen", self.app.key_help())], first="Keys here"))


    @property
    def plan(self) -> Plan:
        return self.app.document.plan

    def edit(self, plan: Plan, merge: str | None = None, inline: bool = False) -> str | None:
        """Hand the edit to the app; returns why the plan did not take it (notified unless `inline`)."""
        return self.app.apply(plan, merge=merge, inline=inline)

    def plan_changed(self) -> None:
        """Called by the app after every change of the plan (an undo too): redraw what shows it."""

    def action_close(self) -> None:
        self.dismiss(None)
