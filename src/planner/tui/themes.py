"""Themes as TOML files: the bundled ones in themes/, the user's in $XDG_CONFIG_HOME/planner/themes/."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from rich.errors import StyleSyntaxError
from rich.style import Style
from textual.color import Color, ColorParseError
from textual.theme import Theme

from planner.bundled import themes_dir
from planner.errors import PlanError, validation_problems
from planner.files import read_toml_file
from planner.safetext import visible
from planner.settings import MAX_CONFIG_BYTES, config_dir

DEFAULT_THEME = "planner-dark"
# the theme of a terminal of 16 colours (`start_theme`): Rich's names of their colour systems, as Textual's
# console detects them (TERM=xterm without COLORTERM, TEXTUAL_COLOR_SYSTEM=standard, a legacy Windows console)
SIXTEEN_COLOURS_THEME = "ansi-16"
SIXTEEN_COLOURS = frozenset({"standard", "windows"})

# a theme is validated completely at load: a value that would break the app's CSS, or show markup in
# the command palette, never reaches Textual. Names and variables are plain words; values are colours,
# or (for the few non-colour variables) text styles and keywords.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}")
_VARIABLE = re.compile(r"[a-z][a-z0-9-]{0,63}")
_ALPHA = re.compile(r"(?P<colour>.+?) (?P<percent>\d{1,3}(\.\d+)?)%")
_KEYWORDS = {"auto", "initial", "transparent", "inherit"}
Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
# Textual's widgets use these two with an ANSI theme (a button's background, a toggle's), and its generator
# leaves them to the theme: a theme file without them stopped the app at start. Textual's own ANSI themes'
# values, for a dark and a light terminal; a theme file's own win
_ANSI_DEFAULTS = {True: {"ansi-background": "ansi_black", "ansi-foreground": "ansi_white"},
                  False: {"ansi-background": "ansi_white", "ansi-foreground": "ansi_black"}}


def _is_colour(value: str) -> bool:
    """A colour as Textual's CSS takes one: '#112233', 'red', 'auto 87%', '$primary 50%' is not one."""
    match = _ALPHA.fullmatch(value)
    base = match["colour"] if match and float(match["percent"]) <= 100 else value
    if base in _KEYWORDS:
        return True
    try:
        Color.parse(base)
    except (ColorParseError, ValueError):
        return False
    return True


def _is_style(value: str) -> bool:
    """A text style as in 'bold', 'b reverse', 'bold not underline', 'none'."""
    if not re.fullmatch(r"[a-z ]+", value):
        return False
    try:
        Style.parse(value)
    except StyleSyntaxError:
        return False
    return True


def _variable_problem(name: str, value: object) -> str | None:
    if not isinstance(value, str):
        return f"variables.{name}: expected a string"
    if not _VARIABLE.fullmatch(name):
        return f"variables: {name!r} is not a variable name (lower-case letters, digits and -)"
    if "style" in name:
        ok = _is_style(value)
    else:
        ok = _is_colour(value)
    if not ok:
        kind = "a text style such as bold or none" if "style" in name else "a colour (#RRGGBB, a name, ansi_*)"
        return f"variables.{name}: {value!r} is not {kind}"
    return None


class ThemeFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # see model._Model

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
    luminosity_spread: Fraction = 0.15
    text_alpha: Fraction = 0.95
    variables: dict[str, str] = {}

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not _NAME.fullmatch(value):
            raise ValueError(f"{value!r} is not a theme name (letters, digits, space, . _ -; up to 40)")
        return value

    @field_validator("variables")
    @classmethod
    def _plain_variables(cls, value: dict[str, str]) -> dict[str, str]:
        problems = [p for name, v in value.items() if (p := _variable_problem(name, v))]
        if problems:
            raise ValueError("; ".join(problems))
        return value

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

    def to_theme(self, check: bool = True) -> Theme:
        """`check`: have Textual build the theme's colours now. Off for the bundled themes: the tests
        build each of them (tests/tui/test_themes.py), and four builds were 1.5 ms of every start."""
        data = self.model_dump()
        if self.ansi:
            data["variables"] = {**_ANSI_DEFAULTS[self.dark], **self.variables}
        theme = Theme(**data)
        if not check:
            return theme
        try:  # what the app does with it at start: any error here would crash it there
            colours = theme.to_color_system().generate()
        except Exception as exc:  # noqa: BLE001 - Textual's own error, named in the message
            raise ValueError(f"Textual cannot use it: {exc}") from None
        for name, value in colours.items():
            if isinstance(value, str) and "nan" in value.lower():
                raise ValueError(f"Textual cannot use it: {name} comes out as {value!r}")
        return theme


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def load_theme_file(path: Path, check: bool = True) -> Theme:
    """One theme; raises ValueError with a message that names the problem. `check`: see to_theme."""
    try:
        data = read_toml_file(path, "theme file", MAX_CONFIG_BYTES)
    except PlanError as exc:
        raise ValueError(exc.message) from None
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read: {exc}") from None
    try:
        return ThemeFile.model_validate(data).to_theme(check)
    except ValidationError as exc:
        raise ValueError("; ".join(validation_problems(exc))) from None


def load_themes() -> tuple[list[Theme], list[str]]:
    """Every theme that loads, and one line per file that does not (file name and problem)."""
    themes: list[Theme] = []
    problems: list[str] = []
    for folder, check in ((themes_dir(), False), (user_themes_dir(), True)):
        if not folder.is_dir():
            continue
        try:
            paths = sorted(folder.glob("*.toml"))
        except OSError as exc:
            problems.append(f"{visible(str(folder))}: cannot list the themes: {exc.strerror or exc}")
            continue
        for path in paths:
            try:
                themes.append(load_theme_file(path, check))
            except ValueError as exc:
                problems.append(f"{visible(str(path))}: {exc}")
            except RecursionError:
                problems.append(f"{visible(str(path))}: nested too deep to be a theme")
    return themes, problems


def start_theme(wanted: str | None, available: Mapping[str, Theme], colour_system: str | None) -> str:
    """The theme the planner starts in: `wanted` (config.toml's) if there is one by that name, else the
    default; but in a terminal of 16 colours, ansi-16 for a theme of 24-bit colours (any but an ANSI one).
    Such a terminal gets each colour rounded to the nearest of its 16, and planner-dark came out with its
    orange WARN as red as a FAIL, its green PASS cyan, the panes without the focus without a frame (black
    on black) and the verdict bar grey whatever the verdict; planner-light worse (white on white). The
    remembered theme stays in config.toml, and ctrl+p still switches to any theme for the session."""
    name = wanted if wanted is not None and wanted in available else DEFAULT_THEME
    if colour_system in SIXTEEN_COLOURS and not available[name].ansi and SIXTEEN_COLOURS_THEME in available:
        return SIXTEEN_COLOURS_THEME
    return name
