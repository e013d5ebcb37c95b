"""A folder of plans made for a test or a benchmark: the bundled samples under other names and
acronyms, some broken files, and a plan held by a live recovery file of another process."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from planner import recovery
from planner.bundled import sample_names, sample_path
from planner.files import this_host
from planner.model import Partner
from planner.storage import dump_plan, load_plan

OULU = Partner(name="Oulu University of Applied Sciences", short_name="OAMK", country="FI",
               kind="higher-education", role="beneficiary", pic="999555001", eche=True)

BROKEN = {
    "not-toml.toml": "title = \"half a string\n",
    "bad-country.toml": 'format = 1\ntitle = "Bad"\nlot = 1\n\n[[partners]]\nname = "X"\ncountry = "ZZ"\n'
                        'kind = "enterprise"\nrole = "coordinator"\n',
    "markup-[red]x[-red].toml": "format = 1\n",
}


def write_plans(folder: Path, count: int, broken: int = 3) -> list[Path]:
    """`count` files in `folder`: `broken` of them unreadable (BROKEN, cycled), the others the samples
    in turn, each with its own acronym; the first readable one has Oulu UAS among its partners."""
    samples = [load_plan(sample_path(name)) for name in sample_names()]
    paths = []
    bad = list(BROKEN.items())
    for i in range(count):
        if i < broken:
            name, text = bad[i % len(bad)]
            path = folder / (name if i < len(bad) else f"broken-{i}-{name}")
            path.write_text(text, encoding="utf-8")
        else:
            plan = samples[i % len(samples)]
            plan = plan.model_copy(update={"acronym": f"P{i:03d}", "title": f"{plan.title} ({i})"})
            if i == broken:
                plan = plan.model_copy(update={"partners": (*plan.partners, OULU)})
            path = folder / f"plan-{i:03d}.toml"
            path.write_text(dump_plan(plan), encoding="utf-8")
        paths.append(path)
    return paths


def hold(plan: Path, user: str = "colleague") -> subprocess.Popen:
    """Another process holding `plan`, as a planner would: a live process and its recovery file beside
    the plan. The caller ends the process (`.kill()`, `.wait()`)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    since = datetime(2026, 12, 1, 8, 10, tzinfo=timezone.utc)
    text = (f'format = 1\nfile = "{os.path.realpath(plan)}"\nuser = "{user}"\nhost = "{this_host()}"\n'
            f"pid = {process.pid}\nsince = {since:%Y-%m-%dT%H:%M:%SZ}\nupdated = {since:%Y-%m-%dT%H:%M:%SZ}\n")
    recovery.beside(plan).write_text(text, encoding="utf-8")
    return process
