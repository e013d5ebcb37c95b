"""The one place where user text becomes something Textual draws: always literal, never markup.

Anything that comes from a plan, a CSV, a config or theme file, a file name or the keyboard is
passed through `literal()` (a Rich Text built from the plain string, control characters made
visible) before a widget shows it. No widget builds a markup string from user text by hand.
"""

from __future__ import annotations

from rich.text import Text

from planner.safetext import visible


def literal(value: object, style: str = "", keep_newlines: bool = False) -> Text:
    """A Text that shows value exactly as written: brackets stay brackets, ESC shows as \\x1b."""
    return Text(visible(str(value), keep_newlines=keep_newlines), style=style)


def plain(value: object, keep_newlines: bool = False) -> str:
    """value as a plain str safe for a widget that takes markup=False (titles, DataTable cells)."""
    return visible(str(value), keep_newlines=keep_newlines)


def editable(value: object) -> str:
    """The value of a field the user edits (an Input): control characters made visible, as everywhere,
    but bidi and invisible characters kept (the loader allows them in titles and notes, and an edit
    of another field must not rewrite them as text). Names, short names and PICs refuse them anyway."""
    return visible(str(value), keep_format=True)


def markup_or_literal(message: str) -> tuple[str, bool]:
    """For Textual's own notifications, which are markup: (message, True) when it parses, else the
    message made visible with markup off. A planner message never comes here: it is always literal."""
    from textual.content import Content
    from textual.markup import MarkupError

    shown = visible(message, keep_newlines=True)
    if shown != message:  # a control character (from a path Textual quotes): literal, made visible
        return shown, False
    try:
        Content.from_markup(message)
    except (MarkupError, ValueError):
        return shown, False
    return message, True


def scrub_input(field) -> bool:
    """Make control characters pasted into an Input visible text (\\x1b): an Input draws its value as it is,
    so an escape sequence in it would reach the terminal. True when the value was changed."""
    shown = editable(field.value)
    if shown == field.value:
        return False
    field.value = shown
    return True
