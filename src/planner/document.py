"""The open plan: its file, the last saved state, undo history. Plain Python, tested without a terminal."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from planner.editing import describe_change
from planner.errors import PlanError, validation_problems
from planner.files import Fingerprint, decode_plan_bytes, file_fingerprint, write_protection
from planner.model import Plan, allowed_keys
from planner.rules import CallRules
from planner.storage import check_against_rules, parse_plan, render_plan_kept, size_problem, write_plan_bytes

HISTORY = 200


class Refused(ValueError):
    """An edit that the loader would refuse: the plan keeps its last good state. str() says why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def refusal(plan: Plan, rules: CallRules, known: Plan | None = None,
            known_rules: CallRules | None = None) -> tuple[Plan | None, list[str]]:
    """The plan as the loader would return it (countries normalised), or why the loader would refuse it.

    The same checks as loading, without the TOML text: pydantic on the whole plan (editing uses
    model_copy, which validates nothing) and the call's rules. Saving also reads its own text back.
    Partners that are the very objects of `known` (the current plan, already checked) are not
    validated again: pydantic keeps an instance as it is, so an edit of one partner in 10,000
    validates one, and the others keep their identity (the partners table compares by identity).
    When `known` passed these very rules (`known_rules is rules`), its partners skip the rules'
    checks too: an edit of the grant with 1,000 partners looked up 1,000 countries and kinds.
    """
    kept = {id(p) for p in known.partners} if known is not None else set()
    data = plan.model_dump(exclude={"partners"})
    data["partners"] = [p if id(p) in kept else p.model_dump() for p in plan.partners]
    try:
        checked = Plan.model_validate(data)
    except ValidationError as exc:
        return None, validation_problems(exc, allowed_keys)
    except (ValueError, RecursionError, OverflowError) as exc:
        return None, [str(exc)]
    try:
        trusted = frozenset(kept) if known_rules is not None and known_rules is rules else frozenset()
        checked = check_against_rules(checked, rules, checked=trusted)
    except PlanError as exc:
        return None, exc.problems or [exc.message]
    if problem := size_problem(checked):
        return None, [problem]
    if known is not None and len(checked.partners) == len(known.partners) and \
            all(a is b for a, b in zip(checked.partners, known.partners)):
        # the very partners of `known`: its tuple too, which scoring recognises (a lot switch or a
        # grant with 1,000 partners does not count them again; scoring._same_partners)
        checked = checked.model_copy(update={"partners": known.partners})
    return checked, []


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
    # the rules `plan` passed in edit(), if it came from there: the next edit trusts its partners
    checked_by: CallRules | None = None
    passed: Plan | None = None  # the plan that passed them (an undo or an open replaces `plan`)
    # why the file itself is read-only on disk (mode 0444, a folder that refuses new files), or None:
    # the title says [read-only] and saving asks first; `save_anyway` once the user said yes
    protected: str | None = None
    save_anyway: bool = False
    # the bytes of the file as read or last saved: a save keeps its form (storage.render_plan), None for a
    # new plan (written canonically)
    original: bytes | None = None
    # the last save could not keep the file's own form (its comments, order): written canonically
    form_lost: bool = False

    @property
    def dirty(self) -> bool:
        return self.plan != self.saved

    @property
    def name(self) -> str:
        return self.path.name if self.path else "new plan"

    def edit(self, plan: Plan, merge: str | None = None) -> bool:
        """Make `plan` the current one; False when nothing changed. Raises Refused for a plan that would not load.

        Edits with the same `merge` key in a row (the keystrokes of one field) are one undo step.
        """
        if plan == self.plan:
            return False
        checked_by = self.checked_by if self.checked_by is not None and self.passed is self.plan else None
        checked, problems = refusal(plan, self.rules, self.plan, checked_by)
        if checked is None:
            raise Refused(problems)
        plan = checked
        if plan == self.plan:
            return False
        if merge is None or merge != self.last_merge or not self.undo_stack:
            self.undo_stack.append(self.plan)
            del self.undo_stack[:-HISTORY]
        self.last_merge = merge
        self.redo_stack.clear()
        self.last_change = describe_change(self.plan, plan, self.rules)
        self.plan = plan
        self.checked_by, self.passed = self.rules, plan
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
        try:
            if not stat.S_ISREG(os.stat(self.path).st_mode):
                return True  # a folder or a FIFO now stands there: reading it could block, and it is not ours
        except OSError:
            pass
        now = file_fingerprint(self.path)
        if self.fingerprint is None:
            return now is not None  # there was no file when we opened the path: someone created one
        return now is not None and now.digest != self.fingerprint.digest

    def stat_on_disk(self) -> tuple[int, int] | None:
        """The file's (mtime_ns, size) now, without reading it; None when there is none (or no path)."""
        if self.path is None:
            return None
        try:
            info = os.stat(self.path)
        except (OSError, ValueError):
            return None
        return info.st_mtime_ns, info.st_size

    def maybe_changed_on_disk(self) -> bool:
        """Cheap (one stat, no read): the file's size or time differ from when it was read or saved.
        For the check at intervals; changed_on_disk() then reads it to be sure."""
        now = self.stat_on_disk()
        if self.fingerprint is None:
            return now is not None and self.path is not None
        return now != (self.fingerprint.mtime_ns, self.fingerprint.size)

    def reload(self, plan: Plan, fingerprint: Fingerprint | None, original: bytes | None = None) -> None:
        """Take the version on disk (another copy saved it) as the saved plan; the plan shown before
        is one undo step back, so nothing typed is lost."""
        if plan != self.plan:
            self.undo_stack.append(self.plan)
            del self.undo_stack[:-HISTORY]
            self.redo_stack.clear()
            self.last_change = describe_change(self.plan, plan, self.rules)
        self.last_merge = None
        self.plan = self.saved = plan
        self.fingerprint = fingerprint
        self.original = original
        self.checked_by = self.passed = None

    def save(self, path: Path | None = None) -> None:
        """Write the plan, after reading its own text back as the loader would: never a file that will not load."""
        target = path or self.path
        assert target is not None
        if problem := size_problem(self.plan):
            raise PlanError(str(target), f"not saved: {problem}")
        # the file's own form kept (a copy saved as keeps it too), or said where it could not be
        data, kept = render_plan_kept(self.plan, self.original)
        try:
            parse_plan(decode_plan_bytes(target, data), str(target), self.rules)
        except (ValueError, RecursionError, OverflowError) as exc:
            raise PlanError(str(target), f"not saved, the plan would not load again: {exc}") from None
        except PlanError as exc:
            raise PlanError(str(target), "not saved, the plan would not load again: " + exc.message,
                            exc.problems) from None
        self.fingerprint = write_plan_bytes(target, data)
        self.original = data
        self.form_lost = not kept
        if target != self.path:
            self.save_anyway = False
        self.protected = write_protection(target)
        self.path = target
        self.saved = self.plan
        self.read_only = False
