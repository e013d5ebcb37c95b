"""PlannerApp: the settings, the open Document, undo and redo, notices and the signals; its file
actions are in `filing.py` (the Filing mixin).

The panes and their actions are the main screen's (`screens/main.py`); the keys, the help's key list
and the palette's commands are built from the table in `actions.py`."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import deque
from collections.abc import Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, cast

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.filter import Monochrome, NoColor
from textual.notifications import Notification
from textual.screen import ModalScreen, Screen

from planner import recovery
from planner.conflicts import MergeConflict
from planner.document import Document, Refused
from planner.errors import PlanError
from planner.heap import freeze_heap
from planner.rules import CallRules
from planner.scoring import Scoreboard
from planner.settings import load_settings, save_theme
from planner.tui.actions import (
    ACTIONS,
    MAIN,
    RESERVED_KEYS,
    bound,
    in_palette,
    key_help,
    known,
    places,
    priority_ids,
    shipped_keys,
)
from planner.tui.ending import Ending
from planner.tui.filing import DISK_CHECK_SECONDS, Filing
from planner.tui.keys import checked_keymap, types_in_a_field
from planner.tui.opening import file_name_for as file_name_for  # the names tests and callers know here
from planner.tui.opening import not_found as not_found
from planner.tui.opening import open_document as open_document
from planner.tui.recovering import Keeper
from planner.tui.screens import DIALOG_CSS
from planner.tui.screens.main import MainScreen
from planner.tui.start import DUMB_TERMINAL, replace_bytes_not_utf8, terminal_size_from_terminal
from planner.tui.text import markup_or_literal, plain, scrub_input
from planner.tui.themes import load_themes, start_theme
from planner.tui.toasts import clear_notices, show_now
from planner.tui.typeahead import KeyGate, is_typed
from planner.tui.widgets.live import is_text_field

MAX_SAID = 100  # the notifications `m` keeps (a long session says a few hundred; the last hundred tell what happened)


class PlannerApp(Filing, App[int]):
    CSS_PATH = "planner.tcss"
    TITLE = "planner"
    BINDINGS: ClassVar[list[BindingType]] = [*bound(ACTIONS, "app")]
    RESERVED_KEYS = RESERVED_KEYS
    PRIORITY_IDS = priority_ids(ACTIONS)

    def __init__(self, document: Document, session_rules: CallRules | None = None,
                 folder: Path | None = None, ask_if_missing: bool = False,
                 conflict: tuple[Path, MergeConflict] | None = None) -> None:
        super().__init__()
        # no smooth scrolling: a form that scrolls to the field given the focus does it at once, not
        # in 0.2 s of frames that each cross an SSH link (and keys typed ahead wait behind). Textual's
        # own TEXTUAL_ANIMATIONS, when set, is the user's choice and is kept
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            self.animation_level = "none"
        self.document = document
        # every notification so far, with its time, the newest last: `m` shows them whole (MainScreen.action_messages)
        self.said: deque[tuple[datetime, Notification]] = deque(maxlen=MAX_SAID)
        self.said_in_all = 0  # and how many were said: past MAX_SAID, m says it shows the last ones
        # `planner PLAN` on a file with merge conflicts: `document` is a new plan until one side of each
        # is taken; leaving the file as it is ends the planner with exit status 2 (`conflict_left`)
        self.start_conflict = conflict
        self.conflict_left = False
        self.start_folder = folder  # `planner DIR`: the folder view first, over a new plan
        # the plan named on the command line does not exist: say so (and offer similar names) first
        self._ask_if_missing = ask_if_missing
        # --rules FILE / --call ID: one set of rules for the whole session, every plan opened included
        self.session_rules = session_rules
        # themes and keys are set before the first mount: a theme change after it restyles every widget
        settings = load_settings()
        themes, self._settings_problems = load_themes()
        for theme in themes:
            self.register_theme(theme)
        if settings.problem:
            self._settings_problems.append(settings.problem)
        self._start_theme(start_theme(settings.theme, self.available_themes, self.console.color_system))
        self._keys, key_problems = checked_keymap(settings.keys, shipped_keys(ACTIONS), self.RESERVED_KEYS,
                                                  self.PRIORITY_IDS, places(ACTIONS))
        self._settings_problems.extend(key_problems)
        if self._keys:
            self.set_keymap(self._keys)
        self._key_gate = KeyGate(self, super().on_event)
        self.keeper = Keeper(self)  # this planner's recovery file (tui/recovering.py)
        self.ending: Ending | None = None  # SIGHUP/SIGTERM, when run() installed them (tui/ending.py)
        self._started = False  # the main screen is mounted: an exit now does not break its start
        self._exit_code_asked: int | None = None  # a signal came before that

    def _start_theme(self, name: str) -> None:
        """The theme before anything is drawn. What setting App.theme does, but at once: the watcher
        it runs leaves the CSS to be read with the default theme's colours first and schedules a
        second reading of all of it, and a restyle of every widget, for when the app starts (6 ms of
        the start; tests/tui/test_themes.py checks that the start reads it once, in this theme)."""
        self.set_reactive(App.theme, name)
        theme = self.current_theme
        classes = {c: False for c in self.classes if c.startswith("-theme-")}
        self.update_classes({**classes, f"-theme-{name}": True, "-dark-mode": theme.dark,
                             "-light-mode": not theme.dark}, update=False)
        self._refresh_truecolor_filter(self.ansi_theme)  # as App._watch_theme does (Textual is pinned)
        self.stylesheet.set_variables(self.get_css_variables())

    def _refresh_truecolor_filter(self, theme) -> None:
        """Textual's, run on every change of theme (and by `_start_theme`); and, under NO_COLOR, the filter
        for the theme's kind. Textual chooses that one once, as the app is made, for its own default
        theme: Monochrome, which turns an ANSI theme's default colour black (ansi-16 was black on black).
        An ANSI theme takes NoColor, the terminal's own colours, as when Textual starts in one."""
        super()._refresh_truecolor_filter(theme)
        if self.no_color:
            kind = NoColor if self.native_ansi_color else Monochrome
            self._filters[:] = [f if not isinstance(f, (NoColor, Monochrome)) or type(f) is kind else kind()
                                for f in self._filters]

    def on_load(self) -> None:
        if self.ending is not None:
            self.ending.loop = asyncio.get_running_loop()  # from now on a signal exits through the app
        self.disk_changed = False  # someone else saved the file since we read or saved it (the title says so)
        self.disk_gone = False  # the file is no longer at its path (moved, renamed, deleted; the title says so)
        self._disk_seen: tuple[int, int] | None = None  # the file's (mtime, size) at the last check

    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    @property
    def main(self) -> MainScreen:
        """The main screen: the bottom of the screen stack, under any dialog."""
        return cast(MainScreen, self.screen_stack[0])  # get_default_screen's, never popped

    @property
    def board(self) -> Scoreboard | None:
        """The scoreboard of the plan as last drawn."""
        return self.main.board

    async def on_event(self, event: events.Event) -> None:
        # type-ahead: keys typed in a burst are applied in order, each once the one before has been
        # handled (focus moved, dialog open); see tui/typeahead.py for why Textual needs this
        if is_typed(event):
            await self._key_gate.offer(event)
        else:
            await super().on_event(event)

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        """Restyle `node` and what is under it, when it is in the DOM. A widget being built (a form's
        inputs and buttons set `compact` and other class-toggling values in their constructors) is
        styled when it is mounted (App._register applies the stylesheet to each new widget): styling
        it before, with no parent to match selectors against, was work thrown away, 23 restyles at
        each partner form."""
        if node.is_attached:
            super().update_styles(node, animate)

    def on_ready(self) -> None:
        # the first frame is on the screen: what the start built stays (see heap.freeze_heap), and
        # the collector, paused while the program loaded, runs again
        freeze_heap()
        self.call_after_refresh(self._read_dialog_css)

    def _read_dialog_css(self) -> None:
        """The dialogs' CSS (screens/dialogs.tcss), read after the first frame instead of before it
        (2 ms) or when the first dialog opens: Textual then restyles every widget of every screen,
        and the first partner form took 30 ms longer than the next ones. None of its rules matches a
        widget outside a dialog or the folder view, so nothing on screen needs restyling now
        (tests/tui/test_first_frame.py checks both)."""
        if not self.stylesheet.has_source(str(DIALOG_CSS)):  # a dialog at the start read it already
            self.stylesheet.read(DIALOG_CSS)
            # parse, not reparse: reparse reads every source again in a new Stylesheet (10 ms); parse
            # reads the new one and takes the others from the stylesheet's cache
            self.stylesheet.parse()

    def main_mounted(self) -> None:
        """The rest of the start, once the main screen is there (the app mounts before its screen)."""
        self._started = True
        if self._exit_code_asked is not None:  # a signal during the start: end now, ask nothing
            self.exit(return_code=self._exit_code_asked)
            return
        if self._settings_problems:
            self.tell("\n".join(self._settings_problems), title="Some settings were not loaded",
                      severity="warning", timeout=10)
        from planner.rules import replaced_notice

        if notice := replaced_notice(self.document.rules):  # the user's own rule set in place of a built-in one
            self.tell(notice, title="Your own rules", timeout=10)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        # a sign of life for planners on other hosts, which take a holder silent for a day as gone
        self.set_interval(recovery.REFRESH_SECONDS, self.keeper.write)
        self.set_interval(DISK_CHECK_SECONDS, self.check_disk)
        if self.start_conflict is not None:
            self.ask_conflicts(*self.start_conflict, self._leave_conflict, alone=True)
        elif self.start_folder is not None:
            # `planner DIR`: the new plan under the folder view is a stand-in, not a plan the user opened. Its
            # recovery question stood under the folder view and came up once a plan was opened from it, and
            # its Recover put another session's new plan into the stand-in no longer shown, the file deleted.
            # A new plan made in the folder view (n) is checked when it is made (Filing.open_new).
            self.keeper.hold()
            self.open_folder(self.start_folder, closable=False)
        else:
            self._say_if_missing(lambda: self.keeper.check(self.document, self._held_at_start, lambda: self.exit(0),
                                                           cancel_label="Quit"))

    def _leave_conflict(self) -> None:
        self.conflict_left = True
        self.exit(return_code=2)  # as for any file the planner cannot open; run() says why on stderr

    def _held_at_start(self, document: Document) -> None:
        if not self.main.up_to_date:
            self.redraw(resync=True)  # read-only or recovered: the title and the fields say so
        self.keeper.hold()

    def keep_for_recovery(self) -> None:
        """SIGHUP/SIGTERM (tui/ending.py, in a signal handler): the unsaved changes kept now, before any exit."""
        self.keeper.on_signal()

    def end_on_signal(self, code: int) -> None:
        """The graceful exit after SIGHUP/SIGTERM (tui/ending.py); during the start, once the main screen is
        mounted (Textual's exit in the middle of a compose leaves the screen's on_mount without its widgets)."""
        if self._started:
            self.exit(return_code=code)
        else:
            self._exit_code_asked = code

    def on_unmount(self) -> None:
        self.keeper.closing()  # any exit: unsaved changes kept, else no recovery file left behind

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
        self.said.append((datetime.now().astimezone(), note))  # m shows them again, whole (action_messages)
        self.said_in_all += 1
        if not show_now(self, note):  # in a line of their own (tui/toasts.py), in the frame of the edit
            super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        """A new dialog clears the notices: they spoke of the screen before (an import error must not
        stand over the next import's preview). Textual's arguments and overloads, passed on as they are."""
        clear_notices(self)
        return super().push_screen(*args, **kwargs)

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
        self.main.resized(event.size)

    def redraw(self, resync: bool = False) -> None:
        """After every change of the plan, the one place that shows it: every pane of the main screen from
        a fresh Scoreboard (`resync`: the typed fields too), the dialog over it that shows the plan too,
        and the recovery file."""
        self.main.redraw(resync)
        # a PlanEditor (content, budget, assessment) shows the plan too (asked by name: the start imports no dialog)
        plan_changed = getattr(self.screen, "plan_changed", None) if self.screen is not self.main else None
        if plan_changed is not None:
            plan_changed()
        self.keeper.edited()  # the recovery file follows within a second

    def keys_of(self, binding_id: str | None) -> str:
        """The keys of one of the planner's actions, as remapped in config.toml ("d,delete")."""
        remapped = self._keys.get(binding_id) if binding_id is not None else None
        return remapped or next((a.keys for a in ACTIONS if a.id == binding_id), "")

    def key_for(self, binding_id: str) -> str:
        """The key the user presses for a binding, as the footer shows it."""
        keys = self.keys_of(binding_id)
        return super().get_key_display(Binding(keys.split(",")[0].strip(), "")) if keys else ""

    def key_now(self, binding_id: str) -> str:
        """The key for a binding that works where the focus is: while a text field has it, the first of the
        binding's keys that types nothing there (f1 for help, f2 for the notices), else `key_for`'s."""
        if is_text_field(self.focused):
            for key in self.keys_of(binding_id).split(","):
                if not types_in_a_field(key.strip()):
                    return super().get_key_display(Binding(key.strip(), ""))
        return self.key_for(binding_id)

    def get_key_display(self, binding: Binding) -> str:
        """Help is `f1` while a field has the focus (`?` types into it)."""
        if binding.id == "planner.help" and is_text_field(self.focused):
            return self.key_now("planner.help")
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
                self.main.select_partner(select_row)
            if say and merge is None:
                self.tell(_sentence(self.document.last_change), timeout=3)
        return None

    def action_undo(self) -> None:
        self._step("undo")

    def action_redo(self) -> None:
        self._step("redo")

    def _step(self, way: str) -> None:
        doc = self.document
        before = doc.plan
        if not (doc.undo() if way == "undo" else doc.redo()):
            self.tell(f"Nothing to {way}.", timeout=2)
            return
        if doc.plan.call != before.call:
            self.main.follow_call(doc.plan)
        self.redraw(resync=True)
        left = len(doc.undo_stack if way == "undo" else doc.redo_stack)
        self.tell(f"{'Undone' if way == 'undo' else 'Redone'}: {doc.last_change} ({left} more to {way})", timeout=3)

    # --- help and palette ------------------------------------------------------------------

    def key_help(self, where: tuple[str, ...] = MAIN) -> list[tuple[str, str]]:
        """The keys as remapped, and what they do: the main screen's, or those bound `where` (FOLDER)."""
        return key_help(ACTIONS, self._keys, known(self.document.rules), where)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # on the main screen even when the palette was opened over a dialog; not from a screen of its own
        # that hides it (the folder view), where 'Add partner' opened a form for a plan out of sight
        over_main = screen is self.main or isinstance(screen, ModalScreen)
        for title, help_text, action in in_palette(ACTIONS, known(self.document.rules)) if over_main else ():
            yield SystemCommand(title, help_text, partial(self.main.run_action, action.removeprefix("screen.")))
        for command in super().get_system_commands(screen):
            if command.title == "Quit":  # Textual's says "as soon as possible"; ours asks first
                command = command._replace(help="Quit the planner (asks first when there are unsaved changes)")
            yield command


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def run(path: str | None, rules: CallRules | None = None, read_only: bool = False,
        folder: str | None = None) -> int:
    """The planner on a plan (`path`, or a new plan), or on the folder view of `folder`."""
    ending = Ending()
    ending.install()  # before anything else: a hang-up while the plan loads ends the planner too
    if os.environ.get("TERM", "").strip().lower() == "dumb":
        print(DUMB_TERMINAL, file=sys.stderr)  # no colour codes, no screen: a plain line, exit 2
        return 2
    terminal_size_from_terminal()
    replace_bytes_not_utf8()
    try:
        if sys.__stdin__ is not None:  # None when Python started without one
            ending.watch_terminal(sys.__stdin__.fileno())
    except (AttributeError, ValueError, OSError):
        pass
    conflict: tuple[Path, MergeConflict] | None = None
    try:
        document = open_document(path, rules, read_only)
    except MergeConflict as exc:  # the screen offers to take one side of each conflict
        assert path is not None
        conflict = (Path(path), exc)
        document = open_document(None, rules)
    except PlanError as exc:
        print(plain(f"planner: {exc}", keep_newlines=True), file=sys.stderr)  # a path may hold an ESC
        return 2
    app = PlannerApp(document, session_rules=rules, folder=Path(folder) if folder is not None else None,
                     ask_if_missing=path is not None and not read_only and conflict is None, conflict=conflict)
    ending.app, app.ending = app, ending
    app.run()
    app.keeper.closing()  # a lock taken while a signal's exit was under way goes too
    if conflict is not None and app.conflict_left:
        print(plain(f"planner: {conflict[1]}", keep_newlines=True), file=sys.stderr)
    return app.return_code or 0
