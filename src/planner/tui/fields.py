"""Numbers typed into the TUI's fields: parsed without ever raising, whatever was typed or pasted."""

from __future__ import annotations

from planner.amounts import parse_euros

# longer than any amount the plan can hold; int() of thousands of digits is refused by Python itself
MAX_TYPED = 40


def parse_amount(text: str) -> int | str:
    """Whole euros, or why not ("is not an amount in whole euros", "has cents; give whole euros")."""
    text = text.strip()
    if len(text) > MAX_TYPED:
        return f"is too long to be an amount ({len(text)} characters)"
    try:
        amount = parse_euros(text)
        if text.startswith("-") and isinstance(parse_euros(text[1:]), int):
            return "is negative: an amount is 0 or more"
    except (ValueError, OverflowError):
        amount = "is not a whole number of euros"
    if amount == "is not a whole number of euros":
        return "is not an amount in whole euros"
    return amount


def parse_count(text: str, maximum: int) -> int | str:
    """A whole number from 0 to `maximum`, or why not."""
    text = text.strip()
    if len(text) > MAX_TYPED or not text.isascii() or not text.isdigit():
        return f"a whole number from 0 to {maximum}"
    value = int(text)
    return value if value <= maximum else f"a whole number from 0 to {maximum}"
