"""Numbers typed into the TUI's fields: parsed without ever raising, whatever was typed or pasted."""

from __future__ import annotations

from planner.amounts import MAX_TYPED, read_amount


def parse_amount(text: str) -> int | str:
    """Whole euros, or why not: `amounts.read_amount`, the one reading of every amount field."""
    return read_amount(text)


def parse_count(text: str, maximum: int) -> int | str:
    """A whole number from 0 to `maximum`, or why not."""
    text = text.strip()
    if len(text) > MAX_TYPED or not text.isascii() or not text.isdigit():
        return f"a whole number from 0 to {maximum}"
    value = int(text)
    return value if value <= maximum else f"a whole number from 0 to {maximum}"
