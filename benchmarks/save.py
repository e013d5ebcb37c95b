#!/usr/bin/env python3
"""How long saving a plan takes: storage.render_plan (what a save writes) on plans of 1,000 partners.

    .venv/bin/python benchmarks/save.py
    .venv/bin/python benchmarks/save.py --partners 10000

Three plans of the same partners: one the planner wrote (canonical: dump_plan's fast path), one written
by hand (a comment above each partner and one inside it, single quotes, its own key order, a [tool.crm]
table) and the same with CRLF line endings and a byte-order mark. Each is edited as a user would (the
lot switched; one partner's country changed; one partner added) and rendered over its original bytes.
The first save after opening the file (storage.read_plan_file, as the TUI opens it) loads tomlkit and
sees whether the file is dump_plan's own text; the plan read and each save's output are remembered by
digest, so no save parses its original again. `first` times it in a new process; `next` is the
median of the saves after it. Each is wall time, then CPU time (on a shared machine the wall time waits
for the other processes, the CPU time does not). The target for a hand-written plan of 1,000 partners:
under 300 ms. A measuring script, not a test: it checks nothing and exits 0.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from planner.storage import dump_plan, parse_plan, render_plan  # noqa: E402

COUNTRIES = ("DE", "FR", "IT", "ES", "PL", "NL", "AT", "BE", "PT", "SE")


def hand_written(count: int) -> str:
    lines = ["# written by hand: ask Marta before changing the budget", "title = 'A hand-written plan'",
             "format = 1", "lot = 1  # Lot 2 next year?", "duration_months = 24", ""]
    for i in range(count):
        lines += [f"# partner {i}: contact via the regional office", "[[partners]]", f"short_name = 'P{i}'",
                  f"name = 'Partner organisation number {i}'", f"# inside {i}",
                  f"country = '{COUNTRIES[i % len(COUNTRIES)]}'", "kind = 'enterprise'",
                  f"role = '{'coordinator' if i == 0 else 'beneficiary'}'", f"pic = '{999000000 + i}'",
                  f"grant_eur = {1000 + i}", ""]
    lines += ["[tool.crm]", "proposal_id = 4711  # the CRM's own id"]
    return "\n".join(lines) + "\n"


def edits(plan):
    partners = plan.partners
    changed = partners[len(partners) // 2].model_copy(update={"country": "FI"})
    extra = partners[0].model_copy(update={"short_name": "NEWP", "name": "A new partner", "pic": None,
                                           "role": "beneficiary"})
    return {
        "lot switched": plan.model_copy(update={"lot": 2, "duration_months": 36}),
        "a country changed": plan.model_copy(update={"partners": partners[:len(partners) // 2] + (changed,)
                                                     + partners[len(partners) // 2 + 1:]}),
        "a partner added": plan.model_copy(update={"partners": partners + (extra,)}),
    }


FIRST = """
import sys, time, resource
sys.path.insert(0, {src!r})
from planner.storage import read_plan_file, render_plan
plan, _fingerprint, data = read_plan_file({path!r})  # as the TUI opens it
edited = plan.model_copy(update={{'lot': 2, 'duration_months': 36}})
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
start, used = time.perf_counter(), cpu()
render_plan(edited, data)
print((time.perf_counter() - start) * 1000, (cpu() - used) * 1000)
"""


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    hand = hand_written(args.partners)
    canonical = dump_plan(parse_plan(hand))
    forms = {"canonical": canonical, "by hand": hand, "by hand, CRLF + BOM": "\ufeff" + hand.replace("\n", "\r\n")}
    tmp = Path(__file__).resolve().parent / ".save-bench.toml"
    print(f"| plan ({args.partners:,} partners) | edit | first save (ms wall / cpu) | next saves (median, ms "
          "wall / cpu) |")
    print("|---|---|---:|---:|")
    try:
        for name, text in forms.items():
            data = text.encode("utf-8")
            tmp.write_bytes(data)
            first = subprocess.run([sys.executable, "-c", FIRST.format(src=str(Path(__file__).resolve().parent.parent
                                                                               / "src"), path=str(tmp))],
                                   capture_output=True, text=True, check=True)
            plan = parse_plan(text.removeprefix("\ufeff"))
            for edit, edited in edits(plan).items():
                render_plan(edited, data)  # warm: the original parsed and cached, tomlkit loaded
                times, cpus = [], []
                for _ in range(args.runs):
                    start, used = time.perf_counter(), cpu()
                    render_plan(edited, data)
                    times.append((time.perf_counter() - start) * 1000)
                    cpus.append((cpu() - used) * 1000)
                wall, cpu_first = (float(x) for x in first.stdout.split())
                shown_first = f"{wall:.0f} / {cpu_first:.0f}" if edit == "lot switched" else ""
                print(f"| {name} | {edit} | {shown_first} | {statistics.median(times):.0f} / "
                      f"{statistics.median(cpus):.0f} |")
    finally:
        tmp.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
