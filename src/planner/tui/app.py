"""PlannerApp: the panes, the keys and the file actions. It edits a Document and asks the core for a Scoreboard."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static, TextArea

from planner import editing
from planner.errors import PlanError
from planner.model import Partner, new_plan
from planner.rules import CallRules
from planner.scoring import Scoreboard, evaluate
from planner.storage import load_call_for, load_plan_with_fingerprint
from planner.tui.config import load_settings, save_theme
from planner.tui.document import Document
from planner.tui.text import plain
from planner.tui.screens.editor import PlanEditor
from planner.tui.themes import DEFAULT_THEME, load_themes
from planner.tui.widgets.lot_pane import LotPane
from planner.tui.widgets.partners import PartnersTable
from planner.tui.widgets.scoreboard import ScoreboardView
from planner.tui.widgets.verdict import VerdictBar

MIN_WIDTH, MIN_HEIGHT = 60, 18


def open_document(path: str | Path | None, rules: CallRules | None = None, read_only: bool = False) -> Document:
    """A Document for a path (existing or to be created) or a new plan. Raises PlanError for a bad file."""
    if path is not None and Path(path).exists():
        plan, fingerprint = load_plan_with_fingerprint(path, rules)
        return Document(plan, rules or load_call_for(plan, str(path)), Path(path), plan, fingerprint, read_only)
    if path is not None and not Path(path).parent.is_dir():
        raise PlanError(str(path), f"folder {Path(path).parent} does not exist")
    plan = new_plan()
    return Document(plan, rules or load_call_for(plan, "new plan"), Path(path) if path else None, plan)


class PlannerApp(App[int]):
    CSS_PATH = "planner.tcss"
    TITLE = "planner"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        Binding("a", "add_partner", "Add", id="planner.add_partner"),
        Binding("l", "switch_lot", "Lot", id="planner.switch_lot"),
        Binding("c", "compare", "Compare", id="planner.compare"),
        Binding("p", "content", "Profiles", id="planner.content", show=False),
        Binding("b", "budget", "Budget", id="planner.budget", show=False),
        Binding("s", "assessment", "Self-assessment", id="planner.assessment", show=False),
        Binding("i", "import_partners", "Import CSV", id="planner.import", show=False),
        Binding("t", "plan_details", "Details", id="planner.plan_details", show=False),
        Binding("ctrl+s", "save", "Save", id="planner.save"),
        Binding("ctrl+o", "open", "Open", id="planner.open", show=False),
        Binding("ctrl+z", "undo", "Undo", id="planner.undo", show=False),
        Binding("ctrl+y", "redo", "Redo", id="planner.redo", show=False),
        Binding("question_mark,f1", "help", "Help", id="planner.help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", id="planner.quit", priority=True),
    ]

    def __init__(self, document: Document) -> None:
        super().__init__()
        self.document = document
        self.board: Scoreboard | None = None
        # themes and keys are set before the first mount: a theme change after it restyles every widget
        settings = load_settings()
        themes, self._settings_problems = load_themes()
        for theme in themes:
            self.register_theme(theme)
        if settings.problem:
            self._settings_problems.append(settings.problem)
        wanted = settings.theme or DEFAULT_THEME
        self.theme = wanted if wanted in self.available_themes else DEFAULT_THEME
        self._keys = settings.keys
        known = {bid for bid, _, _ in self.KEY_HELP if bid}
        unknown = sorted(set(self._keys) - known)
        if unknown:
            self._settings_problems.append(
                f"The keys section of config.toml names no action: {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}")
        if settings.keys:
            self.set_keymap(settings.keys)

    def compose(self):
        yield Header(icon="≡")
        yield Static("", id="small-notice")
        with VerticalScroll(id="panes", can_focus=False):
            with Vertical(id="partners-pane", classes="pane"):
                yield Static("", id="empty-hint", classes="hint")
                yield PartnersTable(id="partners")
            yield LotPane(self.document.rules, id="lot-pane", classes="pane")
            yield ScoreboardView(id="scoreboard", classes="pane")
        yield VerdictBar(id="verdict")
        yield Footer()

    def on_mount(self) -> None:
        if self._settings_problems:
            self.notify("\n".join(self._settings_problems), title="Some settings were not loaded",
                        severity="warning", timeout=10)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.query_one("#partners-pane").border_title = "Partners"
        self.query_one("#lot-pane").border_title = "Lot & ecosystem"
        self.query_one("#scoreboard").border_title = "Scoreboard"
        self.redraw()
        self.query_one(PartnersTable).focus()

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = False) -> None:
        """Notifications hold file names and key paths such as partners[3]: plain text, not markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def _remember_theme(self, theme) -> None:
        problem = save_theme(theme.name)
        if problem:
            self.notify(problem, severity="warning")

    def on_resize(self, event) -> None:
        small = event.size.width < MIN_WIDTH or event.size.height < MIN_HEIGHT
        notice = self.query_one("#small-notice", Static)
        notice.display = small
        if small:
            notice.update(f"The terminal is small ({event.size.width}x{event.size.height}): "
                          f"enlarge it to {MIN_WIDTH}x{MIN_HEIGHT} or more. Everything scrolls meanwhile.")

    # --- drawing ---------------------------------------------------------------------------

    def redraw(self, resync: bool = False) -> None:
        """Every pane from a fresh Scoreboard; `resync` after an undo or redo, which changes typed fields too."""
        doc = self.document
        self.board = evaluate(doc.plan, doc.rules)
        self.query_one(PartnersTable).show(doc.plan, doc.rules)
        hint = self.query_one("#empty-hint", Static)
        hint.display = not doc.plan.partners
        if not doc.plan.partners:
            add, imp = (self._keys.get(b, k).split(",")[0] for b, k in (("planner.add_partner", "a"),
                                                                         ("planner.import", "i")))
            hint.update(f"No partners yet: press {add} to add a partner, {imp} to import them from a CSV file.")
        self.query_one(LotPane).show(doc.plan, self.board, resync)
        self.query_one(ScoreboardView).show(self.board)
        self.query_one(VerdictBar).show(self.board)
        if isinstance(self.screen, PlanEditor):
            self.screen.plan_changed()
        marks = (" ●" if doc.dirty else "") + (" [read-only]" if doc.read_only else "")
        self.title = f"{doc.name}{marks}"
        self.sub_title = doc.plan.acronym or doc.plan.title

    def apply(self, plan, select_row: int | None = None, merge: str | None = None, say: bool = True) -> bool:
        """Make `plan` current and redraw; edits with the same `merge` key in a row are one undo step.

        An edit says what it changed ("Edited UNIBP", "Lot 2 → Lot 1") unless `say` is False (the
        caller says it) or it is a keystroke of a typed field (`merge`). False when nothing changed.
        """
        if not self.document.edit(plan, merge):
            return False
        self.redraw()
        if select_row is not None:
            self.query_one(PartnersTable).move_cursor(row=select_row)
        if say and merge is None:
            self.notify(plain(_sentence(self.document.last_change)), timeout=3)
        return True

    # --- partners --------------------------------------------------------------------------

    def _selected_index(self) -> int | None:
        table = self.query_one(PartnersTable)
        partners = self.document.plan.partners
        return table.cursor_row if partners and 0 <= table.cursor_row < len(partners) else None

    def action_add_partner(self) -> None:
        from planner.tui.screens.partner_form import PartnerForm

        form = PartnerForm(self.document.rules, self.document.plan)

        def added(partner: Partner | None) -> None:
            if partner is not None:
                plan = editing.add_partner(self.document.plan, partner)
                self.apply(plan, select_row=len(plan.partners) - 1)
                if form.again:  # ctrl+n: saved, and the next empty form
                    self.action_add_partner()

        self.push_screen(form, added)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if isinstance(event.data_table, PartnersTable):
            self.edit_partner(event.cursor_row)

    def edit_partner(self, index: int) -> None:
        from planner.tui.screens.partner_form import PartnerForm

        partners = self.document.plan.partners
        if not 0 <= index < len(partners):
            return

        def edited(partner: Partner | None) -> None:
            if partner is not None:
                if not self.apply(editing.replace_partner(self.document.plan, index, partner), select_row=index):
                    self.notify(plain(f"{partner.label}: nothing changed"), timeout=3)

        self.push_screen(PartnerForm(self.document.rules, self.document.plan, index), edited)

    def action_remove_partner(self) -> None:
        from planner.tui.screens.dialogs import Choice

        index = self._selected_index()
        if index is None:
            self.notify("No partner to remove.")
            return
        partner = self.document.plan.partners[index]

        def answered(choice: str | None) -> None:
            if choice == "remove":
                self.apply(editing.remove_partner(self.document.plan, index), select_row=max(index - 1, 0), say=False)
                self.notify(f"Removed {partner.label} (ctrl+z undoes)")

        orphans = [p.label for p in self.document.plan.partners if p.affiliated_to == partner.label]
        warning = (f"\n{', '.join(orphans)} {'is' if len(orphans) == 1 else 'are'} affiliated to it and will point "
                   "to no partner: edit or remove them too." if orphans else "")
        self.push_screen(Choice(f"Remove {partner.label} ({partner.name}) from the plan?{warning}",
                                [("remove", "Remove"), ("cancel", "Cancel")], default="cancel"), answered)

    # --- lot pane --------------------------------------------------------------------------

    def action_switch_lot(self) -> None:
        doc = self.document
        self.apply(editing.set_lot(doc.plan, doc.rules, editing.next_lot(doc.plan, doc.rules)))

    def on_lot_pane_scenario_chosen(self, event: LotPane.ScenarioChosen) -> None:
        self.apply(editing.set_lot(self.document.plan, self.document.rules, event.lot, event.months))

    def on_lot_pane_grant_changed(self, event: LotPane.GrantChanged) -> None:
        if event.invalid:
            self.redraw()  # only the hint changes
            return
        if not self.apply(editing.set_requested_grant(self.document.plan, event.amount), merge="grant"):
            self.redraw()  # the plan is as it was (a wrong amount cleared): the hint must drop its error

    def on_lot_pane_ecosystems_changed(self, event: LotPane.EcosystemsChanged) -> None:
        doc = self.document
        ids = event.ids
        if doc.rules.lot(doc.plan.lot).ecosystems == "exactly-one" and event.toggled in ids:
            ids = [event.toggled]  # one ecosystem per proposal: the new one replaces the old
        self.apply(editing.set_ecosystems(doc.plan, ids))

    def action_compare(self) -> None:
        from planner.tui.screens.compare import CompareScreen

        def chosen(scenario: tuple[int, int] | None) -> None:
            if scenario is not None:
                lot, months = scenario
                self.apply(editing.set_lot(self.document.plan, self.document.rules, lot, months), say=False)
                self.notify(f"Plan set to Lot {lot}, {months} months")

        self.push_screen(CompareScreen(self.document.plan, self.document.rules), chosen)

    def action_content(self) -> None:
        from planner.tui.screens.content import ContentScreen

        self.push_screen(ContentScreen(self.document.rules))

    def action_budget(self) -> None:
        from planner.tui.screens.budget import BudgetScreen

        self.push_screen(BudgetScreen(self.document.rules))

    def action_assessment(self) -> None:
        from planner.tui.screens.assessment import AssessmentScreen

        self.push_screen(AssessmentScreen(self.document.rules))

    def action_import_partners(self) -> None:
        from planner.importing import preview_import
        from planner.tui.screens.dialogs import PathPrompt
        from planner.tui.screens.importing import ImportScreen

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            try:
                preview = preview_import(path, self.document.plan, self.document.rules)
            except PlanError as exc:
                self.notify(str(exc), title="Not imported", severity="error", timeout=15)
                return

            def decided(add: bool | None) -> None:
                if add:
                    plan = preview.apply(self.document.plan)
                    self.apply(plan, select_row=len(plan.partners) - 1, say=False)
                    self.notify(f"Added {len(preview.accepted)} partner(s) from {path.name} (ctrl+z undoes)")

            self.push_screen(ImportScreen(preview), decided)

        start = str(self.document.path.parent) + "/" if self.document.path else ""
        self.push_screen(PathPrompt("Import partners from a CSV file:", start), chosen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a text field has the focus, keys that type into it are not offered as bindings."""
        if isinstance(self.focused, (Input, TextArea)) and action in self._typed_actions():
            return False
        return True

    def _typed_actions(self) -> set[str]:
        typed = set()
        for binding in self.BINDINGS:
            keys = self._keys.get(binding.id, binding.key) if binding.id else binding.key
            shown = binding.key_display or keys.split(",")[0]
            if len(shown) == 1 or keys.split(",")[0] in ("question_mark", "space"):
                typed.add(binding.action)
        return typed

    def action_plan_details(self, then: Callable[[], None] | None = None, why: str = "") -> None:
        """Title, acronym, call, duration and notes; `then` runs after they were applied (the first save)."""
        from planner.tui.screens.plan_details import PlanDetails

        def done(plan) -> None:
            if plan is None:
                return
            before = self.document.plan
            if plan.call != before.call and not self._follow_call(plan):
                return
            if not self.apply(plan):
                self.notify("Plan details: nothing changed", timeout=3)
            if then is not None:
                then()

        self.push_screen(PlanDetails(self.document.plan, self.document.rules, why), done)

    def _follow_call(self, plan) -> bool:
        """Load the rules of the plan's call when it changed; False (and say why) when the plan does not fit them."""
        from planner.rules import DEFAULT_CALL, load_call
        from planner.storage import check_against_rules

        try:
            rules = load_call(plan.call or DEFAULT_CALL)
            check_against_rules(plan, rules, "the plan")
        except PlanError as exc:
            self.notify(str(exc), title="Call not changed", severity="error", timeout=15)
            return False
        if rules is not self.document.rules:
            self.document.rules = rules
            self.call_later(self._rebuild_lot_pane)
        return True

    def action_undo(self) -> None:
        before = self.document.plan
        if self.document.undo():
            if self.document.plan.call != before.call:
                self._follow_call(self.document.plan)
            self.redraw(resync=True)
            self.notify(f"Undone: {self.document.last_change} ({len(self.document.undo_stack)} more to undo)",
                        timeout=3)
        else:
            self.notify("Nothing to undo.", timeout=2)

    def action_redo(self) -> None:
        before = self.document.plan
        if self.document.redo():
            if self.document.plan.call != before.call:
                self._follow_call(self.document.plan)
            self.redraw(resync=True)
            self.notify(f"Redone: {self.document.last_change} ({len(self.document.redo_stack)} more to redo)",
                        timeout=3)
        else:
            self.notify("Nothing to redo.", timeout=2)

    # --- files -----------------------------------------------------------------------------

    def action_save(self) -> None:
        self.save_then(None)

    def save_then(self, after: Callable[[], None] | None) -> None:
        from planner.tui.screens.dialogs import Choice, PathPrompt

        from planner.tui.screens.plan_details import has_placeholder_title

        doc = self.document
        if has_placeholder_title(doc.plan) and not doc.read_only:
            # a new plan's placeholder title is not the plan's title: ask for it before the first save
            self.action_plan_details(lambda: self.save_then(after) if not has_placeholder_title(
                self.document.plan) else None, why="Give the plan its title before it is saved.")
            return
        if doc.read_only or doc.path is None:
            suggestion = f"{doc.plan.acronym or 'plan'}.toml".lower() if doc.path is None else doc.path.name
            title = ("Save as (a new file; the sample stays as it is):" if doc.read_only
                     else "Save the new plan as:")
            self.push_screen(PathPrompt(title, suggestion),
                             lambda path: self._save_as(path, after) if path else None)
            return
        if doc.changed_on_disk():
            self.push_screen(Choice(f"{doc.path} was changed on disk since you opened it (by someone else?).\n"
                                    "Overwrite it with your version?",
                                    [("overwrite", "Overwrite"), ("cancel", "Cancel")]),
                             lambda answer: self._write(doc.path, after) if answer == "overwrite" else None)
            return
        self._write(doc.path, after)

    def _save_as(self, path: Path, after: Callable[[], None] | None) -> None:
        from planner.tui.screens.dialogs import Choice

        if path.is_dir():
            self.notify(f"{path} is a folder: give a file name.", severity="error")
            return
        if path.exists():
            self.push_screen(Choice(f"{path} exists. Replace it?", [("replace", "Replace"), ("cancel", "Cancel")]),
                             lambda answer: self._write(path, after) if answer == "replace" else None)
            return
        self._write(path, after)

    def _write(self, path: Path | None, after: Callable[[], None] | None) -> None:
        assert path is not None
        try:
            self.document.save(path)
        except PlanError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=15)
            return
        self.notify(f"Saved {path}")
        self.redraw()
        if after is not None:
            after()

    def ask_unsaved(self, then: Callable[[], None], doing: str) -> None:
        """Run `then` now, or after the user saved or discarded their changes."""
        from planner.tui.screens.dialogs import Choice

        if not self.document.dirty:
            then()
            return

        def answered(choice: str | None) -> None:
            if choice == "save":
                self.save_then(then)
            elif choice == "discard":
                then()

        self.push_screen(Choice(f"{self.document.name} has unsaved changes. Save them before {doing}?",
                                [("save", "Save"), ("discard", "Discard"), ("cancel", "Cancel")]), answered)

    async def action_quit(self) -> None:
        self.ask_unsaved(lambda: self.exit(0), "quitting")

    def action_open(self) -> None:
        from planner.tui.screens.dialogs import PathPrompt

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.ask_unsaved(lambda: self.open_path(path), "opening another plan")

        start = str(self.document.path.parent) + "/" if self.document.path else ""
        self.push_screen(PathPrompt("Open plan:", start), chosen)

    def open_path(self, path: Path) -> None:
        if not path.exists():
            self.notify(f"{path}: file not found", title="Not opened", severity="error", timeout=10)
            return
        try:
            document = open_document(path)
        except PlanError as exc:
            self.notify(str(exc), title="Not opened: your current plan is kept", severity="error", timeout=20)
            return
        rules_changed = document.rules is not self.document.rules
        self.document = document
        if rules_changed:
            self.call_later(self._rebuild_lot_pane)  # another call: other lots, caps, ecosystems, deadline
        self.redraw()
        self.notify(f"Opened {path}")

    async def _rebuild_lot_pane(self) -> None:
        pane = self.query_one(LotPane)
        pane.rules = self.document.rules
        await pane.recompose()
        self.redraw()

    # --- help and palette ------------------------------------------------------------------

    # (binding id or None, keys as shipped, what they do): the help screen, with the user's remapping applied
    KEY_HELP = (
        (None, "tab / shift+tab", "move between panes and fields"),
        ("planner.add_partner", "a", "add a partner"),
        (None, "enter", "edit the selected partner"),
        ("planner.remove_partner", "d / delete", "remove the selected partner (asks first)"),
        ("planner.switch_lot", "l", "switch between the lots"),
        ("planner.compare", "c", "what-if comparison of all lots and durations"),
        ("planner.content", "p", "Lot 2 content: occupational profiles and activities"),
        ("planner.budget", "b", "budget: each partner's share of the grant"),
        ("planner.assessment", "s", "award self-assessment"),
        ("planner.import", "i", "import partners from a CSV file (with a preview)"),
        ("planner.plan_details", "t", "plan details: title, acronym, call, duration, notes"),
        ("planner.undo", "ctrl+z", "undo"),
        ("planner.redo", "ctrl+y", "redo"),
        ("planner.save", "ctrl+s", "save (atomically)"),
        ("planner.open", "ctrl+o", "open another plan"),
        (None, "ctrl+p", "command palette: every action and theme"),
        ("planner.help", "? / f1", "this help"),
        ("planner.quit", "ctrl+q", "quit (asks when there are unsaved changes)"),
    )

    def key_help(self) -> list[tuple[str, str]]:
        return [(self._keys.get(bid, keys).replace(",", " / ") if bid else keys, what)
                for bid, keys, what in self.KEY_HELP]

    def action_help(self) -> None:
        from planner.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.document.rules, self.key_help()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Add partner", "Add a participant to the consortium", self.action_add_partner)
        yield SystemCommand("Remove partner", "Remove the selected participant", self.action_remove_partner)
        yield SystemCommand("Switch lot", "Move the plan to the other lot", self.action_switch_lot)
        yield SystemCommand("Compare lots", "What-if: all lots and durations side by side", self.action_compare)
        yield SystemCommand("Profiles and activities", "Lot 2 content: occupational profiles, activities",
                            self.action_content)
        yield SystemCommand("Budget", "Each partner's share of the grant", self.action_budget)
        yield SystemCommand("Self-assessment", "Score the proposal against the award criteria",
                            self.action_assessment)
        yield SystemCommand("Import partners", "Add partners from a CSV file, with a preview",
                            self.action_import_partners)
        # the words in the title: the palette matches titles only, and people search for "title"
        yield SystemCommand("Plan details: title, acronym, call, duration, notes",
                            "Edit the plan's title, acronym, call, duration and notes in one dialog",
                            self.action_plan_details)
        yield SystemCommand("Save", "Save the plan", self.action_save)
        yield SystemCommand("Open", "Open another plan", self.action_open)
        yield SystemCommand("Undo", "Undo the last edit", self.action_undo)
        yield SystemCommand("Redo", "Redo the last undone edit", self.action_redo)
        yield SystemCommand("Help", "Keys, the scoreboard and where the rules come from", self.action_help)
        for command in super().get_system_commands(screen):
            if command.title == "Quit":  # Textual's says "as soon as possible"; ours asks first
                command = command._replace(help="Quit the planner (asks first when there are unsaved changes)")
            yield command


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def run(path: str | None, rules: CallRules | None = None, read_only: bool = False) -> int:
    try:
        document = open_document(path, rules, read_only)
    except PlanError as exc:
        print(f"planner: {exc}", file=sys.stderr)
        return 2
    app = PlannerApp(document)
    app.run()
    return app.return_code or 0
