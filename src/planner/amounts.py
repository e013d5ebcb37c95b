"""Amounts of euros as people type them: '3,950,000', 'EUR 3 950 000', '250.000,00', '€3950000', and
with a multiplier: '1.45M', '1,45 Mio', '€1.45m', '1.45 million', '1450k', '1,5 Mio. €'."""

from __future__ import annotations

import re
from decimal import Decimal

_CURRENCY = re.compile(r"euros?|eur|€", re.IGNORECASE)
# whole euros with or without thousands separators ('1,234', '1.234', "1'234"), then maybe cents
# no amount in a plan has more than 10 digits (EUR 1,000,000,000 at most, see model.MAX_EUROS); a longer
# one is refused here with a short message instead of being printed back in full
_MAX_DIGITS = 15
_AMOUNT = re.compile(r"(?P<whole>\d{1,3}(?P<sep>[,.'])\d{3}(?:(?P=sep)\d{3})*|\d+)(?:(?P<dot>[.,])(?P<cents>\d{1,2}))?")
# a multiplier after the number, as English and the programme countries' languages abbreviate it
_MULTIPLIERS = {
    "k": 3, "thousand": 3, "thousands": 3, "tsd": 3, "tausend": 3, "mille": 3,
    "m": 6, "mio": 6, "mln": 6, "mn": 6, "mill": 6, "million": 6, "millions": 6, "millionen": 6,
    "millones": 6, "milioni": 6, "miljoen": 6, "miljoonaa": 6, "miljon": 6, "miljoner": 6, "milion": 6,
    "milionów": 6, "millió": 6, "milionu": 6,
    "bn": 9, "billion": 9, "mrd": 9, "milliard": 9, "milliarde": 9, "milliarden": 9,
}
# digits with spaces between them ('3 950 000', as a spreadsheet writes thousands): each space must group
# thousands, or '8000 1500' (two cells pasted into one field) was read as EUR 80,001,500
_SPACE = r"[\s\u00a0\u202f]"
_DIGITS_AND_SPACES = re.compile(rf"\d+(?:{_SPACE}+\d+)+")
_THOUSANDS_BY_SPACES = re.compile(rf"\d{{1,3}}(?:{_SPACE}\d{{3}})+")
SPACE_NOT_GROUPING = "has a space between digits that is no thousands separator ('8 000'): is it two amounts?"
_SCALED = re.compile(r"(?P<number>\d[\d.,']*)(?P<unit>[^\d.,']+)\.?", re.IGNORECASE)


# longer than any amount the plan can hold; int() of thousands of digits is refused by Python itself
MAX_TYPED = 40


def read_amount(text: str) -> int | str:
    """An amount typed into any field of the planner (the grant, a partner's share, a budget line's
    euros), or why not ("is not an amount in whole euros", "has cents; give whole euros", "is negative:
    ..."). The one reading of amounts: '240k', '8.000', '1,45 Mio' mean the same in every field. Never
    raises, whatever was typed or pasted."""
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


def parse_euros(text: str) -> int | str:
    """Whole euros, or why not. '250,000.00', '250.000,00', 'EUR 250 000', '€250000' -> 250000;
    '120.000' and '120,000' -> 120000 (three digits after the mark: thousands); '12.50' -> 'has cents; ...';
    '1.45M', '1,45 Mio', '1450k', '1.45 million' -> 1450000."""
    if any(not _THOUSANDS_BY_SPACES.fullmatch(run[0]) for run in _DIGITS_AND_SPACES.finditer(text)):
        return SPACE_NOT_GROUPING
    compact = re.sub(_SPACE, "", _CURRENCY.sub("", text))
    scaled = _SCALED.fullmatch(compact)
    if scaled is not None and scaled["unit"].casefold().rstrip(".") in _MULTIPLIERS:
        return _scaled(scaled["number"], _MULTIPLIERS[scaled["unit"].casefold().rstrip(".")])
    match = _AMOUNT.fullmatch(compact)
    if match is None or (match["dot"] and match["dot"] == match["sep"]):
        return "is not a whole number of euros"
    if match["cents"] and int(match["cents"]):
        return "has cents; give whole euros"
    digits = re.sub(r"\D", "", match["whole"]).lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS:  # also keeps int() away from Python's 4,300-digit limit
        return f"is too large ({len(digits):,} digits)"
    return int(digits)


def _scaled(number: str, power: int) -> int | str:
    """'1.45' million, '1,45' Mio, '1450' k: a decimal mark is the last '.' or ',' unless it is the
    only one and three digits follow it ('1,450k' is 1,450 thousand, as '1,450' is 1,450)."""
    marks = [c for c in number if c in ".,'"]
    whole, fraction = number, ""
    if marks:
        last = max(number.rfind("."), number.rfind(","))
        thousands_only = len(set(marks)) == 1 and (len(marks) > 1 or len(number) - last - 1 == 3)
        if not thousands_only and marks[-1] != "'":
            whole, fraction = number[:last], number[last + 1:]
        if not re.fullmatch(r"\d{1,3}(?:([,.'])\d{3}(?:\1\d{3})*)?|\d+", whole) or not fraction.isdigit() and fraction:
            return "is not a whole number of euros"
        if fraction and any(c in fraction for c in ".,'"):
            return "is not a whole number of euros"
    digits = re.sub(r"\D", "", whole).lstrip("0")
    if len(digits) + power > _MAX_DIGITS:
        return f"is too large ({len(digits) + power:,} digits)"
    value = Decimal(f"{digits or '0'}.{fraction or '0'}").scaleb(power)
    if value != value.to_integral_value():
        return "has cents; give whole euros"
    return int(value)
