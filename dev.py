#!/usr/bin/env python3
"""Bootstrap for a fresh machine with only Python: makes .venv, installs the planner, then runs it or its checks.

    python3 dev.py run [PLANNER ARGS]    start the planner (default: the sample of the latest call, read-only)
    python3 dev.py lint                  ruff, the import layers contract and mypy; non-zero on any finding
    python3 dev.py test [PYTEST ARGS]    lint and the whole test suite over every core (what CI runs)
    python3 dev.py bench                 run the benchmarks
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
import venv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".planner-installed"

# what ruff checks; mypy and import-linter read their own lists from pyproject.toml
LINTED = ["src", "tests", "benchmarks", "dev.py"]


def _wanted() -> str:
    # reinstall when the dependencies change
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"planner needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print("creating .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _wanted():
        return
    print("installing planner and its test tools into .venv ...", file=sys.stderr)
    # pip compiles what it installs one file after the other; compileall -j 0 does it over every core
    # (on 2 cores: 18 s against 25 for the whole install)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
                    "-e", f"{ROOT}[test]"], check=True)
    where = subprocess.run([str(PYTHON), "-c", "import sysconfig; print(sysconfig.get_path('purelib')); "
                            "print(sysconfig.get_path('platlib'))"], capture_output=True, text=True, check=True)
    # a file that does not compile (a package's Python 2 example, say) is left as pip leaves it
    subprocess.run([str(PYTHON), "-m", "compileall", "-q", "-j", "0", *sorted(set(where.stdout.split()))],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    STAMP.write_text(_wanted())


def latest_sample() -> Path:
    """The bundled sample written for the newest call (by its `call`; the first by name among equals)."""
    def call(path: Path) -> str:
        with path.open("rb") as f:
            return str(tomllib.load(f).get("call", ""))
    return max(sorted((ROOT / "samples").glob("*.toml")), key=call)  # max keeps the first of equals


def run_command(args: list[str]) -> list[str]:
    """The planner's command line for `dev.py run ARGS`. Without arguments, the newest call's sample opened
    read-only (`--sample`, as a user would): it is a tracked file of this repository, and opened writable a
    first ctrl+s changed it and its recovery file showed up beside it in `git status`. Read-only, ctrl+s asks
    for a new file (the sample stays as it is) and the recovery file stays in the state folder. Not a copy:
    a copy in the checkout is one more untracked file, and one in a temporary folder loses its edits."""
    return [str(BIN / "planner"), *(args or ["--sample", latest_sample().stem])]


def lint(write=sys.stderr.write, background: bool = False) -> int:
    """Every check, each run even when one before it failed; 0 only when all of them are clean.
    `write` takes what they say; `background`: each at a low priority, its output passed to `write`."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        tool = tomllib.load(f).get("tool", {})
    checks: list[tuple[str, list[str] | None, str]] = [
        ("ruff", [str(BIN / "ruff"), "check", *LINTED], ""),
        ("import layers", [str(BIN / "lint-imports")] if "importlinter" in tool else None,
         "no [tool.importlinter] contract in pyproject.toml"),
        ("mypy", [str(PYTHON), "-m", "mypy"] if "mypy" in tool else None,
         "no [tool.mypy] section (with its files) in pyproject.toml"),
    ]
    failed = []
    for name, command, why_skipped in checks:
        if command is None:
            write(f"lint: {name} SKIPPED: {why_skipped}\n")
            continue
        write(f"lint: {name} ...\n")
        sys.stderr.flush()
        if background:
            done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  errors="replace", preexec_fn=_lower_priority if os.name == "posix" else None)
            write(done.stdout)
            code = done.returncode
        else:
            code = subprocess.call(command, cwd=ROOT)
        if code != 0:
            failed.append(name)
    if failed:
        write(f"lint: FAILED: {', '.join(failed)}\n")
        return 1
    write("lint: clean\n")
    return 0


def _lower_priority() -> None:
    os.nice(10)


def test(args: list[str]) -> int:
    """Lint and pytest over every core; a lint finding fails the run even when every test passes."""
    collecting = any(a in ("--co", "--collect-only") for a in args)
    # bytecode is written for this run even where PYTHONDONTWRITEBYTECODE is set (as in some CI images), into
    # the checkout's own __pycache__ folders: without it every pytest worker rewrote the asserts of every test
    # module again (4.5 s of its 6 s of collection), and every `planner` a test starts compiled its modules
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # first, over both cores: the planner's modules compiled, and for the whole suite the test modules
    # collected once (in two halves), so that the workers find their rewritten asserts ready
    warm = [subprocess.Popen([str(PYTHON), "-m", "compileall", "-q", str(ROOT / "src")], stdout=subprocess.DEVNULL)]
    if not args:
        for half in (["tests/tui"], ["tests", "--ignore=tests/tui"]):
            warm.append(subprocess.Popen([str(PYTHON), "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider",
                                          "--collect-only", "-q", *half], cwd=ROOT, env=env,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for process in warm:
        process.wait()  # a failure here shows again, in full, in the run below
    # lint runs beside the tests, at a low priority: the workers leave a core idle for moments (a test
    # waiting for a frame or a subprocess), and lint fills them; what it says is printed after the tests
    said: list[str] = []
    with ThreadPoolExecutor(1) as pool:
        linting = pool.submit(lambda: 0 if collecting else lint(said.append, background=True))
        # three workers for two cores, unless the caller chose (-n 0 for one process, e.g. with --pdb; -p
        # no:xdist): many tests wait (for a frame, a debounce, a signal's end, a subprocess), and a worker more
        # than the cores runs while one waits. On 2 cores, 2,164 tests, runs of 3 and 4 workers in turn: the
        # same time within this machine's noise (179 s and 187 s, then 161 s and 155 s), 3 with 9-34 s less
        # CPU; 2 workers took 222 s
        chosen = any(a.startswith(("-n", "--numprocesses")) or a.endswith("no:xdist") for a in args)
        n = max(2, 3 * (os.cpu_count() or 1) // 2)
        workers = [] if collecting or chosen else ["-n", str(n), "--dist", "worksteal"]
        result = subprocess.call([str(PYTHON), "-m", "pytest", *workers, *args], cwd=ROOT, env=env)
        lint_result = linting.result()
    sys.stderr.write("".join(said))
    if lint_result and not result:
        print("lint failed (above): the tests passed, but the run fails", file=sys.stderr)
    return result or lint_result


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("run", [])
    if command not in ("run", "lint", "test", "bench"):
        print(__doc__, file=sys.stderr)
        return 2
    ensure_venv()
    if command == "run":
        return subprocess.call(run_command(rest))
    if command == "lint":
        return lint()
    if command == "bench":
        return subprocess.call([str(PYTHON), str(ROOT / "benchmarks" / "run.py"), *rest])
    return test(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
