"""Files below everything: reading a user's file safely, decoding it, parsing TOML, writing atomically.

Nothing here knows what a plan is; it imports nothing of the planner but its error type
(`errors.PlanError`, which itself imports nothing of the planner). `storage` builds the plan
format on top; rules, imports, the recovery files and the TUI's config use it directly.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import stat
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from planner.errors import PlanError


@dataclass(frozen=True)
class Fingerprint:
    """What a file looked like when it was read or written, to notice a change by someone else."""

    mtime_ns: int
    size: int
    digest: str

    @classmethod
    def of_bytes(cls, path: Path, data: bytes) -> "Fingerprint":
        stat = path.stat()
        return cls(stat.st_mtime_ns, stat.st_size, hashlib.sha256(data).hexdigest())


def file_fingerprint(path: str | Path) -> Fingerprint | None:
    path = Path(path)
    try:
        return Fingerprint.of_bytes(path, read_user_file(path))
    except (OSError, PlanError):
        return None


# A plan or CSV is refused above this size before a byte is read (spec, "Bad input"): the largest
# real plans (1,000 partners) are about 200 KB, so 10 MB leaves room and still bounds memory and time.
MAX_FILE_BYTES = 10 * 1024 * 1024

_NOT_REGULAR = (
    (stat.S_ISDIR, "is a folder, not a {what}"),
    (stat.S_ISFIFO, "is a pipe (FIFO), not a {what}; the planner reads only regular files"),
    (stat.S_ISCHR, "is a device, not a {what}; the planner reads only regular files"),
    (stat.S_ISBLK, "is a device, not a {what}; the planner reads only regular files"),
    (stat.S_ISSOCK, "is a socket, not a {what}; the planner reads only regular files"),
)


def not_regular(mode: int, what: str = "plan file") -> str | None:
    """Why a file of this `st_mode` is not read ("is a folder, not a plan file", ...), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, message in _NOT_REGULAR:
        if test(mode):
            return message.format(what=what)
    return f"is not a regular file, not a {what}"


def not_a_regular_file(path: Path, what: str = "plan file") -> str | None:
    """Why `path` cannot be read as a file without risk of blocking ("is a folder", ...), or None.

    For a question to be asked before anything opens the path (read_user_file checks again on
    the opened file). os.stat never blocks on a FIFO (open() does), and it follows symlinks such
    as /dev/stdin. A missing path gives None: the caller says "not found" in its own words.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    except ValueError:  # a NUL in the path
        return "cannot use it: the path holds a NUL character"
    return not_regular(mode, what)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def read_user_file(path: str | Path, what: str = "plan file", limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a file a user named, or a PlanError that says plainly why not.

    Every plan, CSV, rules, config or theme file goes through here. What is not a regular file
    (folder, FIFO, device, socket) or is larger than `limit` is refused *before* reading: the
    file is opened non-blocking (so that opening a FIFO never waits for a writer), checked with
    fstat on the opened descriptor (no race with a rename), and read for at most limit + 1 bytes
    (so that a file growing while it is read, or a device that lied about its size, still stops).
    """
    path = Path(path)
    origin = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise PlanError(origin, "file not found") from None
    except IsADirectoryError:
        raise PlanError(origin, f"is a folder, not a {what}") from None
    except PermissionError:
        if path.is_dir():
            raise PlanError(origin, f"is a folder, not a {what}") from None
        raise PlanError(origin, "cannot read the file: permission denied") from None
    except OSError as exc:
        raise PlanError(origin, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        problem = not_regular(info.st_mode, what)
        if problem:
            raise PlanError(origin, problem)
        if info.st_size > limit:
            raise PlanError(origin, f"is {_megabytes(info.st_size)}; the planner reads {what}s of up to "
                            f"{_megabytes(limit)} (is this the right file?)")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise PlanError(origin, f"is larger than {_megabytes(limit)}; the planner reads {what}s of up to "
                            f"{_megabytes(limit)} (is this the right file?)")
        return b"".join(chunks)
    except BlockingIOError:
        raise PlanError(origin, f"cannot read the file now (it would block); not a {what}?") from None
    except IsADirectoryError:
        raise PlanError(origin, f"is a folder, not a {what}") from None
    except OSError as exc:
        raise PlanError(origin, f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def decode_plan_bytes(path: str | Path, data: bytes) -> str:
    """A plan file's text: UTF-8 (a leading BOM is accepted), or a PlanError naming the line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanError(str(path), "is UTF-16 text; save the plan as UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise PlanError(str(path), f"line {line}: holds NUL bytes: a binary file, not a plan (TOML text)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PlanError(
            str(path), f"line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from None


# Plans are flat: tables hold scalars and arrays of strings. tomllib recurses once per level of
# nested arrays or inline tables, so an array nested 100,000 deep raises RecursionError (after a few
# hundred levels, fast). It is caught, and this scan finds the line for the message; it counts
# brackets inside strings too, which is harmless once the nesting is known to be absurd.
MAX_NESTING = 100
_DIGITS = re.compile(r"[0-9][0-9_]{4300,}")


def _too_deep(text: str) -> int | None:
    """The first line where brackets nest deeper than MAX_NESTING, or None."""
    depth = 0
    line = 1
    for char in text:
        if char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return line
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == "\n":
            line += 1
    return None


def parse_toml(text: str, origin: str) -> dict[str, object]:
    """tomllib.loads with every failure as a PlanError naming the line: syntax, nesting, huge integers."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(origin, _toml_error(exc)) from None
    except RecursionError:
        line = _too_deep(text)
        where = f"line {line}: " if line else ""
        raise PlanError(origin, f"{where}arrays or tables nested hundreds deep; a plan needs at most 3 levels") \
            from None
    except ValueError:
        # Python refuses to convert integers of more than 4,300 digits (sys.int_max_str_digits)
        found = _DIGITS.search(text)
        where = f"line {text.count(chr(10), 0, found.start()) + 1}: " if found else ""
        raise PlanError(origin, f"{where}an integer of more than 4,300 digits; "
                        "no number in a plan is anywhere near that large") from None


def _toml_error(exc: tomllib.TOMLDecodeError) -> str:
    """'line 3, column 5: not valid TOML: ...' (Python 3.11 keeps the position only in the text)."""
    text = str(exc)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", text)
    if found:
        return f"line {found[1]}, column {found[2]}: not valid TOML: {text[:found.start()]}"
    found = re.search(r"\s*\(at end of document\)$", text)
    if found:
        return f"at the end of the file: not valid TOML: {text[:found.start()]}"
    return f"not valid TOML: {text}"


def write_text_atomically(path: Path, text: str) -> None:
    write_bytes_atomically(path, text.encode("utf-8"))


# --- the write path -------------------------------------------------------------------------
#
# A save writes a temporary file `.NAME.HOST-PID.XXXXXXXX.tmp` in the target's folder, flushes and
# syncs it, gives it the old file's mode (and its owner and group where the OS lets us), then renames
# it over the target. So that shared folders keep working:
# - a symlink is written through: the file it points to is replaced, the link stays;
# - owner and group are kept with os.chown where permitted (root, or the group alone when the user
#   is in it); where not, the file simply becomes the saver's, as with any editor that renames;
# - a folder we may not write in, holding a file we may write: the old bytes are copied to
#   $XDG_STATE_HOME/planner/backups/ first, then the file is overwritten in place (not atomic, so the
#   copy stays if that fails, and the message names it); the copy is removed after success;
# - temporary files left by a killed save are removed by the next save of the same file: ours
#   (matching the pattern above) when their process is gone from this host, and any matching one,
#   older format included, once older than STALE_TEMP seconds (a save takes well under a second).

STALE_TEMP = 60.0
_HOST = re.sub(r"[^A-Za-z0-9_-]", "_", socket.gethostname())[:40] or "host"


def state_dir() -> Path:
    """$XDG_STATE_HOME/planner (default ~/.local/state/planner): recovery of new plans, backup copies."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "planner"


def this_host() -> str:
    return socket.gethostname()


def pid_alive(pid: int) -> bool:
    """Is process `pid` running on this host (whoever owns it)?"""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it is someone else's
    except OSError:
        return False
    return True


def _temp_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(name)}\.(?:(?P<host>[A-Za-z0-9_-]+)-(?P<pid>\d+)\.)?[a-z0-9_]{{8}}\.tmp$")


def remove_stale_temp_files(target: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files that killed saves of `target` left behind; returns what was removed."""
    folder, pattern = target.parent, _temp_pattern(target.name)
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = pattern.match(entry.name)
        if not found:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        dead_here = (found["host"] == _HOST and found["pid"] is not None and int(found["pid"]) != os.getpid()
                     and not pid_alive(int(found["pid"])))
        if dead_here or now - info.st_mtime > STALE_TEMP:
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Replace the file at `path` with `data` as described above; PlanError says why not."""
    target = Path(os.path.realpath(path))  # through symlinks (all of them) to the real file
    folder = target.parent
    try:
        old = target.stat()
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise PlanError(str(path), f"cannot save: {exc.strerror or exc}") from None
    if old is not None and stat.S_ISDIR(old.st_mode):
        raise PlanError(str(path), "cannot save: a folder has that name")
    remove_stale_temp_files(target)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.{_HOST}-{os.getpid()}.", suffix=".tmp")
    except FileNotFoundError:
        raise PlanError(str(path), f"cannot save: folder {folder} does not exist") from None
    except PermissionError:
        if old is None:
            raise PlanError(str(path), f"cannot save: no permission to write in folder {folder}") from None
        _write_in_place(path, target, data)
        return
    except OSError as exc:
        raise PlanError(str(path), f"cannot save: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _keep_owner_and_mode(tmp_name, old)
        os.replace(tmp_name, target)
    except OSError as exc:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        if isinstance(exc, IsADirectoryError):
            raise PlanError(str(path), "cannot save: a folder has that name") from None
        raise PlanError(str(path), f"cannot save: {exc.strerror or exc}") from None
    _sync_folder(folder)


def _keep_owner_and_mode(tmp_name: str, old: os.stat_result | None) -> None:
    if old is None:
        os.chmod(tmp_name, 0o666 & ~_umask())
        return
    # owner and group first: chown clears the set-id bits that chmod then puts back
    if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.chown(tmp_name, old.st_uid, old.st_gid)
        except OSError:
            try:
                os.chown(tmp_name, -1, old.st_gid)  # the group alone, when we are in it
            except OSError:
                pass  # the saver's own group; nothing to say
    os.chmod(tmp_name, stat.S_IMODE(old.st_mode))


def _write_in_place(path: Path, target: Path, data: bytes) -> None:
    """The folder refuses new files: copy the old bytes aside, then overwrite the file itself."""
    folder = target.parent
    try:
        fd = os.open(target, os.O_WRONLY)
    except PermissionError:
        raise PlanError(str(path), f"cannot save: no permission to write in folder {folder}, "
                                   "nor to the file itself") from None
    except OSError as exc:
        raise PlanError(str(path), f"cannot save: {exc.strerror or exc}") from None
    try:
        try:
            backup = _backup_copy(target)
        except (OSError, PlanError) as exc:
            reason = exc.message if isinstance(exc, PlanError) else (exc.strerror or str(exc))
            raise PlanError(str(path), f"cannot save: no permission to write in folder {folder}, and no backup "
                                       f"copy could be made in {state_dir() / 'backups'} ({reason}) before "
                                       "writing over the file itself; nothing was changed") from None
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.ftruncate(fd, len(data))
            os.fsync(fd)
        except OSError as exc:
            raise PlanError(str(path), f"cannot save: writing over the file failed ({exc.strerror or exc}); "
                                       f"its previous content is in {backup}") from None
    finally:
        os.close(fd)
    try:
        backup.unlink()
    except OSError:
        pass


def _backup_copy(target: Path) -> Path:
    folder = state_dir() / "backups"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    backup = folder / f"{target.name}.{stamp}.{os.getpid()}.bak"
    data = target.read_bytes()
    fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return backup


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _sync_folder(folder: Path) -> None:
    # the rename is durable only once the folder entry is; not every platform allows this
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
