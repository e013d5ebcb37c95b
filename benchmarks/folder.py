#!/usr/bin/env python3
"""How long a folder of plans takes to list: `planner ls` (a new process, no cache) and
planner.folder.list_folder in one process, first and second pass (the folder view's refresh reads
only what changed).

    .venv/bin/python benchmarks/folder.py             # 200 plans
    .venv/bin/python benchmarks/folder.py --plans 1000

The folder is made in a temp folder by tests/folder_plans.py: the bundled samples under other
names, 3 broken files, and one plan held by a live recovery file of another process. A measuring
script, not a test: it prints the median (and best) wall time in ms, and the median CPU time (user
and system, the child process's included): on a shared machine the wall time waits for the other
processes, the CPU time does not. It checks nothing and exits 0.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from folder_plans import hold, write_plans  # noqa: E402
from planner import folder as core  # noqa: E402
from planner.folder_partners import known_partners  # noqa: E402


def _cpu() -> float:
    """CPU seconds of this process and its finished children: what a loaded machine does not inflate."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def timed(run, times: int) -> tuple[float, float, float]:
    """Median and best wall time, median CPU time, in ms."""
    spent, cpu = [], []
    for _ in range(times):
        start, start_cpu = time.perf_counter(), _cpu()
        run()
        spent.append((time.perf_counter() - start) * 1000)
        cpu.append((_cpu() - start_cpu) * 1000)
    return statistics.median(spent), min(spent), statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_plans(folder, args.plans)
        holder = hold(paths[-1])
        try:
            planner = [sys.executable, "-m", "planner", "ls", str(folder), "--format", "json"]
            env = {**os.environ, "XDG_STATE_HOME": str(folder / ".state")}

            def cli() -> None:
                subprocess.run(planner, check=True, capture_output=True, env=env)

            def first() -> None:
                core._CACHE.clear()
                core.list_folder(folder)

            entries = core.list_folder(folder)
            held = [e.name for e in entries if e.open_by]
            broken = [e.name for e in entries if e.error]
            print(f"{len(entries)} plans, {len(broken)} unreadable, held: {', '.join(held) or 'none'}")
            for label, run in (("planner ls --format json (a new process)", cli),
                               ("list_folder, first pass (no cache)", first),
                               ("list_folder, again (cached by size and mtime)", lambda: core.list_folder(folder))):
                median, best, cpu = timed(run, args.runs)
                print(f"{label:<50} {median:8.1f} ms  (best {best:.1f}; CPU {cpu:.1f})")
            start = time.perf_counter()
            known, _ = known_partners(folder)
            print(f"{'known_partners (cached plans)':<50} {(time.perf_counter() - start) * 1000:8.1f} ms "
                  f"({len(known)} organisations)")
        finally:
            holder.kill()
            holder.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
