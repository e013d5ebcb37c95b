"""Rule sets of the coordinator's own, found by id like the built-in ones (no `--rules` needed).

Where they are looked for, first found first:

1. a `calls/` folder beside the plan (a team keeps it in git with its plans): `calls/ID.toml`;
2. the user's config folder: `$XDG_CONFIG_HOME/planner/calls/ID.toml` (default `~/.config`).

The file's name is its id (`2027.toml` is call "2027"); the `id` inside must say the same. One with
a built-in call's id replaces the built-in set (the commands say so in a notice). They are read with
the limits of the planner's own files (1 MB, regular files only: `files.read_user_file`), and may
`extends` a built-in call or a file next to them like any rules file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from planner.files import NO_HOME, home_dir

OWN_LIMIT = 1024 * 1024  # a rule set is a few hundred lines: the plans' and the config's limit
FOLDER = "calls"
# an id a file name can be and a plan can name: letters, digits, '-', '_', '.', not starting with '.'
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"  # also `planner schema`'s pattern of a plan's `call`
_ID = re.compile(ID_PATTERN)


@dataclass(frozen=True)
class OwnFile:
    call_id: str
    path: Path
    where: str  # "beside the plan" or "your config folder"


def config_calls_folder() -> Path:
    """$XDG_CONFIG_HOME/planner/calls (default ~/.config/planner/calls)."""
    base = os.environ.get("XDG_CONFIG_HOME")
    if not base:
        home = home_dir()
        if home is None:
            return NO_HOME / FOLDER
        base = str(home / ".config")
    return Path(base) / "planner" / FOLDER


def folders(beside: Path | None) -> list[tuple[Path, str]]:
    """The folders looked in, first found first: the plan's `calls/`, then the config's."""
    out = []
    if beside is not None:
        out.append((beside / FOLDER, "beside the plan"))
    out.append((config_calls_folder(), "your config folder"))
    return out


def valid_id(call_id: str) -> bool:
    return bool(_ID.fullmatch(call_id))


def find(call_id: str, beside: Path | None) -> OwnFile | None:
    """The coordinator's own file for `call_id`, if there is one (a name that is no id is never looked up)."""
    if not valid_id(call_id):
        return None
    for folder, where in folders(beside):
        path = folder / f"{call_id}.toml"
        try:
            if path.exists():  # a folder or a FIFO by that name is refused when it is read, naming it
                return OwnFile(call_id, path, where)
        except OSError:
            continue
    return None


def listed(beside: Path | None) -> list[OwnFile]:
    """Every own rule set there is, one per id (the first found wins), sorted by id."""
    found: dict[str, OwnFile] = {}
    for folder, where in folders(beside):
        try:
            names = sorted(p.name for p in folder.iterdir())
        except OSError:  # no such folder, or not readable: nothing of the user's there
            continue
        for name in names:
            call_id = name[:-5] if name.endswith(".toml") else ""
            if valid_id(call_id) and call_id not in found:
                found[call_id] = OwnFile(call_id, folder / name, where)
    return [found[k] for k in sorted(found)]
