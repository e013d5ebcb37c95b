"""The `planner` command (and `python -m planner`): the collector paused and pydantic's plugins
switched off before anything is imported, then the command line."""

from __future__ import annotations

import os

from planner.heap import pause_collector


def main() -> int:
    pause_collector()  # before the imports: see heap.pause_collector
    # No pydantic plugin sees a plan: an installed package may hook into every validation through an
    # entry point (logfire's records what is validated and may send it off the machine), and the
    # planner validates partners' names, PICs and budgets. PYDANTIC_DISABLE_PLUGINS is pydantic's
    # documented switch ("__all__", "1" or "true": none; else the names of those to leave out), read
    # each time a model is built; set here, for this command only, before pydantic is imported.
    # Programs that import the planner's modules keep pydantic as they have it.
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    from planner.cli import main as command

    return command()


if __name__ == "__main__":
    raise SystemExit(main())
