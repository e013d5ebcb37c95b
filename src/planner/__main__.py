"""The `planner` command (and `python -m planner`): the collector paused, then the command line."""

from __future__ import annotations

from planner.heap import pause_collector, resume_collector
from planner.validation_plugins import without_plugins


def main() -> int:
    pause_collector()  # before the imports: see heap.pause_collector
    without_plugins()  # nothing but the planner's models sees a plan (validation_plugins.py)
    try:
        from planner.cli import main as command

        return command()
    finally:
        resume_collector()


if __name__ == "__main__":
    raise SystemExit(main())
