"""Opening a plan, and the names the file actions suggest or say: below the app and its screens.

`open_document` (a Document for a path, or a new plan), `not_found` ("file not found in ~/plans/"),
`similar_names` (for a mistyped plan), `file_name_for` (a new plan's file name) and `folder_words`
(a folder as a prompt says it). The app's file actions (`filing.py`), the export, the folder view
and the main screen use them; they import nothing of the TUI but the Document, so that no screen
needs the app module for them (tests/test_import_cycles.py)."""

from __future__ import annotations

import os
from pathlib import Path

from planner.document import Document
from planner.errors import PlanError
from planner.files import not_a_regular_file, write_protection
from planner.model import Plan, new_plan
from planner.rules import CallRules, available_calls, latest_call
from planner.scoring import now
from planner.storage import load_call_for, read_plan_file


def open_document(path: str | Path | None, rules: CallRules | None = None, read_only: bool = False) -> Document:
    """A Document for a path (existing or to be created) or a new plan. Raises PlanError for a bad file.

    The Document holds the path made absolute (symlinks kept): if the folder it was opened from is
    deleted, the working directory is gone, and every later look-up of a relative path would fail on
    it. Messages name the path as it was given."""
    if path is not None and (problem := not_a_regular_file(Path(path))):
        raise PlanError(str(path), problem)  # before any read: a FIFO or /dev/stdin would block for ever
    held = absolute(Path(path)) if path is not None else None
    if path is not None and Path(path).exists():
        plan, fingerprint, data = read_plan_file(path, rules)
        return Document(plan, rules or load_call_for(plan, str(path)), held, plan, fingerprint, read_only,
                        protected=write_protection(path), original=data)
    if path is not None and not Path(path).parent.is_dir() and not _kept_in_state(Path(path)):
        # (a plan whose folder was deleted while it was open, its changes then kept in the state folder:
        # opened as a new plan for that path, which offers them back and asks where to save)
        raise PlanError(str(path), f"folder {Path(path).parent} does not exist")
    # a new plan is for the call being written now, open or expected (or the one --call/--rules named),
    # written in the file; a `calls/` folder beside it may hold the team's own rule sets
    beside = Path(path).parent if path is not None else Path.cwd()
    plan = new_plan(rules.id if rules is not None and rules.id in available_calls(beside)
                    else latest_call(now(), beside))
    return Document(plan, rules or load_call_for(plan, "new plan", beside), held, plan)


def _kept_in_state(path: Path) -> bool:
    """Unsaved changes of the plan at `path` kept in the state folder (its own folder was deleted while it
    was open): they are offered back when it is opened, which its missing folder refused."""
    from planner import recovery

    for file in recovery.holder_files(path):
        if file.parent == recovery.state_dir():
            holder = recovery.read_holder(file)
            if holder is not None and holder.problem is None and (holder.unsaved or holder.draft):
                return True
    return False


def folder_words(folder: Path) -> str:
    """A folder as a prompt says it: ~/plans/ for one under the home folder."""
    text = str(folder)
    try:
        home = str(Path.home())
    except (RuntimeError, KeyError):  # no home folder: the path as it is
        return text.rstrip("/") + "/"
    if text == home or text.startswith(home.rstrip("/") + "/"):
        text = "~" + text[len(home.rstrip("/")):]
    return text.rstrip("/") + "/"


def not_found(path: Path) -> str:
    """'file not found in ~/plans/': where it looked, since a relative path is read from the plan's folder."""
    return f"file not found in {folder_words(path.parent)}"


def similar_names(path: Path, limit: int = 3) -> list[str]:
    """Names in the path's folder close to its name (my-paln.toml: my-plan.toml)."""
    import difflib

    try:
        names = [e.name for e in os.scandir(path.parent) if not e.name.startswith(".") and e.is_file()]
    except OSError:
        return []
    plans = [n for n in names if n.endswith(path.suffix)] if path.suffix else names
    # compared without the suffix: '.toml' on both sides made 'a.toml' look like 'my-paln.toml'
    stems = {Path(n).stem if path.suffix else n: n for n in plans}
    close = difflib.get_close_matches(path.stem if path.suffix else path.name, list(stems), n=limit, cutoff=0.6)
    return [stems[stem] for stem in close]


def file_name_for(plan: Plan) -> str:
    """A new plan's file name from its acronym (or title): RE-SKILLS -> re-skills.toml."""
    import re

    words = re.sub(r"[^a-z0-9]+", "-", (plan.acronym or plan.title or "").lower()).strip("-")[:40].strip("-")
    return f"{words or 'plan'}.toml"


def absolute(path: Path) -> Path:
    """The path made absolute, symlinks kept (the path as it is when the working directory is gone)."""
    try:
        return Path(os.path.abspath(path))
    except OSError:  # the working directory is gone already: the path as it is
        return path
