"""Numbers typed into the TUI's fields: parsed without ever raising, whatever was typed or pasted.

A field's text is a number, or `Invalid` with why not in the words of its error line: a type of
its own, so that no caller takes the words for a number (or a number for words)."""

from __future__ import annotations

from dataclasses import dataclass

from planner.amounts import parse_euros

# longer than any amount the plan can hold; int() of thousands of digits is refused by Python itself
MAX_TYPED = 40


@dataclass(frozen=True)
class Invalid:
    """What was typed is not a number: `why`, as the field's error line says it."""

    why: str


def parse_amount(text: str) -> int | Invalid:
    """Whole euros, or why not ("is not an amount in whole euros", "has cents; give whole euros")."""
    text = text.strip()
    if len(text) > MAX_TYPED:
        return Invalid(f"is too long to be an amount ({len(text)} characters)")
    try:
        amount = parse_euros(text)
        if text.startswith("-") and isinstance(parse_euros(text[1:]), int):
            return Invalid("is negative: an amount is 0 or more")
    except (ValueError, OverflowError):
        amount = "is not a whole number of euros"
    if amount == "is not a whole number of euros":
        return Invalid("is not an amount in whole euros")
    return Invalid(amount) if isinstance(amount, str) else amount


def parse_count(text: str, maximum: int) -> int | Invalid:
    """A whole number from 0 to `maximum`, or why not."""
    text = text.strip()
    if len(text) > MAX_TYPED or not text.isascii() or not text.isdigit():
        return Invalid(f"a whole number from 0 to {maximum}")
    value = int(text)
    return value if value <= maximum else Invalid(f"a whole number from 0 to {maximum}")
