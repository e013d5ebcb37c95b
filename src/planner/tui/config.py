"""The user's settings file under XDG: chosen theme and key remapping. No Textual here."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "planner"


def config_path() -> Path:
    return config_dir() / "config.toml"


@dataclass
class Settings:
    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)
    problem: str | None = None  # why the file could not be read, for one notification


def load_settings() -> Settings:
    path = config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Settings(problem=f"{path}: ignored, {exc}")
    theme = data.get("theme")
    keys = data.get("keys", {})
    if not isinstance(theme, (str, type(None))) or not isinstance(keys, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keys.items()
    ):
        return Settings(problem=f"{path}: ignored, expected theme = \"name\" and a [keys] table of strings")
    return Settings(theme=theme, keys=keys)


def save_theme(name: str) -> str | None:
    """Remember the theme; returns a problem to show, or None."""
    path = config_path()
    settings = load_settings()
    data: dict[str, object] = {"theme": name}
    if settings.keys:
        data["keys"] = settings.keys
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        return f"could not remember the theme in {path}: {exc.strerror or exc}"
    return None
