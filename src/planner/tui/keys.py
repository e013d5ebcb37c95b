"""The [keys] section of config.toml, checked: a key Textual cannot parse, an unknown action or two
actions on one key is reported and ignored, so that no action (quit and help above all) loses its key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set as AbstractSet

from textual.keys import REPLACED_KEYS, Keys, _character_to_key, _get_unicode_name_from_key

MODIFIERS = ("ctrl", "alt", "meta", "shift", "super", "hyper")
_NAMED = {k.value for k in Keys if not k.value.startswith("<")} | {"space", "tab", "enter", "backspace"}
_NAMED_BASE = {k.split("+")[-1] for k in _NAMED}
_NAME = re.compile(r"[a-z][a-z0-9_]*")


def _show(text: str) -> str:
    """A user's key string for a message: repr() makes control characters visible."""
    return repr(text)


def key_problem(key: str) -> str | None:
    """Why Textual could not bind `key` ('ctrl+s', 'f2', 'x', 'question_mark'), or None when it can."""
    if not key:
        return "an empty key"
    *mods, name = key.split("+")
    if any(m not in MODIFIERS for m in mods):
        return f"{_show(key)}: a modifier must be one of {', '.join(MODIFIERS)}"
    if len(set(mods)) != len(mods):
        return f"{_show(key)}: a modifier twice"
    if len(name) == 1:
        if not name.isprintable() or name.isspace():
            return f"{_show(key)}: not a key"
        return None
    if name in _NAMED_BASE:
        return None
    if _NAME.fullmatch(name):  # a character's Unicode name, as Textual spells it: question_mark, slash
        try:
            char = unicodedata.lookup(name.replace("_", " "))
        except KeyError:
            char = None
        if char is not None and _character_to_key(char) in (name, name.replace("_", "")):
            return None
        try:
            unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(name, name)))
            return None
        except KeyError:
            pass
    return f"{_show(key)}: not a key name Textual knows (e.g. ctrl+s, f2, x, question_mark)"


def _normal(key: str) -> str:
    return _character_to_key(key) if len(key) == 1 else key


_TEXT_FIELDS = ("folder-filter",)  # places whose keys reach a text field first: a letter would type


def _place(on: str) -> str:
    """The screen an action's keys are taken on (see checked_keymap)."""
    return "main" if on in ("", "screen", "table") else "folder" if on.startswith("folder") else on


def _types_a_character(key: str) -> bool:
    *mods, name = key.split("+")
    return not (set(mods) - {"shift"}) and (len(name) == 1 or name not in _NAMED_BASE)


def types_in_a_field(key: str) -> bool:
    """A key that a text field takes as typing (a character, `question_mark`, `space`): no binding of a
    screen under the field sees it."""
    return key == "space" or _types_a_character(key)


def checked_keymap(wanted: dict[str, str], defaults: dict[str, str], reserved: dict[str, str],
                   priority_ids: AbstractSet[str] = frozenset(),
                   places: dict[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """The remapping to apply, and one line per remap that was ignored (and why).

    `defaults` maps each action id to its keys as shipped ("d,delete"); `reserved` maps keys that no
    action may take to what they do. A remap that clashes with another action's key is ignored, so
    every action keeps at least the keys it ships with, and may keep them beside new ones (the folder
    view's `enter,o`). `places` maps an action id to where it is bound (actions.Action.on): two
    actions clash only on one screen ("screen" and "table" are the main screen, "folder" and
    "folder-filter" the folder view) or when one is the app's, bound everywhere; without it every
    key clashes. `priority_ids` and the actions of a text field (`folder-filter`) need keys that
    type no character. An action shipped with a letter and a key for text fields, remapped to keys that
    all type in a field, keeps its key for fields: `"planner.help" = "h"` gives `h,f1`.
    """
    problems: list[str] = []
    accepted: dict[str, str] = {}
    unknown = sorted(set(wanted) - set(defaults))
    if unknown:
        problems.append(f"The keys section of config.toml names no action: {', '.join(map(_show, unknown))}; "
                        f"known: {', '.join(sorted(defaults))}")
    for action in sorted(set(wanted) & set(defaults)):
        keys = [k.strip() for k in wanted[action].split(",")]
        why = next((p for p in map(key_problem, keys) if p), None)
        if why is None:
            own = {_normal(k.strip()) for k in defaults[action].split(",")}
            taken = next((k for k in keys if _normal(k) in reserved and _normal(k) not in own), None)
            if taken is not None:
                why = f"{_show(taken)} is kept for {reserved[_normal(taken)]}"
        if why is None and (action in priority_ids or (places or {}).get(action) in _TEXT_FIELDS):
            typing = next((k for k in keys if _types_a_character(k)), None)
            if typing is not None:
                why = f"{_show(typing)} types a character; {action} needs a key such as ctrl+q or f10"
        if why is not None:
            problems.append(f"[keys] {action} ignored, {why}; it keeps {defaults[action]}")
            continue
        shipped_keys = [k.strip() for k in defaults[action].split(",")]
        for_fields = [k for k in shipped_keys if not types_in_a_field(k)]
        if for_fields and len(for_fields) < len(shipped_keys) and all(types_in_a_field(k) for k in keys):
            # an action shipped with a letter and a key for text fields (? and f1 for help, m and f2 for the
            # notices), remapped to letters only: the key for fields stays, or nothing would reach the action
            # while a field has the focus (and a cut notice there would name a key that types)
            keys += for_fields
        accepted[action] = ",".join(keys)
    # one key, one action in each place: drop the remaps that clash until none do
    shipped = {a: {_normal(k.strip()) for k in keys.split(",")} for a, keys in defaults.items()}

    def _remapped(key: str, ids: list[str]) -> list[str]:
        """The actions among `ids` that have `key` by a remap, not as shipped."""
        return [a for a in ids if a in accepted and key not in shipped[a]]

    where = {a: _place((places or {}).get(a, "")) for a in defaults}
    rooms = sorted(set(where.values()) - {"app"}) or ["app"]  # an app action's keys are taken in each
    while True:
        owners: dict[tuple[str, str], list[str]] = {}
        for action, listed in {**defaults, **accepted}.items():
            for place in rooms if where[action] == "app" else [where[action]]:
                for key in listed.split(","):
                    owners.setdefault((place, _normal(key.strip())), []).append(action)
        # a clash is a key some action has by a remap only: the shipped keys may share one (escape closes
        # the folder view, and clears its filter in the filter field)
        clash = next(((k, ids) for (_, k), ids in owners.items() if len(ids) > 1 and _remapped(k, ids)), None)
        if clash is None:
            break
        key, ids = clash
        for action in _remapped(key, ids):
            if action in accepted:
                del accepted[action]
                problems.append(f"[keys] {action} ignored: {_show(key)} would also be "
                                f"{' and '.join(a for a in ids if a != action)}; it keeps {defaults[action]}")
    return accepted, problems
