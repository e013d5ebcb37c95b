"""A TOML file's text, edited in place: the values that changed change, everything else keeps its form.

For plans that a person or another tool wrote (spec, "Rules for the writer"): their comments, blank
lines, key order, quoting, inline tables, line endings and byte-order mark stay; a new key or table
is written in the planner's style after the key that comes before it in the new data; a removed
array-of-tables entry (a partner) takes the comment lines directly above it and inside it along.

`edit_text(text, old, new, render)` knows nothing of plans: `old` is what the text holds (one entry
per array item, in the file's order; a key the text leaves out may be there with its default), `new`
what it should hold, `render(value)` a value's TOML in the caller's style. Array items are matched
in order (unchanged ones first, then changed ones in place), so a partner edited keeps its comments.

tomlkit (style-preserving, maintained) is imported by `edit_text` alone: the planner's start and its
commands that only read never load it.
"""

from __future__ import annotations

from collections.abc import Callable
from difflib import SequenceMatcher
from typing import Any

Render = Callable[[object], str]
BOM = "\ufeff"


def line_ending(text: str) -> str:
    """'\\r\\n' when every line of `text` ends so, else '\\n'."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf == text.count("\n") else "\n"


def edit_text(text: str, old: dict[str, Any], new: dict[str, Any], render: Render) -> str:
    """`text` (a TOML document holding `old`) changed to hold `new`, keeping its form where nothing changed.

    Raises whatever tomlkit raises on a text it cannot edit; the caller checks the result."""
    import tomlkit  # only here: the start and the read-only commands never load it

    bom = text.startswith(BOM)
    body = text[1:] if bom else text
    newline = line_ending(body)
    doc = tomlkit.parse(body)
    _Editor(render, tomlkit).table(doc, old, new)
    out = doc.as_string()
    if newline == "\r\n":
        out = out.replace("\r\n", "\n").replace("\n", "\r\n")
    ending = newline * 2
    if out.endswith(ending) and not body.endswith(ending):
        out = out.rstrip("\r\n") + newline
    return (BOM if bom else "") + out


def _is_tables(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _scalar(value: object) -> bool:
    return not isinstance(value, dict) and not _is_tables(value)


class _Editor:
    def __init__(self, render: Render, tomlkit: Any) -> None:
        self.render = render
        self.tomlkit = tomlkit
        from tomlkit import items

        self.items = items

    # --- values ----------------------------------------------------------------------------

    def item(self, value: object, like: object = None) -> Any:
        """A tomlkit item for `value` in the caller's style; a literal string stays literal."""
        items = self.items
        if (isinstance(value, str) and isinstance(like, items.String) and like.type == items.StringType.SLL
                and "'" not in value and value.isprintable()):
            return self.tomlkit.parse(f"v = '{value}'\n")["v"]
        return self.tomlkit.parse("v = " + self.render(value) + "\n")["v"]

    def table_item(self, value: dict[str, Any], inline: bool) -> Any:
        if inline:
            return self.tomlkit.parse("v = {" + ", ".join(f"{_key(k)} = {self.render(v)}" for k, v in value.items()
                                                         if _scalar(v)) + "}")["v"]
        table = self.tomlkit.table()
        self.fill(table, value)
        return table

    def fill(self, table: Any, value: dict[str, Any]) -> None:
        for key, item in value.items():
            if isinstance(item, dict):
                sub = self.tomlkit.table()
                self.fill(sub, item)
                table.append(key, sub)
            elif _is_tables(item):
                aot = self.tomlkit.aot()
                for entry in item:
                    aot.append(self.table_item(entry, inline=False))
                table.append(key, aot)
            else:
                table.append(key, self.item(item))

    # --- tables ----------------------------------------------------------------------------

    def table(self, container: Any, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Make the tomlkit table `container` (holding `old`) hold `new`."""
        for key in [k for k in old if k not in new and k in container]:
            del container[key]
        for key, value in new.items():
            if key not in container:
                if key not in old or old[key] != value:
                    self.add(container, key, value, list(new))
                continue
            if key in old and old[key] == value:
                continue
            current = container[key]
            before = old.get(key)
            items = self.items
            if isinstance(value, dict) and isinstance(before, dict) and isinstance(current, (dict, items.Table)):
                self.table(current, before, value)
            elif (isinstance(value, list) and isinstance(before, list) and _is_tables(value) and _is_tables(before)
                  and isinstance(current, (items.AoT, items.Array))):
                body = container.body if hasattr(container, "body") else container.value.body
                self.array_of_tables(current, before, value, body)
            elif (isinstance(value, list) and isinstance(before, list) and isinstance(current, items.Array)
                  and all(_scalar(v) for v in value)):
                self.array(current, before, value)
            else:
                container[key] = self.item(value, current)

    def add(self, container: Any, key: str, value: object, order: list[str]) -> None:
        """A key the text does not have, after the key before it in `order` (scalars before tables)."""
        items = self.items
        if isinstance(container, items.InlineTable):
            container[key] = self.table_item(value, inline=True) if isinstance(value, dict) else self.item(value)
            return
        body = container.body if hasattr(container, "body") else container.value.body
        target = container if hasattr(container, "_insert_at") else container.value
        if isinstance(value, dict) or _is_tables(value):
            item = self.table_item(value, inline=False) if isinstance(value, dict) else self._aot(value)  # type: ignore[arg-type]
            target.append(key, item)
            return
        previous = order[:order.index(key)]
        index = None
        for i, (k, v) in enumerate(body):  # after the last earlier key that is a plain value
            if k is not None and k.key in previous and not isinstance(v, (items.Table, items.AoT)):
                index = i + 1
        if index is None:  # before the first plain value, else before the first table
            index = next((i for i, (k, v) in enumerate(body) if k is not None), len(body))
        if index >= len(body):
            target.append(key, self.item(value))
        else:
            target._insert_at(index, key, self.item(value))

    def _aot(self, value: list[dict[str, Any]]) -> Any:
        aot = self.tomlkit.aot()
        for entry in value:
            aot.append(self.table_item(entry, inline=False))
        return aot

    def array(self, current: Any, old: list[Any], new: list[Any]) -> None:
        """An array of plain values, changed item by item (its layout and comments kept)."""
        if len(current) != len(old):
            raise ValueError("the array does not hold what was read")
        ops = SequenceMatcher(None, [repr(v) for v in old], [repr(v) for v in new], autojunk=False).get_opcodes()
        for tag, i1, i2, j1, j2 in reversed(ops):
            if tag == "equal":
                continue
            for i in range(i2 - 1, i1 - 1, -1):
                del current[i]
            for offset, j in enumerate(range(j1, j2)):
                current.insert(i1 + offset, new[j])

    def array_of_tables(self, current: Any, old: list[dict[str, Any]], new: list[dict[str, Any]],
                        parent: list[tuple[Any, Any]]) -> None:
        """[[partners]] (or an inline array of tables): unchanged entries stay, edited ones are edited in
        place, removed ones go with their comments, new ones are written where they stand in `new`.
        `parent`: the body of the table that holds the array (the comments above its first entry)."""
        items = self.items
        inline = isinstance(current, items.Array)
        entries = list(current) if inline else current.body
        if len(entries) != len(old):
            raise ValueError("the array of tables does not hold what was read")
        keys = [_fingerprint(v) for v in old], [_fingerprint(v) for v in new]
        ops = SequenceMatcher(None, *keys, autojunk=False).get_opcodes()
        for tag, i1, i2, j1, j2 in reversed(ops):
            if tag == "equal":
                continue
            paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            for k in range(paired):  # an entry edited in place keeps its comments
                self.table(entries[i1 + k] if inline else current.body[i1 + k], old[i1 + k], new[j1 + k])
            for i in range(i2 - 1, i1 + paired - 1, -1):
                if not inline:
                    self._remove_table(current, i, parent)
                else:
                    del current[i]
            for offset, j in enumerate(range(j1 + paired, j2)):
                at = i1 + paired + offset
                if inline:
                    current.insert(at, self.table_item(new[j], inline=True))
                else:
                    self._insert_table(current, at, self.table_item(new[j], inline=False), parent)

    # Comments directly above an entry's [[header]]: tomlkit keeps them at the end of the entry before
    # it (above the first entry: in the body that holds the array). Moved, they go into the header's
    # own indent, which is written just before it.

    def _take_comments_above(self, aot: Any, index: int, parent: list[tuple[Any, Any]]) -> str:
        """The text of the comment lines directly above entry `index`, taken from where they stand."""
        text = aot.body[index].trivia.indent if "#" in aot.body[index].trivia.indent else ""
        if text:
            aot.body[index].trivia.indent = ""
        if index > 0:
            return "".join(item.as_string() for _, item in _pop_comments(aot.body[index - 1].value.body,
                                                                         self.items)) + text
        at = next((i for i, (_, item) in enumerate(parent) if item is aot), None)
        taken = ""
        while at is not None and at > 0 and parent[at - 1][0] is None and isinstance(parent[at - 1][1],
                                                                                   self.items.Comment):
            taken = parent[at - 1][1].as_string() + taken
            parent[at - 1] = (None, self.items.Null())  # a Null in its place: the table's index map stays true
            at -= 1
        return taken + text

    def _remove_table(self, aot: Any, index: int, parent: list[tuple[Any, Any]]) -> None:
        """Entry `index` goes with the comment lines directly above it and inside it; the comments that
        stood above the next entry stay above it."""
        self._take_comments_above(aot, index, parent)
        below = "".join(item.as_string() for _, item in _pop_comments(aot.body[index].value.body, self.items))
        del aot[index]
        if below and index < len(aot.body):
            aot.body[index].trivia.indent = below + aot.body[index].trivia.indent
        elif below and index > 0:
            aot.body[index - 1].value.body.append((None, self.items.Whitespace(below)))

    def _insert_table(self, aot: Any, index: int, table: Any, parent: list[tuple[Any, Any]]) -> None:
        """A new entry at `index`, separated by a blank line; the comments that stood above the entry now
        at `index` stay above it (below the new one)."""
        items = self.items
        moved = self._take_comments_above(aot, index, parent) if index < len(aot.body) else ""
        if index > 0:
            before = aot.body[index - 1].value.body
            spaced = bool(before) and isinstance(before[-1][1], items.Whitespace)  # a blank line before what follows
            if not spaced:
                before.append((None, items.Whitespace("\n")))
            if index < len(aot.body) or spaced:
                table.value.body.append((None, items.Whitespace("\n")))
        elif aot.body:
            table.value.body.append((None, items.Whitespace("\n")))
        aot.insert(index, table)
        if moved:
            follower = aot.body[index + 1]
            follower.trivia.indent = moved + follower.trivia.indent


def _pop_comments(body: list[tuple[Any, Any]], items: Any) -> list[tuple[Any, Any]]:
    """Take the comment lines at the end of a table's body (the ones directly above what follows)."""
    taken: list[tuple[Any, Any]] = []
    while body and body[-1][0] is None and isinstance(body[-1][1], items.Comment):
        taken.insert(0, body.pop())
    return taken


def _fingerprint(value: object) -> str:
    return repr(sorted(value.items())) if isinstance(value, dict) else repr(value)


def _key(key: str) -> str:
    import re

    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
