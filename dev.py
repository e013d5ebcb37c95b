#!/usr/bin/env python3
"""Bootstrap for a fresh machine with only Python: makes .venv, installs the planner, then runs it or its tests.

    python3 dev.py run [PLANNER ARGS]    start the planner (default: the bundled Lot 2 draft sample)
    python3 dev.py test [PYTEST ARGS]    run the whole test suite
    python3 dev.py bench                 run the benchmarks
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".planner-installed"


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
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(_wanted())


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("run", [])
    if command not in ("run", "test", "bench"):
        print(__doc__, file=sys.stderr)
        return 2
    ensure_venv()
    if command == "run":
        args = rest or [str(ROOT / "samples" / "lot2-draft.toml")]
        return subprocess.call([str(BIN / "planner"), *args])
    if command == "bench":
        return subprocess.call([str(PYTHON), str(ROOT / "benchmarks" / "run.py"), *rest])
    return subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
