"""Lot 2 content: occupational profiles with their EQF coverage, and the four must-have activities."""

from __future__ import annotations

from pydantic import ValidationError
from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Static

from planner import editing
from planner.errors import validation_problems
from planner.model import Plan, Profile
from planner.report import content_lots
from planner.rules import CallRules
from planner.tui.screens import DIALOG_CSS
from planner.tui.screens.dialogs import ClosingOnce, FieldError
from planner.tui.screens.editor import PlanEditor
from planner.tui.text import editable, literal
from planner.tui.widgets.choice_list import ChoiceList
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.live import TextField


def coverage(plan: Plan, rules: CallRules) -> Text:
    """'✓ EQF 3-5 (…): 2 profiles   ✗ EQF 6-8 (…): none' as a line that reads without colour."""
    text = Text()
    for band in rules.eqf_bands:
        n = sum(band.min <= p.eqf <= band.max for p in plan.profiles)
        mark, style = ("✓", "green") if n else ("✗", "bold red")
        text.append(f"{mark} {band.label}: ", style=style)
        text.append(f"{n} profile{'s' if n != 1 else ''}\n" if n else "none yet\n")
    return text


class ProfileForm(ClosingOnce, ModalScreen[Profile | None]):
    CSS_PATH = DIALOG_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="profile.cancel")]

    def __init__(self, profile: Profile | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.profile = profile
        self._initial: tuple[str, str] | None = None  # the fields as they opened

    def compose(self):
        p = self.profile
        with Vertical(classes="dialog"):
            yield Label("Edit occupational profile" if p else "Add occupational profile", classes="question")
            yield Label("Title", classes="field-label")
            # an Input draws control characters raw
            yield TextField(editable(p.title) if p else "", id="title", compact=True)
            yield FieldError(id="error-title")
            yield Label("EQF level of its qualification (1-8)", classes="field-label")
            yield TextField(str(p.eqf) if p else "", id="eqf", restrict=r"[1-8]?", max_length=1, compact=True)
            yield FieldError(id="error-eqf")
            yield Static("enter saves · escape cancels", classes="hint")
        yield PlannerFooter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        title = self.query_one("#title", Input).value.strip()
        eqf = self.query_one("#eqf", Input).value.strip()
        self.query_one("#error-title", FieldError).say("" if title else "a title is required")
        self.query_one("#error-eqf", FieldError).say("" if eqf else "an EQF level from 1 to 8 is required")
        if title and eqf:
            try:
                profile = Profile(title=title, eqf=int(eqf))
            except ValidationError as exc:  # what the loader would refuse (a control character, ...)
                self.query_one("#error-title", FieldError).say("; ".join(validation_problems(exc)))
                return
            self.dismiss(profile)
        else:
            self.query_one("#title" if not title else "#eqf").focus()

    def on_mount(self) -> None:
        self._initial = self._shown()

    def _shown(self) -> tuple[str, str]:
        return self.query_one("#title", Input).value, self.query_one("#eqf", Input).value

    def unsaved_work(self) -> str | None:
        return None if self._shown() == self._initial else "the occupational profile being edited"

    def action_cancel(self) -> None:
        """Closes as it opened; with a title or level typed, asks first (as the partner form does)."""
        if self.unsaved_work() is None:
            self.dismiss(None)
        else:
            self.ask_to_discard("Discard the occupational profile typed?")


class ContentScreen(PlanEditor):
    """Edits go to the plan at once (and can be undone); the scoreboard behind follows."""

    BINDINGS = [
        Binding("escape,p", "close", "Close", id="content.close"),
        Binding("a", "add_profile", "Add profile", id="content.add_profile"),
        Binding("d,delete", "remove_profile", "Remove profile", id="content.remove_profile"),
    ]

    def compose(self):
        with Vertical(classes="dialog content"):
            yield Static(id="content-lot", classes="question")
            yield Static(id="coverage")
            yield DataTable(id="profiles", cursor_type="row")
            yield Label("Must-have activities (space or enter ticks)", classes="pane-heading")
            yield ChoiceList([(a.id, a.label) for a in self.rules.activities], single=False, id="activities")
            with Horizontal(classes="buttons"):
                yield Button("Close (esc)", id="close", compact=True)
        yield PlannerFooter()

    def on_mount(self) -> None:
        self.query_one("#profiles", DataTable).add_columns("Occupational profile", "EQF")
        self.show()
        self.query_one("#profiles").focus()

    def show(self) -> None:
        plan = self.plan
        lot = self.rules.lot(plan.lot)
        lots = content_lots(self.rules)
        note = ("" if lot.content_requirements else
                f"  Not required for Lot {lot.number}: these are what {lots} proposals must plan.")
        self.query_one("#content-lot", Static).update(literal(f"{lots} content: profiles and activities.{note}"))
        self.query_one("#coverage", Static).update(coverage(plan, self.rules))
        table = self.query_one("#profiles", DataTable)
        row = table.cursor_row
        table.clear()
        for i, p in enumerate(plan.profiles):
            table.add_row(literal(p.title), literal(p.eqf), key=str(i))
        if plan.profiles:
            table.move_cursor(row=min(max(row, 0), len(plan.profiles) - 1))
        done = {a.id for a in self.rules.activities if plan.activities and getattr(plan.activities, a.id)}
        self.query_one("#activities", ChoiceList).show(done)

    def plan_changed(self) -> None:
        self.show()

    def action_add_profile(self) -> None:
        def added(profile: Profile | None) -> None:
            if profile is not None and self.edit(editing.set_profiles(self.plan, (*self.plan.profiles, profile))) \
                    is None:  # refused: notified
                # the new profile under the cursor and in view: the table shows four rows at 80x24, and
                # the fifth stayed out of sight below them
                table = self.query_one("#profiles", DataTable)
                table.move_cursor(row=len(self.plan.profiles) - 1, scroll=True)

        self.app.push_screen(ProfileForm(), added)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = event.cursor_row

        def edited(profile: Profile | None) -> None:
            if profile is not None:
                profiles = list(self.plan.profiles)
                profiles[index] = profile
                self.edit(editing.set_profiles(self.plan, tuple(profiles)))

        if 0 <= index < len(self.plan.profiles):
            self.app.push_screen(ProfileForm(self.plan.profiles[index]), edited)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # d removes the profile under the cursor: offered (in the footer too) only while the profiles
        # have the focus, not on the activities, where it did nothing
        if action == "remove_profile":
            return self.is_mounted and self.query_one("#profiles", DataTable).has_focus
        return super().check_action(action, parameters)

    def on_descendant_focus(self, _event) -> None:
        self.refresh_bindings()

    def action_remove_profile(self) -> None:
        from planner.tui.screens.dialogs import Choice

        table = self.query_one("#profiles", DataTable)
        if not table.has_focus or not self.plan.profiles:
            return
        index = table.cursor_row
        removed = self.plan.profiles[index]

        def answered(choice: str | None) -> None:
            if choice == "remove":
                kept = self.plan.profiles[:index] + self.plan.profiles[index + 1:]
                if self.edit(editing.set_profiles(self.plan, kept)) is None:
                    self.app.tell(f"Removed profile {removed.title} (ctrl+z undoes)")

        self.app.push_screen(Choice(f"Remove the profile {removed.title} (EQF {removed.eqf})?",
                                    [("remove", "Remove"), ("cancel", "Cancel")], default="cancel"), answered)

    def on_choice_list_toggled(self, event: ChoiceList.Toggled) -> None:
        event.stop()
        self.edit(editing.toggle_activity(self.plan, event.choice_id))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)
