"""dev.py, the bootstrap script: what `python3 dev.py run` starts."""

from __future__ import annotations

import importlib.util
import tomllib

from planner.bundled import sample_path
from planner.cli import _top_parser
from support import ROOT, SAMPLES


def _dev():
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _newest_sample():
    def call(path):
        with path.open("rb") as f:
            return str(tomllib.load(f).get("call", ""))
    newest = max(call(p) for p in SAMPLES.glob("*.toml"))
    return {p for p in SAMPLES.glob("*.toml") if call(p) == newest}


def test_run_opens_the_newest_sample_read_only_never_the_tracked_file_writable():
    # a first ctrl+s on the sample opened writable changed a file of the repository
    dev = _dev()
    command = dev.run_command([])
    assert command[0] == str(dev.BIN / "planner")
    args = _top_parser().parse_args(command[1:])
    assert args.plan is None  # not the file by its path: that opens it writable
    assert args.sample is not None  # the bundled sample, which the planner opens read-only
    assert sample_path(args.sample).resolve() in {p.resolve() for p in _newest_sample()}


def test_run_with_arguments_passes_them_to_the_planner():
    dev = _dev()
    assert dev.run_command(["my-plan.toml", "--call", "2024"]) == [str(dev.BIN / "planner"), "my-plan.toml",
                                                                   "--call", "2024"]
