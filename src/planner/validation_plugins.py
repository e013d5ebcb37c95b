"""No pydantic plugins in the planner's process.

pydantic lets any installed package hook into every validation through an entry point (a
"plugin": logfire's, for one, records what is validated and may send it off the machine). The
planner validates partners' names, PICs and budgets: it wants its own models alone to see them.
pydantic's switch for that, PYDANTIC_DISABLE_PLUGINS, is read by its plugin loader
(`pydantic.plugin._loader`), and only after that module has imported `importlib.metadata` and
read every installed package's entry points, the first time a model validates: 5 ms of the
planner's start, for plugins it would then not use.

So the `planner` command (`__main__.main`) puts a stand-in for the loader in its place before
pydantic is imported: it finds no plugin, as the switch would, and anything else asked of it
comes from the real loader. Other programs that import the planner's modules keep pydantic as
they have it. tests/test_environment.py holds the stand-in to pydantic's loader.
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterable
from typing import Any

LOADER = "pydantic.plugin._loader"


def _real_loader() -> types.ModuleType:
    """pydantic's own plugin loader, loaded beside the stand-in (for what the stand-in does not answer)."""
    import importlib.machinery
    import importlib.util

    import pydantic.plugin

    spec = importlib.machinery.PathFinder.find_spec("_loader", list(pydantic.plugin.__path__))
    if spec is None or spec.loader is None:
        raise AttributeError(f"{LOADER} not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _StandIn(types.ModuleType):
    def get_plugins(self) -> Iterable[Any]:
        return ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        real = self.__dict__.get("_real")
        if real is None:
            real = self.__dict__["_real"] = _real_loader()
        return getattr(real, name)


def without_plugins() -> None:
    """From now on pydantic finds no plugin in this process. Called before pydantic validates
    anything; if something already made pydantic load its plugin loader (a .pth file, say), its own
    switch is set instead, which that loader reads at each model built from then on."""
    if LOADER in sys.modules:
        os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    else:
        sys.modules[LOADER] = _StandIn(LOADER, __doc__)
