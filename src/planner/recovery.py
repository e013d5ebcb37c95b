"""Recovery files, like vim's swap files: who has a plan open, and the edits not saved yet.

While the planner has `plan.toml` open it keeps `.plan.toml.planner` beside it (same folder, mode
600, owned by the user: it may hold the unsaved plan). It is created as a new file and renamed into
place, so a symlink standing there is replaced, never followed; it is read with O_NOFOLLOW and the
limits of every other file (`files.read_file_and_stat`), and every value in it is bounded. One that
belongs to another user is shown as theirs, never trusted as this user's; one that cannot be read
(another user's, mode 600) still says who holds the plan: the file's owner, since its mtime.

The file says who holds the plan (user, host, process id, since when) from the moment it is opened,
and, from the first unsaved edit, holds the unsaved plan too. Saving drops
the unsaved copy; closing the plan (quit, opening another) removes the file. When the planner dies
(SIGHUP when the SSH link drops, SIGTERM, a crash) the file stays, and opening the plan again offers
the edits back. A second planner that finds the file of a live first one says who has the plan.

A new, untitled plan keeps its file in `$XDG_STATE_HOME/planner/` (default ~/.local/state/planner/)
as `new-HOST-PID.planner`. When the plan's folder refuses new files, the file goes there as well,
named after the plan's full path.

A second planner that edits anyway (or that keeps someone's recovery file to look at later) writes
`.plan.toml.1.planner`, then `.2.`, ...: one file per holder, never shared.

The layout (TOML; `planner check` and every other command never read these files):

    # planner recovery file for plan.toml: ...
    format = 1
    file = "/abs/path/plan.toml"     # the plan it belongs to ("" for a new plan)
    user = "alice"
    host = "server"
    pid = 1234
    since = 2026-11-27T14:02:00Z     # when the plan was opened
    updated = 2026-11-27T14:10:31Z   # when this file was last written
    unsaved = '''...'''              # optional: the unsaved plan, in the canonical layout
    [draft]                          # optional: the partner form open when the planner ended (a signal)
    form = "partner"
    index = -1                       # the partner edited (its place), -1 for a partner being added
    [draft.fields]                   # what was typed in each field, as typed
    name = "Oulu University of Applied Sciences"

No Textual here: the TUI (tui/recovering.py) asks the questions.
"""

from __future__ import annotations

import getpass
import os
import pwd
import re
import stat
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

from planner.errors import PlanError
from planner.files import (
    MAX_FILE_BYTES,
    decode_plan_bytes,
    parse_toml,
    pid_alive,
    read_file_and_stat,
    short_stem,
    state_dir,
    this_host,
    write_private_file,
)
from planner.model import Plan
from planner.rules import CallRules
from planner.safetext import visible
from planner.storage import dump_plan, parse_plan

FORMAT = 1
SUFFIX = ".planner"
STALE_ELSEWHERE = timedelta(days=1)  # a holder on another host is taken as gone after a day without a sign
REFRESH_SECONDS = 3600  # a holder rewrites its file this often, so that other hosts see it is alive


class Draft(NamedTuple):
    """A partner form's typed text, kept when the planner ends on a signal with the form open (a dropped
    SSH link): the form opens again with it when the plan is recovered. `at`: the partner edited, or
    None for one being added; `fields`: each field's text as typed (the form reads it as it read the keys).
    A NamedTuple: this module is loaded at every start, where a frozen dataclass costs 5 times as much."""

    at: int | None
    fields: dict[str, str]

    def as_data(self) -> dict[str, object]:
        return {"form": "partner", "index": -1 if self.at is None else self.at, "fields": dict(self.fields)}

    def words(self, plan: Plan) -> str:
        """'a partner being added in its form: Oulu University of Applied Sciences' for the recovery question."""
        named = self.fields.get("name") or self.fields.get("short_name") or ""
        shown = repr(visible(named)) if named else "(no name typed yet)"
        if self.at is not None and 0 <= self.at < len(plan.partners):
            return f"changes to {plan.partners[self.at].label} being typed in its form, not saved: {shown}"
        return f"a partner being added in its form, not saved: {shown}"


DRAFT_FIELDS = ("name", "short_name", "pic", "country", "kind", "role", "eche", "affiliated_to", "notes")
MAX_DRAFT_TEXT = 4000  # characters of one field kept (a partner's notes are the longest)


@dataclass(frozen=True)
class Holder:
    """One recovery file: who holds the plan, and the unsaved plan text if there is one."""

    path: Path  # the recovery file itself
    file: str = ""
    user: str = "?"
    host: str = "?"
    pid: int = 0
    since: datetime | None = None
    updated: datetime | None = None
    unsaved: str | None = None
    problem: str | None = None  # why the file could not be read; then only deleting it is offered
    owner: int | None = None  # the uid that owns the file (None: not known)
    known: bool = True  # False: another user's file that cannot be read; `user` is its owner, `updated` its mtime
    draft: Draft | None = None  # the partner form open when its planner ended, with what was typed in it
    # the digest (sha256) of the file as that planner last read or saved it: the unsaved changes are an edit
    # of that; "" where it was not written (an older planner, a new plan)
    base: str = ""


    @property
    def foreign(self) -> bool:
        """The file belongs to another user: what it says was written by them, not by this user's planner."""
        return self.owner is not None and self.owner != os.geteuid()

    @property
    def mine(self) -> bool:
        return self.known and not self.foreign and self.host == this_host() and self.pid == os.getpid()

    def alive(self, now: datetime | None = None) -> bool:
        """Is its planner still running? On this host: its process exists. Elsewhere: a sign within a day."""
        if self.problem is not None:
            return False
        if self.known and self.host == this_host():
            return pid_alive(self.pid)
        now = now or datetime.now(timezone.utc)
        last = self.updated or self.since
        return last is not None and now - last < STALE_ELSEWHERE

    def who(self) -> str:
        """'alice on server, process 1234, since 14:02' (local time; the date too when not today).

        User text from the file: control, bidi and invisible characters are shown as escapes. A file
        whose owner is not the user it names says both; an unreadable one says what is not known."""
        user = visible(self.user)
        if not self.known:
            written = _when(", last written", self.updated)
            return f"{user} (a private recovery file: host and process not known{written})"
        if self.foreign and self.owner is not None and owner_name(self.owner) != self.user:
            user += f" (the file belongs to {visible(owner_name(self.owner))})"
        return f"{user} on {visible(self.host)}, process {self.pid}{_when(', since', self.since)}"


def _when(words: str, moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone()
    today = datetime.now(local.tzinfo).date()
    return f"{words} {local:%H:%M}" if local.date() == today else f"{words} {local:%Y-%m-%d %H:%M}"


def me(plan_path: Path | None, since: datetime) -> dict[str, object]:
    """This process as a holder of the plan."""
    # the path as text, its bytes that are not UTF-8 as \xNN: the file stays valid UTF-8 TOML
    shown = os.fsencode(os.path.realpath(plan_path)).decode("utf-8", "backslashreplace") if plan_path else ""
    return {"file": shown, "user": _user(),
            "host": this_host(), "pid": os.getpid(), "since": since}


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (containers): the number says it
        return str(os.getuid())


# --- where -------------------------------------------------------------------------------------


# a long plan name is cut (files.short_stem) so that ".NAME.99.planner" and the temporary file of
# its atomic write still fit in a file name; the recovery file's `file` key keeps the whole path
_ROOM = 1 + len(".99") + len(SUFFIX) + 64


def _stem_beside(real: Path) -> str:
    return "." + short_stem(real.name, _ROOM)


def _stem_in_state(real: str) -> str:
    return short_stem(urllib.parse.quote(os.fsencode(real), safe=""), _ROOM)  # bytes: a non-UTF-8 name too


def beside(plan_path: Path, slot: int = 0) -> Path:
    real = Path(os.path.realpath(plan_path))
    stem = _stem_beside(real)
    return real.parent / (f"{stem}{SUFFIX}" if slot == 0 else f"{stem}.{slot}{SUFFIX}")


def in_state_dir(plan_path: Path | None, slot: int = 0) -> Path:
    if plan_path is None:
        return state_dir() / f"new-{short_stem(this_host(), _ROOM + 20)}-{os.getpid()}{SUFFIX}"
    stem = _stem_in_state(os.path.realpath(plan_path))
    return state_dir() / (f"{stem}{SUFFIX}" if slot == 0 else f"{stem}.{slot}{SUFFIX}")


def holder_files(plan_path: Path | None) -> list[Path]:
    """Every recovery file for the plan (beside it, and in the state folder), in slot order."""
    if plan_path is None:
        folder, pattern = state_dir(), re.compile(rf"^new-.+{re.escape(SUFFIX)}$")
        places = [(folder, pattern)]
    else:
        real = Path(os.path.realpath(plan_path))
        places = [(real.parent, re.compile(rf"^{re.escape(_stem_beside(real))}(\.\d+)?{re.escape(SUFFIX)}$")),
                  (state_dir(), re.compile(rf"^{re.escape(_stem_in_state(str(real)))}(\.\d+)?{re.escape(SUFFIX)}$"))]
    found: list[Path] = []
    for folder, pattern in places:
        try:
            names = sorted(os.listdir(folder), key=lambda n: (len(n), n))
        except OSError:
            continue
        found.extend(folder / n for n in names if pattern.match(n))
    return found


# --- reading and writing ---------------------------------------------------------------------------


MAX_VALUE = 300  # characters of a user, host or file name kept from a recovery file
MAX_PID = 2**31 - 1  # what os.kill accepts; a larger pid would raise OverflowError
FIRST_YEAR, LAST_YEAR = 2000, 2999  # a `since` or `updated` outside these years is not a planner's
# the unsaved plan is at most a plan (10 MB), with the header and a little escaping around it
MAX_RECOVERY_BYTES = MAX_FILE_BYTES + 1024 * 1024


def owner_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except (KeyError, OverflowError):
        return str(uid)


def read_holder(path: Path) -> Holder | None:
    """The recovery file at `path`; None when there is none; a Holder with `problem` when it is unreadable.

    Another user's file that cannot be read (mode 600) gives a Holder with `known = False`: its owner
    as the user, its mtime as when it was last written, nothing else."""
    try:
        raw, info = read_file_and_stat(path, "recovery file", MAX_RECOVERY_BYTES, follow_symlinks=False)
    except PlanError as exc:
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return None
        except OSError:
            return Holder(path, problem=exc.message)
        if "permission denied" in exc.message and stat.S_ISREG(info.st_mode) and info.st_uid != os.geteuid():
            written = _aware(datetime.fromtimestamp(info.st_mtime, timezone.utc))
            return Holder(path, user=owner_name(info.st_uid), updated=written, owner=info.st_uid, known=False)
        return Holder(path, problem=exc.message, owner=info.st_uid)
    try:
        data = parse_toml(decode_plan_bytes(path, raw, "recovery file"), str(path), "recovery file")
    except PlanError as exc:
        return Holder(path, problem=f"cannot be read: {exc.message}", owner=info.st_uid)
    try:
        holder = Holder(path, file=_text(data.get("file", ""), "file"), user=_text(data["user"], "user"),
                        host=_text(data["host"], "host"), pid=_pid(data["pid"]), since=_aware(data.get("since")),
                        updated=_aware(data.get("updated")), unsaved=_unsaved(data.get("unsaved")),
                        owner=info.st_uid, draft=_draft(data.get("draft")), base=_base(data.get("base", "")))
    except KeyError as exc:
        return Holder(path, problem=f"is not a planner recovery file ({exc.args[0]} is missing)", owner=info.st_uid)
    except ValueError as exc:
        return Holder(path, problem=f"is not a planner recovery file ({exc})", owner=info.st_uid)
    return holder


def _text(value: object, key: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_VALUE:
        raise ValueError(f"{key} is not a short text")
    return value


def _base(value: object) -> str:
    """A sha256 digest as hex (what write_holder writes), else '' (not known)."""
    return value if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value) else ""


def _pid(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_PID:
        raise ValueError("pid is not a process id")
    return value


def _unsaved(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError("unsaved is not text")
    return value


def _draft(value: object) -> Draft | None:
    """The partner form's draft, or None (also for one a planner would not have written: it is only a help,
    and the unsaved plan beside it must not be lost for it)."""
    if not isinstance(value, dict) or value.get("form") != "partner":
        return None
    index, fields = value.get("index"), value.get("fields")
    if not isinstance(index, int) or isinstance(index, bool) or not -1 <= index <= MAX_PID or \
            not isinstance(fields, dict):
        return None
    kept = {k: v for k, v in fields.items() if k in DRAFT_FIELDS and isinstance(v, str) and len(v) <= MAX_DRAFT_TEXT}
    return Draft(None if index == -1 else index, kept) if kept else None


def _aware(value: object) -> datetime | None:
    """A time from the file, or None for anything a planner would not have written (year 1, 9999, a string)."""
    if not isinstance(value, datetime) or not FIRST_YEAR <= value.year <= LAST_YEAR:
        return None
    value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    try:
        value.astimezone()  # an offset that this machine cannot show would raise later, in who()
    except (OverflowError, ValueError, OSError):
        return None
    return value


def write_holder(path: Path, plan_path: Path | None, since: datetime, unsaved: Plan | None,
                 now: datetime | None = None, draft: Draft | None = None, base: str = "") -> None:
    """Write who holds the plan, the unsaved plan if any, and the partner form's `draft` if any: mode 600,
    never through a symlink (`files.write_private_file`); `base`, the digest of the file the unsaved plan is
    an edit of (the recovery then tells a file saved since). Raises PlanError."""
    import tomli_w  # the first write comes after the first frame

    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    fields = me(plan_path, since.replace(microsecond=0))
    fields["updated"] = now
    if unsaved is not None and base:
        fields["base"] = base
    name = visible(Path(str(fields["file"])).name) or "a new plan"
    header = (f"# planner recovery file for {name}: who has it open, and the changes not saved yet.\n"
              "# The planner offers to recover them when the plan is opened; delete it only when no planner\n"
              "# has the plan open. Format: docs/formats.md, \"Recovery files\".\n")
    data = header + tomli_w.dumps({"format": FORMAT, **fields}, multiline_strings=True)
    if unsaved is not None:
        data += _unsaved_line(dump_plan(unsaved))
    if draft is not None:  # a table: after every key
        data += tomli_w.dumps({"draft": draft.as_data()})
    if path.parent == state_dir():
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise PlanError(str(path.parent), f"cannot make the folder: {exc.strerror or exc}") from None
    # who holds the plan, with no edit in it, is not worth the wait of a sync to the disk (on a shared
    # server's network disk, tens of ms at every start): a crash of the machine ends the holder anyway
    write_private_file(path, data.encode("utf-8", "backslashreplace"),
                       durable=unsaved is not None or draft is not None)


# what a TOML multi-line literal string may not hold: control characters but tab and newline, and '''
_NOT_LITERAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|'''")


def _unsaved_line(text: str) -> str:
    """The `unsaved` key: the plan's text as it is, in a multi-line literal string (three quotes).

    tomli_w escapes a string a character at a time: 0.2 s for 1,000 partners, 2 s for 10,000, after
    every edit, while the screen waits. The plan's own text (valid TOML, without control characters)
    fits a literal string as it is, and tomllib reads it back unchanged; a text that does not (three
    quotes in a name) goes through tomli_w."""
    import tomli_w

    if _NOT_LITERAL.search(text):
        return tomli_w.dumps({"unsaved": text}, multiline_strings=True)
    return "unsaved = '''\n" + text + "'''\n"


def remove(path: Path | None) -> None:
    if path is None:
        return
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        pass  # a file we cannot remove is taken as stale by the next planner (its process is gone)


def free_slot(plan_path: Path | None) -> Path:
    """Where this process keeps its file: the first slot beside the plan that no one else holds.

    Falls back to the state folder when the plan's folder refuses new files.
    """
    if plan_path is None:
        return in_state_dir(None)
    for slot in range(100):
        path = beside(plan_path, slot)
        holder = read_holder(path)
        if holder is None or holder.mine:
            return path if os.access(path.parent, os.W_OK) else in_state_dir(plan_path, slot)
    return in_state_dir(plan_path)


def recovered_plan(holder: Holder, rules: CallRules | None = None) -> Plan:
    """The unsaved plan of a recovery file. Raises PlanError naming the file."""
    assert holder.unsaved is not None
    return parse_plan(holder.unsaved, str(holder.path), rules)


def differences(saved: Plan | None, recovered: Plan) -> list[str]:
    """A short summary of what the recovered plan changes: keys, then partners by short name."""
    if saved is None:
        return [f"a new plan: {recovered.title}, {len(recovered.partners)} partner(s)"]
    out: list[str] = []
    before, after = saved.to_document(), recovered.to_document()
    for key in dict.fromkeys([*before, *after]):
        if key == "partners" or before.get(key) == after.get(key):
            continue
        out.append(f"{key} changed" if key in before and key in after else
                   f"{key} added" if key in after else f"{key} removed")
    old = {p.label: p for p in saved.partners}
    new = {p.label: p for p in recovered.partners}
    added = [k for k in new if k not in old]
    removed = [k for k in old if k not in new]
    changed = [k for k in new if k in old and new[k] != old[k]]
    for verb, labels in (("added", added), ("removed", removed), ("changed", changed)):
        if labels:
            shown = ", ".join(labels[:6]) + (f" and {len(labels) - 6} more" if len(labels) > 6 else "")
            out.append(f"partners {verb}: {shown}")
    if not out and [p.label for p in saved.partners] != [p.label for p in recovered.partners]:
        out.append("partners reordered")
    return out
