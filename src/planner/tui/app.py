"""PlannerApp: the settings, the open Document, the files and the signals.

The panes and their actions are the main screen's (`screens/main.py`); the keys, the help's key list
and the palette's commands are built from the table in `actions.py`."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import Notification
from textual.screen import Screen

from planner import recovery
from planner.errors import PlanError
from planner.files import not_a_regular_file, write_protection
from planner.model import new_plan
from planner.rules import CallRules, available_calls, latest_call
from planner.scoring import Scoreboard
from planner.storage import load_call_for, load_plan_with_fingerprint
from planner.tui.actions import ACTIONS, RESERVED_KEYS, bound, in_palette, key_help, known, priority_ids, shipped_keys
from planner.tui.config import load_settings, save_theme
from planner.tui.document import Document, Refused
from planner.tui.ending import Ending
from planner.tui.heap import freeze_heap
from planner.tui.keys import checked_keymap
from planner.tui.recovering import Keeper
from planner.tui.screens.main import MainScreen, is_text_field
from planner.tui.text import markup_or_literal, plain, scrub_input
from planner.tui.themes import DEFAULT_THEME, load_themes
from planner.tui.toasts import clear_notices, show_now
from planner.tui.typeahead import KeyGate, is_typed
from planner.tui.widgets.live import LiveInput


def open_document(path: str | Path | None, rules: CallRules | None = None, read_only: bool = False) -> Document:
    """A Document for a path (existing or to be created) or a new plan. Raises PlanError for a bad file.

    The Document holds the path made absolute (symlinks kept): if the folder it was opened from is
    deleted, the working directory is gone, and every later look-up of a relative path would fail on
    it. Messages name the path as it was given."""
    if path is not None and (problem := not_a_regular_file(Path(path))):
        raise PlanError(str(path), problem)  # before any read: a FIFO or /dev/stdin would block for ever
    held = _absolute(Path(path)) if path is not None else None
    if path is not None and Path(path).exists():
        plan, fingerprint = load_plan_with_fingerprint(path, rules)
        return Document(plan, rules or load_call_for(plan, str(path)), held, plan, fingerprint, read_only,
                        protected=write_protection(path))
    if path is not None and not Path(path).parent.is_dir():
        raise PlanError(str(path), f"folder {Path(path).parent} does not exist")
    # a new plan is for the most recent call (or the one --call/--rules named), written in the file
    plan = new_plan(rules.id if rules is not None and rules.id in available_calls() else latest_call())
    return Document(plan, rules or load_call_for(plan, "new plan"), held, plan)


DISK_CHECK_SECONDS = 2.0  # one stat of the plan file: has another copy saved it?


def not_found(path: Path) -> str:
    """'file not found in ~/plans/': where it looked, since a relative path is read from the plan's folder."""
    from planner.tui.screens.dialogs import folder_words

    return f"file not found in {folder_words(path.parent)}"


def similar_names(path: Path, limit: int = 3) -> list[str]:
    """Names in the path's folder close to its name (my-paln.toml: my-plan.toml)."""
    import difflib

    try:
        names = [e.name for e in os.scandir(path.parent) if not e.name.startswith(".") and e.is_file()]
    except OSError:
        return []
    plans = [n for n in names if n.endswith(path.suffix)] if path.suffix else names
    return difflib.get_close_matches(path.name, plans, n=limit, cutoff=0.6)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def file_name_for(plan) -> str:
    """A new plan's file name from its acronym (or title): RE-SKILLS -> re-skills.toml."""
    import re

    words = re.sub(r"[^a-z0-9]+", "-", (plan.acronym or plan.title or "").lower()).strip("-")[:40].strip("-")
    return f"{words or 'plan'}.toml"


def _copy_name(path: Path | None) -> str:
    return f"{path.stem}-copy.toml" if path else "plan-copy.toml"


class PlannerApp(App[int]):
    CSS_PATH = "planner.tcss"
    TITLE = "planner"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = bound(ACTIONS, "app")
    RESERVED_KEYS = RESERVED_KEYS
    PRIORITY_IDS = priority_ids(ACTIONS)

    def __init__(self, document: Document, session_rules: CallRules | None = None,
                 folder: Path | None = None, ask_if_missing: bool = False) -> None:
        super().__init__()
        self.document = document
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
        wanted = settings.theme or DEFAULT_THEME
        self.theme = wanted if wanted in self.available_themes else DEFAULT_THEME
        self._keys, key_problems = checked_keymap(settings.keys, shipped_keys(ACTIONS), self.RESERVED_KEYS,
                                                  self.PRIORITY_IDS)
        self._settings_problems.extend(key_problems)
        if self._keys:
            self.set_keymap(self._keys)
        self._key_gate = KeyGate(self, super().on_event)
        self.keeper = Keeper(self)  # this planner's recovery file (tui/recovering.py)
        self.ending: Ending | None = None  # SIGHUP/SIGTERM, when run() installed them (tui/ending.py)
        self._started = False  # the main screen is mounted: an exit now does not break its start
        self._exit_code_asked: int | None = None  # a signal came before that

    def on_load(self) -> None:
        if self.ending is not None:
            self.ending.loop = asyncio.get_running_loop()  # from now on a signal exits through the app
        self.disk_changed = False  # someone else saved the file since we read or saved it (the title says so)
        self._disk_seen: tuple[int, int] | None = None  # the file's (mtime, size) at the last check

    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    @property
    def main(self) -> MainScreen:
        """The main screen: the bottom of the screen stack, under any dialog."""
        return self.screen_stack[0]  # type: ignore[return-value]

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

    def main_mounted(self) -> None:
        """The rest of the start, once the main screen is there (the app mounts before its screen)."""
        self._started = True
        if self._exit_code_asked is not None:  # a signal during the start: end now, ask nothing
            self.exit(return_code=self._exit_code_asked)
            return
        if self._settings_problems:
            self.tell("\n".join(self._settings_problems), title="Some settings were not loaded",
                      severity="warning", timeout=10)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.call_after_refresh(freeze_heap)
        # a sign of life for planners on other hosts, which take a holder silent for a day as gone
        self.set_interval(recovery.REFRESH_SECONDS, self.keeper.write)
        self.set_interval(DISK_CHECK_SECONDS, self.check_disk)
        self._say_if_missing(lambda: self.keeper.check(self.document, self._held_at_start, lambda: self.exit(0),
                                                       cancel_label="Quit"))
        if self.start_folder is not None:
            self.open_folder(self.start_folder, closable=False)

    def _say_if_missing(self, then: Callable[[], None]) -> None:
        """A plan named on the command line that does not exist (a typo?): say so before a new plan
        starts there, and offer the similar names in its folder."""
        from planner.tui.screens.dialogs import Choice

        doc = self.document
        if not self._ask_if_missing or doc.path is None or doc.fingerprint is not None or doc.path.exists() \
                or doc.path.is_symlink():
            then()
            return
        similar = similar_names(doc.path)
        question = f"{doc.path.name} does not exist: a new plan will be saved there (in {doc.path.parent})."
        if similar:
            question += "\nSimilar names in that folder: " + ", ".join(similar) + "."
        # two buttons at most, each name cut: they fit 80 columns (the question names all of them)
        choices = [("new", "New plan")] + [(f"open{i}", f"Open {_cut(name, 22)}")
                                           for i, name in enumerate(similar[:2])] + [("quit", "Quit")]

        def answered(choice: str | None) -> None:
            if choice == "quit":
                self.exit(0)
            elif choice and choice.startswith("open"):
                path = doc.path.parent / similar[int(choice.removeprefix("open"))]
                try:
                    self.document = open_document(path, self.session_rules)
                except PlanError as exc:
                    self.tell(str(exc), title="Not opened: a new plan it is", severity="error", timeout=20)
                else:
                    self.main.use_rules(self.document.rules)
                    self.redraw(resync=True)
                then()
            else:
                then()

        self.push_screen(Choice(question, choices, escape="new", default="new"), answered)

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
        if not show_now(self, note):  # in a line of their own (tui/toasts.py), in the frame of the edit
            super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def push_screen(self, screen, callback=None, wait_for_dismiss: bool = False):  # type: ignore[override]
        """A new dialog clears the notices: they spoke of the screen before (an import error must not
        stand over the next import's preview)."""
        clear_notices(self)
        return super().push_screen(screen, callback, wait_for_dismiss=wait_for_dismiss)

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
        """Every pane of the main screen from a fresh Scoreboard (`resync`: the typed fields too)."""
        self.main.redraw(resync)

    def keys_of(self, binding_id: str | None) -> str:
        """The keys of one of the planner's actions, as remapped in config.toml ("d,delete")."""
        return self._keys.get(binding_id) or next((a.keys for a in ACTIONS if a.id == binding_id), "")

    def key_for(self, binding_id: str) -> str:
        """The key the user presses for a binding, as the footer shows it."""
        keys = self.keys_of(binding_id)
        return super().get_key_display(Binding(keys.split(",")[0].strip(), "")) if keys else ""

    def get_key_display(self, binding: Binding) -> str:
        """Help is `f1` while a field has the focus (`?` types into it)."""
        if binding.id == "planner.help" and is_text_field(self.focused):
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

    # --- files -----------------------------------------------------------------------------

    def action_save(self) -> None:
        self.save_then(None)

    def save_then(self, after: Callable[[], None] | None) -> None:
        from planner.tui.screens.dialogs import Choice, PathPrompt
        from planner.tui.screens.plan_details import has_placeholder_title

        doc = self.document
        if has_placeholder_title(doc.plan) and not doc.read_only:
            # a new plan's placeholder title is not the plan's title: ask for it before the first save
            self.main.action_plan_details(lambda: self.save_then(after) if not has_placeholder_title(
                self.document.plan) else None, why="Give the plan its title before it is saved.")
            return
        if doc.path is not None and not doc.read_only and not doc.path.parent.is_dir():
            # its folder was deleted while it was open: saving means saving somewhere else
            self.push_screen(PathPrompt("Its folder is gone: save the plan as:",
                                        doc.path.name), lambda path: self._save_as(path, after) if path else None)
            return
        if doc.read_only or doc.path is None:
            title = ("Save as (a new file; the sample stays as it is):" if doc.read_only
                     else "Save the new plan as:")
            self.ask_path_then_save(title, file_name_for(doc.plan), after)
            return
        if doc.protected and not doc.save_anyway:
            def anyway(answer: str | None) -> None:
                if answer == "save":
                    self.document.save_anyway = True
                    self.save_then(after)

            self.push_screen(Choice(f"{doc.path}: {doc.protected}.\nSave over it anyway?",
                                    [("save", "Save anyway"), ("cancel", "Cancel")], default="cancel"), anyway)
            return
        if doc.changed_on_disk():
            self.ask_changed_on_disk(after)
            return
        self._write(doc.path, after)

    # --- two copies, one file --------------------------------------------------------------

    def _theirs(self) -> tuple[tuple | None, str]:
        """The version on disk as (plan, fingerprint, rules), or why it cannot be read."""
        path = self.document.path
        assert path is not None
        if problem := not_a_regular_file(path):
            return None, problem
        try:
            plan, fingerprint = load_plan_with_fingerprint(path, self.session_rules)
            return (plan, fingerprint, self.session_rules or load_call_for(plan, str(path))), ""
        except PlanError as exc:
            return None, exc.message

    def ask_changed_on_disk(self, after: Callable[[], None] | None = None) -> None:
        """Someone else saved the file: reload theirs (ours stays one ctrl+z away), keep mine (overwrite
        theirs), or save mine as a copy; each change of theirs listed in the words of `planner diff`."""
        from planner import plandiff
        from planner.tui.screens.dialogs import Choice

        doc = self.document
        theirs, problem = self._theirs()
        if theirs is not None:
            changes = plandiff.words(plandiff.describe(doc.saved or theirs[0], theirs[0]))
            listed = "\n".join(f"  - {line}" for line in changes[:8]) + (
                f"\n  - and {len(changes) - 8} more" if len(changes) > 8 else "")
            what = f"Their changes:\n{listed}" if changes else "It holds the same plan as you opened."
        else:
            what = f"It cannot be read now: {problem}"
        mine = "your unsaved changes stay one ctrl+z away" if doc.dirty else "you had no unsaved changes"
        question = (f"{doc.path} was saved by someone else (another copy of the planner?) since you opened it.\n"
                    f"{what}\nReload theirs ({mine}), keep mine (overwrite theirs), or save mine as a copy?")
        choices = ([("reload", "Reload")] if theirs is not None else []) + [
            ("keep", "Keep mine"), ("copy", "Save a copy"), ("cancel", "Cancel")]

        def answered(choice: str | None) -> None:
            if choice == "reload" and theirs is not None:
                self._reload(*theirs)
            elif choice == "keep":
                self._write(doc.path, after)
            elif choice == "copy":
                self.ask_path_then_save("Save your version as a copy (theirs stays as it is):",
                                        _copy_name(doc.path), after)

        self.push_screen(Choice(question, choices, default="cancel", wide=True), answered)

    def _reload(self, plan, fingerprint, rules: CallRules) -> None:
        doc = self.document
        had = doc.dirty or plan != doc.plan
        doc.reload(plan, fingerprint)
        if rules is not doc.rules:
            self.main.use_rules(rules)
        self.disk_changed = False
        self.redraw(resync=True)
        self.tell(f"Reloaded {doc.name}" + (": ctrl+z brings your version back" if had else ""))

    def check_disk(self) -> None:
        """At intervals and when the terminal gets the focus back: one stat; the file is read only when
        its size or time moved. Says once, in the title and a notice, that someone else saved it."""
        doc = self.document
        if doc.path is None or doc.read_only:
            return
        seen = doc.stat_on_disk()
        if seen == self._disk_seen or not doc.maybe_changed_on_disk():
            self._disk_seen = seen
            return
        self._disk_seen = seen
        changed = doc.changed_on_disk()
        if changed != self.disk_changed:
            self.disk_changed = changed
            self.redraw()
            if changed:
                self.tell(f"{doc.name} was saved by someone else: {self.key_for('planner.save')} offers to "
                          "reload theirs, keep yours or save yours as a copy.", title="Changed on disk",
                          severity="warning", timeout=10)

    def on_app_focus(self, _event) -> None:
        self.check_disk()

    @property
    def plan_folder(self) -> Path:
        """Where a relative path in a prompt starts: the plan's folder (a new plan: where the planner started)."""
        path = self.document.path
        return path.parent if path is not None else Path.cwd()

    def ask_path_then_save(self, title: str, suggestion: str, after: Callable[[], None] | None = None) -> None:
        from planner.tui.screens.dialogs import PathPrompt

        self.push_screen(PathPrompt(title, suggestion, self.plan_folder),
                         lambda path: self._save_as(path, after) if path else None)

    def action_save_as(self) -> None:
        doc = self.document
        if doc.path is None or doc.read_only:
            self.save_then(None)  # a new plan's first save: its title, then its file name
            return
        suggestion = file_name_for(doc.plan)
        if doc.path is not None and suggestion == doc.path.name:
            suggestion = _copy_name(doc.path)
        self.ask_path_then_save("Save the plan as (a new file; the plan goes on there):", suggestion)

    def action_new_plan(self) -> None:
        self.ask_unsaved(self._new_plan, "starting a new plan")

    def _new_plan(self) -> None:
        rules = self.session_rules
        plan = new_plan(rules.id if rules is not None and rules.id in available_calls() else latest_call())
        document = Document(plan, rules or load_call_for(plan, "new plan"), None, plan)
        self.disk_changed = False
        self.document = document
        self.main.use_rules(document.rules)
        self.keeper.hold()
        self.redraw(resync=True)
        self.tell(f"A new plan: {self.key_for('planner.plan_details')} gives it its title, "
                  f"{self.key_for('planner.save')} saves it (in {self.plan_folder}).")

    def action_export(self) -> None:
        from planner.tui.exporting import ask_export

        ask_export(self)

    def _save_as(self, path: Path, after: Callable[[], None] | None) -> None:
        from planner.tui.screens.dialogs import Choice

        problem = not_a_regular_file(path)  # a folder, a path too long: said before any question
        if problem and "is a folder" in problem:
            self.tell(f"{path} is a folder: give a file name.", severity="error")
            return
        if problem and problem.startswith("cannot"):
            self.tell(f"{path}: {problem}", title="Not saved", severity="error", timeout=15)
            return
        if problem:  # a FIFO, device or socket stands there: never replaced by a plan
            self.tell(f"{path} {problem}: a plan is saved only as a regular file; choose another name.",
                      title="Not saved", severity="error", timeout=15)
            return
        if path.exists():  # a file: ask, Cancel first
            self.push_screen(Choice(f"{path} exists. Replace it?", [("replace", "Replace"), ("cancel", "Cancel")],
                                    default="cancel"),
                             lambda answer: self._write(path, after) if answer == "replace" else None)
            return
        self._write(path, after)

    def _write(self, path: Path | None, after: Callable[[], None] | None) -> None:
        assert path is not None
        shown, path = path, _absolute(path)  # said as typed, held absolute
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
        self.disk_changed = False
        self._disk_seen = None
        self.tell(f"Saved {shown}")
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
        if isinstance(self.focused, LiveInput):
            self.focused.apply()  # a number typed and not applied yet is unsaved work too
        self.ask_unsaved(self._quit, "quitting")

    def _quit(self) -> None:
        self.keeper.release()  # a clean quit leaves no recovery file
        self.exit(0)

    def action_open(self) -> None:
        """The folder view of the plan's folder (the current folder for a new plan): its plans at a
        glance, and a field to type another folder or a plan file in."""
        self.open_folder(self.document.path.parent if self.document.path else Path("."))

    def open_folder(self, folder: Path, closable: bool = True) -> None:
        from planner.tui.screens.folder import FolderScreen

        self.push_screen(FolderScreen(folder, closable))

    def open_new(self, document: Document, path: Path) -> None:
        """A new plan (`document`, not saved yet) to be saved at `path`, in place of the current one."""
        said = f"A new plan: {self.key_for('planner.save')} saves it as {path}"
        self.keeper.check(document, lambda doc: self._switch_to(doc, path, said), lambda: None)

    def open_path(self, path: Path) -> None:
        if (problem := not_a_regular_file(path)) or not path.exists():
            self.tell(f"{path}: {problem}" if problem else f"{path.name}: {not_found(path)}",
                      title="Not opened: your current plan is kept", severity="error", timeout=10)
            return
        try:
            document = open_document(path, self.session_rules)  # refuses a FIFO, a device or a folder before reading
        except PlanError as exc:
            self.tell(str(exc), title="Not opened: your current plan is kept", severity="error", timeout=20)
            return
        self.keeper.check(document, lambda doc: self._switch_to(doc, path), lambda: None)

    def _switch_to(self, document: Document, path: Path, said: str | None = None) -> None:
        self.disk_changed = False
        self._disk_seen = None
        self.document = document
        self.main.use_rules(document.rules)  # another call: other lots, caps, ecosystems, deadline
        self.keeper.hold()  # lets go of the plan closed before
        self.redraw(resync=True)
        self.tell(said or f"Opened {path}")
        self.call_after_refresh(freeze_heap, True)

    # --- help and palette ------------------------------------------------------------------

    def key_help(self) -> list[tuple[str, str]]:
        """The keys as remapped, and what they do."""
        return key_help(ACTIONS, self._keys, known(self.document.rules))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for title, help_text, action in in_palette(ACTIONS, known(self.document.rules)):
            # on the main screen even when the palette was opened over a dialog
            yield SystemCommand(title, help_text, partial(self.main.run_action, action.removeprefix("screen.")))
        for command in super().get_system_commands(screen):
            if command.title == "Quit":  # Textual's says "as soon as possible"; ours asks first
                command = command._replace(help="Quit the planner (asks first when there are unsaved changes)")
            yield command


def _absolute(path: Path) -> Path:
    try:
        return Path(os.path.abspath(path))
    except OSError:  # the working directory is gone already: the path as it is
        return path


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# COLUMNS/LINES taken only when the terminal does not say its size, and only within these bounds
MAX_COLUMNS, MAX_LINES = 1000, 500


def terminal_size_from_terminal() -> None:
    """The terminal's own size wins over COLUMNS and LINES left in the environment (Python's and Rich's
    size look-ups read them first: COLUMNS=20 made an 80x24 terminal "small" for good, COLUMNS=100000
    grew the screen to gigabytes). Without an answer from the terminal they are kept if sensible."""
    try:
        answer = os.get_terminal_size(sys.__stdout__.fileno())
        answered = answer.columns > 0 and answer.lines > 0
    except (AttributeError, ValueError, OSError):
        answered = False
    for name, limit in (("COLUMNS", MAX_COLUMNS), ("LINES", MAX_LINES)):
        value = os.environ.get(name)
        if value is None:
            continue
        try:
            sensible = 1 <= int(value) <= limit
        except ValueError:
            sensible = False
        if answered or not sensible:
            del os.environ[name]


DUMB_TERMINAL = ("planner: this terminal (TERM=dumb) cannot show the planner's screen; "
                 "use 'planner check PLAN' to judge a plan, or 'planner --help' for every command")


def run(path: str | None, rules: CallRules | None = None, read_only: bool = False,
        folder: str | None = None) -> int:
    """The planner on a plan (`path`, or a new plan), or on the folder view of `folder`."""
    ending = Ending()
    ending.install()  # before anything else: a hang-up while the plan loads ends the planner too
    if os.environ.get("TERM", "").strip().lower() == "dumb":
        print(DUMB_TERMINAL, file=sys.stderr)  # no colour codes, no screen: a plain line, exit 2
        return 2
    terminal_size_from_terminal()
    try:
        ending.watch_terminal(sys.__stdin__.fileno())
    except (AttributeError, ValueError, OSError):
        pass
    try:
        document = open_document(path, rules, read_only)
    except PlanError as exc:
        print(plain(f"planner: {exc}", keep_newlines=True), file=sys.stderr)  # a path may hold an ESC
        return 2
    app = PlannerApp(document, session_rules=rules, folder=Path(folder) if folder is not None else None,
                     ask_if_missing=path is not None and not read_only)
    ending.app, app.ending = app, ending
    app.run()
    app.keeper.closing()  # a lock taken while a signal's exit was under way goes too
    return app.return_code or 0
