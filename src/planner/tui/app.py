"""PlannerApp: the panes, the keys and the file actions. It edits a Document and asks the core for a Scoreboard."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.notifications import Notification
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static, TextArea
from textual.widgets._header import HeaderTitle

from planner import editing, recovery
from planner.errors import PlanError
from planner.files import not_a_regular_file
from planner.model import Partner, new_plan
from planner.report import content_lots
from planner.rules import CallRules, available_calls, latest_call, load_call
from planner.scoring import Scoreboard, evaluate
from planner.storage import load_call_for, load_plan_with_fingerprint
from planner.tui.config import load_settings, save_theme
from planner.tui.document import Document, Refused
from planner.tui.keys import checked_keymap
from planner.tui.recovering import Keeper
from planner.tui.screens.editor import PlanEditor
from planner.tui.text import markup_or_literal, plain, scrub_input
from planner.tui.themes import DEFAULT_THEME, load_themes
from planner.tui.toasts import place_toasts, show_now
from planner.tui.typeahead import KeyGate, is_typed
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.lot_pane import LotPane
from planner.tui.widgets.partners import PartnersPane, PartnersTable
from planner.tui.widgets.scoreboard import ScoreboardView
from planner.tui.widgets.verdict import VerdictBar

MIN_WIDTH, MIN_HEIGHT = 60, 18
PANES = ("partners-pane", "lot-pane", "scoreboard")  # keys 1, 2, 3; below 120 columns one is shown at a time
PANE_IDS = ("planner.pane_partners", "planner.pane_lot", "planner.pane_scoreboard")
PANE_KEYS = Binding.Group("Panes")


def freeze_heap(collect: bool = False) -> None:
    """Leave what is alive now (the plan, its partners, the panes) out of Python's cyclic collector.

    A plan of 1,000 partners is some 140,000 objects, and every full collection walked them all:
    about 80 ms, at random, added to whatever key was being answered (issue 8: `l` within 50 ms;
    10 times as long with 10,000 partners). They are still freed by reference counting when they
    go (a plan replaced by ctrl+o, say); only a cycle among them would stay, and plans have none.
    `collect`: everything is collected first, what was frozen before included: garbage in cycles
    (the dialog that opened a plan, widgets rebuilt since the last freeze) would otherwise stay
    frozen for good, once per plan opened. At startup there is next to none, and the first screen
    should not wait for a full collection."""
    if collect:
        gc.unfreeze()  # what was frozen before and has become garbage since (the plan's old panes)
        gc.collect()
    gc.freeze()


def open_document(path: str | Path | None, rules: CallRules | None = None, read_only: bool = False) -> Document:
    """A Document for a path (existing or to be created) or a new plan. Raises PlanError for a bad file."""
    if path is not None and (problem := not_a_regular_file(Path(path))):
        raise PlanError(str(path), problem)  # before any read: a FIFO or /dev/stdin would block for ever
    if path is not None and Path(path).exists():
        plan, fingerprint = load_plan_with_fingerprint(path, rules)
        return Document(plan, rules or load_call_for(plan, str(path)), Path(path), plan, fingerprint, read_only)
    if path is not None and not Path(path).parent.is_dir():
        raise PlanError(str(path), f"folder {Path(path).parent} does not exist")
    # a new plan is for the most recent call (or the one --call/--rules named), written in the file
    plan = new_plan(rules.id if rules is not None and rules.id in available_calls() else latest_call())
    return Document(plan, rules or load_call_for(plan, "new plan"), Path(path) if path else None, plan)


class PlannerApp(App[int]):
    CSS_PATH = "planner.tcss"
    TITLE = "planner"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        Binding("a", "add_partner", "Add", id="planner.add_partner"),
        Binding("l", "switch_lot", "Lot", id="planner.switch_lot"),
        Binding("c", "compare", "Compare", id="planner.compare"),
        Binding("y", "switch_call", "Call", id="planner.switch_call", show=False),
        Binding("p", "content", "Profiles", id="planner.content", show=False),
        Binding("b", "budget", "Budget", id="planner.budget", show=False),
        Binding("s", "assessment", "Self-assessment", id="planner.assessment", show=False),
        Binding("i", "import_partners", "Import CSV", id="planner.import", show=False),
        Binding("1", "pane(0)", "Partners", id="planner.pane_partners", group=PANE_KEYS),
        Binding("2", "pane(1)", "Lot & ecosystem", id="planner.pane_lot", group=PANE_KEYS),
        Binding("3", "pane(2)", "Scoreboard", id="planner.pane_scoreboard", group=PANE_KEYS),
        Binding("t", "plan_details", "Details", id="planner.plan_details", show=False),
        Binding("ctrl+s", "save", "Save", id="planner.save"),
        Binding("ctrl+o", "open", "Open", id="planner.open", show=False),
        Binding("ctrl+z", "undo", "Undo", id="planner.undo", show=False),
        Binding("ctrl+y", "redo", "Redo", id="planner.redo", show=False),
        Binding("question_mark,f1", "help", "Help", id="planner.help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", id="planner.quit", priority=True),
    ]

    def __init__(self, document: Document, session_rules: CallRules | None = None) -> None:
        super().__init__()
        self.document = document
        # --rules FILE / --call ID: one set of rules for the whole session, every plan opened included
        self.session_rules = session_rules
        self.board: Scoreboard | None = None
        self.pane = 0  # the pane shown below 120 columns: the one that holds the focus
        self._pane_focus: dict[int, object] = {}  # the widget each pane had the focus on last
        # themes and keys are set before the first mount: a theme change after it restyles every widget
        settings = load_settings()
        themes, self._settings_problems = load_themes()
        for theme in themes:
            self.register_theme(theme)
        if settings.problem:
            self._settings_problems.append(settings.problem)
        wanted = settings.theme or DEFAULT_THEME
        self.theme = wanted if wanted in self.available_themes else DEFAULT_THEME
        defaults = {bid: keys.replace(" / ", ",").replace(" ", "") for bid, keys, _ in self.KEY_HELP if bid}
        self._keys, key_problems = checked_keymap(settings.keys, defaults, self.RESERVED_KEYS, self.PRIORITY_IDS)
        self._settings_problems.extend(key_problems)
        if self._keys:
            self.set_keymap(self._keys)
        self._key_gate = KeyGate(self, super().on_event)
        self.keeper = Keeper(self)  # this planner's recovery file (tui/recovering.py)

    async def on_event(self, event: events.Event) -> None:
        # type-ahead: keys typed in a burst are applied in order, each once the one before has been
        # handled (focus moved, dialog open); see tui/typeahead.py for why Textual needs this
        if is_typed(event):
            await self._key_gate.offer(event)
        else:
            await super().on_event(event)

    def compose(self):
        yield Header(icon="≡")
        yield Static("", id="small-notice")
        # from 120 columns: the partners full width on top, the lot pane and the scoreboard side by side
        # under them; below, one pane at a time (docs/layout.md)
        with Vertical(id="panes", classes="-show-0"):
            yield PartnersPane(id="partners-pane", classes="pane")
            with Horizontal(id="lower"):
                yield LotPane(self.document.rules, self.grant_typed, id="lot-pane", classes="pane")
                yield ScoreboardView(id="scoreboard", classes="pane")
        yield VerdictBar(id="verdict")
        yield PlannerFooter()

    def on_mount(self) -> None:
        if self._settings_problems:
            self.tell("\n".join(self._settings_problems), title="Some settings were not loaded",
                        severity="warning", timeout=10)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        for pane, bid, title in zip(PANES, PANE_IDS, ("Partners", "Lot & ecosystem", "Scoreboard")):
            self.query_one(f"#{pane}").border_title = f"{self.key_for(bid)} {title}"
        self.redraw()
        place_toasts(self.screen_stack[0], self.size)
        self.call_after_refresh(freeze_heap)
        self.watch(self.screen, "focused", self._focus_moved)
        self.query_one(PartnersTable).focus()
        self._catch_signals()
        # a sign of life for planners on other hosts, which take a holder silent for a day as gone
        self.set_interval(recovery.REFRESH_SECONDS, self.keeper.write)
        self.keeper.check(self.document, self._held_at_start, lambda: self.exit(0), cancel_label="Quit")

    def _held_at_start(self, document: Document) -> None:
        self.redraw(resync=True)  # read-only or recovered: the title and the fields say so
        self.keeper.hold()

    def _catch_signals(self) -> None:
        """SIGHUP (the terminal or the SSH link is gone) and SIGTERM: keep the unsaved changes, then exit."""
        try:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(sig, self._on_signal, sig)
        except (RuntimeError, ValueError, NotImplementedError, AttributeError):
            return  # not the main thread, or no such signals here

    def _on_signal(self, sig: int) -> None:
        self.keeper.on_signal()
        code = 128 + sig
        # the terminal may be gone: if restoring it hangs, leave anyway (the recovery file is written)
        asyncio.get_running_loop().call_later(5.0, os._exit, code)
        self.exit(return_code=code)

    def on_unmount(self) -> None:
        self.keeper.closing()  # any exit: unsaved changes kept, else no recovery file left behind
        try:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGHUP, signal.SIGTERM):
                loop.remove_signal_handler(sig)
        except (RuntimeError, ValueError, NotImplementedError, AttributeError):
            pass

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Textual's own notifications are markup ("Press [b]ctrl+q[/b]"): they keep it. The planner's own
        go through tell(), literal. A message that is not valid markup, or holds control characters, is
        shown literally rather than crash the app or reach the terminal."""
        if markup:
            message, markup = markup_or_literal(message)
        else:
            message = plain(message, keep_newlines=True)
        title = plain(title)
        note = Notification(message, title, severity, self.NOTIFICATION_TIMEOUT if timeout is None else timeout,
                            markup=markup)
        if not show_now(self, note):  # the main screen's toasts show in the frame of the edit
            super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def tell(self, message: str, *, title: str = "", severity="information", timeout: float | None = None) -> None:
        """A notification of the planner: it holds file names, partner names, key paths such as
        partners[3]: always literal text, never markup."""
        self.notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def on_input_changed(self, event) -> None:
        """Any field (the screens that handle their own say so too): a pasted control character shows as
        \\x1b and never reaches the terminal. Setting the value sends Changed again, with the clean value."""
        scrub_input(event.input)

    def _remember_theme(self, theme) -> None:
        problem = save_theme(theme.name)
        if problem:
            self.tell(problem, severity="warning")

    def on_resize(self, event) -> None:
        place_toasts(self.screen_stack[0], event.size)
        small = event.size.width < MIN_WIDTH or event.size.height < MIN_HEIGHT
        notice = self.query_one("#small-notice", Static)
        notice.display = small
        # below 100 columns the footer needs the room of "^p palette" for the keys (help names ctrl+p)
        self.query_one(PlannerFooter).show_command_palette = event.size.width >= 100
        if small:
            notice.update(plain(f"The terminal is small ({event.size.width}x{event.size.height}): "
                          f"enlarge it to {MIN_WIDTH}x{MIN_HEIGHT} or more. Everything scrolls meanwhile."))

    # --- drawing ---------------------------------------------------------------------------

    def redraw(self, resync: bool = False) -> None:
        """Every pane from a fresh Scoreboard; `resync` after an undo or redo, which changes typed fields too."""
        doc = self.document
        self.board = evaluate(doc.plan, doc.rules)
        self.query_one(PartnersPane).show(doc.plan, doc.rules, self.key_for("planner.add_partner"),
                                          self.key_for("planner.import"))
        self.query_one(LotPane).show(doc.plan, self.board, resync)
        self.query_one(ScoreboardView).show(self.board, self._rule_keys)
        self.query_one(VerdictBar).show(self.board)
        if isinstance(self.screen, PlanEditor):
            self.screen.plan_changed()
        self.keeper.edited()  # the recovery file follows within a second
        marks = (" ●" if doc.dirty else "") + (" [read-only]" if doc.read_only else "")
        # the header shows them as plain text (Content), but a file name or title may hold an ESC
        self._set_titles(plain(f"{doc.name}{marks}"), plain(doc.plan.acronym or doc.plan.title))

    def _set_titles(self, title: str, sub_title: str) -> None:
        """Set the app's title and sub-title and redraw the header lines only.

        Setting App.title the usual way repaints the whole screen (over SSH, 50 KB for a ● that comes
        and goes); set_reactive skips that, so the headers of the open screens are updated here."""
        if (title, sub_title) == (self.title, self.sub_title):
            return
        self.set_reactive(PlannerApp.title, title)
        self.set_reactive(PlannerApp.sub_title, sub_title)
        for screen in self.screen_stack:
            for header in screen.query(Header):
                for line in header.query(HeaderTitle):
                    line.update(header.format_title())

    def _keys_of(self, binding: Binding) -> list[str]:
        """The keys of one of the app's bindings, as remapped in config.toml."""
        keys = self._keys.get(binding.id, binding.key) if binding.id else binding.key
        return [key.strip() for key in keys.split(",")]

    def key_for(self, binding_id: str) -> str:
        """The key the user presses for a binding, as the footer shows it."""
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.id == binding_id:
                return super().get_key_display(Binding(self._keys_of(binding)[0], binding.action))
        return ""

    @property
    def _rule_keys(self) -> dict[str, str]:
        return {bid: self.key_for(bid) for bid in ("planner.content", "planner.budget", "planner.assessment")}

    # --- panes -----------------------------------------------------------------------------

    def action_pane(self, index: int) -> None:
        """Show pane `index` (below 120 columns) and put the focus where it was in it last."""
        pane = self.query_one(f"#{PANES[index]}")
        self._show_pane(index)
        last = self._pane_focus.get(index)
        if last is not None and last.is_attached and pane in last.ancestors and last.focusable:
            last.focus()
            return
        for widget in pane.query("*"):
            if widget.focusable:
                widget.focus()
                return

    def _show_pane(self, index: int) -> None:
        self.pane = index
        panes = self.query_one("#panes")
        for i in range(len(PANES)):
            panes.set_class(i == index, f"-show-{i}")

    def _focus_moved(self, focused) -> None:
        """The pane shown follows the focus (tab walks through every pane's fields)."""
        if focused is None or focused.screen is not self.screen:
            return
        for index, pane in enumerate(PANES):
            if any(node.id == pane for node in focused.ancestors):
                self._pane_focus[index] = focused
                if index != self.pane:
                    self._show_pane(index)
                return

    def get_key_display(self, binding: Binding) -> str:
        """Help is `f1` while a field has the focus (`?` types into it)."""
        if binding.action == "help" and isinstance(self.focused, (Input, TextArea)):
            return "f1"
        return super().get_key_display(binding)

    def apply(self, plan, select_row: int | None = None, merge: str | None = None,
              inline: bool = False, say: bool = True) -> str | None:
        """Make `plan` current and redraw; edits with the same `merge` key in a row are one undo step.

        A plan that the loader would refuse is not taken: the plan keeps its last good state and the
        reason is returned (and notified, unless the caller shows it `inline` next to its field).
        An edit says what it changed ("Edited UNIBP", "Lot 2 → Lot 1") unless `say` is False (the
        caller says it) or it is a keystroke of a typed field (`merge`).
        """
        try:
            changed = self.document.edit(plan, merge)
        except Refused as exc:
            if not inline:
                self.tell(str(exc), title="Not changed: the plan would not load", severity="error", timeout=10)
            return str(exc)
        if changed:
            self.redraw()
            if select_row is not None:
                self.query_one(PartnersTable).move_cursor(row=select_row)
            if say and merge is None:
                self.tell(_sentence(self.document.last_change), timeout=3)
        return None

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
                if self.apply(plan, select_row=len(plan.partners) - 1) is None and form.again:
                    self.action_add_partner()  # ctrl+n: saved, and the next empty form

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
                changed = editing.replace_partner(self.document.plan, index, partner)
                if changed == self.document.plan:
                    self.tell(f"{partner.label}: nothing changed", timeout=3)
                else:
                    self.apply(changed, select_row=index)

        self.push_screen(PartnerForm(self.document.rules, self.document.plan, index), edited)

    def action_remove_partner(self) -> None:
        from planner.tui.screens.dialogs import Choice

        index = self._selected_index()
        if index is None:
            self.tell("No partner to remove.")
            return
        partner = self.document.plan.partners[index]

        def answered(choice: str | None) -> None:
            if choice == "remove":
                if self.apply(editing.remove_partner(self.document.plan, index),
                              select_row=max(index - 1, 0), say=False) is None:
                    self.tell(f"Removed {partner.label} (ctrl+z undoes)")

        orphans = [p.label for p in self.document.plan.partners if p.affiliated_to == partner.label]
        warning = (f"\n{', '.join(orphans)} {'is' if len(orphans) == 1 else 'are'} affiliated to it and will point "
                   "to no partner: edit or remove them too." if orphans else "")
        self.push_screen(Choice(f"Remove {partner.label} ({partner.name}) from the plan?{warning}",
                                [("remove", "Remove"), ("cancel", "Cancel")], default="cancel"), answered)

    # --- lot pane --------------------------------------------------------------------------

    def action_switch_lot(self) -> None:
        doc = self.document
        self.apply(editing.set_lot(doc.plan, doc.rules, editing.next_lot(doc.plan, doc.rules)))

    def action_switch_call(self) -> None:
        """The next call the planner knows (2024 -> 2025 -> 2026 -> 2024): judge the plan by its rules."""
        doc = self.document
        calls = available_calls()
        current = doc.plan.call or doc.rules.id
        target = calls[(calls.index(current) + 1) % len(calls)] if current in calls else calls[-1]
        rules, before = load_call(target), doc.rules
        plan = editing.set_call(doc.plan, rules)
        doc.rules = rules
        self.query_one(LotPane).rules = rules
        if self.apply(plan, say=False) is not None:  # refused (it said why): the plan keeps its call
            doc.rules = before
            self.query_one(LotPane).rules = before
            self.redraw()
            return
        self.call_later(self._rebuild_lot_pane)  # other lots, caps, ecosystems, deadline
        # one toast: the edit's own ("Plan details (call)") would say less, twice
        self.tell(f"Call {rules.id} ({rules.name}), Lot {plan.lot} (ctrl+z undoes)")

    def on_lot_pane_scenario_chosen(self, event: LotPane.ScenarioChosen) -> None:
        self.apply(editing.set_lot(self.document.plan, self.document.rules, event.lot, event.months))

    def grant_typed(self, amount: int | None, invalid: bool) -> None:
        """A keystroke in the grant field (LotPane): the plan follows, in the keystroke's own turn."""
        pane = self.query_one(LotPane)
        pane.refused = None
        if not invalid:
            try:
                self.document.edit(editing.set_requested_grant(self.document.plan, amount), merge="grant")
            except Refused as exc:
                pane.refused = str(exc)
        self.redraw()  # once per keystroke, changed or not: the hint says why a typed amount is not taken

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
                self.tell(f"Plan set to Lot {lot}, {months} months")

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
            if problem := not_a_regular_file(path, "CSV file"):
                self.tell(f"{path}: {problem}", title="Not imported", severity="error", timeout=15)
                return
            try:
                preview = preview_import(path, self.document.plan, self.document.rules)
            except PlanError as exc:
                self.tell(str(exc), title="Not imported", severity="error", timeout=15)
                return

            def decided(add: bool | None) -> None:
                if add:
                    plan = preview.apply(self.document.plan)
                    if self.apply(plan, select_row=len(plan.partners) - 1, say=False) is None:
                        self.tell(f"Added {len(preview.accepted)} partner(s) from {path.name} (ctrl+z undoes)")

            self.push_screen(ImportScreen(preview), decided)

        start = str(self.document.path.parent) + "/" if self.document.path else ""
        self.push_screen(PathPrompt("Import partners from a CSV file:", start), chosen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer shows only keys that work here: while a text field has the focus, keys that type
        into it are not offered as bindings; Remove needs a partner."""
        if action == "remove_partner" and not self.document.plan.partners:
            return False
        if isinstance(self.focused, (Input, TextArea)) and action in self._typed_actions():
            return action == "help"  # `?` types, but f1 still helps (get_key_display shows f1 then)
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
            if plan == self.document.plan:
                self.tell("Plan details: nothing changed", timeout=3)
            else:
                self.apply(plan)
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
            self.tell(str(exc), title="Call not changed", severity="error", timeout=15)
            return False
        if rules is not self.document.rules:
            self.document.rules = rules
            self.query_one(LotPane).rules = rules  # before the redraw that follows: other lots, caps
            self.call_later(self._rebuild_lot_pane)
        return True

    def action_undo(self) -> None:
        before = self.document.plan
        if self.document.undo():
            if self.document.plan.call != before.call:
                self._follow_call(self.document.plan)
            self.redraw(resync=True)
            self.tell(f"Undone: {self.document.last_change} ({len(self.document.undo_stack)} more to undo)",
                        timeout=3)
        else:
            self.tell("Nothing to undo.", timeout=2)

    def action_redo(self) -> None:
        before = self.document.plan
        if self.document.redo():
            if self.document.plan.call != before.call:
                self._follow_call(self.document.plan)
            self.redraw(resync=True)
            self.tell(f"Redone: {self.document.last_change} ({len(self.document.redo_stack)} more to redo)",
                        timeout=3)
        else:
            self.tell("Nothing to redo.", timeout=2)

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
                                    [("overwrite", "Overwrite"), ("cancel", "Cancel")], default="cancel"),
                             lambda answer: self._write(doc.path, after) if answer == "overwrite" else None)
            return
        self._write(doc.path, after)

    def _save_as(self, path: Path, after: Callable[[], None] | None) -> None:
        from planner.tui.screens.dialogs import Choice

        problem = not_a_regular_file(path)  # a folder, a path too long: said before any question
        if problem and "is a folder" in problem:
            self.tell(f"{path} is a folder: give a file name.", severity="error")
            return
        if problem and problem.startswith("cannot"):
            self.tell(f"{path}: {problem}", title="Not saved", severity="error", timeout=15)
            return
        if problem or path.exists():  # a file, or a FIFO or device standing there: ask, Cancel first
            self.push_screen(Choice(f"{path} exists. Replace it?", [("replace", "Replace"), ("cancel", "Cancel")],
                                    default="cancel"),
                             lambda answer: self._write(path, after) if answer == "replace" else None)
            return
        self._write(path, after)

    def _write(self, path: Path | None, after: Callable[[], None] | None) -> None:
        assert path is not None
        before = (self.document.path, self.document.read_only)
        try:
            self.document.save(path)
        except PlanError as exc:
            self.tell(str(exc), title="Not saved", severity="error", timeout=15)
            return
        except (OSError, ValueError) as exc:  # a path the system refuses (too long, a NUL)
            self.tell(f"{path}: {getattr(exc, 'strerror', None) or exc}", title="Not saved", severity="error",
                      timeout=15)
            return
        self.tell(f"Saved {path}")
        if (self.document.path, self.document.read_only) != before:
            self.keeper.hold()  # saved as another file: the recovery file moves with it
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
                                [("save", "Save"), ("discard", "Discard"), ("cancel", "Cancel")],
                                default="cancel"), answered)

    async def action_quit(self) -> None:
        self.ask_unsaved(self._quit, "quitting")

    def _quit(self) -> None:
        self.keeper.release()  # a clean quit leaves no recovery file
        self.exit(0)

    def action_open(self) -> None:
        from planner.tui.screens.dialogs import PathPrompt

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.ask_unsaved(lambda: self.open_path(path), "opening another plan")

        start = str(self.document.path.parent) + "/" if self.document.path else ""
        self.push_screen(PathPrompt("Open plan:", start), chosen)

    def open_path(self, path: Path) -> None:
        if (problem := not_a_regular_file(path)) or not path.exists():
            self.tell(f"{path}: {problem or 'file not found'}", title="Not opened: your current plan is kept",
                      severity="error", timeout=10)
            return
        try:
            document = open_document(path, self.session_rules)  # refuses a FIFO, a device or a folder before reading
        except PlanError as exc:
            self.tell(str(exc), title="Not opened: your current plan is kept", severity="error", timeout=20)
            return
        self.keeper.check(document, lambda doc: self._switch_to(doc, path), lambda: None)

    def _switch_to(self, document: Document, path: Path) -> None:
        rules_changed = document.rules is not self.document.rules
        self.document = document
        if rules_changed:
            # the pane judges the redraw below by the new rules; its lists are rebuilt right after
            self.query_one(LotPane).rules = document.rules
            self.call_later(self._rebuild_lot_pane)  # another call: other lots, caps, ecosystems, deadline
        self.keeper.hold()  # lets go of the plan closed before
        self.redraw(resync=True)
        self.tell(f"Opened {path}")
        self.call_after_refresh(freeze_heap, True)

    async def _rebuild_lot_pane(self) -> None:
        pane = self.query_one(LotPane)
        pane.rules = self.document.rules
        await pane.recompose()
        self.redraw()

    # --- help and palette ------------------------------------------------------------------

    # keys that no action may be remapped to: the table's edit key, focus moves, the palette, Textual's copy
    RESERVED_KEYS = {"enter": "edit the selected partner", "tab": "move between panes",
                     "shift+tab": "move between panes", "ctrl+p": "the command palette",
                     "ctrl+c": "copy (and Textual's quit hint)", "escape": "close a dialog"}
    PRIORITY_IDS = {"planner.quit"}  # taken before any text field: never a key that types a character

    # (binding id or None, keys as shipped, what they do): the help screen, with the user's remapping applied
    KEY_HELP = (
        (None, "tab / shift+tab", "move between panes and fields"),
        ("planner.pane_partners", "1", "the partners pane (below 120 columns: show it)"),
        ("planner.pane_lot", "2", "the lot & ecosystem pane"),
        ("planner.pane_scoreboard", "3", "the scoreboard pane"),
        ("planner.add_partner", "a", "add a partner"),
        (None, "enter", "edit the selected partner"),
        ("planner.remove_partner", "d / delete", "remove the selected partner (asks first)"),
        ("planner.switch_lot", "l", "the next lot of the call ({lots} in call {call})"),
        ("planner.compare", "c", "what-if comparison of all lots and durations of the call"),
        ("planner.switch_call", "y", "the next call ({calls}): its rules apply"),
        ("planner.content", "p", "{content} content: occupational profiles and activities"),
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
        """The keys as remapped, and what they do; the lots and calls from the rules the planner has
        (a 2027 call file shows up here without a change of code)."""
        rules = self.document.rules
        known = {"lots": ", ".join(str(lot.number) for lot in rules.lots), "call": rules.id,
                 "calls": ", ".join(available_calls()), "content": content_lots(rules)}
        return [(self._keys.get(bid, keys).replace(",", " / ") if bid else keys, what.format(**known))
                for bid, keys, what in self.KEY_HELP]

    def action_help(self) -> None:
        from planner.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.document.rules, self.key_help()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Partners pane", "Show the partners (key 1)", lambda: self.action_pane(0))
        yield SystemCommand("Lot & ecosystem pane", "Show the lot, grant and ecosystems (key 2)",
                            lambda: self.action_pane(1))
        yield SystemCommand("Scoreboard pane", "Show every rule, one line each (key 3)", lambda: self.action_pane(2))
        yield SystemCommand("Add partner", "Add a participant to the consortium", self.action_add_partner)
        yield SystemCommand("Remove partner", "Remove the selected participant", self.action_remove_partner)
        yield SystemCommand("Switch lot", "Move the plan to the next lot of its call", self.action_switch_lot)
        yield SystemCommand("Compare lots", "What-if: all lots and durations side by side", self.action_compare)
        yield SystemCommand("Switch call", f"Judge the plan by the next call's rules ({', '.join(available_calls())})",
                            self.action_switch_call)
        yield SystemCommand("Profiles and activities",
                            f"{content_lots(self.document.rules)} content: occupational profiles, activities",
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
        print(plain(f"planner: {exc}", keep_newlines=True), file=sys.stderr)  # a path may hold an ESC
        return 2
    app = PlannerApp(document, session_rules=rules)
    app.run()
    return app.return_code or 0
