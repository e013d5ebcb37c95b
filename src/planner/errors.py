"""The one error type of the core: a plan or rules file that cannot be used, said plainly."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, time
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
    return type(value).__name__


def _shown(value: Any) -> str:
    """A short, safe rendering of a found value: repr escapes control characters; a huge integer is
    described, not printed (Python refuses to print integers of more than 4,300 digits)."""
    if isinstance(value, (date, time)):  # as TOML writes it, not Python's datetime.datetime(3000, 3, 10, ...)
        return value.isoformat()
    if isinstance(value, bool):  # as TOML writes it: true, not Python's True
        return "true" if value else "false"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value).bit_length() > 64:
        digits = f"{len(str(abs(value))):,}" if abs(value).bit_length() < 14_000 else "more than 4,000"
        return f"a number of {digits} digits"
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:57]) + f"... ({len(value):,} characters)"
    try:
        text = repr(value) if not isinstance(value, (list, tuple, dict)) or len(value) <= 20 else ""
    except ValueError:  # a huge integer inside an array or table
        text = ""
    if not text:
        return f"{_type_name(value)} of {len(value)} item{'s' if len(value) != 1 else ''}"
    return text if len(text) <= 60 else text[:57] + "..."


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
        elif kind in BOUNDS and isinstance(bound := (error.get("ctx") or {}).get(BOUNDS[kind][0]), (int, float)):
            # pydantic's 'Input should be greater than or equal to 0': said as a person would
            text = ("cannot be negative" if kind == "greater_than_equal" and bound == 0
                    else f"{BOUNDS[kind][1]} {bound:,}") + f"; found {_shown(value)}"
        elif kind.endswith("_type") or kind in ("model_type", "model_attributes_type"):
            expected = kind.removesuffix("_type").replace("model_attributes", "table").replace("model", "table")
            expected = {"int": "integer", "str": "string", "bool": "boolean", "list": "array", "tuple": "array",
                        "dict": "table"}.get(expected, expected)
            text = f"expected {expected}, found {_type_name(value)} {_shown(value)}"
        else:
            text = f"{error['msg'].removeprefix('Value error, ')}; found {_shown(value)}"
        problems.append(f"{key_path(loc)}: {text}")
    return problems


def describe_validation_error(exc: ValidationError, _data: Any = None) -> str:
    return "; ".join(validation_problems(exc))
