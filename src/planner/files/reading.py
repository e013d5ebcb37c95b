"""Reading a user's file safely (no FIFO, device or folder; a size limit checked before reading),
decoding it, parsing TOML with its guards, and a file's fingerprint. Part of `planner.files`."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
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
    def of_bytes(cls, path: Path, data: bytes, written: os.stat_result | None = None) -> "Fingerprint":
        """`data` as the file at `path` holds it; `written`: the stat of the file the planner itself wrote
        (write_bytes_atomically), not one taken afterwards: another process's save landing in between
        gave our digest beside their time and size, and the check at intervals never saw their change."""
        stat = written or path.stat()
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


def size_words(size: int) -> str:
    """A size as it is, to the byte: '10,485,761 bytes'; a limit of whole mebibytes says them too, '10 MiB
    (10,485,760 bytes)'. Rounded to '10.0 MB' both, a file one byte too large was said to be 10.0 MB where
    the planner reads up to 10.0 MB."""
    mib = 1024 * 1024
    if size >= mib and size % mib == 0:
        return f"{size // mib:,} MiB ({size:,} bytes)"
    return f"{size:,} byte{'s' if size != 1 else ''}"


def read_user_file(path: str | Path, what: str = "plan file", limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a file a user named, or a PlanError that says plainly why not.

    Every plan, CSV, rules, config or theme file goes through here. What is not a regular file
    (folder, FIFO, device, socket) or is larger than `limit` is refused *before* reading: the
    file is opened non-blocking (so that opening a FIFO never waits for a writer), checked with
    fstat on the opened descriptor (no race with a rename), and read for at most limit + 1 bytes
    (so that a file growing while it is read, or a device that lied about its size, still stops).
    """
    return read_file_and_stat(path, what, limit)[0]


def read_file_and_stat(path: str | Path, what: str = "plan file", limit: int = MAX_FILE_BYTES,
                       follow_symlinks: bool = True) -> tuple[bytes, os.stat_result]:
    """read_user_file, with the fstat of the opened file (its owner, mode and mtime).

    `follow_symlinks=False` (the planner's own recovery files) opens with O_NOFOLLOW: a symlink
    standing at `path` is refused, never read through."""
    path = Path(path)
    origin = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise PlanError(origin, "file not found") from None
    except IsADirectoryError:
        raise PlanError(origin, f"is a folder, not a {what}") from None
    except PermissionError:
        try:
            folder = path.is_dir()
        except OSError:  # a folder on the way that we may not enter
            folder = False
        if folder:
            raise PlanError(origin, f"is a folder, not a {what}") from None
        raise PlanError(origin, "cannot read the file: permission denied") from None
    except ValueError:  # a NUL in the path
        raise PlanError(origin, "cannot read it: the path holds a NUL character") from None
    except OSError as exc:
        if not follow_symlinks and exc.errno == errno.ELOOP:
            raise PlanError(origin, f"is a symbolic link, not a {what}; the planner does not follow it") from None
        raise PlanError(origin, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        problem = not_regular(info.st_mode, what)
        if problem:
            raise PlanError(origin, problem)
        if info.st_size > limit:
            raise PlanError(origin, f"is {info.st_size:,} bytes; the planner reads {what}s of up to "
                            f"{size_words(limit)} (is this the right file?)")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise PlanError(origin, f"holds more than the {size_words(limit)} the planner reads in a {what} "
                            "(is this the right file?)")
        return b"".join(chunks), info
    except BlockingIOError:
        raise PlanError(origin, f"cannot read the file now (it would block); not a {what}?") from None
    except IsADirectoryError:
        raise PlanError(origin, f"is a folder, not a {what}") from None
    except MemoryError:
        raise PlanError(origin, f"cannot read the file: not enough memory; not a {what}?") from None
    except OSError as exc:
        raise PlanError(origin, f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_toml_file(path: str | Path, what: str, limit: int = MAX_FILE_BYTES) -> dict[str, object]:
    """A TOML file of the planner's own (config, theme): read, decoded and parsed with the plans' limits.
    Raises PlanError naming the file and the line."""
    data = read_user_file(path, what, limit)
    return parse_toml(decode_plan_bytes(path, data, what), str(path), what)


def decode_plan_bytes(path: str | Path, data: bytes, what: str = "plan") -> str:
    """A plan file's text: UTF-8 (a leading BOM is accepted), or a PlanError naming the line."""
    what = what.removesuffix(" file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanError(str(path), f"is UTF-16 text; save the {what} as UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise PlanError(str(path), f"line {line}: holds NUL bytes: a binary file, not a {what} (TOML text)")
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


def parse_toml(text: str, origin: str, what: str = "plan") -> dict[str, object]:
    """tomllib.loads with every failure as a PlanError naming the line: syntax, nesting, huge integers."""
    what = what.removesuffix(" file")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(origin, _toml_error(exc)) from None
    except RecursionError:
        line = _too_deep(text)
        where = f"line {line}: " if line else ""
        raise PlanError(origin, f"{where}arrays or tables nested hundreds deep; a {what} needs at most 3 levels") \
            from None
    except ValueError:
        # Python refuses to convert integers of more than 4,300 digits (sys.int_max_str_digits)
        found = _DIGITS.search(text)
        where = f"line {text.count(chr(10), 0, found.start()) + 1}: " if found else ""
        raise PlanError(origin, f"{where}an integer of more than 4,300 digits; "
                        f"no number in a {what} is anywhere near that large") from None


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
