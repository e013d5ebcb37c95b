"""Where the bundled samples and themes live: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

import os
from pathlib import Path


def _folder(name: str) -> Path:
    packaged = Path(__file__).parent / name  # the wheel's force-include puts them in the package
    if packaged.is_dir():
        return packaged
    # an editable install runs from src/, where the wheel's force-include has not happened
    return Path(__file__).resolve().parents[2] / name


def samples_dir() -> Path:
    return _folder("samples")


def themes_dir() -> Path:
    return _folder("themes")


def sample_names() -> list[str]:
    # a listing, not Path.glob, which compiles a pattern for it: the command line's parser names the
    # samples at every start (as rules/extends.builtin_ids lists the calls)
    folder = samples_dir()
    return sorted(n[:-5] for n in os.listdir(folder) if n.endswith(".toml")) if folder.is_dir() else []


def sample_path(name: str) -> Path | None:
    path = samples_dir() / f"{name.removesuffix('.toml')}.toml"
    return path if path.is_file() else None
