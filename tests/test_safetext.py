"""The text filter against its definition, character by character: which characters are controls,
which are bidi or invisible, and what `visible` leaves of them. The filter skips its patterns for
text that is all printable, so any character Python calls printable but the planner refuses would
get through; these tests draw text from every kind of character to find one."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from planner.safetext import find_control, find_format, json_safe, visible

FORMAT = {*range(0x200B, 0x2010), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF}


def is_control(char: str, allow_newlines: bool = False) -> bool:
    code = ord(char)
    if allow_newlines and char in "\t\n":
        return False
    return code < 0x20 or 0x7F <= code <= 0x9F


def is_format(char: str) -> bool:
    return ord(char) in FORMAT


def is_surrogate(char: str) -> bool:
    return 0xD800 <= ord(char) <= 0xDFFF


# every kind of character: controls, the format characters, surrogates, spaces of all sorts, letters
# of other scripts, combining marks, private use, unassigned code points, emoji
CHARACTERS = st.one_of(
    st.sampled_from([chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0), *FORMAT, 0xDC80, 0xDCFF, 0xD800,
                                      0x00A0, 0x1680, 0x2000, 0x200A, 0x202F, 0x205F, 0x3000, 0x00AD, 0x061C,
                                      0x180E, 0xE000, 0xFFFF, 0x10FFFF, 0x0378, 0x1F600)]),
    st.characters(codec=None),
    st.characters(max_codepoint=0x7F),
)
TEXT = st.text(CHARACTERS, max_size=20)


@given(TEXT, st.booleans())
@example("HS\u200bNH", False)
@example("Notes\nwith lines\tand tabs", True)
@example("Stra\u00dfe \u00e9cole", False)
@settings(max_examples=400)
def test_find_control_finds_the_first_control_character(text: str, allow_newlines: bool) -> None:
    expected = next((c for c in text if is_control(c, allow_newlines)), None)
    assert find_control(text, allow_newlines) == expected


@given(TEXT)
@example("BB\u202eZW")
@example("plain")
@settings(max_examples=400)
def test_find_format_finds_the_first_bidi_or_invisible_character(text: str) -> None:
    assert find_format(text) == next((c for c in text if is_format(c)), None)


@given(TEXT, st.booleans(), st.booleans())
@example("\x1b]52;c;aGk=\x07", False, False)
@example("Z\u00fcrich \u2014 M\u00e1laga", False, False)
@settings(max_examples=400)
def test_visible_escapes_exactly_what_is_refused(text: str, keep_newlines: bool, keep_format: bool) -> None:
    def refused(c: str) -> bool:
        return is_control(c, keep_newlines) or is_surrogate(c) or (is_format(c) and not keep_format)

    shown = visible(text, keep_newlines, keep_format)
    if not any(refused(c) for c in text):
        assert shown == text  # nothing to escape: the text as it is
    else:
        assert shown != text
        assert not any(refused(c) for c in shown)
    shown.encode("utf-8")  # always encodes


@given(TEXT)
@settings(max_examples=200)
def test_json_safe_leaves_no_bidi_invisible_or_surrogate_character(text: str) -> None:
    safe = json_safe(text)
    assert not any(is_format(c) or is_surrogate(c) for c in safe)
    if not any(is_format(c) or is_surrogate(c) for c in text):
        assert safe == text
