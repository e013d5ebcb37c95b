"""`planner schema` agrees with the loader: a corpus of plans, each loaded and validated against the
JSON Schema the real command prints (draft 2020-12). What the loader accepts the schema accepts; what the
loader refuses the schema refuses, but for what JSON Schema cannot say, which the schema's description
names (each such case checks that it does)."""

from __future__ import annotations

import copy
import json
import re
import tomllib
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
import tomli_w

from planner import model
from planner.errors import PlanError
from planner.rules import builtin_calls
from planner.safetext import find_control, find_format
from planner.storage import parse_plan
from support import RULES_2024, SAMPLES, run_planner

KINDS = [k.id for k in RULES_2024.kinds]
ECOSYSTEMS = [e.id for e in RULES_2024.ecosystems]
MAXIMA = {c.id: c.maximum for c in RULES_2024.award}
LOTS = {rules.id: [lot.number for lot in rules.lots] for rules in builtin_calls()}
LOT3_CALL = next(call for call, lots in LOTS.items() if 3 in lots)

BASE: dict[str, Any] = {
    "format": 1, "call": "2024", "title": "Skills for the data-driven farm", "acronym": "AGRI-DATA", "lot": 2,
    "duration_months": 48, "ecosystems": [ECOSYSTEMS[0]], "requested_grant_eur": 3_900_000,
    "notes": "two lines\nand\ta tab",
    "partners": [
        {"name": "Università di Bassa Pianura", "short_name": "UNIBP", "country": "IT", "kind": KINDS[0],
         "role": "coordinator", "pic": "999300101", "grant_eur": 520_000, "eche": True, "notes": "free text",
         "staff_cost_eur": 4300,
         "budget": {"WP1": {"person_months": 6.5, "travel_eur": 8000, "equipment_eur": 0, "other_eur": 2000,
                            "subcontracting_eur": 0, "staff_cost_eur": 4600}}},
        {"name": "Agri Coop", "short_name": "AGC", "country": "de", "kind": KINDS[2], "role": "beneficiary"},
        {"name": "Affiliate", "country": "EL", "kind": KINDS[-1], "role": "affiliated-entity",
         "affiliated_to": "UNIBP"},
    ],
    "profiles": [{"title": "Precision farming data technician", "eqf": 5}],
    "activities": {"skills_strategy": True},
    "assessment": {"relevance": 20, "design": 24, "partnership": 20, "impact": 15},
    "work_packages": [{"id": "WP1", "title": "Management", "lead": "UNIBP", "start_month": 1, "end_month": 48}],
    "tool": {"crm": {"proposal_id": 4711, "tags": ["a", "\u202e"], "nested": {"deep": -1}}},
}
GONE = object()  # a key left out


def with_(*changes: tuple[tuple[Any, ...], Any]) -> dict[str, Any]:
    """BASE with each (key path, value) set, or left out where the value is GONE."""
    data = copy.deepcopy(BASE)
    for path, value in changes:
        table = data
        for key in path[:-1]:
            table = table[key]
        if value is GONE:
            del table[path[-1]]
        else:
            table[path[-1]] = value
    return data


def partner(key: str, value: Any, i: int = 0) -> dict[str, Any]:
    return with_((("partners", i, key), value))


def line(key: str, value: Any) -> dict[str, Any]:
    return with_((("partners", 0, "budget", "WP1", key), value))


def short_names(first: str, second: str) -> dict[str, Any]:
    return with_((("partners", 0, "short_name"), first), (("partners", 1, "short_name"), second),
                 (("partners", 2, "affiliated_to"), first), (("work_packages", 0, "lead"), first))


ACCEPTED: dict[str, dict[str, Any]] = {
    "the base plan": BASE,
    "only what is needed": {"format": 1, "title": "T", "lot": 1},
    "no call: 2024": with_((("call",), GONE)),
    "a lot 3 on a call that has it": with_((("call",), LOT3_CALL), (("lot",), 3), (("ecosystems",), GONE)),
    "no ecosystems, none listed": with_((("lot",), 1), (("ecosystems",), [])),
    "every ecosystem, once": with_((("lot",), 1), (("ecosystems",), ECOSYSTEMS)),
    "a title of 300 characters": with_((("title",), "x" * model.MAX_TEXT)),
    "a title of 300 characters beyond the BMP": with_((("title",), "\U0001f600" * model.MAX_TEXT)),
    "a title with spaces around it": with_((("title",), "  T  ")),
    "a name with spaces around it": partner("name", "  Acme  "),
    "a title with a bidi control (kept, shown escaped)": with_((("title",), "T\u202e")),
    "an empty acronym": with_((("acronym",), "")),
    "notes with CRLF": with_((("notes",), "a\r\nb\rc")),
    "notes with a bidi control": with_((("notes",), "\u2066x")),
    "a country in lower case, EL, UK": with_((("partners", 0, "country"), "gr"), (("partners", 1, "country"), "UK")),
    "every kind": with_(*((("partners", 1, "kind"), kind) for kind in KINDS)),
    "eche false": partner("eche", False),
    "grant at EUR 1,000,000,000": with_((("requested_grant_eur",), model.MAX_EUROS)),
    "a duration of 120 months": with_((("duration_months",), model.MAX_MONTHS)),
    "the self-assessment's maxima": with_((("assessment",), dict(MAXIMA))),
    "the self-assessment's zeros": with_((("assessment",), dict.fromkeys(MAXIMA, 0))),
    "person-months 0.07 (no multipleOf 0.01)": line("person_months", 0.07),
    "person-months 0.29": line("person_months", 0.29),
    "person-months 99999.99": line("person_months", 99_999.99),
    "person-months 100000": line("person_months", model.MAX_PERSON_MONTHS),
    "person-months 12, an integer": line("person_months", 12),
    "person-months 0": line("person_months", 0.0),
    "euros at the bound in a line": line("travel_eur", model.MAX_EUROS),
    "a work package id of 12 characters": with_((("work_packages", 0, "id"), "WP1.2-abc.de"),
                                                (("partners", 0, "budget"), {"WP1.2-abc.de": {"travel_eur": 1}})),
    "work package months 0 and 120": with_((("work_packages", 0, "start_month"), 0),
                                           (("work_packages", 0, "end_month"), model.MAX_MONTHS)),
    "a work package without a lead": with_((("work_packages", 0, "lead"), GONE)),
    "a line for a work package the plan lacks": with_((("partners", 0, "budget"), {"WP9": {"travel_eur": 1}})),
    "short names that only look alike": short_names("AB", "\u0410B"),
    "EQF 1 and 8": with_((("profiles",), [{"title": "a", "eqf": 1}, {"title": "b", "eqf": 8}])),
    "an empty tool table": with_((("tool",), {"empty": {}})),
}

# what the loader refuses and the schema says too
REFUSED: dict[str, dict[str, Any]] = {
    "format 2": with_((("format",), 2)),
    "format as text": with_((("format",), "1")),
    "no format": with_((("format",), GONE)),
    "no title": with_((("title",), GONE)),
    "no lot": with_((("lot",), GONE)),
    "an empty title": with_((("title",), "")),
    "a title of spaces": with_((("title",), "   ")),
    "a title of ideographic and no-break spaces": with_((("title",), "\u3000\u00a0")),
    "a title of 301 characters": with_((("title",), "x" * (model.MAX_TEXT + 1))),
    "a title with ESC": with_((("title",), "a\x1bb")),
    "a title with DEL": with_((("title",), "a\x7f")),
    "a title with a C1 control": with_((("title",), "a\x85")),
    "a title with a tab": with_((("title",), "a\tb")),
    "a title ending in a newline": with_((("title",), "T\n")),
    "an acronym with a newline": with_((("acronym",), "A\nB")),
    "a call of no id": with_((("call",), "../2024")),
    "an empty call": with_((("call",), "")),
    "a call with a space": with_((("call",), "2024 ")),
    "an unknown top-level key": with_((("titel",), "T")),
    "lot 0": with_((("lot",), 0)),
    "lot 4": with_((("lot",), 4)),
    "lot 99": with_((("lot",), 99)),
    "lot 100": with_((("lot",), 100)),
    "lot as text": with_((("lot",), "2")),
    **{f"lot 3 on call {call}": with_((("call",), call), (("lot",), 3)) for call, lots in LOTS.items()
       if 3 not in lots},
    "lot 3 without a call": with_((("call",), GONE), (("lot",), 3)),
    "a duration of 0": with_((("duration_months",), 0)),
    "a duration of 121": with_((("duration_months",), model.MAX_MONTHS + 1)),
    "a grant over EUR 1,000,000,000": with_((("requested_grant_eur",), model.MAX_EUROS + 1)),
    "a grant of a 30-digit number": with_((("requested_grant_eur",), 10**30)),
    "a negative grant": with_((("requested_grant_eur",), -1)),
    "an ecosystem twice": with_((("ecosystems",), [ECOSYSTEMS[0], ECOSYSTEMS[0]])),
    "an unknown ecosystem": with_((("ecosystems",), ["space"])),
    "an ecosystem in capitals": with_((("ecosystems",), [ECOSYSTEMS[0].upper()])),
    "ecosystems as text": with_((("ecosystems",), ECOSYSTEMS[0])),
    "an empty name": partner("name", ""),
    "a name of only spaces": partner("name", "   "),
    "a name of only an ideographic space": partner("name", "\u3000"),
    "a country with a space before it": partner("country", " de"),
    "a country with spaces around it": partner("country", " DE "),
    "a country 'ß', which upper-cases to SS": partner("country", "\u00df"),
    "a country 'ﬁ', which upper-cases to FI": partner("country", "\ufb01"),
    "a name with a bidi override": partner("name", "ACME\u202e"),
    "a name with a zero-width space": partner("name", "AC\u200bME"),
    "a name with a line separator": partner("name", "AC\u2028ME"),
    "a short name with a BOM": partner("short_name", "\ufeffUNIBP"),
    "a short name with an isolate": partner("short_name", "UNI\u2066BP"),
    "an affiliation with a bidi control": partner("affiliated_to", "UNIBP\u202e", 2),
    "an unknown kind": partner("kind", "university"),
    "a kind in capitals": partner("kind", KINDS[0].upper()),
    "an unknown role": partner("role", "partner"),
    "a role in capitals": partner("role", "Coordinator"),
    "a country name": partner("country", "Germany"),
    "a country of one letter": partner("country", "D"),
    "a country with a digit": partner("country", "D1"),
    "a country in full-width letters": partner("country", "\uff24\uff25"),
    "a PIC of 8 digits": partner("pic", "99930010"),
    "a PIC with a letter": partner("pic", "99930010A"),
    "a PIC ending in a newline": partner("pic", "999300101\n"),
    "a PIC as a number": partner("pic", 999300101),
    "a PIC with a bidi control": partner("pic", "999300101\u202e"),
    "eche as text": partner("eche", "yes"),
    "eche as 1": partner("eche", 1),
    "partner notes with ESC": partner("notes", "\x1b[2J"),
    "notes with NUL": with_((("notes",), "a\x00b")),
    "notes of 10,001 characters": with_((("notes",), "x" * (model.MAX_NOTES + 1))),
    "an unknown partner key": partner("webiste", "x"),
    "a negative staff cost": partner("staff_cost_eur", -1),
    **{f"{criterion} above {maximum}": with_((("assessment", criterion), maximum + 1))
       for criterion, maximum in MAXIMA.items()},
    "a score of 101": with_((("assessment", "relevance"), model.MAX_SCORE + 1)),
    "a negative score": with_((("assessment", "impact"), -1)),
    "an unknown score": with_((("assessment", "quality"), 1)),
    "EQF 0": with_((("profiles", 0, "eqf"), 0)),
    "EQF 9": with_((("profiles", 0, "eqf"), 9)),
    "an activity as 1": with_((("activities", "skills_strategy"), 1)),
    "person-months over 100,000": line("person_months", 100_000.01),
    "person-months 1e6": line("person_months", 1e6),
    "person-months inf": line("person_months", float("inf")),
    "negative person-months": line("person_months", -1),
    "person-months as text": line("person_months", "6"),
    "person-months true": line("person_months", True),
    "travel over EUR 1,000,000,000": line("travel_eur", model.MAX_EUROS + 1),
    "negative travel": line("travel_eur", -1),
    "travel as text": line("travel_eur", "100"),
    "an unknown key in a line": line("othr_eur", 1),
    "a work package id of 13 characters": with_((("work_packages", 0, "id"), "WP1234567890X")),
    "a work package id with a space": with_((("work_packages", 0, "id"), "WP 1")),
    "an empty work package id": with_((("work_packages", 0, "id"), "")),
    "a work package id with a letter beyond ASCII": with_((("work_packages", 0, "id"), "WP\u00e4")),
    "a work package id with a full-width digit": with_((("work_packages", 0, "id"), "WP\uff11")),
    "a work package id ending in a newline": with_((("work_packages", 0, "id"), "WP1\n")),
    "a line's table named with a space": with_((("partners", 0, "budget"), {"WP 1": {"travel_eur": 1}})),
    "a line's table named with 13 characters": with_((("partners", 0, "budget"), {"WP1234567890X": {}})),
    "a line's table named with a newline": with_((("partners", 0, "budget"), {"WP1\n": {}})),
    "a work package month of 121": with_((("work_packages", 0, "end_month"), model.MAX_MONTHS + 1)),
    "a negative work package month": with_((("work_packages", 0, "start_month"), -1)),
    "a work package title with ESC": with_((("work_packages", 0, "title"), "M\x1b")),
    "a work package lead with a bidi control": with_((("work_packages", 0, "lead"), "UNIBP\u202e")),
    "an unknown work package key": with_((("work_packages", 0, "owner"), "UNIBP")),
    "a work package without an id": with_((("work_packages", 0, "id"), GONE)),
    "tool as a number": with_((("tool",), 3)),
    "a tool table as a number": with_((("tool",), {"crm": 3})),
}

# what the loader refuses and JSON Schema cannot say: the words of the schema's description that say it
CANNOT_SAY: dict[str, tuple[dict[str, Any], str]] = {
    "format 1.0": (with_((("format",), 1.0)), "100.0"),
    "travel 100.0": (line("travel_eur", 100.0), "100.0"),
    "person-months with 3 decimals": (line("person_months", 1.005), "more than 2 decimals"),
    "person-months nan": (line("person_months", float("nan")), "nan"),
    "one short name twice in another case": (short_names("AB", "ab"), "without case"),
    "one short name composed and decomposed": (short_names("\u00c9", "E\u0301"), "composed form"),
    "one short name with a space after it": (short_names("A", "A "), "without spaces around it"),
    "one work package id twice in another case": (
        with_((("work_packages",), [BASE["work_packages"][0], {**BASE["work_packages"][0], "id": "wp1"}])),
        "two work packages with one id"),
    "a country code no call knows": (partner("country", "XX"), "the country codes it knows"),
    "a call the planner does not know": (with_((("call",), "2019")), "which calls exist"),
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = run_planner("schema")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(printed)
    return printed


def loads(data: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    """Whether the loader takes the plan as a TOML file, and the file's data as a tool reading it sees it."""
    text = tomli_w.dumps(data)
    try:
        parse_plan(text, "plan.toml")
    except PlanError:
        return False, tomllib.loads(text)
    return True, tomllib.loads(text)


def schema_errors(schema: dict[str, Any], data: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"[:200] for e in validator.iter_errors(data)]


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_what_the_loader_accepts_the_schema_accepts(schema, case):
    accepted, data = loads(ACCEPTED[case])
    assert accepted
    assert schema_errors(schema, data) == []


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.toml")))
def test_the_samples_pass_the_schema(schema, sample):
    data = tomllib.loads((SAMPLES / sample).read_text(encoding="utf-8"))
    assert schema_errors(schema, data) == []


@pytest.mark.parametrize("case", list(REFUSED))
def test_what_the_loader_refuses_the_schema_refuses(schema, case):
    accepted, data = loads(REFUSED[case])
    assert not accepted
    assert schema_errors(schema, data) != []


@pytest.mark.parametrize("case", list(CANNOT_SAY))
def test_what_json_schema_cannot_say_its_description_says(schema, case):
    plan, words = CANNOT_SAY[case]
    accepted, data = loads(plan)
    assert not accepted
    # the schema takes it (were it to refuse it, the case belongs in REFUSED) and says why in words
    assert schema_errors(schema, data) == []
    assert words in schema["description"]


def test_an_integer_of_the_schema_is_a_json_integer(schema):
    # 100.0 is an integer to JSON Schema, so nothing in the schema can tell it from 100: the description
    # says it (above); a type that says "integer" stays so
    assert schema["properties"]["format"] == {**schema["properties"]["format"], "type": "integer", "const": 1}
    assert schema["$defs"]["BudgetLine"]["properties"]["travel_eur"]["type"] == "integer"


def test_the_schema_says_no_null(schema):
    # TOML has no null: an unset key is left out of the file, never written as null
    assert "null" not in json.dumps(schema)


def _all_characters() -> str:
    return "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)


@pytest.mark.parametrize(("pattern", "refused"), [
    (model.JSON_CONTROL, lambda c: find_control(c) is not None),
    (model.JSON_CONTROL_IN_NOTES, lambda c: c != "\r" and find_control(c, allow_newlines=True) is not None),
    (model.JSON_CONTROL_OR_FORMAT, lambda c: find_control(c) is not None or find_format(c) is not None),
    (model.JSON_NOT_BLANK, lambda c: not c.isspace()),
])
def test_the_schemas_characters_are_the_loaders(pattern: str, refused: Callable[[str], bool]):
    # every character of Unicode: the schema's pattern finds what safetext finds (for a title: what
    # str.strip() does not take away)
    everything = _all_characters()
    found = set(re.findall(pattern, everything))
    assert found == {c for c in everything if refused(c)}
