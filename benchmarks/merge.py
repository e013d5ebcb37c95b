#!/usr/bin/env python3
"""How long `planner merge` takes on two 1,000-partner plans (the target: under 1 s).

    .venv/bin/python benchmarks/merge.py                # 1,000 partners
    .venv/bin/python benchmarks/merge.py --partners 5000

The base plan is the Lot 1 sample with N synthetic partners; ours changes the title and 20 partners'
countries and adds 10 partners, theirs changes 20 other partners' notes, removes 5 and adds 10 others: a
clean merge, as git's driver runs it. It prints the median (and best) wall time in ms of the command in
a new process (the files copied afresh for each run) and of merge.merge_bytes in this process, and the
median CPU time. A measuring script, not a test: it checks nothing and exits 0.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from folder import timed  # benchmarks/folder.py: the same wall and CPU timing

from planner import merge

ROOT = Path(__file__).resolve().parent.parent
COUNTRIES = ("DE", "FR", "IT", "ES", "PT", "NL", "BE", "AT", "PL", "CZ", "SE", "FI")


def block(i: int, country: str = "", notes: str = "") -> str:
    text = (f'\n[[partners]]\nname = "Organisation {i}"\nshort_name = "P{i}"\n'
            f'country = "{country or COUNTRIES[i % len(COUNTRIES)]}"\nkind = "enterprise"\nrole = "beneficiary"\n'
            f'pic = "{900000000 + i}"\n')
    return text + (f'notes = "{notes}"\n' if notes else "")


def versions(n: int) -> tuple[str, str, str]:
    head = (ROOT / "samples" / "lot1-example.toml").read_text(encoding="utf-8").split("[[partners]]", 1)[0]
    base = head + "".join(block(i) for i in range(n))
    ours = head.replace('title = "', 'title = "Ours: ', 1) + "".join(
        block(i, country="SE" if i % 50 == 1 else "") for i in range(n)) + "".join(
        block(n + i) for i in range(10))
    theirs = head + "".join(block(i, notes="checked" if i % 50 == 2 else "") for i in range(n) if i % 200 != 3) \
        + "".join(block(2 * n + i) for i in range(10))
    return base, ours, theirs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base, ours, theirs = versions(args.partners)
    result = merge.merge_bytes(base.encode(), ours.encode(), theirs.encode())
    print(f"{args.partners} partners: merged into {len(result.data['partners'])} partners, "  # type: ignore[arg-type]
          f"{len(result.conflicts)} conflict(s)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, text in (("base", base), ("theirs", theirs)):
            (folder / f"{name}.toml").write_text(text, encoding="utf-8")

        def cli() -> None:
            (folder / "ours.toml").write_text(ours, encoding="utf-8")
            done = subprocess.run([sys.executable, "-m", "planner", "merge", *(str(folder / f"{n}.toml")
                                   for n in ("base", "ours", "theirs"))], capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"planner merge exited {done.returncode}: {done.stdout}{done.stderr}")

        for label, run in (("planner merge (a new process)", cli),
                           ("merge.merge_bytes (in this process)",
                            lambda: merge.merge_bytes(base.encode(), ours.encode(), theirs.encode()))):
            median, best, cpu = timed(run, args.runs)
            print(f"{label:<40} {median:8.1f} ms  (best {best:.1f}; CPU {cpu:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
