"""Recovery files, like vim's swap files: who has a plan open, and the edits not saved yet.

While the planner has `plan.toml` open it keeps `.plan.toml.planner` beside it (same folder, the
plan's mode and group). The file says who holds the plan (user, host, process id, since when) from
the moment it is opened, and, from the first unsaved edit, holds the unsaved plan too. Saving drops
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

No Textual here: the TUI (tui/recovering.py) asks the questions.
"""

from __future__ import annotations

import getpass
import os
import re
import stat
import tomllib
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import tomli_w

from planner.errors import PlanError
from planner.files import pid_alive, state_dir, this_host, write_bytes_atomically
from planner.model import Plan
from planner.rules import CallRules
from planner.storage import dump_plan, parse_plan

FORMAT = 1
SUFFIX = ".planner"
STALE_ELSEWHERE = timedelta(days=1)  # a holder on another host is taken as gone after a day without a sign
REFRESH_SECONDS = 3600  # a holder rewrites its file this often, so that other hosts see it is alive


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

    @property
    def mine(self) -> bool:
        return self.host == this_host() and self.pid == os.getpid()

    def alive(self, now: datetime | None = None) -> bool:
        """Is its planner still running? On this host: its process exists. Elsewhere: a sign within a day."""
        if self.problem is not None:
            return False
        if self.host == this_host():
            return pid_alive(self.pid)
        now = now or datetime.now(timezone.utc)
        last = self.updated or self.since
        return last is not None and now - last < STALE_ELSEWHERE

    def who(self) -> str:
        """'alice on server, process 1234, since 14:02' (local time; the date too when not today)."""
        since = ""
        if self.since is not None:
            local = self.since.astimezone()
            today = datetime.now(local.tzinfo).date()
            since = f", since {local:%H:%M}" if local.date() == today else f", since {local:%Y-%m-%d %H:%M}"
        return f"{self.user} on {self.host}, process {self.pid}{since}"


def me(plan_path: Path | None, since: datetime) -> dict[str, object]:
    """This process as a holder of the plan."""
    return {"file": str(Path(os.path.realpath(plan_path))) if plan_path else "", "user": _user(),
            "host": this_host(), "pid": os.getpid(), "since": since}


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (containers): the number says it
        return str(os.getuid())


# --- where -------------------------------------------------------------------------------------


def beside(plan_path: Path, slot: int = 0) -> Path:
    real = Path(os.path.realpath(plan_path))
    return real.parent / (f".{real.name}{SUFFIX}" if slot == 0 else f".{real.name}.{slot}{SUFFIX}")


def in_state_dir(plan_path: Path | None, slot: int = 0) -> Path:
    if plan_path is None:
        return state_dir() / f"new-{this_host()}-{os.getpid()}{SUFFIX}"
    real = os.path.realpath(plan_path)
    name = urllib.parse.quote(real, safe="")
    return state_dir() / (f"{name}{SUFFIX}" if slot == 0 else f"{name}.{slot}{SUFFIX}")


def holder_files(plan_path: Path | None) -> list[Path]:
    """Every recovery file for the plan (beside it, and in the state folder), in slot order."""
    if plan_path is None:
        folder, pattern = state_dir(), re.compile(rf"^new-.+{re.escape(SUFFIX)}$")
        places = [(folder, pattern)]
    else:
        real = Path(os.path.realpath(plan_path))
        quoted = urllib.parse.quote(str(real), safe="")
        places = [(real.parent, re.compile(rf"^\.{re.escape(real.name)}(\.\d+)?{re.escape(SUFFIX)}$")),
                  (state_dir(), re.compile(rf"^{re.escape(quoted)}(\.\d+)?{re.escape(SUFFIX)}$"))]
    found: list[Path] = []
    for folder, pattern in places:
        try:
            names = sorted(os.listdir(folder), key=lambda n: (len(n), n))
        except OSError:
            continue
        found.extend(folder / n for n in names if pattern.match(n))
    return found


# --- reading and writing ---------------------------------------------------------------------------


def read_holder(path: Path) -> Holder | None:
    """The recovery file at `path`; None when there is none; a Holder with `problem` when it is unreadable."""
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Holder(path, problem=f"cannot be read: {getattr(exc, 'strerror', None) or exc}")
    try:
        since, updated = data.get("since"), data.get("updated")
        holder = Holder(path, file=str(data.get("file", "")), user=str(data["user"]), host=str(data["host"]),
                        pid=int(data["pid"]), since=_aware(since), updated=_aware(updated),
                        unsaved=data.get("unsaved"))
    except (KeyError, TypeError, ValueError) as exc:
        return Holder(path, problem=f"not a planner recovery file ({exc})")
    if holder.unsaved is not None and not isinstance(holder.unsaved, str):
        return Holder(path, problem="not a planner recovery file (unsaved is not text)")
    return holder


def _aware(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def write_holder(path: Path, plan_path: Path | None, since: datetime, unsaved: Plan | None,
                 now: datetime | None = None) -> None:
    """Write (atomically) who holds the plan, and the unsaved plan if any. Raises PlanError."""
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    fields = me(plan_path, since.replace(microsecond=0))
    fields["updated"] = now
    name = Path(str(fields["file"])).name or "a new plan"
    header = (f"# planner recovery file for {name}: who has it open, and the changes not saved yet.\n"
              "# The planner offers to recover them when the plan is opened; delete it only when no planner\n"
              "# has the plan open. Format: see the planner README, \"Recovery\".\n")
    data = header + tomli_w.dumps({"format": FORMAT, **fields}, multiline_strings=True)
    if unsaved is not None:
        data += _unsaved_line(dump_plan(unsaved))
    if path.parent == state_dir():
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise PlanError(str(path.parent), f"cannot make the folder: {exc.strerror or exc}") from None
    if plan_path is not None and not path.exists():
        _create_like(path, Path(os.path.realpath(plan_path)))
    write_bytes_atomically(path, data.encode("utf-8"))


# what a TOML multi-line literal string may not hold: control characters but tab and newline, and '''
_NOT_LITERAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|'''")


def _unsaved_line(text: str) -> str:
    """The `unsaved` key: the plan's text as it is, in a multi-line literal string (three quotes).

    tomli_w escapes a string a character at a time: 0.2 s for 1,000 partners, 2 s for 10,000, after
    every edit, while the screen waits. The plan's own text (valid TOML, without control characters)
    fits a literal string as it is, and tomllib reads it back unchanged; a text that does not (three
    quotes in a name) goes through tomli_w."""
    if _NOT_LITERAL.search(text):
        return tomli_w.dumps({"unsaved": text}, multiline_strings=True)
    return "unsaved = '''\n" + text + "'''\n"


def _create_like(path: Path, plan: Path) -> None:
    """An empty file with the plan's mode (read and write bits) and group, for the atomic write to keep."""
    try:
        info = plan.stat()
    except OSError:
        return
    mode = stat.S_IMODE(info.st_mode) & 0o666 | 0o600
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except OSError:
        return
    os.close(fd)
    try:
        os.chown(path, -1, info.st_gid)
    except OSError:
        pass
    try:
        os.chmod(path, mode)  # not narrowed by the umask
    except OSError:
        pass


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
