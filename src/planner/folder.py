"""A folder of plans: each plan's verdict and who has it open (`planner ls`, the folder view), and the
files the view makes there (a new plan's name, a copy). Pure core: no Textual. The partners the
folder knows, for the partner form, are `folder_partners`.

Every `*.toml` file directly in the folder is listed (with `recursive`, the subfolders' too),
except the `partners.toml` directory file; a file that is not a readable plan is listed with the
one-line message `planner check` gives, never skipped (the spec's "A folder of plans").

Reading a plan, judging it and working out what it takes cost about a millisecond or two; a
folder of 200 plans is listed in well under a second, and a second listing in the same process
(the folder view's refresh, the partner form after it) reads only the files whose size, mtime or
inode changed (`_CACHE`). Who has a plan open comes from its recovery files (`recovery.py`),
found with one listing of the folder instead of one per plan.

Keeps: each plan's judged fields by its real path and (size, mtime, inode) (`_CACHE`), for the life
of the process; each entry is read once and replaced whole, so listings in two threads are safe.
"""

from __future__ import annotations

import os
import pwd
import re
import stat
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from planner import recovery
from planner.errors import PlanError
from planner.files import decode_plan_bytes, not_regular, read_user_file, state_dir, write_bytes_atomically
from planner.model import Plan
from planner.qualify import ToQualify
from planner.qualify_words import in_sentence
from planner.safetext import json_path, visible
from planner.scoring import evaluate
from planner.storage import load_call_for, parse_plan

SPEC_KEYS = ("path", "title", "acronym", "call", "lot", "duration_months", "partners", "eligible", "failing",
             "new_full_partners", "modified", "open_by", "error")
DIRECTORY_FILE = "partners.toml"  # the folder's own list of organisations, in the plan's [[partners]] format
SUFFIX = ".toml"
# a verdict under an expected call, as check's scoreboard marks a provisional rule; and its legend
PROVISIONAL_MARK = " *"
PROVISIONAL_LEGEND = "* provisional: the plan's call is expected, not published (every rule is provisional)"


@dataclass(frozen=True)
class OpenBy:
    """Who has a plan open now. From a recovery file another user's umask keeps private (mode 600),
    only its owner is known: `host` and `since` are then None."""

    user: str
    host: str | None = None
    since: datetime | None = None

    def as_dict(self) -> dict[str, object]:
        return {"user": self.user, "host": self.host, "since": _iso(self.since)}

    def words(self) -> str:
        """'alice on srv1', or 'alice (host not known)'."""
        return f"{self.user} on {self.host}" if self.host else f"{self.user} (host not known)"


@dataclass(frozen=True)
class Entry:
    """One plan file of the folder: what `planner ls` prints (the spec's keys) and the view shows."""

    path: Path  # as listed: the folder as given joined with the file's name
    name: str  # the path relative to the folder ("lot2.toml", "old/2024.toml")
    modified: datetime | None = None
    open_by: OpenBy | None = None
    error: str | None = None
    plan: Plan | None = field(default=None, repr=False, compare=False)
    title: str | None = None
    acronym: str | None = None
    call: str | None = None
    lot: int | None = None
    duration_months: int | None = None
    partners: int | None = None
    eligible: bool | None = None
    failing: tuple[str, ...] | None = None
    failing_labels: tuple[str, ...] = ()
    new_full_partners: int | None = None
    summary: str = ""  # what it takes, in words ('3 more partners: 1 VET or HE provider, ...')
    # the steps besides the partners to add ('cut EUR 182,794 of estimated costs ...'), and them in a
    # word or two each ('cut costs'): a verdict of partners to go alone read as the whole fix
    other_steps: tuple[str, ...] = ()
    other_words: str = ""
    # changes a planner that ended without saving left in a recovery file (see unsaved_left): who, when
    unsaved_left: str | None = None
    # the plan's call is expected, not published: every rule, and so the verdict, is provisional
    provisional: bool = False
    # the countries whose conditional association the eligible verdict needs (CH in 2027), and in words
    conditional_on: tuple[str, ...] = ()
    condition: str = ""  # ' if Switzerland is associated'

    @property
    def marked_verdict(self) -> str:
        """The verdict as shown, marked ' *' (PROVISIONAL_MARK) when it is provisional: 'ELIGIBLE *'."""
        return self.verdict + (PROVISIONAL_MARK if self.provisional and self.error is None else "")

    @property
    def verdict_kind(self) -> str:
        """'ELIGIBLE', 'NOT ELIGIBLE' or 'UNREADABLE': the verdict without its words."""
        return "UNREADABLE" if self.error is not None else "ELIGIBLE" if self.eligible else "NOT ELIGIBLE"

    @property
    def verdict(self) -> str:
        """'ELIGIBLE', 'NOT ELIGIBLE: 3 new partners to go', 'NOT ELIGIBLE: ecosystem', or 'UNREADABLE'."""
        if self.error is not None:
            return "UNREADABLE"
        if self.eligible:
            return "ELIGIBLE" + self.condition  # 'ELIGIBLE if Switzerland is associated'
        n = self.new_full_partners or 0
        if n:
            more = f", {self.other_words}" if self.other_words else ""
            return f"NOT ELIGIBLE: {n} new partner{'' if n == 1 else 's'} to go{more}"
        if len(self.failing_labels) == 1:
            return f"NOT ELIGIBLE: {in_sentence(self.failing_labels[0])}"
        return f"NOT ELIGIBLE: {len(self.failing_labels)} rules fail"

    @property
    def short_verdict(self) -> str:
        """The verdict in a narrow column: 'ELIGIBLE', '2 partners to go', 'ecosystem', '3 rules fail',
        'UNREADABLE' (a mark before it says eligible or not)."""
        if self.eligible and self.conditional_on:  # 'ELIGIBLE if CH'
            return f"ELIGIBLE if {' and '.join(self.conditional_on)}"
        if self.error is not None or self.eligible:
            return self.verdict
        n = self.new_full_partners or 0
        if n and self.other_steps:  # '2 partners & more': the line under the table says what more
            return f"{n} partner{'' if n == 1 else 's'} & more"
        return self.verdict.removeprefix("NOT ELIGIBLE: ").replace(" new partner", " partner")

    def as_dict(self) -> dict[str, object]:
        """The spec's keys, in its order; for an unreadable file every key but path and error is null
        (the folder view shows its last change and holder all the same)."""
        if self.error is not None:
            return {**{key: None for key in SPEC_KEYS}, "path": json_path(self.path), "error": self.error}
        return {"path": json_path(self.path), "title": self.title, "acronym": self.acronym, "call": self.call,
                "lot": self.lot, "duration_months": self.duration_months, "partners": self.partners,
                "eligible": self.eligible, "failing": list(self.failing) if self.failing is not None else None,
                "new_full_partners": self.new_full_partners, "modified": _iso(self.modified),
                "open_by": self.open_by.as_dict() if self.open_by else None, "error": self.error,
                # optional keys (the spec allows extending): only when there are such changes, only when
                # the plan's call is expected (its verdict provisional)
                **({"unsaved_left": self.unsaved_left} if self.unsaved_left else {}),
                **({"provisional": True} if self.provisional else {}),
                **({"conditional_on": list(self.conditional_on)} if self.conditional_on else {})}


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(timezone.utc).replace(microsecond=0).isoformat()


class FolderError(Exception):
    """The folder itself cannot be read (not there, not a folder, no permission)."""


# --- reading one plan, cached by what the file is on disk -------------------------------------------

# realpath -> ((size, mtime_ns, inode), the entry's fields read from the file)
_CACHE: dict[str, tuple[tuple[int, int, int], dict[str, object]]] = {}


def _judged(path: Path, info: os.stat_result, shown: Path | None = None) -> dict[str, object]:
    """`path`: the real path (links resolved); `info`: its stat; `shown`: the path messages name."""
    key = (info.st_size, info.st_mtime_ns, info.st_ino)
    real = str(path)
    hit = _CACHE.get(real)
    if hit is not None and hit[0] == key:
        return hit[1]
    fields = _judge(shown or path)
    _CACHE[real] = (key, fields)
    return fields


def _judge(path: Path) -> dict[str, object]:
    try:
        plan = parse_plan(decode_plan_bytes(path, read_user_file(path)), str(path))
        rules = load_call_for(plan, str(path))
        board = evaluate(plan, rules)
        needed = board.to_qualify
    except PlanError as exc:
        return {"error": _one_line(str(exc))}
    except OSError as exc:  # gone or unreadable between the listing and the read
        return {"error": f"{path}: {exc.strerror or exc}"}
    return {"plan": plan, "title": plan.title, "acronym": plan.acronym, "call": board.call, "lot": board.lot,
            "duration_months": board.duration_months, "partners": len(plan.partners), "eligible": board.eligible,
            "failing": tuple(c.id for c in board.failures), "failing_labels": tuple(c.label for c in board.failures),
            "new_full_partners": needed.new_full_partners, "summary": needed.summary(),
            "provisional": board.expected, "conditional_on": board.depends_on if board.eligible else (),
            "condition": board.condition, **_other_steps(needed)}


def _other_steps(needed: ToQualify) -> dict[str, object]:
    """The steps of what it takes besides adding partners, in full and in words (see Entry.other_steps)."""
    if not needed.new_full_partners:
        return {}  # the summary names the first step and counts the others
    rest = tuple(text for cid, text in zip(needed.step_ids, needed.steps) if cid != "full-partners")
    words = needed.in_words().split(", ", 1)  # '+2 partners, cut costs'
    return {"other_steps": rest, "other_words": words[1] if rest and len(words) > 1 else ""}


def _one_line(message: str) -> str:
    """The first line of check's message; where there are more (a list of problems), how many."""
    lines = message.splitlines()
    if len(lines) <= 1:
        return message
    more = [line.strip().removeprefix("- ") for line in lines[1:] if line.strip()]
    return f"{lines[0]}: {more[0]}" + (f" (and {len(more) - 1} more)" if len(more) > 1 else "")


# --- who has it open ----------------------------------------------------------------------------------


def recovery_index(names: Iterable[str]) -> dict[str, list[str]]:
    """A folder's recovery files by the plan they belong to: {"plan.toml": [".plan.toml.planner",
    ".plan.toml.1.planner"]}, in slot order (recovery.holder_files' order)."""
    index: dict[str, list[str]] = {}
    for n in names:
        if not (n.startswith(".") and n.endswith(recovery.SUFFIX)):
            continue
        stem = n[1:-len(recovery.SUFFIX)]
        head, dot, slot = stem.rpartition(".")
        plan = head if dot and slot.isdigit() and head.endswith(SUFFIX) else stem
        index.setdefault(plan, []).append(n)
    for files in index.values():
        files.sort(key=lambda n: (len(n), n))
    return index


def _holder_files(path: Path, beside: list[str] | None, state_names: Iterable[str] | None,
                  real: Path | None) -> list[Path]:
    """The plan's recovery files: beside it, and in the state folder (see open_by)."""
    if beside is None or real is None:
        return recovery.holder_files(path)
    files = [real.parent / n for n in beside]
    if state_names:
        quoted = urllib.parse.quote(str(real), safe="")
        files += [state_dir() / n for n in sorted(state_names, key=lambda n: (len(n), n))
                  if n.startswith(quoted) and re.fullmatch(rf"(\.\d+)?{re.escape(recovery.SUFFIX)}",
                                                           n[len(quoted):])]
    return files


def open_by(path: Path, beside: list[str] | None = None, state_names: Iterable[str] | None = None,
            now: datetime | None = None, real: Path | None = None,
            files: list[Path] | None = None) -> OpenBy | None:
    """Another live session that holds the plan, from its recovery files (beside the plan, or in the
    state folder); None when there is none (this process's own does not count).

    `beside`: the names of the plan's recovery files in its folder (`recovery_index`), and
    `state_names` the state folder's listing, when the caller has them (one listing for a whole
    folder of plans); `real`: the plan's real path. Without them, recovery.holder_files finds them.
    `files`: the recovery files, when the caller has them already."""
    now = now or datetime.now(timezone.utc)
    for file in files if files is not None else _holder_files(path, beside, state_names, real):
        holder = recovery.read_holder(file)
        if holder is None:
            continue
        if holder.problem is None:
            if holder.alive(now) and not holder.mine:
                return OpenBy(holder.user, holder.host, holder.since)
            continue
        who = _private_holder(file, now)
        if who is not None:
            return who
    return None


def unsaved_left(files: list[Path], now: datetime | None = None) -> str | None:
    """Changes a planner left unsaved when it ended without saving (killed, its terminal gone), from the
    plan's recovery files: 'alice on srv1, last written 3 Dec 14:02'; None when there are none. Opening
    the plan offers them back; the folder said nothing of them, and the plan looked as it was saved."""
    now = now or datetime.now(timezone.utc)
    for file in files:
        holder = recovery.read_holder(file)
        # a partner form's text left is unsaved work too: opening the plan offers it back, the list said nothing
        if holder is not None and holder.problem is None and (holder.unsaved or holder.draft) \
                and not holder.alive(now):
            host = f" on {visible(holder.host)}" if holder.host and holder.host != "?" else ""
            when = holder.updated or holder.since
            return f"{visible(holder.user)}{host}" + (f", last written {_when(when)}" if when else "")
    return None


def _private_holder(file: Path, now: datetime) -> OpenBy | None:
    """A recovery file this user may not read (another user's, mode 600): its owner holds the plan, if
    the file had a sign of life within the time a holder elsewhere is taken as alive."""
    try:
        info = file.stat()
    except OSError:
        return None
    if info.st_uid == os.getuid():
        return None  # our own file, unreadable for another reason: nobody else holds the plan through it
    updated = datetime.fromtimestamp(info.st_mtime, timezone.utc)
    if now - updated >= recovery.STALE_ELSEWHERE:
        return None
    try:
        user = pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        user = str(info.st_uid)
    return OpenBy(user)


# --- the folder ---------------------------------------------------------------------------------------


def plan_files(folder: Path, recursive: bool = False) -> list[tuple[Path, str, os.stat_result]]:
    """(path, name relative to the folder, stat) of each plan file, by name. Raises FolderError."""
    out: list[tuple[Path, str, os.stat_result]] = []

    def walk(where: Path, prefix: str, top: bool) -> None:
        try:
            with os.scandir(where) as it:
                entries = list(it)
        except OSError as exc:
            if top:
                raise FolderError(f"{folder}: {_folder_problem(folder, exc)}") from None
            return  # a subfolder we may not read: the rest of the folder is still listed
        for entry in sorted(entries, key=lambda e: e.name):
            name = prefix + entry.name
            if entry.name.startswith("."):
                continue  # recovery files, editors' swap files, .git
            try:
                info = entry.stat()  # through a link: a linked plan is listed as the plan it is
            except OSError:
                if entry.name.endswith(SUFFIX):
                    out.append((where / entry.name, name, None))  # type: ignore[arg-type]  # a dangling link
                continue
            if stat.S_ISDIR(info.st_mode):
                if recursive and not entry.is_symlink():
                    walk(where / entry.name, name + "/", False)
                continue
            if entry.name.endswith(SUFFIX) and entry.name != DIRECTORY_FILE:  # a subfolder's own too
                out.append((where / entry.name, name, info))

    walk(folder, "", True)
    return out


def _folder_problem(folder: Path, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such folder"
    if isinstance(exc, NotADirectoryError):
        return "is not a folder (planner ls lists a folder of plans; planner check reads one plan)"
    if isinstance(exc, PermissionError):
        return "permission denied (the folder cannot be read)"
    return str(exc.strerror or exc)


def list_folder(folder: str | Path, recursive: bool = False, now: datetime | None = None) -> list[Entry]:
    """Every plan file of the folder, by name, with its verdict and who has it open. Raises FolderError."""
    folder = Path(folder)
    files = plan_files(folder, recursive)
    places: dict[Path, tuple[Path, dict[str, list[str]]]] = {}  # folder -> its real path, its recovery files
    try:
        state_names: list[str] = os.listdir(state_dir())
    except OSError:
        state_names = []
    now = now or datetime.now(timezone.utc)
    out = []
    for path, name, info in files:
        if info is None:
            out.append(Entry(path, name, error=f"{path}: no such file (a link to nothing)"))
            continue
        if not stat.S_ISREG(info.st_mode):
            # a FIFO or a device named *.toml: said, never opened (reading it could wait for ever)
            out.append(Entry(path, name, error=f"{path}: {not_regular(info.st_mode) or 'not a regular file'}"))
            continue
        parent = path.parent
        if parent not in places:
            try:
                index = recovery_index(os.listdir(parent))
            except OSError:
                index = {}
            places[parent] = (Path(os.path.realpath(parent)), index)
        real_parent, index = places[parent]
        if path.is_symlink():  # its recovery files are beside the file it points to
            real = Path(os.path.realpath(path))
            recovery_files = _holder_files(path, None, state_names, None)
        else:
            real = real_parent / path.name
            recovery_files = _holder_files(path, index.get(path.name, []), state_names, real)
        holder = open_by(path, now=now, files=recovery_files)
        left = unsaved_left(recovery_files, now) if recovery_files else None
        fields = _judged(real, info, path)
        modified = datetime.fromtimestamp(info.st_mtime, timezone.utc).replace(microsecond=0)
        out.append(Entry(path, name, modified=modified, open_by=holder, unsaved_left=left,
                         **fields))  # type: ignore[arg-type]
    return out


def listing_json(folder: str, entries: list[Entry]) -> dict[str, object]:
    return {"folder": folder, "plans": [e.as_dict() for e in entries]}


def listing_text(entries: list[Entry]) -> str:
    """One line per plan for scripts and people: file, acronym, call and lot, verdict, partners, last
    change, who has it open; an unreadable file with its reason."""
    if not entries:
        return "no plans here (no *.toml files)\n"
    rows = []
    for e in entries:
        if e.error is not None:
            rows.append([e.name, "-", "-", "UNREADABLE", "-", _when(e.modified), "", e.error])
            continue
        rows.append([e.name, e.acronym or "-", f"{e.call} L{e.lot}", e.marked_verdict, str(e.partners),
                     _when(e.modified), e.open_by.words() if e.open_by else "unsaved changes left" if
                     e.unsaved_left else "", e.title or ""])
    head = ["FILE", "ACRONYM", "CALL", "VERDICT", "PARTNERS", "CHANGED", "OPEN BY", "TITLE / PROBLEM"]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head) - 1)]
    lines = []
    for row in [head, *rows]:
        cells = [row[i].ljust(widths[i]) for i in range(len(widths))]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    if any(e.provisional for e in entries):
        lines.append(PROVISIONAL_LEGEND)
    return "\n".join(lines) + "\n"


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else f"{moment.astimezone(timezone.utc):%Y-%m-%d %H:%M}Z"


# --- new files in the folder: the view's new plan and its copy as a variant --------------------------


def free_name(folder: Path, stem: str) -> str:
    """`stem.toml`, or `stem-2.toml`, ... : the first name not taken in the folder."""
    for n in range(1, 1000):
        name = f"{stem}.toml" if n == 1 else f"{stem}-{n}.toml"
        if not (folder / name).exists():
            return name
    return f"{stem}.toml"


def plan_path(path: Path) -> Path:
    """A new plan's or a copy's path: `.toml` added when it ends otherwise."""
    return path if path.suffix == SUFFIX else path.with_name(path.name + SUFFIX)


def taken(path: Path) -> bool:
    """Is there a file at `path` (a dangling link too)? A new plan or a copy never replaces one."""
    return path.exists() or path.is_symlink()


def copy_plan(source: Path, target: Path) -> None:
    """Writes a copy of the plan file `source`, byte for byte, at `target` (atomically). The source is
    read as every user's file is (a FIFO put there since the listing must not block). Raises PlanError."""
    write_bytes_atomically(target, read_user_file(source))
