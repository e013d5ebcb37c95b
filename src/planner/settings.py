"""The user's settings file under XDG: chosen theme and key remapping. No Textual here."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from planner.errors import PlanError
from planner.files import (
    NO_HOME,
    decode_plan_bytes,
    home_dir,
    parse_toml,
    read_toml_file,
    read_user_file,
    write_bytes_atomically,
)
from planner.safetext import visible

MAX_CONFIG_BYTES = 1024 * 1024  # a config or theme file is a few lines: a megabyte is far more than enough
NO_HOME_NOTE = ("No home directory for this user (HOME is not set): the default settings are used and "
                "nothing is remembered; set HOME, or XDG_CONFIG_HOME and XDG_STATE_HOME, to keep them")


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME")
    if not base:
        home = home_dir()
        if home is None:
            return NO_HOME  # files.NO_HOME: nothing is there, nothing can be written there
        base = str(home / ".config")
    return Path(base) / "planner"


def config_path() -> Path:
    return config_dir() / "config.toml"


@dataclass
class Settings:
    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)
    problem: str | None = None  # why the file could not be read, for one notification


def load_settings() -> Settings:
    if config_dir() == NO_HOME:
        return Settings(problem=NO_HOME_NOTE)
    path = config_path()
    try:
        data = read_toml_file(path, "config file", MAX_CONFIG_BYTES)
    except PlanError as exc:
        if exc.message == "file not found":
            return Settings()
        return Settings(problem=f"{visible(str(path))}: ignored, {exc.message}")
    except (OSError, ValueError) as exc:  # a path the system refuses (a home folder gone, a NUL)
        return Settings(problem=f"{visible(str(path))}: ignored, {exc}")
    theme = data.get("theme")
    keys = data.get("keys", {})
    if not isinstance(theme, (str, type(None))) or not isinstance(keys, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keys.items()
    ):
        return Settings(problem=f"{path}: ignored, expected theme = \"name\" and a [keys] table of strings")
    return Settings(theme=theme, keys=keys)


def save_theme(name: str) -> str | None:
    """Remember the theme; returns a problem to show, or None.

    Only the top-level `theme` line changes (its value; a comment after it stays), or one is added
    before the first table when there is none: the rest of the file, comments and key bindings
    included, stays byte for byte. The new text is checked by parsing it before it is written
    (atomically, through a symlink to its target, keeping the file's mode).
    """
    if config_dir() == NO_HOME:
        return None  # said once at the start
    path = config_path()
    try:
        old = read_user_file(path, "config file", MAX_CONFIG_BYTES)
    except PlanError as exc:
        if exc.message != "file not found":
            return f"could not remember the theme in {path}: it {exc.message}"
        old = b""
    except (OSError, ValueError) as exc:
        return f"could not remember the theme in {path}: {getattr(exc, 'strerror', None) or exc}"
    try:
        text = decode_plan_bytes(path, old, "config file")
        before = parse_toml(text, str(path), "config file")
    except PlanError:
        return f"could not remember the theme: {path} is not valid TOML; fix it or remove it"
    new = with_theme(text, name)
    try:
        after = parse_toml(new, str(path), "config file")
    except PlanError:
        after = None
    if after != {**before, "theme": name}:
        return f"could not remember the theme: {path} is laid out in a way the planner does not edit; " \
               f"set theme = {name!r} in it yourself"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(path, new.encode("utf-8"))
    except (OSError, PlanError) as exc:
        return f"could not remember the theme in {path}: {getattr(exc, 'message', None) or exc}"
    return None


# a top-level `theme = value  # comment` line: the key, the value (basic or literal string, or anything), the rest
_THEME_LINE = re.compile(r"""^(\s*(?:theme|"theme"|'theme')\s*=\s*)"""
                         r"""("(?:[^"\\]|\\.)*"|'[^']*'|[^#\r\n]*?)(\s*(?:#.*)?)$""")


def with_theme(text: str, name: str) -> str:
    """`text` with its top-level theme set to `name`: one line changed, or one line added."""
    import tomli_w

    value = tomli_w.dumps({"theme": name}).split("=", 1)[1].strip()
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    insert_at = 0  # after the last top-level key, else after the comments that open the file
    for i, line in enumerate(lines):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if stripped.startswith("["):
            break  # tables start here: a theme line must come before them
        found = _THEME_LINE.match(body)
        if found:
            lines[i] = found[1] + value + found[3] + line[len(body):]
            return "".join(lines)
        if stripped and not stripped.startswith("#") or stripped.startswith("#") and insert_at == i:
            insert_at = i + 1
    if insert_at and not lines[insert_at - 1].endswith(("\n", "\r")):
        lines[insert_at - 1] += newline
    lines.insert(insert_at, f"theme = {value}{newline}")
    return "".join(lines)
