"""The words of what it takes (`qualify`): each step of `ToQualify.steps` as a sentence, and the
short forms the tables show. Pure functions of counts, partners and the rules; no solving here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.rules import CATEGORY_LABELS, CallRules

if TYPE_CHECKING:
    from planner.model import Partner


def plural(n: int) -> str:
    return "" if n == 1 else "s"


# a step in a few words where the table has the room (in_words); otherwise its SHORT word
WORDS = {"ecosystem": "1 ecosystem"}
SHORT = {
    "coordinator": "coordinator", "excluded-countries": "excluded", "third-countries": "3rd country",
    "eche": "ECHE", "affiliations": "affiliation", "duration": "duration", "ecosystem": "ecosystem",
    "grant": "lower grant", "grant-cut": "cut costs",
}


def sorts_in_short(of: dict[str, int], n: int) -> list[str]:
    parts = []
    if of["labour_market_actors"]:
        k = of["labour_market_actors"]
        parts.append(f"{k} labour-market actor{plural(k)}")
    he, vet, prov = of["higher_education"], of["vet_providers"], of["education_providers"]
    if he:
        parts.append(f"{he} HEI{plural(he)}")
    if vet:
        parts.append(f"{vet} VET provider{plural(vet)}")
    more = prov - he - vet
    if more > 0:
        parts.append(f"{more} {'more ' if he or vet else ''}VET or HE provider{plural(more)}")
    c = of["new_countries"]
    if c:
        parts.append(f"from {c} new countr{'y' if c == 1 else 'ies'}" if c == n
                     else f"{c} from new countr{'y' if c == 1 else 'ies'}")
    return parts


def name_of(p: "Partner") -> str:
    return f"{p.label} ({p.country})"


def names_of(partners) -> str:
    names = [name_of(p) for p in partners]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def partners_phrase(n: int) -> str:
    return "no new full partner" if n == 0 else f"{n} new full partner{plural(n)}"


def then_enough(n: int) -> str:
    """'then 2 new full partners are enough' / 'then no new full partner is needed'."""
    if n == 0:
        return "then no new full partner is needed"
    return f"then {partners_phrase(n)} {'is' if n == 1 else 'are'} enough"


def then_needed(n: int, before: int) -> str:
    """What a step that takes full partners away costs: 'then 2 new full partners in all, 1 more than now'."""
    if n == before:
        return f"still {partners_phrase(n)} in all" if n else "no new full partner is then needed"
    return f"then {partners_phrase(n)} in all, {n - before} more than now"


def composition_step(n: int, of: dict[str, int]) -> str:
    """'add 3 full partners, each from an EU/associated country not yet covered, at least 1 of them a
    VET or higher education provider'."""
    text = f"add {n} full partner{plural(n)}"
    c = of["new_countries"]
    if c == n:
        text += ", each from an EU/associated country not yet covered" if n > 1 else \
            " from an EU/associated country not yet covered"
    elif c:
        text += (f" from EU/associated countries, {c} of them each from a different country not yet covered"
                 if c > 1 else " from EU/associated countries, 1 of them from a country not yet covered")
    else:
        text += " from an EU/associated country" if n == 1 else " from EU/associated countries"
    sorts = []
    k = of["labour_market_actors"]
    if k:
        sorts.append((k, "a labour-market actor", "labour-market actors"))
    prov, he, vet = of["education_providers"], of["higher_education"], of["vet_providers"]
    if prov:
        inner = " and ".join(w for w, m in (("a higher education institution", he), ("a VET provider", vet)) if m)
        if he > 1 or vet > 1:
            inner = " and ".join(f"{m} {w}{plural(m)}" for w, m in (("higher education institution", he),
                                                                ("VET provider", vet)) if m)
        one = "a higher education institution" if he else "a VET provider" if vet else \
            "a VET or higher education provider"
        sorts.append((prov, one, "VET or higher education providers" + (f", including {inner}" if inner else "")))
    if not sorts:
        return text
    if n == 1:
        return text + ", which must be " + " and ".join(one for _, one, _ in sorts)
    words = [f"{m} of them {one if m == 1 else many}" if i == 0 else f"{m} {one if m == 1 else many}"
             for i, (m, one, many) in enumerate(sorts)]
    return text + ", at least " + " and ".join(words)


def coordinator_step(coordinators: tuple["Partner", ...], eu_full: tuple["Partner", ...], rules: CallRules,
                     n: int) -> str:
    """How to fix the coordinator: none, several, or one from a country that may not coordinate."""
    if not coordinators:
        if eu_full:
            return (f"make one full partner from an EU/associated country the coordinator (for example "
                    f"{name_of(eu_full[0])})")
        if n:
            return "make one of the new full partners the coordinator"
        return "add a coordinator from an EU Member State or associated country"
    if len(coordinators) > 1:
        able = [p for p in coordinators if rules.counts_for_country_minimum(rules.canonical_country(p.country))]
        if able:  # keep the first one that may coordinate
            others = [p for p in coordinators if p is not able[0]]
            return (f"keep exactly one coordinator: {name_of(able[0])}, and make {names_of(others)} "
                    f"{'a beneficiary' if len(others) == 1 else 'beneficiaries'}")
        return (f"keep exactly one coordinator, from an EU Member State or associated country: make "
                f"{names_of(coordinators)} beneficiaries and another full partner the coordinator")
    c = coordinators[0]
    category = CATEGORY_LABELS[rules.country_category(rules.canonical_country(c.country))]
    others = [p for p in eu_full if p is not c]
    instead = f" (for example {name_of(others[0])})" if others else (
        " (one of the new full partners)" if n else "")
    return (f"make a full partner from an EU Member State or associated country the coordinator{instead} "
            f"instead of {name_of(c)} ({category})")


PROPER_NOUNS = ("Erasmus",)  # first words of a rule's name that keep their capital inside a sentence


def in_sentence(label: str) -> str:
    """A rule's name as it reads inside a sentence: 'Full partners' is 'full partners', but an acronym or
    a name keeps its capitals ('VET provider', 'Erasmus Charter (ECHE)', 'affiliations and PICs').
    Lowered whole, they read 'vet provider' and 'affiliations and pics'."""
    first, _, rest = label.partition(" ")
    if not first or first in PROPER_NOUNS or any(ch.isupper() for ch in first[1:]):
        return label
    return first[:1].lower() + first[1:] + (" " + rest if rest else "")
