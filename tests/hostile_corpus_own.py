"""A second corpus of hostile files: the planner's own files, special targets and names.

The first corpus (`hostile_corpus.py`) is what a partner could mail. This one is what a shared server
holds: whoever may write in a plan's folder plants its recovery file; a user's config or theme is a
FIFO, a link to /dev/zero, nested thousands deep; an export or save names a device or a FIFO; a file
name holds a newline, bytes that are not UTF-8, or a bidi control. Each case is data, made by
`make(case, folder)`; the tests (`tests/test_hostile_own.py`, `tests/tui/test_hostile_own_tui.py`)
run every case through the CLI in a subprocess and through the TUI.

Kinds:
- `recovery`: `.plan.toml.planner` beside a valid plan (`plan.toml`), as someone else could leave it;
- `config` / `theme`: $XDG_CONFIG_HOME/planner/config.toml, or a theme file in themes/;
- `target`: what stands at the path an export (`-o`) or a save-as writes to;
- `name`: a plan file whose *name* is hostile; `plan`: a plan whose names or PICs are;
- `duplicate`: a plan that repeats what must be unique (refused with the key path, `says`), or marks
  several coordinators (`accepted`: it loads, and `coordinator` fails saying `says`).

Keep the interface stable (add cases, never rename one).
"""

from __future__ import annotations

import os
import re
import socket
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "lot1-example.toml"  # eligible: check exits 0 on it

DEEP = "x = " + "[" * 5000 + "]" * 5000 + "\n"
HUGE_INT = "x = " + "9" * 5000 + "\n"
ELEVEN_MB = 11 * 1024 * 1024
# what a victim's planner must never write to, nor send its unsaved plan to
VICTIM = "victim.txt"
VICTIM_TEXT = "the attacker wants this file overwritten\n"


@dataclass(frozen=True)
class Case:
    name: str
    kind: Literal["recovery", "config", "theme", "target", "name", "plan", "duplicate"]
    make: Callable[[Path], Path]  # writes the case under the folder; returns the path it concerns
    what: str  # what the case is, for a reader
    # what the user must be told (a word of the one message), or "" where the app simply goes on
    says: str = ""
    # for `target`: is the export written into it (exit 0) or refused (exit 2)? for `name`/`plan`: valid?
    accepted: bool = False
    needs: tuple[str, ...] = field(default=())  # "fifo", "root", "dev-zero", "socket"


def _plan(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    plan = folder / "plan.toml"
    if not plan.exists():
        plan.write_bytes(SAMPLE.read_bytes())
    (folder / VICTIM).write_text(VICTIM_TEXT, encoding="utf-8")
    return plan


def recovery_path(folder: Path) -> Path:
    return folder / ".plan.toml.planner"


def _recovery(body: str | bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        _plan(folder)
        path = recovery_path(folder)
        path.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
        return path
    return make


def _recovery_fields(**fields: str) -> str:
    values = {"format": "1", "file": '""', "user": '"mallory"', "host": '"elsewhere"', "pid": "12",
              "since": "2026-11-27T14:02:00Z", "updated": "2026-11-27T14:02:00Z", **fields}
    return "".join(f"{key} = {value}\n" for key, value in values.items())


def _recovery_fifo(folder: Path) -> Path:
    _plan(folder)
    os.mkfifo(recovery_path(folder))
    return recovery_path(folder)


def _recovery_link(target: str | None) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        _plan(folder)
        recovery_path(folder).symlink_to(target or (folder / VICTIM))
        return recovery_path(folder)
    return make


def _recovery_foreign(folder: Path) -> Path:
    """Another user's recovery file, with an unsaved plan that claims to be this user's (root only: chown)."""
    plan = _plan(folder)
    unsaved = plan.read_text(encoding="utf-8").replace("CIRCLE-SME", "PLANTED")
    path = recovery_path(folder)
    path.write_text(_recovery_fields(user=f'"{_me()}"', host='"elsewhere"', updated="2000-01-01T00:00:00Z")
                    + "unsaved = '''\n" + unsaved + "'''\n", encoding="utf-8")
    os.chown(path, 4242, 4242)
    return path


def _me() -> str:
    import getpass
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no name for this uid
        return str(os.getuid())


def _settings(where: Literal["config", "theme"], body: str | bytes | None = None,
              special: str | None = None) -> Callable[[Path], Path]:
    def make(config_home: Path) -> Path:
        folder = config_home / "planner" / ("themes" if where == "theme" else "")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / ("hostile.toml" if where == "theme" else "config.toml")
        if special == "fifo":
            os.mkfifo(path)
        elif special == "folder":
            path.mkdir()
        elif special is not None:
            path.symlink_to(special)
        else:
            assert body is not None
            path.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
        return path
    return make


def _target(special: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "out.md"
        if special == "fifo":
            os.mkfifo(path)
        elif special == "socket":
            server = socket.socket(socket.AF_UNIX)
            here = os.getcwd()
            os.chdir(folder)  # a relative name: a socket's path may have at most about 100 bytes
            try:
                server.bind(path.name)
            finally:
                os.chdir(here)
                server.close()  # the socket file stays
        elif special == "dev-null-link":
            path.symlink_to(os.devnull)
        return path
    return make


def _named(name: bytes, body: bytes | None = None) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))
        path.write_bytes(body if body is not None else SAMPLE.read_bytes())
        return path
    return make


def _partner_plan(**partner: str) -> bytes:
    """The sample with the first partner's keys replaced (a TOML basic string with \\u escapes)."""
    text = SAMPLE.read_text(encoding="utf-8")
    head, first, rest = text.partition("[[partners]]\n")
    lines = rest.split("\n")
    end = next(i for i, line in enumerate(lines) if line.startswith("["))  # the first partner's block only
    for key, value in partner.items():
        for i, line in enumerate(lines[:end]):
            if line.startswith(f"{key} = "):
                lines[i] = f"{key} = {value}"
                break
        else:
            lines.insert(0, f"{key} = {value}")
    return (head + first + "\n".join(lines)).encode("utf-8")


def _plan_with(**keys: str) -> bytes:
    text = SAMPLE.read_text(encoding="utf-8")
    lines = text.split("\n")
    for key, value in keys.items():
        for i, line in enumerate(lines):
            if line.startswith(f"{key} = "):
                lines[i] = f"{key} = {value}"
                break
        else:
            lines.insert(1, f"{key} = {value}")
    return "\n".join(lines).encode("utf-8")


FAKE_VERDICT = b"fake\nVerdict: ELIGIBLE: Lot 9, forever\n.toml"


def _sample_values(key: str) -> list[str]:
    """The sample's values of a key, in order (its partners' short names, its ecosystems)."""
    text = SAMPLE.read_text(encoding="utf-8")
    if key == "ecosystems":
        return re.findall(r'"([^"]+)"', re.search(r"^ecosystems = \[(.*)\]$", text, re.M)[1])
    return re.findall(rf'^{key} = "([^"]*)"$', text, re.M)


def _excluded_coordinators(count: int) -> bytes:
    """The sample with `count` more participants marked coordinator, from the countries the call excludes."""
    from planner.rules import load_call

    excluded = sorted(load_call("2024").countries.excluded)
    blocks = "".join(f'\n[[partners]]\nname = "Excluded Coordinator {i}"\nshort_name = "EXC{i}"\n'
                     f'country = "{excluded[i % len(excluded)]}"\nkind = "enterprise"\nrole = "coordinator"\n'
                     for i in range(count))
    text = SAMPLE.read_text(encoding="utf-8")
    head, first, rest = text.partition("[[partners]]\n")
    return (head + blocks.lstrip("\n") + "\n" + first + rest).encode("utf-8")

CASES = [
    # --- recovery files beside the plan ---------------------------------------------------------
    Case("recovery-fifo", "recovery", _recovery_fifo, "a FIFO: read without blocking", "pipe",
         needs=("fifo",)),
    Case("recovery-dev-zero", "recovery", _recovery_link("/dev/zero"), "a link to /dev/zero: no MemoryError",
         "symbolic link", needs=("dev-zero",)),
    Case("recovery-link-to-victim", "recovery", _recovery_link(None),
         "a link to a file of the attacker's choosing: never followed, never written through", "symbolic link"),
    Case("recovery-pid-2-32", "recovery", _recovery(_recovery_fields(pid="4294967296")),
         "pid = 4294967296: os.kill would raise OverflowError", "pid"),
    Case("recovery-since-year-1", "recovery",
         _recovery(_recovery_fields(since="0001-01-01T00:00:00Z", updated="0001-01-01T00:00:00+23:59")),
         "a since in year 1 (astimezone overflows)"),
    Case("recovery-since-year-9999", "recovery",
         _recovery(_recovery_fields(since="9999-12-31T23:59:59Z", updated="9999-12-31T23:59:59-23:59")),
         "a since in year 9999"),
    Case("recovery-deep", "recovery", _recovery(DEEP), "nested 5,000 deep", "nested"),
    Case("recovery-huge-int", "recovery", _recovery(_recovery_fields(pid="9" * 5000)),
         "a 5,000-digit pid", "4,300 digits"),
    Case("recovery-binary", "recovery", _recovery(b"\x00\xff\xfe garbage"), "not text", "NUL"),
    Case("recovery-12mb", "recovery", _recovery(b"#" * (ELEVEN_MB + 1024 * 1024)), "larger than any plan", "MiB"),
    Case("recovery-markup-user", "recovery",
         _recovery(_recovery_fields(user='"[b]x[/b] \\u001b]0;pwned\\u0007 \\u202eevil"', host='"h"',
                                    updated="2999-01-01T00:00:00Z")),
         "a user name with markup, an OSC and a bidi control: shown literally, made visible", "open"),
    Case("recovery-foreign", "recovery", _recovery_foreign,
         "another user's file whose unsaved plan claims to be yours: shown as theirs", "belongs to",
         needs=("root",)),
    # --- config.toml and themes ---------------------------------------------------------------------
    *(Case(f"{where}-{label}", where, _settings(where, body, special), f"{where} file: {label}", says)
      for where in ("config", "theme")
      for label, body, special, says in (
          ("fifo", None, "fifo", "pipe"),
          ("dev-zero", None, "/dev/zero", "device"),
          ("folder", None, "folder", "folder"),
          ("deep", DEEP, None, "nested"),
          ("huge-int", HUGE_INT, None, "4,300 digits"),
          ("binary", b"\x00\xff garbage", None, "NUL"),
          ("utf16", "theme = 'x'\n".encode("utf-16"), None, "UTF-16"),
          ("11mb", b"#" * ELEVEN_MB, None, "1 MiB (1,048,576 bytes)"),
      )),
    # --- what an export or a save-as writes to --------------------------------------------------------
    Case("target-fifo-no-reader", "target", _target("fifo"), "a FIFO nobody reads: refused, stays a FIFO",
         "no program is reading", needs=("fifo",)),
    Case("target-socket", "target", _target("socket"), "a socket: refused, stays a socket", "socket",
         needs=("socket",)),
    Case("target-dev-null-link", "target", _target("dev-null-link"),
         "a link to /dev/null: written into (as > would), /dev/null stays a device", accepted=True),
    # --- hostile file names -----------------------------------------------------------------------------
    Case("name-newline-fake-verdict", "name", _named(FAKE_VERDICT),
         "a newline in the name prints a fake 'Verdict: ELIGIBLE' line unless escaped", accepted=True),
    Case("name-not-utf8", "name", _named(b"plan-\xff\xfe.toml"), "bytes that are not UTF-8", accepted=True),
    Case("name-bidi", "name", _named("plan-\u202eLMTH.toml".encode()), "a bidi override in the name",
         accepted=True),
    Case("name-invisible", "name", _named("pl\u200ban\ufeff.toml".encode()), "invisible characters in the name",
         accepted=True),
    Case("name-long", "name", _named(b"L" * 245 + b".toml"), "a 250-byte name: recovery file and save still work",
         accepted=True),
    # --- names and PICs inside a plan ---------------------------------------------------------------------
    Case("plan-bidi-name", "plan", _named(b"bidi-name.toml", _partner_plan(name='"BB\\u202eZW Berufsschule"')),
         "U+202E in a partner name", "partners[0].name"),
    Case("plan-zwsp-short-name", "plan", _named(b"zwsp-short.toml", _partner_plan(short_name='"HS\\u200bNH"')),
         "U+200B in a short name (looks like HSNH)", "partners[0].short_name"),
    Case("plan-isolate-pic", "plan", _named(b"isolate-pic.toml", _partner_plan(pic='"\\u2066999300101\\u2069"')),
         "bidi isolates around a PIC", "partners[0].pic"),
    Case("plan-bom-affiliation", "plan",
         _named(b"bom-affiliation.toml", _partner_plan(affiliated_to='"HSNH\\ufeff"', role='"affiliated-entity"')),
         "a BOM inside an affiliation's short name", "partners[0].affiliated_to"),
    Case("plan-line-separator-name", "plan",
         _named(b"line-separator.toml", _partner_plan(name='"Hochschule\\u2028Verdict: ELIGIBLE"')),
         "U+2028 (a line separator) in a name", "partners[0].name"),
    Case("plan-bidi-title-and-notes", "plan",
         _named(b"bidi-title.toml", _plan_with(title='"Title \\u202eevil\\u202c end"', acronym='"CIRCLE\\u2067SME"',
                                               notes='"Notes with \\u200b and \\u2067isolate\\u2069"')),
         "bidi and invisible characters in the title and notes: allowed, shown as <U+202E>", accepted=True),
    # --- what must be unique, and the one coordinator -------------------------------------------------------
    Case("duplicate-ecosystem", "duplicate",
         _named(b"dup-ecosystem.toml", _plan_with(ecosystems=f'["{_sample_values("ecosystems")[0]}", '
                                                             f'"{_sample_values("ecosystems")[0]}"]')),
         "the same ecosystem twice (it read as '2 chosen')", "ecosystems[1]"),
    Case("duplicate-short-name", "duplicate",
         _named(b"dup-short.toml", _partner_plan(short_name=f'"{_sample_values("short_name")[1]}"')),
         "two partners with one short name", "partners[1].short_name"),
    Case("duplicate-short-name-case", "duplicate",
         _named(b"dup-short-case.toml", _partner_plan(short_name=f'"{_sample_values("short_name")[1].lower()}"')),
         "two short names that differ only in case (an affiliation names either)", "partners[1].short_name"),
    Case("duplicate-coordinators-excluded", "duplicate", _named(b"four-coordinators.toml", _excluded_coordinators(3)),
         "four participants marked coordinator, three from excluded countries (it passed as 1/1)",
         "4 coordinators", accepted=True),
]
BY_NAME = {case.name: case for case in CASES}
assert len(BY_NAME) == len(CASES), "case names are unique"


def available(case: Case) -> bool:
    """Can this machine make the case? (FIFOs, /dev/zero, sockets, root for chown.)"""
    checks = {"fifo": hasattr(os, "mkfifo"), "dev-zero": Path("/dev/zero").exists(),
              "socket": hasattr(socket, "AF_UNIX"), "root": hasattr(os, "geteuid") and os.geteuid() == 0}
    return all(checks[need] for need in case.needs)


def make(case: Case, folder: Path) -> Path:
    """Write the case under `folder` (for config and theme cases: the $XDG_CONFIG_HOME to use)."""
    return case.make(folder)


def kind_of(path: Path) -> str:
    """'regular', 'fifo', 'socket', 'char device', 'link', ...: to check that nothing special was replaced."""
    mode = os.lstat(path).st_mode
    for test, word in ((stat.S_ISLNK, "link"), (stat.S_ISREG, "regular"), (stat.S_ISFIFO, "fifo"),
                       (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "char device"), (stat.S_ISDIR, "folder")):
        if test(mode):
            return word
    return "other"


def cases(kind: str) -> list[Case]:
    return [case for case in CASES if case.kind == kind]
