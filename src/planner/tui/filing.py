"""The App's file actions: open, save, save as, new plan, export, reload when another copy saved the
file, and the questions before a plan with unsaved changes is left. `PlannerApp` inherits them
(`Filing`); they work on `self.document` and say what they did through `self.tell`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from planner.conflicts import MergeConflict, describe
from planner.document import Document, Refused
from planner.errors import PlanError
from planner.files import file_fingerprint, not_a_regular_file, write_protection
from planner.heap import freeze_heap
from planner.model import Plan, new_plan
from planner.rules import CallRules, available_calls, latest_call
from planner.scoring import now
from planner.storage import load_call_for, parse_plan, read_plan_file
from planner.tui.opening import absolute, file_name_for, folder_words, not_found, open_document, similar_names
from planner.tui.widgets.live import LiveInput

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import SeverityLevel

    from planner.tui.recovering import Keeper
    from planner.tui.screens.folder import FolderScreen
    from planner.tui.screens.main import MainScreen

    _Host = App[int]  # mypy reads Filing as the App it is mixed into
else:
    _Host = object

def resolved_document(path: Path, text: str, rules: CallRules | None = None) -> Document:
    """The plan of a conflicted file once one side of each conflict is taken (`text`), as an unsaved edit
    of that file: nothing is written until the user saves, and the save keeps the text's form."""
    plan = parse_plan(text, str(path), rules)
    # the text was read without the file's byte-order mark: the save keeps it, as any save does (spec)
    try:
        with open(path, "rb") as file:
            bom = b"\xef\xbb\xbf" if file.read(3) == b"\xef\xbb\xbf" else b""
    except OSError:
        bom = b""
    return Document(plan, rules or load_call_for(plan, str(path)), absolute(path), None, file_fingerprint(path),
                    protected=write_protection(path), original=bom + text.encode("utf-8"))


DISK_CHECK_SECONDS = 2.0  # one stat of the plan file: has another copy saved it?


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _copy_name(path: Path | None) -> str:
    return f"{path.stem}-copy.toml" if path else "plan-copy.toml"


class Filing(_Host):
    """The file actions of PlannerApp (a mixin: it holds no state of its own)."""

    if TYPE_CHECKING:  # what it uses of its host, PlannerApp (tui/app.py), as mypy checks it there
        document: Document
        session_rules: CallRules | None
        keeper: Keeper
        disk_changed: bool
        disk_gone: bool
        _disk_seen: tuple[int, int] | None
        _ask_if_missing: bool

        @property
        def main(self) -> MainScreen: ...

        def redraw(self, resync: bool = False) -> None: ...

        def tell(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
                 timeout: float | None = None) -> None: ...

        def key_for(self, binding_id: str) -> str: ...

    def _say_if_missing(self, then: Callable[[], None]) -> None:
        """A plan named on the command line that does not exist (a typo?): say so before a new plan
        starts there, and offer the similar names in its folder."""
        doc = self.document
        missing = doc.path
        if not self._ask_if_missing or missing is None or doc.fingerprint is not None or missing.exists() \
                or missing.is_symlink():
            then()
            return
        from planner.tui.screens.dialogs import Choice  # here: the start of almost every session needs none

        similar = similar_names(missing)
        question = f"{missing.name} does not exist: a new plan will be saved there (in {missing.parent})."
        if not missing.parent.is_dir():  # opened only for the changes kept of it (opening._kept_in_state)
            question = (f"The folder of {missing.name}, {missing.parent}, no longer exists. Changes of the plan were "
                        "kept when it went: they are offered next, and saving asks where to.")
        if similar:
            question += "\nSimilar names in that folder: " + ", ".join(similar) + "."
        # one Open button, for the closest name, cut: three buttons fit 80 columns (the question names them all)
        choices = [("new", "New plan")] + [(f"open{i}", f"Open {_cut(name, 22)}")
                                           for i, name in enumerate(similar[:1])] + [("quit", "Quit")]

        def answered(choice: str | None) -> None:
            if choice == "quit":
                self.exit(0)
            elif choice and choice.startswith("open"):
                path = missing.parent / similar[int(choice.removeprefix("open"))]
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
            # read-only: a bundled sample, or a plan a colleague has open (opened read-only when asked)
            title = (f"Save as (a new file; {doc.name} stays as it is):" if doc.read_only
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
            plan, fingerprint, data = read_plan_file(path, self.session_rules)
            return (plan, fingerprint, self.session_rules or load_call_for(plan, str(path)), data), ""
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
        # a merge needs the file as it was read (the base) and something of ours to merge
        mergeable = theirs is not None and doc.dirty and doc.original is not None
        merge = "merge theirs with yours, " if mergeable else ""
        question = (f"{doc.path} was saved by someone else (another copy of the planner?) since you opened it.\n"
                    f"{what}\nReload theirs ({mine}), {merge}keep mine (overwrite theirs), or save mine as a copy?")
        choices = ([("reload", "Reload")] if theirs is not None else []) + (
            [("merge", "Merge")] if mergeable else []) + [
            ("keep", "Keep mine"), ("copy", "Save a copy"), ("cancel", "Cancel")]

        def answered(choice: str | None) -> None:
            if choice == "reload" and theirs is not None:
                self._reload(*theirs)
            elif choice == "merge" and theirs is not None:
                self.merge_theirs(*theirs)
            elif choice == "keep":
                self._write(doc.path, after)
            elif choice == "copy":
                self.ask_path_then_save("Save your version as a copy (theirs stays as it is):",
                                        _copy_name(doc.path), after)

        self.push_screen(Choice(question, choices, default="cancel", wide=True), answered)

    def _reload(self, plan, fingerprint, rules: CallRules, original: bytes | None = None, say: bool = True) -> None:
        doc = self.document
        had = doc.dirty or plan != doc.plan
        doc.reload(plan, fingerprint, original)
        if rules is not doc.rules:
            self.main.use_rules(rules)
        self.disk_changed = self.disk_gone = False
        self.redraw(resync=True)
        if say:
            self.tell(f"Reloaded {doc.name}" + (": ctrl+z brings your version back" if had else ""))

    def merge_theirs(self, plan: Plan, fingerprint, rules: CallRules, original: bytes) -> None:
        """Someone else saved the file while ours had unsaved changes: the two merged by meaning, as
        `planner merge` does (merge.py), with the file as we read it as the base. What only one side
        changed is taken; where both changed one value differently, one side of each is chosen
        (screens/conflicts.py). The result is an unsaved edit of their version: ctrl+s saves it over
        theirs without asking again, ctrl+z goes back to theirs, and once more to ours."""
        from planner import merge
        from planner.conflicts import find_conflicts
        from planner.storage import render_plan
        from planner.tui.screens.conflicts import ConflictScreen

        doc = self.document
        path, base = doc.path, doc.original
        assert path is not None and base is not None  # offered only then (ask_changed_on_disk)
        try:
            merged = merge.merge_bytes(base, render_plan(doc.plan, base), original,
                                       names=(f"{path.name} as you opened it", "your version", "theirs"))
        except PlanError as exc:
            self.tell(f"Not merged: {exc}", title="Merge", severity="error", timeout=15)
            return
        text = merged.text.decode("utf-8")
        if not merged.conflicts and not merged.invalid:
            self._take_merged(plan, fingerprint, rules, original, text, conflicts=0)
            return
        found = find_conflicts(text)

        def answered(resolved: str | None) -> None:
            if resolved is None:
                self.tell(f"Not merged: your version is kept, unsaved; {self.key_for('planner.save')} asks again.",
                          title="Merge")
            else:
                self._take_merged(plan, fingerprint, rules, original, resolved, conflicts=len(found))

        count = len(merged.conflicts)
        if merged.invalid:  # each of their changes is a conflict: together with yours they are not a plan
            question = (f"Your changes and theirs together are not a valid plan ({merged.invalid}): each of their "
                        "changes is shown; take yours or theirs of each.")
        else:
            question = (f"You and they changed {'a value' if count == 1 else f'{count} values'} of {path.name} "
                        "differently: take one side of each; every other change of both is kept.")
        self.push_screen(ConflictScreen(path, MergeConflict(str(path), text, found),
                                        self.session_rules, question=question,
                                        sides=("yours (your unsaved changes)", "theirs (saved by someone else)")),
                         answered)

    def _take_merged(self, plan: Plan, fingerprint, rules: CallRules, original: bytes, text: str,
                     conflicts: int) -> None:
        doc = self.document
        try:
            merged = parse_plan(text, str(doc.path), self.session_rules or rules)
        except PlanError as exc:
            self.tell(f"Not merged: {exc}", title="Merge", severity="error", timeout=15)
            return
        mine = doc.plan
        self._reload(plan, fingerprint, rules, original, say=False)
        undo = self.key_for("planner.undo")
        try:
            self.document.edit(merged)
        except Refused as exc:  # parse_plan took it: not seen, but never a merge half done in silence
            self.tell(f"Not merged: {exc}. Their version is open; {undo} brings yours back.", title="Merge",
                      severity="error", timeout=15)
            return
        self.redraw(resync=True)
        decided = f", {conflicts} {'value' if conflicts == 1 else 'values'} chosen by you" if conflicts else ""
        if merged == plan:
            said = f"the result is their version, as saved: nothing to save; {undo} brings yours back."
        else:
            same = " (the result is your version)" if merged == mine else ""
            said = (f"not saved yet{same}, {self.key_for('planner.save')} saves it; {undo} goes back to theirs, "
                    "then to yours.")
        self.tell(f"Merged your changes with theirs{decided}: {said}", title="Merge")

    def check_disk(self) -> None:
        """At intervals and when the terminal gets the focus back: one stat; the file is read only when
        its size or time moved. Says once, in the title and a notice, that someone else saved it."""
        doc = self.document
        if doc.path is None or doc.read_only:
            return
        seen = doc.stat_on_disk()
        # the file moved, renamed or deleted (its folder still there: a folder gone is said when saving):
        # ctrl+s wrote it again under the old name without a word, beside the renamed one
        gone = seen is None and doc.fingerprint is not None and doc.path.parent.is_dir()
        if gone != self.disk_gone:
            self.disk_gone = gone
            self.redraw()
            if gone:
                self.tell(f"{doc.name} is no longer in {folder_words(doc.path.parent)} (moved, renamed or "
                          f"deleted): {self.key_for('planner.save')} writes it there again, "
                          f"{self.key_for('planner.save_as')} under another name.", title="Gone from disk",
                          severity="warning", timeout=10)
        if gone:
            self._disk_seen = seen
            return
        if seen == self._disk_seen or not doc.maybe_changed_on_disk():
            self._disk_seen = seen
            return
        self._disk_seen = seen
        changed = doc.changed_on_disk()
        if changed != self.disk_changed:
            self.disk_changed = changed
            self.redraw()
            if changed:
                merge = "merge them with yours, " if doc.dirty and doc.original is not None else ""
                self.tell(f"{doc.name} was saved by someone else: {self.key_for('planner.save')} offers to "
                          f"reload theirs, {merge}keep yours or save yours as a copy.",
                          title="Changed on disk",
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
        rules, beside = self.session_rules, self.plan_folder
        plan = new_plan(rules.id if rules is not None and rules.id in available_calls(beside)
                        else latest_call(now(), beside))
        document = Document(plan, rules or load_call_for(plan, "new plan", beside), None, plan)
        self.disk_changed = self.disk_gone = False
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
        shown, path = path, absolute(path)  # said as typed, held absolute
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
        self.disk_changed = self.disk_gone = False
        self._disk_seen = None
        if self.document.form_lost:  # rare: a layout the writer cannot edit in place (never silent)
            self.tell(f"Saved {shown} in the planner's own layout: the file's form (its comments, key order) "
                      "could not be kept. Its previous version is in git or your backups.", title="Saved",
                      severity="warning", timeout=20)
        else:
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
        from planner.tui.screens.dialogs import Choice, ClosingOnce

        if isinstance(self.focused, LiveInput):
            self.focused.apply()  # a number typed and not applied yet is unsaved work too
        # a form open with what is typed in it: not in the plan, so no save keeps it; say so first (ctrl+q
        # in the partner form quit at once, and Save in the question below saved the plan without it)
        work = next((w for s in reversed(self.screen_stack) if isinstance(s, ClosingOnce)
                     and (w := s.unsaved_work()) is not None), None)
        if work is None:
            self.ask_unsaved(self._quit, "quitting")
            return

        def answered(choice: str | None) -> None:
            if choice == "quit":
                self.ask_unsaved(self._quit, "quitting")

        self.push_screen(Choice(f"A form is open with {work}, which is not in the plan yet: quitting loses it "
                                "(save the form first to keep it).",
                                [("back", "Back to the form"), ("quit", "Quit without it")],
                                escape="back", default="back"), answered)

    def _quit(self) -> None:
        self.keeper.release()  # a clean quit leaves no recovery file
        self.exit(0)

    def action_open(self) -> None:
        """The folder view of the plan's folder (the current folder for a new plan): its plans at a
        glance, and a field to type another folder or a plan file in."""
        # a new plan: the folder the planner started in, by its name ('.' titled the view "Plans — .")
        self.open_folder(self.plan_folder)

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
        except MergeConflict as exc:
            said = f"{path.name} is left as it is: {describe(exc.conflicts)}"
            self.ask_conflicts(path, exc, lambda: self.tell(said, title="Not opened: your current plan is kept",
                                                            severity="warning", timeout=10))
            return
        except PlanError as exc:
            self.tell(str(exc), title="Not opened: your current plan is kept", severity="error", timeout=20)
            return
        self.keeper.check(document, lambda doc: self._switch_to(doc, path), lambda: None)

    def on_folder_screen_open_plan(self, message: FolderScreen.OpenPlan) -> None:
        """The folder view opens a plan (`enter`, a path typed) or starts one (`n`): after the question about
        unsaved changes, the document it read takes the current one's place and the view closes."""
        view, document, path, before = message.view, message.document, message.path, self.document

        def go() -> None:
            if message.new and document is not None:
                self.open_new(document, path)
            elif document is None:  # a file with merge conflicts: opening it asks about each
                self.open_path(path)
            else:
                self.keeper.check(document, lambda doc: self._switch_to(doc, path), lambda: None)
            if self.document is not before:
                view.plan_replaced()

        self.ask_unsaved(go, "starting a new plan" if message.new else "opening another plan")

    def ask_conflicts(self, path: Path, conflict: MergeConflict, left: Callable[[], None],
                      alone: bool = False) -> None:
        """A file with merge conflicts: one side of each taken (screens/conflicts.py), then the plan is
        open as an unsaved edit of the file; `left` when the user leaves it as it is. `alone`: no plan
        is open yet (the start), so nothing is shown under the conflicts."""
        from planner.tui.screens.conflicts import ConflictScreen

        def answered(text: str | None) -> None:
            if text is None:
                left()
                return
            try:
                document = resolved_document(path, text, self.session_rules)
            except PlanError as exc:  # the screen checked it; the file may have changed since
                self.tell(str(exc), title="Not opened", severity="error", timeout=20)
                left()
                return
            said = (f"{path.name}: every conflict decided, nothing written yet: "
                    f"{self.key_for('planner.save')} saves the plan")
            self.keeper.check(document, lambda doc: self._switch_to(doc, path, said), left)

        self.push_screen(ConflictScreen(path, conflict, self.session_rules, alone), answered)

    def _switch_to(self, document: Document, path: Path, said: str | None = None) -> None:
        self.disk_changed = self.disk_gone = False
        self._disk_seen = None
        self.document = document
        self.main.use_rules(document.rules)  # another call: other lots, caps, ecosystems, deadline
        self.keeper.hold()  # lets go of the plan closed before
        self.redraw(resync=True)
        self.tell(said or f"Opened {path}")
        self.call_after_refresh(freeze_heap, True)
