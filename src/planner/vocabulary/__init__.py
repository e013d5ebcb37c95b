"""The words people use for countries, kinds of organisation, roles and column headers, matched to the
ids a call's rules know. The words are data (countries.toml, kinds.toml, roles.toml, headers.toml beside
this file, each naming its sources); the rules stay the truth: only a country, kind or role the call
knows is ever returned, with the call's own label.

Matching ignores case, accents and punctuation. It tries, in this order:
- exact: a code (the EU's own first: EL is Greece, UK the United Kingdom; then ISO 3166 alpha-2, then
  alpha-3) or a whole word or name ("Deutschland", "czech republic", "Hochschule");
- prefix: the text begins a word, or a word inside a name ("czech rep", "macedonia", "employ");
- contained: the text holds known words, all of one country or kind ("Private company (SME)");
- close: a typo of a word ("Spian"), by difflib's ratio.

`Match.value` is set only when the match is sure (one country or kind, not a typo); otherwise
`candidates` ranks what the user may have meant, best first, and a caller asks. A word that names two
kinds ("college", "HES") is `how="ambiguous"`: asked, never guessed.

Plain Python, no Textual; fast enough for a picker that ranks on every keystroke (well under a
millisecond for an exact or prefix match; a few milliseconds for a typo).

Keeps: the word lists as read (`lru_cache`) and one index per rules object and sort (`_INDEXES`,
checked by identity, at most 64); both depend only on their keys, and are safe from any thread.
"""

from __future__ import annotations

import bisect
import difflib
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.rules import CallRules

HERE = Path(__file__).parent
HOW = ("exact", "prefix", "close", "ambiguous", "none")
_CLOSE_CUTOFF = 0.75  # difflib ratio: 'spian' ~ 'spain' is 0.8, 'span' ~ 'spain' 0.89
_SURE_PREFIX = 3  # a prefix names one thing for sure only from this many letters ('ge' is not Germany)
_CATEGORY_ORDER = {"eu": 0, "associated": 1, "third": 2, "excluded": 3}


@dataclass(frozen=True)
class Match:
    """What a text names. `value`: the id or code when sure, else None. `candidates`: (id, label)
    pairs, best first (for a country the label is the call's name of it: ("ES", "Spain")).
    `how`: exact, prefix, close, ambiguous or none."""

    value: str | None
    candidates: tuple[tuple[str, str], ...]
    how: str

    def __bool__(self) -> bool:
        return self.value is not None


NONE = Match(None, (), "none")


# -- folding -------------------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['’`´.]")
_NOT_WORD = re.compile(r"[^\w]+|_")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """A text as it is compared: case, accents and punctuation gone, one space between words,
    'organization' read as 'organisation'. "Employers' Organization" -> 'employers organisation'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = _APOSTROPHES.sub("", bare.replace("&", " and ").replace("ø", "o").replace("ł", "l")
                            .replace("đ", "d").replace("æ", "ae").replace("œ", "oe").replace("ı", "i"))
    return " ".join(_NOT_WORD.sub(" ", bare).split()).replace("organiz", "organis")


def _fold_country(text: str) -> str:
    folded = fold(text)
    return folded[4:] if folded.startswith("the ") else folded


# -- the data files --------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _data(name: str) -> dict:
    with open(HERE / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)


def vocabulary_data(name: str) -> dict:
    """One data file as read ('countries', 'kinds', 'roles' or 'headers'), for tests and tools."""
    return _data(name)


# -- an index of words, per call ----------------------------------------------------------------------

class _Index:
    """Folded words -> ids, for one call's countries, kinds or roles; built once per rules object."""

    def __init__(self, labels: dict[str, str], order: dict[str, tuple], codes: dict[str, str],
                 words: list[tuple[str, str, int]], ambiguous: dict[str, tuple[str, ...]]) -> None:
        self.labels = labels  # id -> label, in the rules' order
        self.order = order  # id -> a sort key among equals
        self.codes = codes  # folded code -> id (exact only; countries)
        self.exact: dict[str, tuple[str, ...]] = {}
        self.primary: dict[str, int] = {}  # folded word -> 0 for the rules' own words, 1 for the vocabulary's
        for word, target, weight in words:
            if word and word not in self.exact:
                self.exact[word] = (target,)
                self.primary[word] = weight
        for word, targets in ambiguous.items():
            known = tuple(t for t in targets if t in labels)
            if word and word not in self.exact and known:
                self.exact[word] = known
                self.primary[word] = 1
        self.words = sorted(self.exact)
        self.long_words = [w for w in self.words if len(w) >= 4]
        # every start of a word inside each word ('czech republic', 'republic'), sorted, for prefixes by bisect
        starts = []
        for word in self.words:
            starts.append((word, 0, word))
            starts.extend((word[i + 1:], 1, word) for i, c in enumerate(word) if c == " ")
        starts.sort()
        self.starts = starts
        self.start_keys = [s for s, _tier, _word in starts]
        self.matches: dict[str, Match] = {}  # folded text -> its Match: a sheet repeats its words

    def label(self, target: str) -> str:
        return self.labels[target]

    def ranked(self, folded: str, with_close: bool = True, limit: int = 10**6) -> tuple[list[str], str, bool]:
        """Ids best first, how they matched, and whether the first is sure."""
        if not folded:
            return [], "none", False
        code = self.codes.get(folded.replace(" ", ""))
        hit = self.exact.get(folded)
        head: list[str] = []
        how = "none"
        sure = False
        if code is not None:
            head, how, sure = [code], "exact", True
        elif hit is not None:
            head = list(hit)
            how, sure = ("exact", True) if len(hit) == 1 else ("ambiguous", False)
        prefixed = self._prefixed(folded)
        if not head and prefixed:
            how = "prefix"
            sure = len(folded) >= _SURE_PREFIX and len(prefixed) == 1
        out = _merged(head, prefixed)
        if how == "none":
            contained = self._contained(folded)
            if contained:
                out, how, sure = contained, "close", len(contained) == 1
        if (how == "none" or len(out) < limit) and with_close and len(folded) >= 3 and how != "exact":
            close = self._close(folded)
            if how == "none" and close:
                how = "close"
            out = _merged(out, close)
        return out[:limit], how, sure

    def _prefixed(self, folded: str) -> list[str]:
        scored: dict[str, tuple] = {}
        at = bisect.bisect_left(self.start_keys, folded)
        while at < len(self.starts) and self.start_keys[at].startswith(folded):
            _start, tier, word = self.starts[at]
            at += 1
            for target in self.exact[word]:
                key = (tier, self.primary[word], self.order[target])
                if target not in scored or key < scored[target]:
                    scored[target] = key
        return sorted(scored, key=scored.__getitem__)

    def _contained(self, folded: str) -> list[str]:
        padded = f" {folded} "
        found = [w for w in self.long_words if f" {w} " in padded]
        found = [w for w in found if not any(w != other and w in other for other in found)]
        if any(len(self.exact[w]) == 1 for w in found):  # 'Public university': 'public' alone is not asked
            found = [w for w in found if len(self.exact[w]) == 1]
        targets: list[str] = []
        for word in sorted(found, key=lambda w: (-len(w), w)):
            for target in self.exact[word]:
                if target not in targets:
                    targets.append(target)
        return targets

    def _close(self, folded: str) -> list[str]:
        targets: list[str] = []
        for word in difflib.get_close_matches(folded, self.words, n=8, cutoff=_CLOSE_CUTOFF):
            for target in self.exact[word]:
                if target not in targets:
                    targets.append(target)
        return targets


def _merged(first: list[str], then: list[str]) -> list[str]:
    return list(dict.fromkeys([*first, *then]))


# rules objects are frozen and few (one per call, plus a user's own file); an index is kept per object
_INDEXES: dict[tuple[int, str], tuple[object, _Index]] = {}


def _cached(rules: "CallRules", what: str, build) -> _Index:
    key = (id(rules), what)
    held = _INDEXES.get(key)
    if held is not None and held[0] is rules:
        return held[1]
    if len(_INDEXES) > 64:
        _INDEXES.clear()
    index = build(rules)
    _INDEXES[key] = (rules, index)
    return index


def _country_index(rules: "CallRules") -> _Index:
    names = dict(sorted(rules.country_names.items(), key=lambda item: fold(item[1])))
    order = {code: (_CATEGORY_ORDER.get(rules.country_category(code), 9), fold(name)) for code, name in names.items()}
    data = _data("countries")
    codes: dict[str, str] = {}
    # the EU's codes first (EL, UK: the call's own country_aliases, the one list of them), then ISO
    # alpha-2, then alpha-3
    for alias, code in rules.country_aliases.items():
        if code in names:
            codes.setdefault(fold(alias).replace(" ", ""), code)
    for code in names:
        codes.setdefault(fold(code), code)
    words: list[tuple[str, str, int]] = [(_fold_country(name), code, 0) for code, name in names.items()]
    for code, listed in data.get("countries", {}).items():
        code = rules.country_aliases.get(code, code)
        if code not in names:
            continue
        for word in listed:
            folded = _fold_country(word)
            if len(folded) == 3 and word.isupper() and word.isalpha():
                codes.setdefault(folded, code)  # an alpha-3 code: exact only
            else:
                words.append((folded, code, 1))
    return _Index(names, order, codes, words, {})


def _word_index(items, data_name: str) -> _Index:
    labels = {item.id: item.label for item in items}
    order = {item.id: (i,) for i, item in enumerate(items)}
    words: list[tuple[str, str, int]] = []
    for item in items:  # the rules' own words first: their id, label and aliases
        words.append((fold(item.id), item.id, 0))
        words.append((fold(item.label), item.id, 0))
        words.extend((fold(alias), item.id, 0) for alias in getattr(item, "aliases", ()))
    data = _data(data_name)
    for target, listed in data.get("words", {}).items():
        if target in labels:
            words.extend((fold(word), target, 1) for word in listed)
    ambiguous = {fold(word): tuple(targets) for word, targets in data.get("ambiguous", {}).items()}
    return _Index(labels, order, {}, words, ambiguous)


def _kind_index(rules: "CallRules") -> _Index:
    return _word_index(rules.kinds, "kinds")


def _role_index(rules: "CallRules") -> _Index:
    return _word_index(rules.roles, "roles")


def _match(index: _Index, folded: str) -> Match:
    known = index.matches.get(folded)
    if known is not None:
        return known
    ranked, how, sure = index.ranked(folded, limit=8)
    if how == "none":
        found = NONE
    else:
        if how == "ambiguous":  # only the kinds the word may mean, in the data file's order
            ranked = list(index.exact[folded])
        found = Match(ranked[0] if sure else None, tuple((t, index.label(t)) for t in ranked), how)
    if len(index.matches) > 4096:
        index.matches.clear()
    index.matches[folded] = found
    return found


# -- the API ---------------------------------------------------------------------------------------

def match_country(text: str, rules: "CallRules") -> Match:
    """The country a text names: 'EL' -> GR, 'uk' -> GB, 'Deutschland' -> DE, 'czech rep' -> CZ;
    'Spian' -> no value, candidates [('ES', 'Spain'), ...], how 'close'."""
    return _match(_cached(rules, "countries", _country_index), _fold_country(text))


def match_kind(text: str, rules: "CallRules") -> Match:
    """The kind a text names: 'Hochschule', 'UAS' -> higher-education; 'Employers organisation' ->
    trade-association; 'college' -> how 'ambiguous', candidates higher-education and vet-provider."""
    return _match(_cached(rules, "kinds", _kind_index), fold(text))


def match_role(text: str, rules: "CallRules") -> Match:
    """The role a text names: 'partner' -> beneficiary, 'lead partner' -> coordinator, 'associated'."""
    return _match(_cached(rules, "roles", _role_index), fold(text))


def _rank(index: _Index, folded: str, limit: int) -> list[tuple[str, str]]:
    if not folded:
        return [(t, label) for t, label in index.labels.items()][:limit] if limit else []
    ranked, _how, _sure = index.ranked(folded, limit=limit)
    return [(t, index.label(t)) for t in ranked]


def rank_countries(text: str, rules: "CallRules", limit: int = 10) -> list[tuple[str, str]]:
    """(code, name) pairs for a picker, best first: 'EL' -> Greece first, then El Salvador. An empty
    text gives the first `limit` countries by name."""
    return _rank(_cached(rules, "countries", _country_index), _fold_country(text), limit)


def rank_kinds(text: str, rules: "CallRules", limit: int = 10) -> list[tuple[str, str]]:
    """(kind id, label) pairs for a picker, best first; an empty text gives the call's kinds in order."""
    return _rank(_cached(rules, "kinds", _kind_index), fold(text), limit)


def rank_roles(text: str, rules: "CallRules", limit: int = 10) -> list[tuple[str, str]]:
    """(role id, label) pairs for a picker, best first; an empty text gives the call's roles in order."""
    return _rank(_cached(rules, "roles", _role_index), fold(text), limit)


def _quoted(text: str) -> str:
    return repr(text) if len(text) <= 60 else repr(text[:50]) + f"… ({len(text):,} characters)"


def _named(what: str, candidate: tuple[str, str], ids: bool = False) -> str:
    target, label = candidate
    if what.startswith("country"):
        return f"{label} ({target})"
    return f"{target} ({label})" if ids else label


def _either(words: list[str], last: str) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {last} " + words[-1]


def did_you_mean(what: str, text: str, match: Match, ids: bool = False) -> str:
    """The message for a word that is not taken as it is: "unknown country 'Spian': did you mean Spain
    (ES)?"; "kind 'college' could be Higher education institution or VET provider: say which";
    "unknown role 'xyz'" when nothing is near; a sure match names only itself. `what`: 'country',
    'kind' or 'role' (or 'country code'). `ids`: name each kind's or role's id first ('beneficiary
    (Beneficiary)'), for a file that takes ids."""
    if match.how == "ambiguous" and len(match.candidates) > 1:
        named = [_named(what, c, ids) for c in match.candidates[:4]]
        return f"{what} {_quoted(text)} could be {_either(named, 'or')}: say which"
    head = f"unknown {what} {_quoted(text)}"
    if not match.candidates:
        return head
    named = [_named(what, c, ids) for c in (match.candidates[:1] if match.value else match.candidates[:3])]
    return f"{head}: did you mean {_either(named, 'or')}?"


# -- column headers --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _headers() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    listed: dict[str, list[str]] = _data("headers")["headers"]
    by_word: dict[str, str] = {}
    for key, words in listed.items():
        for word in (key, *words):
            by_word.setdefault(fold_header(word), key)
    return by_word, {key: tuple(dict.fromkeys(words)) for key, words in listed.items()}


def fold_header(title: str) -> str:
    """A header as compared: folded, without a trailing '*' or ':' (required-field marks)."""
    return fold(title.strip().rstrip("*:").strip())


def header_key(title: str) -> str | None:
    """The partner key a column header names ('Organisation name' -> 'name', 'Type of organization'
    -> 'kind'), or None."""
    by_word, _listed = _headers()
    folded = fold_header(title)
    if folded in by_word:
        return by_word[folded]
    # 'Country (ISO code)', 'Grant (EUR)': the words before a parenthesis
    bare = fold_header(title.split("(", 1)[0]) if "(" in title else ""
    return by_word.get(bare) if bare else None


def header_words(key: str) -> tuple[str, ...]:
    """The headers the import looks for, for one partner key, as the data file writes them."""
    return _headers()[1].get(key, ())


# -- headers by their words ------------------------------------------------------------------------

_SPLIT = re.compile(r"['’`´]")


@dataclass(frozen=True)
class HeaderMatch:
    """What a column header names. `how`: 'whole' (a header of headers.toml, as a whole), 'words' (by
    its words: `words` are the header's words that named `key`), 'ambiguous' (its words name several
    keys: `candidates`, never a `key`) or 'none'."""

    key: str | None
    how: str
    words: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()


NO_HEADER = HeaderMatch(None, "none")


def _header_tokens(text: str, ignored: frozenset[str]) -> list[str]:
    return [w for w in fold(_SPLIT.sub(" ", text)).split() if w not in ignored]


@lru_cache(maxsize=1)
def _header_phrases() -> tuple[frozenset[str], frozenset[str], frozenset[str],
                               tuple[tuple[frozenset[str], str, frozenset[str]], ...]]:
    """The small words, the general words, the words of other things, and each header of headers.toml as
    (its words, its key, its specific words); a set of words two keys share ('beneficiary') is left out."""
    data = _data("headers")
    words = data.get("words", {})
    ignored = frozenset(fold(w) for w in words.get("ignored", ()))
    general = frozenset(fold(w) for w in words.get("general", ()))
    other = frozenset(fold(w) for w in words.get("other", ()))
    owners: dict[frozenset[str], set[str]] = {}
    for key, listed in data["headers"].items():
        for phrase in (key, *listed):
            found = frozenset(_header_tokens(phrase, ignored))
            if found:
                owners.setdefault(found, set()).add(key)
    phrases = tuple((found, next(iter(keys)), found - general) for found, keys in owners.items()
                    if len(keys) == 1 and found - general)
    return ignored, general, other, phrases


@lru_cache(maxsize=4096)
def match_header(title: str) -> HeaderMatch:
    """The partner key a column header names, as a whole ('Organisation name') or by its words ('Full
    name of the organisation' -> name by 'full', 'name'; "Pays d'établissement" -> country by 'pays').
    The most specific words decide: a key whose matched words are all inside another key's is not
    counted ('Short name of organisation' is short_name, not name). Words of two keys that neither
    covers ('Name and type of organisation') are 'ambiguous'; a header about something else (a contact
    person, an address) is 'none'."""
    key = header_key(title)
    if key is not None:
        return HeaderMatch(key, "whole")
    ignored, _general, other, phrases = _header_phrases()
    tokens = _header_tokens(title, ignored)
    present = set(tokens)
    if not present or present & other:
        return NO_HEADER
    best: dict[str, tuple[frozenset[str], frozenset[str]]] = {}  # key -> (specific words, all words)
    for found, target, specific in phrases:
        if found <= present:
            held = best.get(target)
            if held is None or (len(specific), len(found)) > (len(held[0]), len(held[1])):
                best[target] = (specific, found)
    keys = [k for k, (specific, _found) in best.items()
            if not any(specific < other_specific for other_key, (other_specific, _) in best.items() if other_key != k)]
    if not keys:
        return NO_HEADER
    if len(keys) > 1:
        order = list(_headers()[1])
        return HeaderMatch(None, "ambiguous", candidates=tuple(sorted(keys, key=order.index)))
    used = best[keys[0]][1]
    return HeaderMatch(keys[0], "words", words=tuple(dict.fromkeys(t for t in tokens if t in used)))


@lru_cache(maxsize=1)
def _not_known() -> dict[str, frozenset[str]]:
    listed: dict[str, list[str]] = _data("headers").get("not_known", {})
    return {key: frozenset(fold_header(w) or w.strip() for w in words) for key, words in listed.items()}


def means_not_known(key: str, cell: str) -> bool:
    """Whether a cell says that the value is not known yet ('tbc', 'pending', 'n/a', '-') for `key`."""
    words = _not_known().get(key, frozenset())
    return bool(cell.strip()) and (fold_header(cell) in words or (not fold_header(cell) and cell.strip() in words))
