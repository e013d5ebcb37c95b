"""Numbers typed into the TUI's fields: parsed without ever raising, whatever was typed or pasted.

A field's text is a number, or `Invalid` with why not in the words of its error line: a type of
its own, so that no caller takes the words for a number (or a number for words)."""

from __future__ import annotations

from dataclasses import dataclass

from planner.amounts import MAX_TYPED, read_amount


@dataclass(frozen=True)
class Invalid:
    """What was typed is not a number: `why`, as the field's error line says it."""

    why: str


def parse_amount(text: str) -> int | Invalid:
    """Whole euros, or why not: `amounts.read_amount`, the one reading of every amount field."""
    amount = read_amount(text)
    return Invalid(amount) if isinstance(amount, str) else amount


def parse_count(text: str, maximum: int) -> int | Invalid:
    """A whole number from 0 to `maximum`, or why not."""
    text = text.strip()
    if len(text) > MAX_TYPED or not text.isascii() or not text.isdigit():
        return Invalid(f"a whole number from 0 to {maximum}")
    value = int(text)
    return value if value <= maximum else Invalid(f"a whole number from 0 to {maximum}")
