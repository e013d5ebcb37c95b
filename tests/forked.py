"""The `planner` command in a process of its own, without paying for Python's start each time.

A test of the command line runs `python -m planner ARGS` in a new process: its own streams, current
folder, environment and exit code, as a user or a script has it. Most of what such a process does is
start: the interpreter, then the imports (pydantic and the planner, about 150 ms of CPU), before a
check of 20 ms. The suite runs the command some 700 times, a third of its time on 2 cores.

So each test worker starts one Python (the "parent") that imports what `python -m planner` imports
and then waits. Each run is a child forked from it: a new process with its own pid, its standard
input from /dev/null and its output and error to pipes read here, the test's environment (HOME, the
XDG folders, COLUMNS, TZ) and current folder, running `planner.__main__.main()` as `python -m
planner` does, and ending with that exit code (or -N, killed by signal N).

The parent has also done, once, two things every run did the same way at its first use: pydantic's
validators (deferred at import for the TUI's start) and the built-in calls' rules, read from the
package. What a run reads that a test can change (the plan, the coordinator's own rules, settings)
the child still reads itself.

What the child does not do again is what Python does before the first line of a program: reading
the environment for its own settings (the locale, the streams' encoding, PYTHON* variables). A run
whose environment differs from the parent's in any of those starts a fresh Python instead, as does
every run when PLANNER_TESTS_FRESH=1 is set (the same suite, the old way, for comparison);
tests/test_forked.py checks that both ways give the same bytes and codes.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# what Python reads from the environment when it starts, before any line of the program: a run with other
# values than the parent's needs a fresh interpreter
STARTUP_VARIABLES = ("LANG", "LANGUAGE", "LC_")
STARTUP_PREFIX = "PYTHON"

PARENT = r"""
import atexit, io, json, os, socket, sys, time, traceback

control = socket.socket(fileno=int(sys.argv[1]))
encodings = {name: (getattr(sys, name).encoding, getattr(sys, name).errors) for name in ("stdin", "stdout", "stderr")}

# what `python -m planner` does before its command's work: planner.__main__.main's first steps, then its import
from planner.heap import pause_collector
import planner.__main__
pause_collector()
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
import planner.cli
for command in planner.cli.COMMANDS.values():
    command.load()  # the handlers' modules, which `planner.cli` imports only for their command: once, not per child
# the validators pydantic builds at a model's first use (defer_build, for the start of the TUI) and its plugin
# loader, imported then: built once here instead of in every child (30 ms of a `check`'s 55)
import pydantic
import pydantic.plugin._loader
for module in list(sys.modules.values()):
    if (getattr(module, "__name__", "") or "").startswith("planner."):
        for value in list(vars(module).values()):
            if isinstance(value, type) and issubclass(value, pydantic.BaseModel) \
                    and value.__module__ == module.__name__:
                value.model_rebuild(force=True)
# the built-in calls' rules, read from the package and kept (frozen) by rules.loading: each child read the same
# files the same way; the coordinator's own rules (a folder, a settings file) are still read by the child
from planner.rules.extends import builtin_ids
from planner.rules.loading import _load_builtin
for call_id in builtin_ids():
    _load_builtin(call_id)
control.send(b"ready")


def stream(fd, mode, name, line_buffering):
    encoding, errors = encodings[name]
    raw = io.FileIO(fd, mode, closefd=False)
    buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
    return io.TextIOWrapper(buffered, encoding=encoding, errors=errors, line_buffering=line_buffering)


def child(request, out, err):
    os.dup2(out, 1)
    os.dup2(err, 2)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd in (out, err, null, control.fileno()):
        os.close(fd)
    sys.stdin, sys.stdout, sys.stderr = stream(0, "r", "stdin", False), stream(1, "w", "stdout", False), \
        stream(2, "w", "stderr", True)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    sys.argv = [planner.__main__.__file__, *request["args"]]
    if request.get("now"):
        import datetime as clock, importlib
        now = clock.datetime.fromisoformat(request["now"])

        class Frozen(clock.datetime):
            @classmethod
            def now(cls, tz=None):
                return now.astimezone(tz) if tz is not None else now.astimezone().replace(tzinfo=None)

        for name in request["clock_modules"]:
            importlib.import_module(name).datetime = Frozen
    try:
        code = planner.__main__.main()
    except SystemExit as end:
        code = end.code
    except BaseException:
        traceback.print_exc()
        code = 1
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for name in ("stdout", "stderr"):
        try:
            getattr(sys, name).flush()
        except Exception:
            code = 120 if name == "stdout" else code
    os._exit(code)


while True:
    message, fds, _, _ = socket.recv_fds(control, 1 << 20, 2)
    if not message:
        break
    out, err = fds
    pid = os.fork()
    if pid == 0:
        child(json.loads(message), out, err)
    os.close(out)
    os.close(err)
    control.send(str(pid).encode())
    _, status = os.waitpid(pid, 0)
    control.send(str(os.waitstatus_to_exitcode(status)).encode())
"""


def _startup_settings(env: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k.startswith(STARTUP_PREFIX) or k.startswith(STARTUP_VARIABLES)}


class _Parent:
    """The waiting Python of this test worker; its children are the runs."""

    def __init__(self) -> None:
        self.env = dict(os.environ)
        # one packet a message: a request (with the two ends of the pipes), a pid, an exit code
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen([sys.executable, "-c", PARENT, str(theirs.fileno())],
                                        pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, cwd=ROOT, env=self.env)
        theirs.close()
        self.control = ours
        if self._reply() != b"ready":
            raise RuntimeError("the forking parent of the command-line tests did not start")

    def _reply(self) -> bytes:
        return self.control.recv(64)

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        self.control.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def run(self, args: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float,
            now: datetime | None, clock_modules: Sequence[str]) -> tuple[int, bytes, bytes]:
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        request = {"args": list(args), "cwd": str(cwd), "env": dict(env),
                   "now": now.isoformat() if now else None, "clock_modules": list(clock_modules)}
        try:
            socket.send_fds(self.control, [json.dumps(request).encode()], [out_write, err_write])
        finally:
            os.close(out_write)
            os.close(err_write)
        pid = int(self._reply())
        try:
            out, err = _read_both(out_read, err_read, time.monotonic() + timeout)
        except subprocess.TimeoutExpired:
            os.kill(pid, signal.SIGKILL)
            self._reply()
            raise
        return int(self._reply()), out, err


def _read_both(out_fd: int, err_fd: int, deadline: float) -> tuple[bytes, bytes]:
    chunks: dict[int, list[bytes]] = {out_fd: [], err_fd: []}
    with selectors.DefaultSelector() as selector:
        for fd in chunks:
            selector.register(fd, selectors.EVENT_READ)
        try:
            while selector.get_map():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise subprocess.TimeoutExpired("planner", 0)
                for key, _ in selector.select(left):
                    data = os.read(key.fd, 65536)
                    if data:
                        chunks[key.fd].append(data)
                    else:
                        selector.unregister(key.fd)
        finally:
            os.close(out_fd)
            os.close(err_fd)
    return b"".join(chunks[out_fd]), b"".join(chunks[err_fd])


_parent: _Parent | None = None


def _the_parent() -> _Parent:
    global _parent
    if _parent is None or not _parent.alive():
        _parent = _Parent()
        atexit.register(_parent.close)
    return _parent


def run_command(args: Sequence[str | os.PathLike[str] | bytes], *, cwd: str | os.PathLike[str] | None = None,
                env: Mapping[str, str] | None = None, timeout: float = 60, text: bool = True,
                now: datetime | None = None, clock_modules: Sequence[str] = ()) -> subprocess.CompletedProcess:
    """`python -m planner ARGS`, stdin from /dev/null, output and error captured; as subprocess.run gives it
    (text: UTF-8, undecodable bytes replaced). `now`: the clock of `clock_modules` frozen at that moment."""
    env = dict(os.environ if env is None else env)
    names = [os.fsdecode(a) for a in args]
    folder = Path(cwd or ROOT)
    fresh = os.environ.get("PLANNER_TESTS_FRESH") == "1"
    parent = None if fresh else _the_parent()
    if parent is not None and _startup_settings(env) == _startup_settings(parent.env):
        code, out, err = parent.run(names, folder, env, timeout, now, clock_modules)
    else:
        command = [sys.executable, "-m", "planner", *names]
        if now is not None:
            command = [sys.executable, "-c", _frozen_boot(now, clock_modules), *names]
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, cwd=folder, env=env,
                              timeout=timeout)
        code, out, err = done.returncode, done.stdout, done.stderr
    if text:
        return subprocess.CompletedProcess(names, code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))
    return subprocess.CompletedProcess(names, code, out, err)


def _frozen_boot(now: datetime, clock_modules: Sequence[str]) -> str:
    return "\n".join([
        "import datetime as _d, importlib, sys",
        f"_NOW = _d.datetime.fromisoformat({now.isoformat()!r})",
        "class _Frozen(_d.datetime):",
        "    @classmethod",
        "    def now(cls, tz=None):",
        "        return _NOW.astimezone(tz) if tz is not None else _NOW.astimezone().replace(tzinfo=None)",
        f"for _name in {tuple(clock_modules)!r}:",
        "    importlib.import_module(_name).datetime = _Frozen",
        "sys.argv[0] = 'planner'",
        "from planner.__main__ import main",
        "raise SystemExit(main())",
    ])
