"""Amounts of euros as people type them: '3,950,000', 'EUR 3 950 000', '250.000,00', '€3950000'."""

from __future__ import annotations

import re

_CURRENCY = re.compile(r"euros?|eur|€", re.IGNORECASE)
# whole euros with or without thousands separators ('1,234', '1.234', "1'234"), then maybe cents
# no amount in a plan has more than 10 digits (EUR 1,000,000,000 at most, see model.MAX_EUROS); a longer
# one is refused here with a short message instead of being printed back in full
_MAX_DIGITS = 15
_AMOUNT = re.compile(r"(?P<whole>\d{1,3}(?P<sep>[,.'])\d{3}(?:(?P=sep)\d{3})*|\d+)(?:(?P<dot>[.,])(?P<cents>\d{1,2}))?")


def parse_euros(text: str) -> int | str:
    """Whole euros, or why not. '250,000.00', '250.000,00', 'EUR 250 000', '€250000' -> 250000;
    '120.000' and '120,000' -> 120000 (three digits after the mark: thousands); '12.50' -> 'has cents; ...'."""
    compact = re.sub(r"[\s\u00a0\u202f]", "", _CURRENCY.sub("", text))
    match = _AMOUNT.fullmatch(compact)
    if match is None or (match["dot"] and match["dot"] == match["sep"]):
        return "is not a whole number of euros"
    if match["cents"] and int(match["cents"]):
        return "has cents; give whole euros"
    digits = re.sub(r"\D", "", match["whole"]).lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS:  # also keeps int() away from Python's 4,300-digit limit
        return f"is too large ({len(digits):,} digits)"
    return int(digits)


def euros(text: str) -> int | None:
    """Whole euros, or None when the text is not an amount (words, negative, real cents)."""
    amount = parse_euros(text)
    return amount if isinstance(amount, int) else None
