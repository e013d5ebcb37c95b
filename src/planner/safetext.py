"""Control characters in user text: found for the loader, made visible for every text output.

Terminals obey escape sequences (OSC 52 writes the clipboard, OSC 0 the window title), so no
byte from a plan, a CSV or a config may reach one raw. The loader refuses control characters
(`find_control`); whatever still gets through is shown as a visible escape (`visible`), the way
git shows odd bytes in file names.

Bidirectional controls and invisible format characters do no harm to a terminal, but they lie
to its reader: U+202E turns `BB\u202eZW` around, U+200B makes `HS\u200bNH` look like `HSNH`. The
loader refuses them in names, short names and PICs (`find_format`); wherever they still reach a
screen or an output (titles, notes, file names) they are shown as `<U+202E>`. A file name that is
not UTF-8 arrives as surrogate escapes (U+DC80-DCFF); it is shown as the bytes it had (`\xff`).

Keeps: the patterns compiled so far (`_COMPILED`, by their source; the same from any thread).
"""

from __future__ import annotations

import re

# C0 (but tab and newline are handled by the caller), DEL, C1
_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
_CONTROL_ALL = r"[\x00-\x1f\x7f-\x9f]"


# bidirectional embeddings, overrides and isolates; zero-width and direction marks; line and
# paragraph separators; the byte order mark (a zero-width no-break space inside text)
FORMAT_CHARACTERS = "\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
_FORMAT = f"[{FORMAT_CHARACTERS}]"
_SURROGATE = "\ud800-\udfff"  # U+DC80-DCFF: a byte of a name that was not UTF-8; others: broken text
_SHOWN = {  # (keep newlines, keep format characters): what is escaped
    (True, False): f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{FORMAT_CHARACTERS}{_SURROGATE}]",
    (False, False): f"[\\x00-\\x1f\\x7f-\\x9f{FORMAT_CHARACTERS}{_SURROGATE}]",
    (True, True): f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_SURROGATE}]",
    (False, True): f"[\\x00-\\x1f\\x7f-\\x9f{_SURROGATE}]",
}
_COMPILED: dict[str, re.Pattern[str]] = {}


def _pattern(source: str) -> re.Pattern[str]:
    """A pattern above, compiled when first needed. Text that is all printable (str.isprintable:
    no control, format, separator or surrogate character, so nothing any of them matches) skips
    them: the start, whose names and titles are such text, compiles none (1.5 ms)."""
    pattern = _COMPILED.get(source)
    if pattern is None:
        pattern = _COMPILED[source] = re.compile(source)
    return pattern


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # a byte of a file name that was not UTF-8
    if code > 0xFF:
        return f"<U+{code:04X}>"
    return f"\\x{code:02x}"


def find_format(value: str) -> str | None:
    """The first bidirectional control or invisible format character in value, or None."""
    if value.isprintable():
        return None
    found = _pattern(_FORMAT).search(value)
    return found.group() if found else None


def without_format(value: str) -> tuple[str, list[str]]:
    """value without its bidirectional controls and invisible format characters, and those it had (each
    once, in order): for a name pasted from a web page or a document, which often carries them unseen."""
    if value.isprintable():
        return value, []
    pattern = _pattern(_FORMAT)
    found = list(dict.fromkeys(pattern.findall(value)))
    return (pattern.sub("", value), found) if found else (value, [])


def describe_format(char: str) -> str:
    """'bidirectional control U+202E' or 'invisible character U+200B', for error messages."""
    code = ord(char)
    kind = "bidirectional control" if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 else \
        "invisible character"
    return f"{kind} U+{code:04X}"


def find_control(value: str, allow_newlines: bool = False) -> str | None:
    """The first control character in value, or None. Newline and tab pass only where allowed."""
    if value.isprintable():
        return None
    found = _pattern(_CONTROL if allow_newlines else _CONTROL_ALL).search(value)
    return found.group() if found else None


def describe_control(char: str) -> str:
    """'control character U+001B', for error messages."""
    return f"control character U+{ord(char):04X}"


def visible(value: str, keep_newlines: bool = False, keep_format: bool = False) -> str:
    """value with every control character written as \\xNN, every bidi or invisible one as <U+202E>,
    and every byte of a non-UTF-8 file name as \\xNN; newline and tab kept when asked. The result
    always encodes as UTF-8.

    `keep_format` leaves bidi and invisible characters as they are: for a field the user edits (a
    title, notes), whose value must stay the text it was, not become "<U+202E>" on the next save."""
    if value.isprintable():
        return value
    return _pattern(_SHOWN[keep_newlines, keep_format]).sub(_escape, value)


def shown_path(path: object) -> str:
    """A file name as every output shows it: on one line (a newline in it is \\x0a), escaped like text."""
    return visible(str(path))


def json_path(path: object) -> str:
    """A file name as JSON gives it: the name itself (JSON escapes a control character as \\u001b, a newline
    as \\n: a script opens the file by it), but a name that is not UTF-8 as the text outputs show it
    ('\\xff'): JSON holds no bytes, and a lone surrogate breaks strict JSON readers."""
    text = str(path)
    return shown_path(text) if _pattern(f"[{_SURROGATE}]").search(text) else text


_JSON_UNSAFE = f"[{FORMAT_CHARACTERS}{_SURROGATE}]"


def json_safe(text: str) -> str:
    """JSON text (from json.dumps, ensure_ascii=False) with bidi, invisible and surrogate characters
    written as \\uXXXX escapes: the same data for a JSON reader, nothing that reorders a terminal's line,
    and always valid UTF-8. They can only stand inside JSON strings, where an escape means the same."""
    return _pattern(_JSON_UNSAFE).sub(lambda m: f"\\u{ord(m.group()):04x}", text)
