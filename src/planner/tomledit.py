"""A TOML file's text, edited in place: the values that changed change, everything else keeps its form.

For plans that a person or another tool wrote (spec, "Rules for the writer"): their comments, blank
lines, key order, quoting, inline tables, line endings and byte-order mark stay; a new key or table
is written in the planner's style after the key that comes before it in the new data; a removed
array-of-tables entry (a partner) takes the comment lines directly above it and inside it along.

`edit_text(text, old, new, render)` knows nothing of plans: `old` is what the text holds (one entry
per array item, in the file's order; a key the text leaves out may be there with its default), `new`
what it should hold, `render(value)` a value's TOML in the caller's style. Array entries are matched
unchanged ones first, then by id, short name, PIC, name or title, so that a partner edited keeps its
comments and a partner replaced by another does not pass them on.

tomlkit (style-preserving, maintained) is imported by `edit_text` alone: the planner's start and its
commands that only read never load it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from difflib import SequenceMatcher
from typing import Any, NamedTuple

Render = Callable[[object], str]
Place = tuple[Any, tuple[str, ...]]  # a table written as dotted keys: the Container of its lines, its path
BOM = "\ufeff"


def line_ending(text: str) -> str:
    """'\\r\\n' when every line of `text` ends so, else '\\n'."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf == text.count("\n") else "\n"


def edit_text(text: str, old: dict[str, Any], new: dict[str, Any], render: Render, array: str = "partners",
              whole: bool = False) -> str:
    """`text` (a TOML document holding `old`) changed to hold `new`, keeping its form where nothing changed.

    `array`: the key of the large array of tables (a plan's [[partners]]). tomlkit reads 1,000 partners
    in about a second, so its entries are cut out of the text first: an unchanged entry is kept as text,
    only an edited one is read by tomlkit, a new one is written, a removed one cut out with the comment
    lines directly above it. The rest (the top-level keys before it, the tables after it) is edited by
    tomlkit as two small documents. Where the entries cannot be cut out safely (headers out of order, an
    inline array), or with `whole` (the caller found the result wrong: a line of a multi-line string
    taken for a header or a comment), the whole text goes through tomlkit. Raises whatever tomlkit
    raises on a text it cannot edit; the caller checks the result."""
    if old == new:  # nothing to change: the same text, whatever tomlkit would make of its layout
        return text
    import tomlkit  # only here: the start and the read-only commands never load it

    bom = text.startswith(BOM)
    body = text[1:] if bom else text
    newline = line_ending(body)
    if newline == "\r\n":
        body = body.replace("\r\n", "\n")
    editor = _Editor(render, tomlkit)
    cut = None if whole else _cut_entries(body, array, len(old.get(array) or ()))
    pieced = None if cut is None else editor.pieces(cut, old, new, array)
    if pieced is None:
        doc = tomlkit.parse(body)
        editor.table(doc, old, new)
        out = doc.as_string()
    else:
        out = pieced
    if out.endswith("\n\n") and not body.endswith("\n\n"):
        out = out.rstrip("\n") + "\n"
    if newline == "\r\n":
        out = out.replace("\n", "\r\n")
    return (BOM if bom else "") + out


_HEADER = re.compile(r"[ \t]*\[(\[?)[ \t]*([A-Za-z0-9_.\- \t\"']+?)[ \t]*\]\]?[ \t]*(#.*)?\n?")
_COMMENT = re.compile(r"[ \t]*#.*\n?")


def _header(line: str) -> tuple[bool, str] | None:
    """(an array-of-tables header?, its dotted name without spaces or quotes) for a table header line."""
    found = _HEADER.fullmatch(line)
    if found is None:
        return None
    return bool(found[1]), re.sub(r"[ \t\"']", "", found[2])


class Cut(NamedTuple):
    """A document cut around the entries of its large array: `head` before the first entry, each entry's
    text, `gaps` (the text of other tables standing between two entries, by the entry they follow: a
    tool's [tool.crm] written at the end of the file, then a partner added after it by hand) and `tail`."""

    head: str
    entries: list[str]
    gaps: dict[int, str]
    tail: str


def _cut_entries(text: str, array: str, count: int) -> Cut | None:
    """The document cut around the array's entries (Cut), or None.

    An entry runs from the comment lines directly above its [[header]] to the comment lines directly
    above the next header that is not one of its sub-tables ([partners.budget.WP1] is in it). None
    where there are not `count` entries (a header inside a multi-line string)."""
    lines = text.splitlines(keepends=True)
    starts: list[int] = []
    stops: dict[int, int] = {}  # entry (by its start line) -> the line of the other table that ends it
    for n, line in enumerate(lines):
        if "[" not in line:
            continue
        found = _header(line)
        if found is None:
            continue
        is_array, name = found
        if is_array and name == array:
            starts.append(n)
        elif starts and starts[-1] not in stops and not name.startswith(array + "."):
            stops[starts[-1]] = n
    if not starts or len(starts) != count:
        return None

    def lead(at: int) -> int:
        while at > 0 and _COMMENT.fullmatch(lines[at - 1]):
            at -= 1
        return at

    entries: list[str] = []
    gaps: dict[int, str] = {}
    for k, begin in enumerate(starts):
        following = starts[k + 1] if k + 1 < len(starts) else len(lines)
        stop = stops.get(begin, following)
        entries.append("".join(lines[lead(begin):lead(stop) if stop < len(lines) else stop]))
        if k + 1 < len(starts) and stop < following:
            gaps[k] = "".join(lines[lead(stop):lead(following)])
    last_stop = stops.get(starts[-1], len(lines))
    tail = "".join(lines[lead(last_stop):]) if last_stop < len(lines) else ""
    return Cut("".join(lines[:lead(starts[0])]), entries, gaps, tail)


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

    # --- a text cut in pieces (edit_text) ----------------------------------------------------

    def pieces(self, cut: Cut, old: dict[str, Any], new: dict[str, Any], array: str) -> str | None:
        """The document edited piece by piece; None when a table standing between two entries changed
        (the caller then edits the whole text)."""
        import tomllib

        head, tail = cut.head, cut.tail
        gap_keys = {key for gap in cut.gaps.values() for key in tomllib.loads(gap)}
        if any(old.get(key) != new.get(key) for key in gap_keys):
            return None
        # a table written in pieces around the entries ([tool] by dotted keys at the top, [tool.crm] between
        # two partners) is unchanged here (above): each piece keeps its text, and no piece edits that key
        head_keys, tail_keys = set(tomllib.loads(head)), set(tomllib.loads(tail))
        rest_old = {k: v for k, v in old.items() if k != array and k not in gap_keys}
        rest_new = {k: v for k, v in new.items() if k != array and k not in gap_keys}

        def to_tail(key: str) -> bool:
            if key in head_keys:
                return False
            return key in tail_keys or not _scalar(rest_new.get(key, rest_old.get(key)))

        head = self._piece(head, {k: v for k, v in rest_old.items() if not to_tail(k)},
                           {k: v for k, v in rest_new.items() if not to_tail(k)})
        new_tail = self._piece(tail, {k: v for k, v in rest_old.items() if to_tail(k)},
                               {k: v for k, v in rest_new.items() if to_tail(k)})
        entries = self.entries(cut.entries, old.get(array) or [], new.get(array) or [], array, cut.gaps)
        if entries and new_tail.strip() and not entries[-1].endswith("\n\n"):
            entries[-1] = entries[-1].rstrip("\n") + "\n\n"  # a blank line before a table added after them
        return head + "".join(entries) + new_tail

    def _piece(self, text: str, old: dict[str, Any], new: dict[str, Any]) -> str:
        if old == new:
            return text
        doc = self.tomlkit.parse(text)
        self.table(doc, old, new)
        return str(doc.as_string())

    def entries(self, texts: list[str], old: list[dict[str, Any]], new: list[dict[str, Any]], array: str,
                gaps: dict[int, str] | None = None) -> list[str]:
        """The array's entries as texts: unchanged ones kept, edited ones edited by tomlkit, removed ones
        gone (each text holds the comments above it), new ones written where they stand in `new`. A gap
        (another table after entry i) stays after it, or where it stood when the entry goes."""
        out: list[str] = []
        for i, j in _align(old, new):
            gap = (gaps or {}).get(i) if i is not None else None
            if j is None:
                if gap is not None:
                    out.append(gap)
                continue  # removed: its text, the comments above it and inside it, goes
            if i is None:
                doc = self.tomlkit.document()
                aot = self.tomlkit.aot()
                aot.append(self.table_item(new[j], inline=False))
                doc.append(array, aot)
                if out and not out[-1].endswith("\n\n"):
                    out[-1] = out[-1].rstrip("\n") + "\n\n"
                out.append(doc.as_string().rstrip("\n") + "\n\n")
            elif old[i] == new[j]:
                out.append(texts[i])
            else:
                doc = self.tomlkit.parse(texts[i])
                self.table(doc[array][0], old[i], new[j])
                out.append(doc.as_string())
            if gap is not None:
                if out and not out[-1].endswith("\n\n"):
                    out[-1] = out[-1].rstrip("\n") + "\n\n"
                out.append(gap)
        return out

    # --- tables ----------------------------------------------------------------------------

    def table(self, container: Any, old: dict[str, Any], new: dict[str, Any], place: Place | None = None) -> None:
        """Make the tomlkit table `container` (holding `old`) hold `new`. `place`: where `container` is
        written as dotted keys (`budget.WP1.travel_eur = 100`), the lines a new key joins (`_dotted`)."""
        for key in [k for k in old if k not in new and k in container]:
            del container[key]
        for key, value in new.items():
            if key not in container:
                if key not in old or old[key] != value:
                    self.add(container, key, value, list(new), place)
                continue
            if key in old and old[key] == value:
                continue
            current = container[key]
            before = old.get(key)
            items = self.items
            if isinstance(value, dict) and isinstance(before, dict) and isinstance(current, (dict, items.Table)):
                self.table(current, before, value, self._dotted(container, key, place))
            elif (isinstance(value, list) and isinstance(before, list) and _is_tables(value) and _is_tables(before)
                  and isinstance(current, (items.AoT, items.Array))):
                body = container.body if hasattr(container, "body") else container.value.body
                self.array_of_tables(current, before, value, body)
            elif (isinstance(value, list) and isinstance(before, list) and isinstance(current, items.Array)
                  and all(_scalar(v) for v in value)):
                self.array(current, before, value)
            else:
                container[key] = self.item(value, current)

    def add(self, container: Any, key: str, value: object, order: list[str], place: Place | None = None) -> None:
        """A key the text does not have, after the key before it in `order` (scalars before tables); in a
        table written as dotted keys, as dotted lines of its own (`_add_dotted`)."""
        items = self.items
        if isinstance(container, items.InlineTable):
            container[key] = self.table_item(value, inline=True) if isinstance(value, dict) else self.item(value)
            return
        if place is None and isinstance(value, dict) and value:  # a table beside siblings written dotted
            owner = next((body for body in self._bodies(container) if any(self._dotted_lines(body))), None)
            place = None if owner is None else (owner, ())
        if place is not None:
            self._add_dotted(place, key, value, order)
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

    # --- tables written as dotted keys ------------------------------------------------------------
    # `budget.WP1.travel_eur = 100` inside a partner's table: tomlkit reads each such line as a table of
    # its own in the body of the table that holds it (the partner's), and several lines of one table as
    # one view over them (an OutOfOrderTableProxy), which has no body to add a key to. A value changed or
    # removed is tomlkit's own edit of its line; a new key is written here, as a dotted line of its own
    # beside its siblings in the body that holds them.

    def _dotted(self, container: Any, key: str, place: Place | None) -> Place | None:
        """Where the table at `key` in `container` is written as dotted keys: (the tomlkit Container
        that holds its lines, the table's path from there), or None (a [header] table, an inline one)."""
        if place is not None:
            owner, path = place[0], (*place[1], key)
            if any(_under(line, path) for _, line, _ in self._dotted_lines(owner)):
                return owner, path
        for owner in self._bodies(container):
            if any(_under(line, (key,)) for _, line, _ in self._dotted_lines(owner)):
                return owner, (key,)
        return None

    def _bodies(self, container: Any) -> list[Any]:
        """The tomlkit Containers whose lines make `container`: a document's, a table's, each part's of
        a table written in several places."""
        if isinstance(container, self.tomlkit.container.Container):
            return [container]
        if isinstance(container, self.items.Table):
            return [container.value]
        if isinstance(container, self.tomlkit.container.OutOfOrderTableProxy):
            return [part.value for part in container._tables]
        return []

    def _dotted_lines(self, owner: Any) -> Iterator[tuple[int, tuple[str, ...], Any]]:
        """Each dotted line of `owner`'s body: (its index there, its key path, the item of its value)."""
        for index, (key, item) in enumerate(owner.body):
            if key is None or not key.is_dotted():
                continue
            path = [key.key]
            while key.is_dotted() and isinstance(item, self.items.Table):
                inner = [(k, v) for k, v in item.value.body if k is not None]
                if len(inner) != 1:
                    break
                key, item = inner[0]
                path.append(key.key)
            yield index, tuple(path), item

    def _add_dotted(self, place: Place, key: str, value: object, order: list[str]) -> None:
        """`key` of the dotted table at `place`, written as dotted lines (a table: one line per value) with
        their neighbour's indent, after the last line of a key before it in `order`, else before the
        table's first line."""
        owner, path = place
        previous = set(order[:order.index(key)])
        lines = [(index, line, item) for index, line, item in self._dotted_lines(owner) if _under(line, path)]
        after = [n for n, (_, line, _) in enumerate(lines) if line[len(path)] in previous]
        if not lines:
            raise ValueError("the dotted table has no line")
        index, _, neighbour = lines[after[-1]] if after else lines[0]
        at = index + 1 if after else index
        trivia = getattr(neighbour, "trivia", None)
        indent = trivia.indent if trivia is not None and not trivia.indent.strip() else ""
        text = "".join(f"{indent}{line}\n" for line in _dotted_text((*path, key), value, self.render))
        written = self.tomlkit.parse(text)
        if at == len(owner.body) and trivia is not None and "\n" not in trivia.trail:
            trivia.trail += "\n"  # after the text's last line, which has no newline: nor has the new last line
            *_, (_, _, last) = self._dotted_lines(written)
            last.trivia.trail = last.trivia.trail.removesuffix("\n")
        for k, item in [(k, v) for k, v in written.body if k is not None]:
            if at < len(owner.body):
                owner._insert_at(at, k, item)
            else:
                owner._raw_append(k, item)
            at += 1

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
        aligned = _align(old, new)
        at = 0
        places = []  # each item's index in the array before any change
        for i, _j in aligned:
            places.append(at)
            at += i is not None
        for (i, j), place in reversed(list(zip(aligned, places))):
            if i is not None and j is not None:
                if old[i] != new[j]:  # an entry edited in place keeps its comments
                    self.table(entries[i] if inline else current.body[i], old[i], new[j])
            elif i is not None:
                if inline:
                    del current[i]
                else:
                    self._remove_table(current, i, parent)
            elif j is not None:
                if inline:
                    current.insert(place, self.table_item(new[j], inline=True))
                else:
                    self._insert_table(current, place, self.table_item(new[j], inline=False), parent)

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
            # after the last entry: the comments at its end are about the table after the array
            after = _pop_comments(before, items) if index == len(aot.body) else []
            spaced = bool(before) and isinstance(before[-1][1], items.Whitespace)  # a blank line before what follows
            if not spaced:
                before.append((None, items.Whitespace("\n")))
            if index < len(aot.body) or spaced or after:
                table.value.body.append((None, items.Whitespace("\n")))
            table.value.body.extend(after)
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


def _under(line: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """The dotted line `line` (its key path) is a value of the table at `path`, or of one inside it."""
    return len(line) > len(path) and line[:len(path)] == path


def _dotted_text(path: tuple[str, ...], value: object, render: Render) -> Iterator[str]:
    """`value` at `path` as dotted-key lines: `budget.WP2.travel_eur = 5`, one per value of a table."""
    if _is_tables(value):
        # [[x]] cannot stand among dotted lines, and `render` writes no inline table: this edit fails, and the
        # caller writes the file canonically (render_plan, render_data). No plan's key is one (a tool's may be)
        raise ValueError("an array of tables is not written as dotted keys")
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _dotted_text((*path, key), item, render)
        return
    shown = "{}" if isinstance(value, dict) else render(value)
    yield ".".join(_key(k) for k in path) + " = " + shown


IDENTITY = ("id", "short_name", "pic", "name", "title")  # what makes two entries the same one, edited


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return any(a.get(k) is not None and _folded(a.get(k)) == _folded(b.get(k)) for k in IDENTITY)


def _named(entry: dict[str, Any]) -> bool:
    return any(entry.get(k) is not None for k in IDENTITY)


def _folded(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def _align(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[tuple[int | None, int | None]]:
    """Old and new entries in the new order: (i, j) the same entry (unchanged, or edited: the same id,
    short name, PIC, name or title; or, where neither has any of these, as another tool's rows of plain
    values, the one in its place when as many changed as stand there), (i, None) removed, (None, j)
    added."""
    out: list[tuple[int | None, int | None]] = []
    ops = SequenceMatcher(None, [_fingerprint(v) for v in old], [_fingerprint(v) for v in new],
                          autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            out.extend((i1 + k, j1 + k) for k in range(i2 - i1))
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        while olds or news:
            if olds and news and _same(old[olds[0]], new[news[0]]):
                out.append((olds.pop(0), news.pop(0)))
            elif (olds and len(olds) == len(news) and not _named(old[olds[0]]) and not _named(new[news[0]])):
                # `a = 2 # row 2` made `a = 5`: edited in place, its comment kept, not removed and added
                out.append((olds.pop(0), news.pop(0)))
            elif olds and not any(_same(old[olds[0]], new[j]) for j in news):
                out.append((olds.pop(0), None))
            else:
                out.append((None, news.pop(0)))
    return out


def _fingerprint(value: object) -> str:
    return repr(sorted(value.items())) if isinstance(value, dict) else repr(value)


def _key(key: str) -> str:
    import re

    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
