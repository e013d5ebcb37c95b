"""The words people use for countries, kinds and roles, matched to what a call's rules know."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner import vocabulary
from planner.rules import load_call
from planner.vocabulary import (
    Match,
    did_you_mean,
    fold,
    header_key,
    match_country,
    match_kind,
    match_role,
    rank_countries,
    rank_kinds,
    rank_roles,
)
from support import ROOT, RULES_2024

RULES = load_call("2025")


# -- the data files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["countries", "kinds", "roles", "headers"])
def test_every_data_file_names_its_sources(name):
    text = (ROOT / "src" / "planner" / "vocabulary" / f"{name}.toml").read_text(encoding="utf-8")
    assert "# Sources:" in text


@pytest.mark.parametrize("name,table", [("countries", "countries"), ("kinds", "words"), ("roles", "words"),
                                        ("headers", "headers")])
def test_each_word_names_one_thing(name, table):
    owners: dict[str, set[str]] = {}
    for target, words in vocabulary.vocabulary_data(name)[table].items():
        for word in words:
            folded = vocabulary.fold_header(word) if name == "headers" else fold(word)
            owners.setdefault(folded, set()).add(target)
    for word in vocabulary.vocabulary_data(name).get("ambiguous", {}):
        owners.setdefault(fold(word), set()).add("(ambiguous)")
    doubles = {w: sorted(t) for w, t in owners.items() if len(t) > 1}
    assert not doubles


def test_vocabulary_names_only_what_the_rules_define():
    kinds = {k.id for k in RULES_2024.kinds}
    roles = {r.id for r in RULES_2024.roles}
    assert set(vocabulary.vocabulary_data("kinds")["words"]) == kinds
    assert {t for ts in vocabulary.vocabulary_data("kinds")["ambiguous"].values() for t in ts} <= kinds
    assert set(vocabulary.vocabulary_data("roles")["words"]) == roles
    assert set(vocabulary.vocabulary_data("countries")["countries"]) <= set(RULES_2024.country_names)


def test_vocabulary_words_do_not_contradict_the_rules_aliases():
    # a word the rules give one kind is not given another here (the rules would win, silently)
    ruled = {fold(w): k.id for k in RULES_2024.kinds for w in (k.id, k.label, *k.aliases)}
    for kind, words in vocabulary.vocabulary_data("kinds")["words"].items():
        for word in words:
            assert ruled.get(fold(word), kind) == kind, word
    for word in vocabulary.vocabulary_data("kinds")["ambiguous"]:
        assert fold(word) not in ruled, word


# -- countries --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,code", [
    ("EL", "GR"), ("el", "GR"), ("UK", "GB"), ("U.K.", "GB"), ("GR", "GR"), ("DEU", "DE"), ("de", "DE"),
    ("Germany", "DE"), ("Deutschland", "DE"), ("España", "ES"), ("espana", "ES"), ("Suomi", "FI"),
    ("Czech Republic", "CZ"), ("czech rep", "CZ"), ("Czech Rep.", "CZ"), ("Czechia", "CZ"), ("Česko", "CZ"),
    ("Holland", "NL"), ("The Netherlands", "NL"), ("Turkey", "TR"), ("Türkiye", "TR"), ("turkiye", "TR"),
    ("Great Britain", "GB"), ("Macedonia", "MK"), ("Slovak Republic", "SK"), ("Magyarország", "HU"),
    ("Österreich", "AT"), ("Ελλάδα", "GR"), ("Hellas", "GR"), ("Polska", "PL"), ("Sverige", "SE"),
    ("Kosovo", "XK"), ("  france  ", "FR"),
])
def test_countries_as_people_write_them(text, code):
    found = match_country(text, RULES)
    assert (found.value, found.how) == (code, "exact")
    assert found.candidates[0] == (code, RULES.country_name(code))


def test_eu_codes_come_before_iso_look_alikes():
    # EL is Greece, never El Salvador; UK the United Kingdom, never Ukraine: but both stay on offer
    assert [c for c, _ in rank_countries("EL", RULES, 5)][:2] == ["GR", "SV"]
    assert [c for c, _ in rank_countries("UK", RULES, 5)][:2] == ["GB", "UA"]


def test_a_prefix_is_sure_only_when_it_names_one_country():
    assert match_country("deutschl", RULES) == Match("DE", (("DE", "Germany"),), "prefix")
    united = match_country("united", RULES)
    assert united.value is None and united.how == "prefix"
    assert {"AE", "GB", "US"} <= {c for c, _ in united.candidates}
    sw = match_country("sw", RULES)  # no code: a prefix of several (Sweden first, an EU Member State)
    assert sw.value is None and sw.candidates[0] == ("SE", "Sweden")


def test_a_typo_is_offered_not_taken():
    found = match_country("Spian", RULES)
    assert found.value is None and found.how == "close"
    assert found.candidates[0] == ("ES", "Spain")
    assert did_you_mean("country", "Spian", found) == "unknown country 'Spian': did you mean Spain (ES)?"


def test_nothing_near_says_so():
    found = match_country("Qwxz", RULES)
    assert found == Match(None, (), "none")
    assert did_you_mean("country", "Qwxz", found) == "unknown country 'Qwxz'"
    assert match_country("", RULES).how == "none"


def test_only_countries_the_rules_know_are_returned():
    # a call without Kosovo in its names never offers XK, whatever the vocabulary says
    data = RULES_2024.model_dump()
    data["country_names"] = {c: n for c, n in data["country_names"].items() if c != "XK"}
    rules = type(RULES_2024).model_validate(data)
    assert match_country("Kosovo", rules).value is None
    assert "XK" not in {c for c, _ in rank_countries("Kos", rules, 50)}
    # and the name shown is the call's own
    data["country_names"] = {**data["country_names"], "DE": "Federal Republic of Germany"}
    renamed = type(RULES_2024).model_validate(data)
    assert match_country("Deutschland", renamed).candidates[0] == ("DE", "Federal Republic of Germany")


def test_picker_ranking_puts_programme_countries_first():
    # among equal prefixes, EU Member States before associated before third countries
    ranked = [c for c, _ in rank_countries("s", RULES, 30)]
    assert ranked.index("ES") < ranked.index("RS") < ranked.index("SA")
    assert len(rank_countries("", RULES, 7)) == 7


# -- kinds ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,kind", [
    ("Hochschule", "higher-education"), ("hochschule", "higher-education"), ("UAS", "higher-education"),
    ("university of applied sciences", "higher-education"), ("université", "higher-education"),
    ("ammattikorkeakoulu", "higher-education"), ("Fachhochschule", "higher-education"),
    ("Berufsschule", "vet-provider"), ("lycée professionnel", "vet-provider"), ("ammattiopisto", "vet-provider"),
    ("Kammer", "chamber"), ("IHK", "chamber"), ("Employers organisation", "trade-association"),
    ("Employers' Organization", "trade-association"), ("employers’ organisation", "trade-association"),
    ("cluster", "trade-association"), ("foundation", "ngo"), ("Stiftung", "ngo"), ("GmbH", "enterprise"),
    ("Research organisation", "research"), ("Public body", "public-body"), ("Gewerkschaft", "trade-union"),
    ("higher-education", "higher-education"), ("Higher education institution", "higher-education"),
])
def test_kinds_as_people_write_them(text, kind):
    found = match_kind(text, RULES)
    assert (found.value, found.how) == (kind, "exact")


@pytest.mark.parametrize("text", ["college", "HES", "Higher or secondary education establishment", "Institut"])
def test_a_word_for_two_kinds_is_asked(text):
    found = match_kind(text, RULES)
    assert found.value is None and found.how == "ambiguous"
    assert {"higher-education", "vet-provider"} <= {k for k, _ in found.candidates}
    assert did_you_mean("kind", text, found).endswith(": say which")


def test_an_ambiguous_word_is_sure_when_the_call_knows_one_of_its_kinds():
    data = RULES_2024.model_dump()
    data["kinds"] = [k for k in data["kinds"] if k["id"] != "vet-provider"]
    rules = type(RULES_2024).model_validate(data)
    assert match_kind("college", rules).value == "higher-education"
    assert "vet-provider" not in {k for k, _ in rank_kinds("Berufs", rules)}


def test_words_inside_a_longer_cell_name_the_kind():
    assert match_kind("Private company (SME)", RULES).value == "enterprise"
    assert match_kind("University of Helsinki", RULES).value == "higher-education"
    assert match_kind("Public university", RULES).value == "higher-education"  # 'public' alone would be asked
    both = match_kind("University hospital", RULES)  # two kinds' words: asked
    assert both.value is None and {"higher-education", "other"} <= {k for k, _ in both.candidates}


def test_kind_prefixes_and_typos():
    assert match_kind("hochsch", RULES).value == "higher-education"
    employ = match_kind("employ", RULES)
    assert employ.value is None and "trade-association" in {k for k, _ in employ.candidates}
    typo = match_kind("Hochshule", RULES)
    assert typo.value is None and typo.candidates[0][0] == "higher-education"
    assert did_you_mean("kind", "Hochshule", typo) == (
        "unknown kind 'Hochshule': did you mean Higher education institution?")
    assert [k for k, _ in rank_kinds("", RULES)] == [k.id for k in RULES.kinds]


# -- roles ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,role", [
    ("coordinator", "coordinator"), ("Lead partner", "coordinator"), ("applicant", "coordinator"),
    ("partner", "beneficiary"), ("Beneficiary", "beneficiary"), ("partenaire", "beneficiary"),
    ("affiliated", "affiliated-entity"), ("linked third party", "affiliated-entity"),
    ("associated", "associated-partner"), ("Associated partner", "associated-partner"),
    # Greek, as a Greek partner's sheet writes them (Ελλάδα and Πανεπιστήμιο were known, εταίρος was not)
    ("εταίρος", "beneficiary"), ("Δικαιούχος", "beneficiary"), ("συντονιστής", "coordinator"),
    ("συνεργαζόμενος εταίρος", "associated-partner"), ("συνδεδεμένη οντότητα", "affiliated-entity"),
])
def test_roles_as_people_write_them(text, role):
    assert match_role(text, RULES).value == role


def test_role_typo_did_you_mean():
    found = match_role("coordinater", RULES)
    assert found.value is None
    assert did_you_mean("role", "coordinater", found) == "unknown role 'coordinater': did you mean Coordinator?"
    assert [r for r, _ in rank_roles("assoc", RULES)][0] == "associated-partner"


# -- headers ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("title,key", [
    ("Organisation name", "name"), ("Organization name", "name"), ("Name of organisation", "name"),
    ("Full legal name", "name"), ("Acronym", "short_name"), ("Organisation type", "kind"),
    ("Type of organization", "kind"), ("Country*", "country"), ("Country (ISO code)", "country"),
    ("PIC", "pic"), ("Grant (EUR)", "grant_eur"), ("short_name", "short_name"), ("Pays", "country"),
])
def test_headers_as_people_write_them(title, key):
    assert header_key(title) == key


def test_unknown_header():
    assert header_key("Favourite colour") is None


# -- cost -------------------------------------------------------------------------------------------

def test_importing_the_vocabulary_reads_no_data_and_loads_no_textual():
    probe = ("import sys, planner.vocabulary as v; "
             "print(json.dumps([v._data.cache_info().currsize, 'textual' in sys.modules]))")
    result = subprocess.run([sys.executable, "-c", "import json; " + probe], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert json.loads(result.stdout) == [0, False], result.stderr


# -- every word of the data, as written and as typed without accents or case ----------------------

def _plain(text: str) -> str:
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).upper()


@pytest.mark.parametrize("call", ["2024", "2025", "2026"])
def test_every_code_and_name_of_the_rules_names_its_country(call):
    rules = load_call(call)
    for code, name in rules.country_names.items():
        for text in (code, code.lower(), name, name.upper(), _plain(name)):
            assert match_country(text, rules).value == code, (text, code)


def test_every_country_word_names_its_country_or_is_asked():
    for code, words in vocabulary.vocabulary_data("countries")["countries"].items():
        if code not in RULES.country_names:
            continue
        for word in words:
            for text in (word, _plain(word), word.lower()):
                assert match_country(text, RULES).value == code, (text, code)


@pytest.mark.parametrize("name", ["kinds", "roles"])
def test_every_kind_and_role_word_names_its_own(name):
    match = match_kind if name == "kinds" else match_role
    items = RULES.kinds if name == "kinds" else RULES.roles
    for item in items:
        for text in (item.id, item.label, *getattr(item, "aliases", ())):
            assert match(text, RULES).value == item.id, text
    for target, words in vocabulary.vocabulary_data(name)["words"].items():
        for word in words:
            for text in (word, _plain(word)):
                assert match(text, RULES).value == target, (text, target)


@given(st.text(max_size=40))
def test_any_text_gives_a_match_of_known_ids_and_a_message(text):
    for what, match, known in (("country", match_country, set(RULES.country_names)),
                               ("kind", match_kind, {k.id for k in RULES.kinds}),
                               ("role", match_role, {r.id for r in RULES.roles})):
        found = match(text, RULES)
        assert found.how in vocabulary.HOW
        assert {c for c, _ in found.candidates} <= known
        assert found.value is None or found.value == found.candidates[0][0]
        assert isinstance(did_you_mean(what, text, found), str)
    assert {c for c, _ in rank_countries(text, RULES, 10)} <= set(RULES.country_names)


# the words the domain notes list ("Words partners use"), each to its kind
DOMAIN_KIND_WORDS = {
    "higher-education": ["university", "UAS", "university of applied sciences", "polytechnic", "Hochschule",
                         "Fachhochschule", "hogeschool", "ammattikorkeakoulu"],
    "vet-provider": ["VET school", "vocational college", "Berufsschule", "Berufsbildungszentrum",
                     "lycée professionnel", "centro de formación profesional", "ammattiopisto"],
    "enterprise": ["SME", "company", "Kft", "GmbH", "Oy", "S.A."],
    "chamber": ["chamber", "Kammer", "IHK", "cámara"],
    "trade-union": ["trade union", "Gewerkschaft", "syndicat"],
    "trade-association": ["employers' organisation", "employers' federation", "sectoral association",
                          "professional association", "industry association", "cluster"],
}


@pytest.mark.parametrize("kind,word", [(k, w) for k, ws in DOMAIN_KIND_WORDS.items() for w in ws])
def test_the_domain_notes_words_for_kinds(kind, word):
    assert match_kind(word, RULES).value == kind


@pytest.mark.parametrize("word,code", [
    ("Deutschland", "DE"), ("España", "ES"), ("Suomi", "FI"), ("Finland", "FI"), ("Sverige", "SE"),
    ("Polska", "PL"), ("Magyarország", "HU"), ("Österreich", "AT"), ("Nederland", "NL"), ("Italia", "IT"),
    ("Hellas", "GR"), ("Ελλάδα", "GR"), ("Česko", "CZ"), ("Czech Republic", "CZ"), ("Holland", "NL"),
    ("Turkey", "TR"), ("Great Britain", "GB"), ("Macedonia", "MK"), ("Slovak Republic", "SK"), ("XK", "XK"),
    ("GRC", "GR"), ("GBR", "GB"),
])
def test_the_domain_notes_words_for_countries(word, code):
    assert match_country(word, RULES).value == code
