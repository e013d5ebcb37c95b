"""Time to first screen: the planner on a sample against a bare Textual app (header, table, footer).

Each run is a fresh Python process that imports everything, mounts the app headless at 80x24,
waits for the first frame and exits; the wall time of the whole process is measured, so imports
count. Prints medians and bests and the ratio planner / bare (aim: at most 1.2).

    .venv/bin/python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = """
from textual.app import App
from textual.widgets import DataTable, Footer, Header

class Bare(App):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("Short", "Country", "Kind", "Role")
        for i in range(12):
            table.add_row(f"P{i}", "DE", "enterprise", "beneficiary")

async def first_frame(pilot):
    await pilot.pause()
    pilot.app.exit()

Bare().run(headless=True, size=(80, 24), auto_pilot=first_frame)
"""

PLANNER = """
from planner.tui.app import PlannerApp, open_document

async def first_frame(pilot):
    await pilot.pause()
    pilot.app.exit()

PlannerApp(open_document({sample!r})).run(headless=True, size=(80, 24), auto_pilot=first_frame)
"""


def timed(code: str, env_home: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env={"XDG_CONFIG_HOME": env_home, "PATH": ""},
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    sample = str(ROOT / "samples" / "lot2-example.toml")
    with tempfile.TemporaryDirectory() as home:
        results: dict[str, list[float]] = {"bare Textual app": [], "planner": []}
        timed(BARE, home), timed(PLANNER.format(sample=sample), home)  # warm the disk cache
        for _ in range(args.runs):  # interleaved, so that machine noise hits both alike
            results["bare Textual app"].append(timed(BARE, home))
            results["planner"].append(timed(PLANNER.format(sample=sample), home))
    print(f"Time to first screen at 80x24, {args.runs} runs each (ms):\n")
    print("| app | median | best |\n|---|---:|---:|")
    for name, times in results.items():
        print(f"| {name} | {statistics.median(times):.0f} | {min(times):.0f} |")
    bare, planner = (statistics.median(t) for t in results.values())
    print(f"\nplanner / bare = {planner / bare:.2f} (median; aim: at most 1.2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
