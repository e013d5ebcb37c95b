"""The TUI side of recovery files (planner/recovery.py): the questions when a plan is opened, and keeping
this planner's own file up to date (within a second of each edit, at once on SIGHUP or SIGTERM)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from planner import recovery
from planner.document import Document
from planner.errors import PlanError
from planner.model import Plan
from planner.recovery import Holder
from planner.tui.text import plain

DEBOUNCE = 0.5  # seconds after an edit before the recovery file is written (later edits ride along)


class Keeper:
    """Holds this planner's recovery file for the open document."""

    def __init__(self, app) -> None:
        self.app = app
        self.path: Path | None = None  # our file, once written
        self.since = datetime.now(timezone.utc)
        self.timer = None
        self.problem_said = False
        self.kept_draft: recovery.Draft | None = None  # the partner form's text kept on a signal
        self.kept_typed: Plan | None = None  # a budget form's typed line, taken into the plan kept on a signal

    @property
    def document(self) -> Document:
        return self.app.document

    # --- our own file ------------------------------------------------------------------------

    def hold(self) -> None:
        """Start holding the current document: a lock beside the plan right away (not for new or read-only)."""
        self.release()
        self.since = datetime.now(timezone.utc)
        doc = self.document
        self.path = recovery.free_slot(None if self._unlocked(doc) else doc.path)
        self.write()

    @staticmethod
    def _unlocked(doc: Document) -> bool:
        return doc.path is None or doc.read_only

    def edited(self) -> None:
        """After each edit (and undo): write within DEBOUNCE seconds."""
        if self.timer is None and self.path is not None:
            self.timer = self.app.set_timer(DEBOUNCE, self.write)

    def write(self, draft: recovery.Draft | None = None, typed: Plan | None = None) -> None:
        """`typed`: the plan with a form's typed text taken (on a signal), kept instead of the document's."""
        self.timer = None
        doc = self.document
        if self.path is None:
            return
        unsaved = typed if typed is not None and typed != doc.saved else doc.plan if doc.dirty else None
        if self._unlocked(doc) and unsaved is None and draft is None:
            recovery.remove(self.path)  # nothing to keep, and no one to tell
            return
        try:
            recovery.write_holder(self.path, None if doc.path is None else doc.path, self.since,
                                  unsaved, draft=draft,
                                  base=doc.fingerprint.digest if doc.fingerprint is not None else "")
        except PlanError as exc:
            if self._folder_gone(doc):
                return
            if not self.problem_said:  # once per session: the user cannot fix it by editing
                self.problem_said = True
                self.app.tell(f"No recovery file can be kept: {exc}", title="Recovery", severity="warning",
                                timeout=10)

    def _folder_gone(self, doc: Document) -> bool:
        """The plan's folder was deleted (or moved) while it was open: its recovery file moves to the state
        folder, and the user is told where, once. False if that is not what happened, or it did not help."""
        if doc.path is None or self.path is None or doc.path.parent.is_dir():
            return False
        try:
            elsewhere = recovery.in_state_dir(doc.path)
        except (OSError, ValueError):
            return False
        if self.path == elsewhere:
            return False  # there already, and that failed too: said as any other problem
        self.path = elsewhere
        try:
            recovery.write_holder(self.path, doc.path, self.since, doc.plan if doc.dirty else None)
        except PlanError:
            return False
        self.problem_said = True
        save = self.app.key_for("planner.save") or "save"
        self.app.tell(f"The plan's folder is gone: your changes are kept in {self.path}; "
                      f"save as ({save}) to put them elsewhere.",
                      title="Recovery", severity="warning", timeout=20)
        return True

    def release(self) -> None:
        """The plan is closed cleanly (saved or discarded): its recovery file goes."""
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
        recovery.remove(self.path)
        self.path = None

    def closing(self) -> None:
        """The app is going away, whichever way (a script's App.exit, Textual's own): as on a signal.
        After a clean quit (released already) nothing is left to do."""
        if self.path is not None:
            self.on_signal()

    def on_signal(self) -> None:
        """SIGHUP / SIGTERM: keep the unsaved changes now, and a partner form's typed text (a dropped link
        lost the partner being typed); with neither, leave nothing behind."""
        if self.timer is not None:
            self.timer.stop()
        # kept from the first call: the exit that follows the signal calls this again (closing) once the
        # form's screen is gone, and then removed the file with the draft in it
        draft = self.kept_draft = self._form_draft() or self.kept_draft
        typed = self.kept_typed = self._form_plan() or self.kept_typed
        if self.document.dirty or draft is not None or typed is not None:
            self.write(draft, typed)
        else:
            self.release()

    def _form_draft(self) -> recovery.Draft | None:
        """What is typed in the partner form on the screen, if one is open with something typed."""
        from planner.tui.screens.dialogs import ClosingOnce

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, ClosingOnce) and (draft := screen.recovery_draft()) is not None:
                return draft
        return None

    def _form_plan(self) -> Plan | None:
        """The plan with what is typed in a budget form on the screen taken, if enter would take it."""
        from planner.tui.screens.dialogs import ClosingOnce

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, ClosingOnce) and screen.is_attached and (plan := screen.recovery_plan()) is not None:
                return plan
        return None

    # --- opening a plan that has recovery files ---------------------------------------------------

    def check(self, doc: Document, ready: Callable[[Document], None], cancel: Callable[[], None],
              cancel_label: str = "Cancel") -> None:
        """Ask what the recovery files of `doc` call for, then `ready(doc)` (perhaps read-only or recovered)."""
        holders = [h for h in map(recovery.read_holder, recovery.holder_files(doc.path)) if h and not h.mine]
        live = [h for h in holders if h.alive()]
        stale = [h for h in holders if not h.alive()]
        if doc.path is None:
            live = []  # other new plans in the state folder are other sessions' own business
        name = doc.name

        def after_live(choice: str | None) -> None:
            if choice == "cancel":
                cancel()
                return
            if choice == "read-only":
                doc.read_only = True
            self._check_stale(doc, stale, ready)

        if not live:
            self._check_stale(doc, stale, ready)
            return
        lines = [f"ATTENTION: {name} is open in planner by {h.who()}"
                 + (" (with unsaved changes)" if h.unsaved else "") for h in live]
        question = "\n".join(lines) + ("\nTwo people editing one plan overwrite each other's work. "
                                       "Open it read-only, or edit anyway?")
        # escape: Cancel where it keeps the plan open before (opening another plan: the footer's 'esc Cancel'
        # said so, and escape opened it read-only); at the start, where Cancel quits, read-only
        self._ask(question, [("read-only", "Open read-only"), ("edit", "Edit anyway"), ("cancel", cancel_label)],
                  after_live, escape="cancel" if cancel_label == "Cancel" else "read-only")

    def _check_stale(self, doc: Document, stale: list[Holder], ready: Callable[[Document], None]) -> None:
        notes = []
        offers: list[tuple[Holder, object, list[str]]] = []
        unreadable = []
        for h in stale:
            if h.problem:
                unreadable.append(h)
                continue
            if not h.known:
                notes.append(f"{doc.name} was opened by {h.who()}; its recovery file is not yours to read "
                             "or remove.")
                continue
            if h.unsaved is None and h.draft is None:
                if h.foreign:  # another user's file: not ours to remove
                    notes.append(f"{doc.name} was left open by {h.who()}, which is no longer running; "
                                 f"its recovery file ({h.path}) belongs to that user.")
                    continue
                recovery.remove(h.path)
                notes.append(f"{doc.name} was left open by {h.who()}, which is no longer running; "
                             "it had no unsaved changes.")
                continue
            try:
                plan = recovery.recovered_plan(h, doc.rules) if h.unsaved is not None else doc.plan
            except PlanError as exc:
                unreadable.append(Holder(h.path, problem=f"its unsaved plan cannot be read: {exc.message}",
                                         owner=h.owner))
                continue
            # each change with its old and new value, in the words of `planner diff`
            from planner import plandiff  # here: only the recovery question lists the changes

            changes = [] if h.unsaved is None else (
                plandiff.words(plandiff.describe(doc.saved, plan)) if doc.path and doc.saved is not None
                else recovery.differences(None, plan))
            if h.draft is not None:
                changes.append(h.draft.words(plan))
            if plan == doc.plan and h.draft is None:
                if not h.foreign:
                    recovery.remove(h.path)  # the saved file already has them
                continue
            offers.append((h, plan, changes))
        for note in notes:
            self.app.tell(note, title="Recovery")
        offers.sort(key=lambda o: o[0].updated or o[0].since or datetime.min.replace(tzinfo=timezone.utc),
                    reverse=True)
        if offers:
            self._offer(doc, offers[0], len(offers) - 1, unreadable, ready)
        else:
            self._offer_unreadable(unreadable, lambda: ready(doc))

    def _offer(self, doc: Document, offer, more: int, unreadable: list[Holder],
               ready: Callable[[Document], None]) -> None:
        holder, plan, changes = offer
        where = "on this host" if holder.host == recovery.this_host() else "on another host, no sign for a day"
        updated = holder.updated.astimezone().strftime("%Y-%m-%d %H:%M") if holder.updated else "?"
        what = "\n".join(f"  - {c}" for c in changes[:8]) + (f"\n  - and {len(changes) - 8} more"
                                                            if len(changes) > 8 else "")
        kept = (f"kept at {updated} by the planner of {holder.who()}, which is no longer running ({where})")
        on_disk = doc.path is not None and doc.original is not None  # a plan file to open instead
        # the file is no longer the one the changes were made to: recovering them would silently undo that save
        saved_since = bool(on_disk and holder.unsaved is not None and holder.base and doc.fingerprint is not None
                           and holder.base != doc.fingerprint.digest)
        if holder.unsaved is None:  # only a partner form's text: the plan itself had no unsaved change
            question = (f"{doc.name} had a partner form open with text never saved, {kept}:\n{what}\n"
                        "Recover it (the form opens again with it), open the plan without it (the recovery "
                        "file is kept), or delete it?")
        elif on_disk:
            question = (f"{doc.name} has changes that were never saved, {kept}.\n"
                        f"What they change in the saved file:\n{what}\n"
                        "Recover them (then save), open the saved file (the recovery file is kept), or delete them?")
            if saved_since:
                question = (f"WARNING: {doc.name} was saved after these changes were made (by someone else, or "
                            "in another window): recovering them puts back what that save changed, listed "
                            "below with the rest. Open the saved file to see it first.\n" + question)
        elif doc.path:  # `planner new.toml` again after a new plan for it was never saved: no file to open
            question = (f"A new plan for {doc.name} was never saved, {kept}:\n{what}\n"
                        "Recover it (then save), start empty (the recovery file is kept), or delete it?")
        else:
            question = (f"A new plan was never saved, {kept}:\n{what}\n"
                        "Recover it (then save), start empty (the recovery file is kept), or delete it?")
        if holder.foreign:
            owner = recovery.owner_name(holder.owner) if holder.owner is not None else "?"
            question = (f"WARNING: this recovery file ({holder.path}) belongs to the user {owner}, not to you: "
                        "the changes in it were written by them, not by your planner.\n" + question)
        if more:
            question += f"\n({more} older recovery file(s) are kept for later.)"

        def answered(choice: str | None) -> None:
            draft = None
            if choice == "recover":
                if plan != doc.plan:
                    doc.edit(plan)  # one undo step back to the saved file
                if not holder.foreign:
                    recovery.remove(holder.path)  # ours, written as soon as the plan is held, takes over
                draft = holder.draft
                form = " and the partner form as it was" if draft is not None else ""
                what = f"the unsaved changes of {doc.name}{form}" if holder.unsaved is not None else \
                    f"the partner form of {doc.name} as it was"
                self.app.tell(f"Recovered {what}: save with ctrl+s to keep them.", title="Recovery")
            elif choice == "delete":
                recovery.remove(holder.path)

            def then() -> None:
                ready(doc)
                if draft is not None:  # the form again, over the plan it was typed in
                    self.app.call_after_refresh(self.app.main.open_partner_form, draft.at, draft.fields)

            self._offer_unreadable(unreadable, then)

        keep = "Open the saved file" if on_disk else "Start empty (keep them)"
        # enter recovers: it loses nothing (the saved file stays as it is until ctrl+s); escape keeps both
        self._ask(question, [("recover", "Recover"), ("open", keep), ("delete", "Delete them")],
                  answered, escape="open", default="open" if holder.foreign or saved_since else "recover")

    def _offer_unreadable(self, unreadable: list[Holder], then: Callable[[], None]) -> None:
        if not unreadable:
            then()
            return
        holder, rest = unreadable[0], unreadable[1:]

        def answered(choice: str | None) -> None:
            if choice == "delete":
                recovery.remove(holder.path)
            self._offer_unreadable(rest, then)

        self._ask(f"The recovery file {holder.path} {holder.problem}.\nDelete it, or keep it to look at?",
                  [("keep", "Keep it"), ("delete", "Delete it")], answered, escape="keep")

    def _ask(self, question: str, choices: list[tuple[str, str]], answered, escape: str,
             default: str | None = None) -> None:
        from planner.tui.screens.dialogs import Choice

        text = plain(question, keep_newlines=True)  # names and paths are user text: Choice shows it literally
        self.app.push_screen(Choice(text, choices, escape=escape, default=default or escape), answered)
