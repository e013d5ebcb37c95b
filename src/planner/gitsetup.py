"""`planner git-setup [DIR]`: a git repository set up for plans. It shows, before writing anything, the
`.gitattributes` line that sends `*.toml` through the planner's diff and merge drivers, the `git config`
of those drivers (`planner diff --textconv`, `planner merge %O %A %B --path %P`) and the `.gitignore` line for the
planner's recovery files (`.PLAN.toml.planner`); it writes them with `--yes` or after the user says yes
at a prompt. What is there already is left alone: running it twice changes nothing."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from planner.errors import PlanError
from planner.files import write_bytes_atomically
from planner.safetext import shown_path

ATTRIBUTES_LINE = "*.toml diff=planner merge=planner"
IGNORE_LINE = ".*.planner"  # the recovery files: recovery.SUFFIX, beside the plan, named after it with a dot


def planner_command() -> str:
    """How git runs the planner: `planner` when that is the command running now (found on the PATH), else
    this interpreter with `-m planner` (`python -m planner git-setup`, or another planner first on the PATH)."""
    found = shutil.which("planner")
    if found and Path(found).resolve() == Path(sys.argv[0]).resolve():
        return "planner"
    return f"{shlex.quote(sys.executable)} -m planner"


def wanted_config(command: str) -> tuple[tuple[str, str], ...]:
    return (("diff.planner.textconv", f"{command} diff --textconv"),
            ("merge.planner.name", "planner: plans merged by meaning (partners by short name, PIC or name)"),
            # --path %P: the messages name the plan, not git's temporary copy of it (.merge_file_Uaa8tS)
            ("merge.planner.driver", f"{command} merge %O %A %B --path %P"))


@dataclass(frozen=True)
class Step:
    words: str  # what it writes, as shown
    done: bool  # there already
    write: Callable[[], None]


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=30)
    except FileNotFoundError:
        raise PlanError("git", "git is not installed (or not on the PATH); install it first") from None


def repository_root(folder: str | Path) -> Path:
    if not Path(folder).is_dir():
        raise PlanError(str(folder), "is not a folder; give a folder of the git repository")
    found = _git(Path(folder), "rev-parse", "--show-toplevel")
    if found.returncode != 0 or not found.stdout.strip():
        raise PlanError(str(folder), "is not in a git repository ('git init' makes one)")
    return Path(found.stdout.strip())


def _line_step(path: Path, line: str, why: str) -> Step:
    try:
        text = path.read_bytes().decode("utf-8", "replace") if path.exists() else ""
    except OSError as exc:
        raise PlanError(str(path), f"cannot be read: {exc.strerror or exc}") from None
    present = any(existing.strip() == line for existing in text.splitlines())

    def write() -> None:
        newline = "\r\n" if "\r\n" in text else "\n"
        head = text if not text or text.endswith("\n") else text + newline
        write_bytes_atomically(path, (head + line + newline).encode("utf-8"))

    return Step(f"{path.name}: {line}  ({why})", present, write)


def _config_step(root: Path, key: str, value: str) -> Step:
    current = _git(root, "config", "--local", "--get", key)
    now = current.stdout.rstrip("\n") if current.returncode == 0 else None

    def write() -> None:
        done = _git(root, "config", "--local", key, value)
        if done.returncode != 0:
            raise PlanError(str(root), f"git config {key} failed: {done.stderr.strip()[:200]}")

    was = f"  (now {now!r})" if now is not None and now != value else ""
    return Step(f"git config {key} {shlex.quote(value)}{was}", now == value, write)


def steps(root: Path, command: str | None = None) -> list[Step]:
    command = command or planner_command()
    return [
        _line_step(root / ".gitattributes", ATTRIBUTES_LINE, "plans diffed and merged by the planner"),
        *(_config_step(root, key, value) for key, value in wanted_config(command)),
        _line_step(root / ".gitignore", IGNORE_LINE, "the planner's recovery files, .PLAN.toml.planner"),
    ]


def _confirmed(ask: Callable[[str], str] | None) -> bool:
    if ask is None:
        return False
    try:
        return ask("Write these? [y/N] ").strip().casefold() in ("y", "yes")
    except EOFError:
        return False


def _terminal() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def command(folder: str, yes: bool, out: Callable[[str], None], err: Callable[[str], None]) -> int:
    root = repository_root(folder)
    planned = steps(root)
    todo = [s for s in planned if not s.done]
    out(f"git set-up for plans in {shown_path(str(root))}:\n")
    for step in planned:
        out(f"  {'already there' if step.done else 'to write     '}  {step.words}\n")
    if not todo:
        out("already set up; nothing to change\n")
        return 0
    if not yes:
        if not _terminal():
            out("nothing written: run 'planner git-setup --yes' to write these\n")
            return 0
        sys.stdout.flush()
        if not _confirmed(input):
            out("nothing written\n")
            return 0
    for step in todo:
        step.write()
    out(f"done: {len(todo)} change(s); commit .gitattributes and .gitignore so that your colleagues get them "
        "(each clone runs 'planner git-setup' once for the git config)\n")
    return 0
