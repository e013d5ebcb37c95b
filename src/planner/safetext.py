"""Control characters in user text: found for the loader, made visible for every text output.

Terminals obey escape sequences (OSC 52 writes the clipboard, OSC 0 the window title), so no
byte from a plan, a CSV or a config may reach one raw. The loader refuses control characters
(`find_control`); whatever still gets through is shown as a visible escape (`visible`), the way
git shows odd bytes in file names.
"""

from __future__ import annotations

import re

# C0 (but tab and newline are handled by the caller), DEL, C1
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def find_control(value: str, allow_newlines: bool = False) -> str | None:
    """The first control character in value, or None. Newline and tab pass only where allowed."""
    found = (_CONTROL if allow_newlines else _CONTROL_ALL).search(value)
    return found.group() if found else None


def describe_control(char: str) -> str:
    """'control character U+001B', for error messages."""
    return f"control character U+{ord(char):04X}"


def visible(value: str, keep_newlines: bool = False) -> str:
    """value with every control character written as \\xNN; newline and tab kept when asked."""
    return (_CONTROL if keep_newlines else _CONTROL_ALL).sub(_escape, value)
