"""The `planner` command, the process: the arguments read, a command's handler (the table in
`cli/commands.py`) or the TUI started, the exit codes, one line on standard error for any failure, and
the streams. The handlers live by job in `judging`, `plans` and `exchange`, each imported only when its
command runs; what they write goes through `output`. Textual is imported only for the TUI."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from planner import __version__
from planner.bundled import sample_names, sample_path
from planner.cli.commands import COMMANDS, Command, Parser, parser_for
from planner.cli.output import BOM, EXIT_ELIGIBLE, EXIT_NOT_ELIGIBLE, EXIT_UNREADABLE, emit, err, out
from planner.errors import PlanError
from planner.heap import resume_collector
from planner.rules.cli import add_rules_options, explicit_rules
from planner.safetext import shown_path, visible
from planner.storage import load_plan

__all__ = ["BOM", "COMMANDS", "EXIT_ELIGIBLE", "EXIT_NOT_ELIGIBLE", "EXIT_UNREADABLE", "Command", "NoTerminal",
           "OutputClosed", "emit", "err", "error_text", "main", "out"]


def _top_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<16} {text}" for name, text in ((c.name, c.about) for c in COMMANDS.values()))
    p = Parser(
        prog="planner",
        usage="planner [PLAN] [options]\n       planner COMMAND ...",
        description="Plan an Erasmus+ Alliances for Innovation consortium and check it against the call's rules.",
        epilog=f"commands:\n{commands}\n\n'planner COMMAND --help' tells more. Without a command, "
        "the planner opens PLAN (created on first save if it does not exist), the plans of a folder "
        "(planner DIR), or a new plan.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("plan", metavar="PLAN", nargs="?", help="the plan file to open in the planner")
    p.add_argument("--sample", metavar="NAME", help=f"open a bundled sample read-only ({', '.join(sample_names())})")
    add_rules_options(p)
    p.add_argument("--version", action="version", version=f"planner {__version__}")
    return p


def _tui(args: argparse.Namespace) -> int:
    path = args.plan
    read_only = False
    if args.sample:
        found = sample_path(args.sample)
        if found is None:
            raise PlanError(args.sample, f"no such sample; samples: {', '.join(sample_names())}")
        path, read_only = str(found), True
    rules = explicit_rules(args)
    folder = None
    if path is not None and not read_only and Path(path).is_dir():
        folder, path = path, None  # planner DIR: the folder view
    if not _has_terminal():
        if folder is not None:
            raise NoTerminal(folder, folder=True)
        if path is not None and (Path(path).exists() or Path(path).is_symlink()):
            load_plan(path, rules)  # a file the TUI could not open says why first, as it would with a terminal
        raise NoTerminal(args.plan)
    from planner.tui.app import run  # Textual is loaded only here

    return run(path, rules=rules, read_only=read_only, folder=folder)


def _has_terminal() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


class NoTerminal(Exception):
    """The TUI was asked for where there is no terminal (a script, cron, a pipe)."""

    def __init__(self, plan: str | None, folder: bool = False) -> None:
        self.plan = plan
        self.folder = folder
        super().__init__(plan)

    def message(self) -> str:
        if self.folder:
            return ("planner: the planner's screen needs a terminal, and standard input or output is not one; "
                    f"from a script, 'planner ls {self.plan}' lists the plans of a folder")
        text = ("planner: the planner's screen needs a terminal, and standard input or output is not one; "
                "from a script, use 'planner check PLAN' (or 'planner --help' for every command)")
        name = self.plan or ""
        if name and not Path(name).exists() and "." not in Path(name).name and "/" not in name:
            commands = ", ".join(COMMANDS)
            text += f"; {name!r} is not a command (commands: {commands})"
        return text


def _mistyped_command(word: str) -> str | None:
    """The command `word` was probably meant to be ('chek': 'check'), or None: a word that could be a plan
    (an existing file, a name with a dot or a slash) or that is near no command is not one."""
    if not word or word.startswith("-") or "." in word or "/" in word or Path(word).exists():
        return None
    import difflib  # only for a word that is no command and no file

    close = difflib.get_close_matches(word.lower(), list(COMMANDS), n=1, cutoff=0.75)
    return close[0] if close else None


def _safe_streams() -> None:
    """Print whatever the locale: a stream that cannot encode a character shows it as an escape
    (the glyphs and accents of a plan under LANG=C on an old Python, or a Latin-1 terminal)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def error_text(exc: PlanError) -> str:
    """'planner: FILE: message' (and its problems), the file name on one line like every shown path."""
    head = f"planner: {shown_path(exc.origin)}: {visible(exc.message, keep_newlines=True)}"
    return "\n".join([head, *(f"  - {visible(p)}" for p in exc.problems)])


def main(argv: Sequence[str] | None = None) -> int:
    """The command line. Exit 0 eligible (or done), 1 not eligible (or rows rejected, files to
    reformat), 2 for anything else: unreadable input, output that cannot be written, a bad rules
    file, an internal error; always with one line on standard error, never a traceback."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _safe_streams()
    try:
        if sys.stdout is None or sys.stderr is None:
            raise OutputClosed()
        if argv and argv[0] not in COMMANDS and (close := _mistyped_command(argv[0])):
            raise PlanError(argv[0], f"not a command: did you mean {close!r}? (commands: {', '.join(COMMANDS)})")
        if argv and argv[0] in COMMANDS:
            command = COMMANDS[argv[0]]
            args = parser_for(command).parse_args(argv[1:])
            resume_collector()  # loaded (see heap.pause_collector); the work may make garbage in cycles
            code = command.run(args)
        else:
            code = _tui(_top_parser().parse_args(argv))
        sys.stdout.flush()  # a full disk or a closed pipe shows here, while it can still change the exit code
        return code
    except PlanError as exc:
        return _fail(error_text(exc))
    except NoTerminal as exc:
        return _fail(exc.message())
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return _fail("planner: the output could not be written: the program reading it closed the pipe")
    except OutputClosed:
        return _fail("planner: standard output is closed; nothing could be written")
    except OSError as exc:
        if _is_output_error(exc):
            _quiet_stdout()
            return _fail(f"planner: the output could not be written: {exc.strerror or exc}")
        return _fail(f"planner: {visible(str(exc))}")
    except SystemExit:
        raise
    except RecursionError:
        return _fail("planner: internal error: nested too deep (a rules file that extends itself hundreds "
                     "of times?)")
    except BaseException as exc:  # noqa: BLE001 - the last resort: one line and exit 2, never a traceback
        return _fail(f"planner: internal error: {type(exc).__name__}: {visible(str(exc))[:500]}; "
                     "please report it")


class OutputClosed(Exception):
    """Standard output or error is closed (a script ran the planner with >&-)."""


def _is_output_error(exc: OSError) -> bool:
    return exc.filename is None and exc.errno in (errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EBADF, errno.EDQUOT,
                                                   errno.EFBIG)


def _quiet_stdout() -> None:
    """After a failed write to standard output, point it at /dev/null: what is still in its buffer
    would otherwise fail again at exit, with Python's own message and exit code 120."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):
        pass


def _fail(message: str) -> int:
    try:
        err(message)
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass  # no standard error either: the exit code says it alone
    return EXIT_UNREADABLE
