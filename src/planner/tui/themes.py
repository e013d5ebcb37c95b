"""Themes as TOML files: the bundled ones in themes/, the user's in $XDG_CONFIG_HOME/planner/themes/."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from textual.color import Color, ColorParseError
from textual.theme import Theme

from planner.bundled import themes_dir
from planner.errors import validation_problems
from planner.tui.config import config_dir

DEFAULT_THEME = "planner-dark"


class ThemeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    primary: str
    secondary: str | None = None
    warning: str | None = None
    error: str | None = None
    success: str | None = None
    accent: str | None = None
    foreground: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None
    boost: str | None = None
    dark: bool = True
    ansi: bool = False
    luminosity_spread: float = 0.15
    text_alpha: float = 0.95
    variables: dict[str, str] = {}

    @field_validator("primary", "secondary", "warning", "error", "success", "accent", "foreground",
                     "background", "surface", "panel", "boost")
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                Color.parse(value)
            except ColorParseError:
                raise ValueError(f"{value!r} is not a colour (use #RRGGBB, a colour name or ansi_*)") from None
        return value

    def to_theme(self) -> Theme:
        return Theme(**self.model_dump())


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def load_theme_file(path: Path) -> Theme:
    """One theme; raises ValueError with a message that names the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"not valid TOML: {exc}") from None
    try:
        return ThemeFile.model_validate(data).to_theme()
    except ValidationError as exc:
        raise ValueError("; ".join(validation_problems(exc))) from None


def load_themes() -> tuple[list[Theme], list[str]]:
    """Every theme that loads, and one line per file that does not (file name and problem)."""
    themes: list[Theme] = []
    problems: list[str] = []
    for folder in (themes_dir(), user_themes_dir()):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                themes.append(load_theme_file(path))
            except ValueError as exc:
                problems.append(f"{path}: {exc}")
    return themes, problems
