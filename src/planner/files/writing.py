"""Writing: atomic writes through symlinks keeping mode, owner and group (in place after a backup in a
folder that refuses new files), private writes (mode 600, O_EXCL|O_NOFOLLOW), never over a FIFO,
device or socket unless asked, and the stale temporary files of killed saves. Part of `planner.files`."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import socket
import stat
import tempfile
import time
from pathlib import Path

from planner.errors import PlanError
from planner.files.places import pid_alive, state_dir


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


# A file name may have up to 255 bytes (NAME_MAX on Linux, macOS and the BSDs). The planner's own
# files beside a plan add to its name (`.NAME.planner`, `.NAME.HOST-PID.XXXXXXXX.tmp`): for a long
# name, the part taken from it is cut and a digest of the whole name put in its place, so that the
# files of two long names that start alike stay apart.
NAME_MAX = 255


def short_stem(name: str, room: int) -> str:
    """`name`, or a shorter form of it (a prefix, "~" and a digest) so that `room` more bytes still fit."""
    encoded = os.fsencode(name)
    if len(encoded) + room <= NAME_MAX:
        return name
    digest = hashlib.sha256(encoded).hexdigest()[:16]
    keep = max(NAME_MAX - room - len(digest) - 1, 0)
    prefix = encoded[:keep].decode("utf-8", "ignore")  # whole characters only
    return os.fsdecode(os.fsencode(prefix)) + "~" + digest


_TEMP_ROOM = 2 + 41 + 8 + 9 + 4  # "." + "." + host and pid + random + ".tmp", with room to spare


def _temp_pattern(name: str) -> re.Pattern[str]:
    stem = re.escape(short_stem(name, _TEMP_ROOM))
    return re.compile(rf"^\.{stem}\.(?:(?P<host>[A-Za-z0-9_-]+)-(?P<pid>\d+)\.)?[a-z0-9_]{{8}}\.tmp$")


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
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            continue  # someone else's file is not ours to remove
        dead_here = (found["host"] == _HOST and found["pid"] is not None and int(found["pid"]) != os.getpid()
                     and not pid_alive(int(found["pid"])))
        if dead_here or now - info.st_mtime > STALE_TEMP:
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


def _special(mode: int) -> str | None:
    """What kind of special file this is ("a pipe (FIFO)", "a device", "a socket"), or None for a regular file."""
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return "a special file"
    return None


def write_protection(path: str | Path) -> str | None:
    """Why saving over `path` would go against what its owner said (vim's [RO]), or None.

    The file's mode has no write bit (0444: even root, who may write anyway, is asked), this user
    may not write it, or its folder refuses new files (saving then writes over it in place)."""
    path = Path(path)
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o222 == 0 or not os.access(path, os.W_OK):
        return f"the file is read-only (mode {mode:04o})"
    if not os.access(path.parent, os.W_OK):
        return f"its folder {path.parent} is read-only"
    return None


def special_kind(path: str | Path) -> str | None:
    """What kind of special file stands at `path` (through symlinks): "a pipe (FIFO)", "a device",
    "a socket", or None (a regular file, a folder, nothing)."""
    try:
        return _special(os.stat(path).st_mode)
    except (OSError, ValueError):
        return None


def write_bytes_atomically(path: Path, data: bytes, into_special: bool = False) -> os.stat_result | None:
    """Replace the file at `path` with `data` as described above; PlanError says why not. Returns the
    written file's own stat (taken before the rename: its time and size, not those of a file another
    process put there a moment later), or None where the file was written in place.

    A FIFO, device or socket standing at `path` is never replaced by a regular file (as root, a
    rename over /dev/null would make it one). With `into_special` (an export, as a shell's `>`
    would), a FIFO or character device is written into, opened without blocking; otherwise, and
    for sockets and block devices always, the write is refused with the reason."""
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
    if old is not None and (kind := _special(old.st_mode)):
        if into_special and (stat.S_ISFIFO(old.st_mode) or stat.S_ISCHR(old.st_mode)):
            _write_into_special(path, target, data, kind)
            return None
        raise PlanError(str(path), f"cannot save: it is {kind}, not a regular file; the planner never "
                                   "replaces one (nothing was written)")
    remove_stale_temp_files(target)
    try:
        prefix = f".{short_stem(target.name, _TEMP_ROOM)}.{_HOST}-{os.getpid()}."
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
    except FileNotFoundError:
        raise PlanError(str(path), f"cannot save: folder {folder} does not exist") from None
    except PermissionError:
        if old is None:
            raise PlanError(str(path), f"cannot save: no permission to write in folder {folder}") from None
        _write_in_place(path, target, data)
        return None
    except OSError as exc:
        raise PlanError(str(path), f"cannot save: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _keep_owner_and_mode(tmp_name, old)
        written = os.stat(tmp_name)  # ours: the rename keeps its inode and time
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
    return written


def _write_into_special(path: Path, target: Path, data: bytes, kind: str) -> None:
    """Write into a FIFO or character device (as `> /dev/null` would), never replacing it."""
    flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise PlanError(str(path), f"cannot write: it is {kind} that no program is reading; "
                                       "nothing was written") from None
        raise PlanError(str(path), f"cannot write: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not (stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode)):  # swapped since the stat
            raise PlanError(str(path), "cannot write: the file changed while it was opened; nothing was written")
        os.set_blocking(fd, True)  # a reader is there: it reads at its own pace
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise PlanError(str(path), f"cannot write: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def write_private_file(path: Path, data: bytes, durable: bool = True) -> None:
    """The planner's own file (a recovery file): mode 600, owned by this user, never through a symlink.

    A temporary file is created beside it with O_CREAT|O_EXCL|O_NOFOLLOW, then renamed over `path`:
    a symlink standing at `path` is replaced itself (never its target), and nobody else's file is
    written into. `durable`: on the disk (fsync) before the rename, so that a crash of the machine
    leaves the old file or the new one; a file that holds nothing worth a wait (who has a plan open)
    is written without. Raises PlanError."""
    folder = path.parent
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
             | getattr(os, "O_NOCTTY", 0))
    stem = short_stem(path.name, _TEMP_ROOM)
    for _attempt in range(20):
        tmp = folder / f".{stem}.{_HOST}-{os.getpid()}.{os.urandom(4).hex()}.tmp"
        try:
            fd = os.open(tmp, flags, 0o600)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise PlanError(str(path), f"cannot write: {exc.strerror or exc}") from None
    else:
        raise PlanError(str(path), "cannot write: no temporary name is free")
    try:
        try:
            os.fchmod(fd, 0o600)  # whatever the umask or the folder's default ACL said
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise PlanError(str(path), f"cannot write: {exc.strerror or exc}") from None


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
