"""Amounts as people type them: separators, currency marks and multipliers (k, M, Mio, million)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.amounts import parse_euros

WHOLE = st.integers(min_value=0, max_value=10**12)


def _grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@given(WHOLE, st.sampled_from([",", ".", " ", "'", "\u00a0", "\u202f"]),
       st.sampled_from(["{}", "EUR {}", "€{}", "{} €", "{} EUR", "{} euros", "eur{}"]))
def test_whole_euros_with_any_thousands_separator_and_currency(n, sep, shape):
    assert parse_euros(shape.format(_grouped(n, sep))) == n


@given(WHOLE, st.sampled_from([(",", ".00"), (".", ",00"), (" ", ".00"), (" ", ",0")]))
def test_zero_cents_are_whole_euros(n, marks):
    sep, cents = marks
    assert parse_euros(_grouped(n, sep) + cents) == n


@given(st.integers(min_value=0, max_value=10**8), st.integers(min_value=1, max_value=99))
def test_real_cents_are_refused(n, cents):
    assert parse_euros(f"{n}.{cents:02d}") == "has cents; give whole euros"


@given(st.integers(min_value=0, max_value=10**6),
       st.sampled_from(["{}k", "{}K", "{} k", "{} thousand", "{} Tsd.", "EUR {}k", "€{}k"]))
def test_thousands(n, shape):
    assert parse_euros(shape.format(n)) == n * 1000


@given(st.integers(min_value=0, max_value=10**5),
       st.sampled_from(["{}M", "{}m", "{} million", "{} Mio", "{} Mio.", "€{}m", "EUR {} mln", "{}M€",
                        "{} Mio. EUR", "{} millions"]),
       st.sampled_from([".", ","]))
def test_millions_with_a_decimal_point_or_comma(hundredths, shape, mark):
    # '1.45M' and '1,45 Mio': two decimals of a million are whole euros
    number = f"{hundredths // 100}{mark}{hundredths % 100:02d}"
    assert parse_euros(shape.format(number)) == hundredths * 10_000


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["k", "M", " Mio"]))
def test_a_single_mark_before_three_digits_groups_thousands_as_everywhere(n, unit):
    # '1,450k' is 1,450 thousand, as '1,450' is 1,450
    power = 3 if unit == "k" else 6
    assert parse_euros(f"1,{n:03d}{unit}") == (1000 + n) * 10**power
    assert parse_euros(f"1.{n:03d}{unit}") == (1000 + n) * 10**power


@pytest.mark.parametrize("text,expected", [
    ("1.45M", 1_450_000), ("1,45 Mio", 1_450_000), ("EUR 1 450 000", 1_450_000), ("€1.45m", 1_450_000),
    ("1.45 million", 1_450_000), ("1450k", 1_450_000), ("1,5 Mio. €", 1_500_000), ("0.5k", 500),
    ("3,950,000", 3_950_000), ("250.000,00", 250_000), ("€3950000", 3_950_000), ("120.000", 120_000),
])
def test_the_forms_people_type(text, expected):
    assert parse_euros(text) == expected


@pytest.mark.parametrize("text,why", [
    ("1.2345k", "has cents; give whole euros"), ("1..5M", "is not a whole number of euros"),
    ("M", "is not a whole number of euros"), ("-1M", "is not a whole number of euros"),
    ("1e6", "is not a whole number of euros"), ("5 apples", "is not a whole number of euros"),
    ("1'45M", "is not a whole number of euros"), ("12.50", "has cents; give whole euros"),
])
def test_what_is_not_an_amount_says_why(text, why):
    assert parse_euros(text) == why


def test_a_huge_multiplied_amount_is_described_not_computed():
    assert parse_euros("9" * 5000 + "M") == "is too large (5,006 digits)"
    assert parse_euros("99999999999999999999M") == "is too large (26 digits)"


@given(st.text(max_size=30))
def test_never_raises(text):
    assert isinstance(parse_euros(text), (int, str))


@pytest.mark.parametrize("text,expected", [
    ("240k", 240_000), ("8.000", 8_000), ("1,45 Mio", 1_450_000), (" 12k ", 12_000),
    ("-240k", "is negative: an amount is 0 or more"), ("12.5", "has cents; give whole euros"),
    ("5 apples", "is not an amount in whole euros"), ("9" * 41, "is too long to be an amount (41 characters)"),
])
def test_every_amount_field_reads_through_one_function(text, expected):
    from planner.amounts import read_amount
    from planner.typed_numbers import Invalid, parse_amount

    assert read_amount(text) == expected
    # the TUI's fields read amounts through it, what is not one as Invalid with the same words
    assert parse_amount(text) == (Invalid(expected) if isinstance(expected, str) else expected)


SPACE_NOT_GROUPING = "has a space between digits that is no thousands separator ('8 000'): is it two amounts?"


@pytest.mark.parametrize("text", [
    "8000 1500",  # two cells of a spreadsheet pasted into one field: was EUR 80,001,500
    "1 5", "3 919 215 4 000 000", "12 34", "1 2345", "1\u00a05", "EUR 8000 1500", "1 500 2k",
])
def test_a_space_between_digits_that_groups_no_thousands_is_refused(text):
    assert parse_euros(text) == SPACE_NOT_GROUPING


@given(st.integers(min_value=1000, max_value=10**12), st.sampled_from([" ", "\u00a0", "\u202f"]))
def test_a_space_between_thousands_is_still_read(n, space):
    assert parse_euros(_grouped(n, space)) == n
    assert parse_euros(_grouped(n, space) + ",00") == n
