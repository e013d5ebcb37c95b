"""git's merge conflict markers in a file: where they are, both versions, and the text with one side taken.

A file that `git merge` (or `planner merge`) left with conflicts is not a plan: the loader names it "a
merge conflict at lines 4-8" instead of a TOML syntax error, and the TUI offers to take one side of
each conflict (tui/screens/conflicts.py). Markers count at the start of a line only, as git writes them:
`<<<<<<< ours`, diff3's `||||||| base`, `=======`, `>>>>>>> theirs`. Plain Python; no plan here.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.errors import PlanError

OURS, THEIRS = "ours", "theirs"


@dataclass(frozen=True)
class Conflict:
    """One conflict: its lines in the file (1-based, the markers included) and each side's lines."""

    start: int
    end: int
    ours: tuple[str, ...]
    theirs: tuple[str, ...]
    ours_label: str = ""  # what git wrote after the marker: HEAD, a branch name
    theirs_label: str = ""
    base: tuple[str, ...] | None = None  # diff3's common ancestor, when the file has it

    @property
    def lines(self) -> str:
        return f"{self.start}-{self.end}"


def _marker(line: str, mark: str) -> str | None:
    """The label after `mark` when `line` is that marker (exactly 7 characters, then a space or the end)."""
    body = line.rstrip("\r\n")
    if body == mark:
        return ""
    if body.startswith(mark + " "):
        return body[len(mark) + 1:]
    return None


def find_conflicts(text: str) -> list[Conflict]:
    """Every complete conflict of `text`, in order; an unfinished one (no closing marker) is left out."""
    lines = text.splitlines(keepends=True)
    found: list[Conflict] = []
    i = 0
    while i < len(lines):
        label = _marker(lines[i], "<<<<<<<")
        if label is None:
            i += 1
            continue
        start = i
        sides: dict[str, list[str]] = {OURS: [], "base": [], THEIRS: []}
        part, has_base, theirs_label, end = OURS, False, "", None
        j = i + 1
        while j < len(lines):
            line = lines[j]
            if part == OURS and (base := _marker(line, "|||||||")) is not None:
                part, has_base = "base", base is not None
            elif part in (OURS, "base") and line.rstrip("\r\n") == "=======":
                part = THEIRS
            elif part == THEIRS and (closing := _marker(line, ">>>>>>>")) is not None:
                theirs_label, end = closing, j
                break
            elif _marker(line, "<<<<<<<") is not None:
                break  # a new conflict before this one closed: this one is not complete
            else:
                sides[part].append(line)
            j += 1
        if end is None:
            i += 1
            continue
        found.append(Conflict(start + 1, end + 1, tuple(sides[OURS]), tuple(sides[THEIRS]), label, theirs_label,
                              tuple(sides["base"]) if has_base else None))
        i = end + 1
    return found


def describe(conflicts: list[Conflict]) -> str:
    """'a merge conflict at lines 4-8', 'merge conflicts at lines 4-8, 12-16 and 30-41'."""
    spans = [c.lines for c in conflicts]
    if len(spans) == 1:
        return f"a merge conflict at lines {spans[0]}"
    return f"{len(spans)} merge conflicts at lines {', '.join(spans[:-1])} and {spans[-1]}"


class MergeConflict(PlanError):
    """A file with conflict markers, where a plan was expected: `conflicts` says where, `text` is the file."""

    def __init__(self, origin: str, text: str, conflicts: list[Conflict]) -> None:
        self.text = text
        self.conflicts = conflicts
        super().__init__(origin, f"{describe(conflicts)} (git's <<<<<<< ======= >>>>>>> markers): take one "
                                 "side of each (the planner offers it when it opens the file) or edit it, then save")


def resolve(text: str, sides: list[str]) -> str:
    """`text` with each conflict replaced by the side chosen for it (`sides[k]`: OURS or THEIRS)."""
    conflicts = find_conflicts(text)
    if len(sides) != len(conflicts):
        raise ValueError(f"{len(conflicts)} conflicts, {len(sides)} sides chosen")
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    at = 0
    for conflict, side in zip(conflicts, sides):
        out.extend(lines[at:conflict.start - 1])
        out.extend(conflict.ours if side == OURS else conflict.theirs)
        at = conflict.end
    out.extend(lines[at:])
    return "".join(out)
