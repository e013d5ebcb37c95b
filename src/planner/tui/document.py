"""The open plan: its file, the last saved state, undo history. Plain Python, tested without a terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from planner.editing import describe_change
from planner.model import Plan
from planner.rules import CallRules
from planner.storage import Fingerprint, file_fingerprint, save_plan

HISTORY = 200


@dataclass
class Document:
    plan: Plan
    rules: CallRules
    path: Path | None = None
    saved: Plan | None = None
    fingerprint: Fingerprint | None = None
    read_only: bool = False
    undo_stack: list[Plan] = field(default_factory=list)
    redo_stack: list[Plan] = field(default_factory=list)
    last_merge: str | None = None
    # what the last edit, undo or redo changed, in words ("removed CIFPSANT"): the app says it in a toast
    last_change: str = ""

    @property
    def dirty(self) -> bool:
        return self.plan != self.saved

    @property
    def name(self) -> str:
        return self.path.name if self.path else "new plan"

    def edit(self, plan: Plan, merge: str | None = None) -> bool:
        """Make `plan` the current one; False when nothing changed.

        Edits with the same `merge` key in a row (the keystrokes of one field) are one undo step.
        """
        if plan == self.plan:
            return False
        if merge is None or merge != self.last_merge or not self.undo_stack:
            self.undo_stack.append(self.plan)
            del self.undo_stack[:-HISTORY]
        self.last_merge = merge
        self.redo_stack.clear()
        self.last_change = describe_change(self.plan, plan, self.rules)
        self.plan = plan
        return True

    def undo(self) -> bool:
        self.last_merge = None
        if not self.undo_stack:
            return False
        self.redo_stack.append(self.plan)
        self.plan = self.undo_stack.pop()
        self.last_change = describe_change(self.plan, self.redo_stack[-1], self.rules)  # the step undone
        return True

    def redo(self) -> bool:
        self.last_merge = None
        if not self.redo_stack:
            return False
        self.undo_stack.append(self.plan)
        self.plan = self.redo_stack.pop()
        self.last_change = describe_change(self.undo_stack[-1], self.plan, self.rules)
        return True

    def changed_on_disk(self) -> bool:
        """True when someone else wrote the file since we read or saved it."""
        if self.path is None:
            return False
        now = file_fingerprint(self.path)
        if self.fingerprint is None:
            return now is not None  # there was no file when we opened the path: someone created one
        return now is not None and now.digest != self.fingerprint.digest

    def save(self, path: Path | None = None) -> None:
        target = path or self.path
        assert target is not None
        self.fingerprint = save_plan(self.plan, target)
        self.path = target
        self.saved = self.plan
        self.read_only = False
