"""The one error type of the core: a plan or rules file that cannot be used, said plainly."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from pydantic import ValidationError


class PlanError(Exception):
    """A file (or call id) that cannot be used. `str()` is the message a user sees."""

    def __init__(self, origin: str, message: str, problems: Sequence[str] = ()) -> None:
        self.origin = origin
        self.message = message
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        head = f"{self.origin}: {self.message}"
        if not self.problems:
            return head
        return head + "\n" + "\n".join(f"  - {p}" for p in self.problems)


def key_path(loc: Iterable[Any]) -> str:
    """('partners', 3, 'country') -> 'partners[3].country' (indexes count from 0, as in the file's order)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


# what a pattern of the format means, in words (the pattern itself is pydantic's way to say it)
PATTERN_WORDS = {"^[0-9]{9}$": "a PIC is 9 digits"}
# pydantic's error types for a bound: (the key of the bound in its context, the words before it)
BOUNDS = {"greater_than_equal": ("ge", "must be at least"), "greater_than": ("gt", "must be more than"),
          "less_than_equal": ("le", "must be at most"), "less_than": ("lt", "must be less than")}


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "table"
    if isinstance(value, datetime):  # TOML's words: a date-time, a date, a time
        return "date-time"
    return type(value).__name__


# a found value is shown as TOML writes it when it is this short; else described ("an array of 30 tables")
SHOWN_LENGTH = 60
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml_like(value: Any, room: int) -> str | None:
    """`value` as TOML would write it ([{x = 1}], not Python's [{'x': 1}]), or None when it takes more
    than `room` characters (or holds an integer too large to print)."""
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int):
        if abs(value).bit_length() > 64:
            return None
        text = str(value)
    elif isinstance(value, float):
        text = ("inf" if value > 0 else "-inf") if math.isinf(value) else "nan" if math.isnan(value) else repr(value)
    elif isinstance(value, (date, time)):
        text = value.isoformat()
    elif isinstance(value, (list, tuple, dict)):
        parts: list[str] = []
        used = 2
        items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
        for key, item in items:
            said = "" if key is None else (key if _BARE_KEY.fullmatch(str(key)) else repr(str(key))) + " = "
            shown = _toml_like(item, room - used - len(said))
            if shown is None:
                return None
            parts.append(said + shown)
            used += len(parts[-1]) + 2
            if used > room:
                return None
        text = ("{%s}" if isinstance(value, dict) else "[%s]") % ", ".join(parts)
    else:
        text = str(value)
    return text if len(text) <= room else None


def _described(value: Any) -> str:
    """A found value too long to show, in words: 'an array of 30 tables', 'a table of 2 keys'."""
    if isinstance(value, dict):
        return f"a table of {len(value):,} key{'s' if len(value) != 1 else ''}"
    kinds = {_type_name(item) for item in value}
    noun = {"table": "table", "array": "array", "string": "string"}.get(kinds.pop(), "item") if len(kinds) == 1 \
        else "item"
    return f"an array of {len(value):,} {noun}{'s' if len(value) != 1 else ''}"


def _shown(value: Any) -> str:
    """A short, safe rendering of a found value, as TOML writes it: repr escapes control characters in a
    string; a huge integer is described, not printed (Python refuses to print integers of more than 4,300
    digits), and so is an array or a table too long to show."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value).bit_length() > 64:
        digits = f"{len(str(abs(value))):,}" if abs(value).bit_length() < 14_000 else "more than 4,000"
        return f"a{' negative' if value < 0 else ''} number of {digits} digits"
    if isinstance(value, str) and len(value) > SHOWN_LENGTH:
        return repr(value[:57]) + f"... ({len(value):,} characters)"
    shown = _toml_like(value, SHOWN_LENGTH)
    if shown is not None:
        return shown
    if isinstance(value, (list, tuple, dict)):
        return _described(value)
    return str(value)[:57] + "..."


def _found(value: Any) -> str:
    """'integer 3', "array [{x = 1}]", 'an array of 30 tables': a found value with its type."""
    shown = _shown(value)
    return shown if shown.startswith(("a ", "an ")) else f"{_type_name(value)} {shown}"


def validation_problems(
    exc: ValidationError, allowed_keys: Callable[[tuple[Any, ...]], Sequence[str] | None] | None = None
) -> list[str]:
    """One line per pydantic error: key path, what was found, what is allowed."""
    problems: list[str] = []
    for error in exc.errors(include_url=False):
        # pydantic's own parts of a path go: "function-after[...]", "literal[...]", and "[key]" after a table's
        # key ("partners[2].budget.W P" is the key that is wrong)
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and (
            p.startswith(("function-", "literal[")) or p == "[key]")))
        kind = error["type"]
        value = error.get("input")
        if kind == "missing":
            text = "missing; this key is required"
        elif kind == "extra_forbidden":
            allowed = allowed_keys(loc[:-1]) if allowed_keys else None
            text = f"unknown key {loc[-1]!r}"
            if allowed:
                text += f"; allowed keys here: {', '.join(allowed)}"
            problems.append(f"{key_path(loc)}: {text}")
            continue
        elif kind == "control_character":
            text = error["msg"]
        elif kind == "duplicate":  # said on the array; `at` is the repeated item in it ("[3].short_name")
            problems.append(f"{key_path(loc)}{(error.get('ctx') or {}).get('at', '')}: {error['msg']}")
            continue
        elif kind == "too_large":
            text = f"{error['msg']}; found {_shown(value)}"
        elif kind in ("string_too_long", "too_long") and isinstance(value, str):
            limit = (error.get("ctx") or {}).get("max_length")
            text = f"longer than {limit:,} characters; found {len(value):,}" if limit else error["msg"]
        elif kind in ("string_too_short", "too_short"):
            # pydantic's 'Value should have at least 1 item after validation, not 0' for a name
            least = (error.get("ctx") or {}).get("min_length", 1)
            if isinstance(value, str):
                text = "cannot be empty" if least == 1 else f"must be at least {least:,} characters long"
            else:
                text = f"must hold at least {least:,} item{'s' if least != 1 else ''}"
            text += f"; found {_shown(value)}"
        elif kind == "string_pattern_mismatch":  # pydantic's 'String should match pattern '^[0-9]{9}$''
            said = PATTERN_WORDS.get(str((error.get("ctx") or {}).get("pattern")), "does not have the form allowed")
            text = f"{said}; found {_shown(value)}"
        elif kind == "literal_error":  # 'Input should be 'coordinator', 'beneficiary', ...'
            text = f"expected one of {(error.get('ctx') or {}).get('expected', '')}; found {_found(value)}"
        elif kind in BOUNDS and isinstance(bound := (error.get("ctx") or {}).get(BOUNDS[kind][0]), (int, float)):
            # pydantic's 'Input should be greater than or equal to 0': said as a person would
            text = ("cannot be negative" if kind == "greater_than_equal" and bound == 0
                    else f"{BOUNDS[kind][1]} {bound:,}") + f"; found {_shown(value)}"
        elif kind.endswith("_type") or kind in ("model_type", "model_attributes_type"):
            expected = kind.removesuffix("_type").replace("model_attributes", "table").replace("model", "table")
            expected = {"int": "integer", "str": "string", "bool": "boolean", "list": "array", "tuple": "array",
                        "dict": "table"}.get(expected, expected)
            text = f"expected {expected}, found {_found(value)}"
        else:
            text = f"{error['msg'].removeprefix('Value error, ')}; found {_shown(value)}"
        problems.append(f"{key_path(loc)}: {text}")
    return problems


def describe_validation_error(exc: ValidationError, _data: Any = None) -> str:
    return "; ".join(validation_problems(exc))
