"""The plan file stays strict (codes and ids only), but `check` says what an unknown word probably meant."""

from __future__ import annotations

import pytest

from forked import run_command
from planner.errors import PlanError
from planner.storage import parse_plan

PLAN = ('format = 1\ntitle = "T"\nlot = 1\ncall = "2025"\n'
        '[[partners]]\nname = "Acme"\ncountry = "{country}"\nkind = "{kind}"\nrole = "{role}"\n')


def check(tmp_path, country="DE", kind="enterprise", role="beneficiary"):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN.format(country=country, kind=kind, role=role), encoding="utf-8")
    return run_command(["check", path])


def test_check_suggests_the_country_for_a_typo(tmp_path):
    result = check(tmp_path, country="Spian")
    assert result.returncode == 2
    assert "partners[0].country: unknown country 'Spian': did you mean Spain (ES)?" in result.stderr
    assert "a plan file takes ISO 3166-1 alpha-2 codes" in result.stderr


def test_check_refuses_a_country_name_but_names_its_code(tmp_path):
    # the format takes codes: a name is not accepted, it is translated in the message
    result = check(tmp_path, country="Deutschland")
    assert result.returncode == 2
    assert "partners[0].country: unknown country 'Deutschland': did you mean Germany (DE)?" in result.stderr


def test_an_unknown_code_with_nothing_near_is_said_plainly(tmp_path):
    result = check(tmp_path, country="QQ")
    assert "partners[0].country: unknown country code 'QQ' (Acme;" in result.stderr


def test_check_suggests_the_kind_id(tmp_path):
    result = check(tmp_path, kind="Hochschule")
    assert result.returncode == 2
    assert ("partners[0].kind: unknown kind 'Hochschule': did you mean higher-education "
            "(Higher education institution)? (Acme); allowed: higher-education,") in result.stderr


def test_an_ambiguous_kind_word_is_asked(tmp_path):
    result = check(tmp_path, kind="college")
    assert ("partners[0].kind: unknown kind 'college': it could be higher-education (Higher education "
            "institution) or vet-provider (VET provider (or network of VET providers)); say which") in result.stderr


@pytest.mark.parametrize("role,meant", [("partner", "beneficiary (Beneficiary)"),
                                        ("coordinater", "coordinator (Coordinator)"),
                                        ("associated", "associated-partner (Associated partner)")])
def test_check_suggests_the_role_id(tmp_path, role, meant):
    result = check(tmp_path, role=role)
    assert result.returncode == 2
    assert f"partners[0].role: unknown role {role!r}: did you mean {meant}? (allowed: 'coordinator'," in result.stderr


def test_a_role_of_another_type_keeps_the_format_message():
    with pytest.raises(PlanError) as caught:
        parse_plan(PLAN.format(country="DE", kind="enterprise", role="x").replace('role = "x"', "role = 3"))
    assert "partners[0].role" in str(caught.value) and "did you mean" not in str(caught.value)


def test_bounds_and_booleans_are_said_as_a_person_would(tmp_path):
    """pydantic's 'Input should be greater than or equal to 0; found -7600' and Python's 'True' for TOML's
    true: the loader's words say 'cannot be negative' and 'true' (the plan format's own spelling)."""
    path = tmp_path / "plan.toml"
    path.write_text(PLAN.format(country="DE", kind="enterprise", role="beneficiary")
                    + "grant_eur = -7600\nstaff_cost_eur = true\n", encoding="utf-8")
    result = run_command(["check", path])
    assert result.returncode == 2
    assert "partners[0].grant_eur: cannot be negative; found -7600" in result.stderr
    assert "partners[0].staff_cost_eur: expected integer, found boolean true" in result.stderr
    assert "Input should be" not in result.stderr and "True" not in result.stderr
    path.write_text(PLAN.replace("lot = 1\n", "lot = 1\nduration_months = 0\n").format(
        country="DE", kind="enterprise", role="beneficiary"), encoding="utf-8")
    result = run_command(["check", path])
    assert "duration_months: must be more than 0; found 0" in result.stderr, result.stderr


HEAD = 'format = 1\ntitle = "T"\nlot = 1\ncall = "2025"\n'
PARTNER = '[[partners]]\nname = "Acme"\ncountry = "DE"\nkind = "enterprise"\nrole = "beneficiary"\n'


@pytest.mark.parametrize("text,said", [
    (HEAD + PARTNER + 'pic = "12345"\n', "partners[0].pic: a PIC is 9 digits; found '12345'"),
    (HEAD + PARTNER + 'pic = "123 456 789"\n', "partners[0].pic: a PIC is 9 digits; found '123 456 789'"),
    (HEAD + PARTNER.replace('"Acme"', '""'), "partners[0].name: cannot be empty; found ''"),
    (HEAD + PARTNER + 'short_name = ""\n', "partners[0].short_name: cannot be empty; found ''"),
    (HEAD + PARTNER + 'affiliated_to = ""\n', "partners[0].affiliated_to: cannot be empty; found ''"),
    (HEAD + PARTNER.replace('"DE"', '""'), "partners[0].country: cannot be empty; found ''"),
    (HEAD.replace('"2025"', '""'), "call: cannot be empty; found ''"),
    (HEAD + 'ecosystems = [""]\n', "ecosystems[0]: cannot be empty; found ''"),
    (HEAD + "[tool]\ncrm = [{x = 1}]\n", "tool.crm: expected table, found array [{x = 1}]"),
    (HEAD + "[tool]\ncrm = [{x = 1}, {y = 'a b'}, {\"z w\" = [1, true]}]\n",
     "tool.crm: expected table, found array [{x = 1}, {y = 'a b'}, {'z w' = [1, true]}]"),
    (HEAD + "[tool]\ncrm = [" + ", ".join(f"{{x = {i}}}" for i in range(30)) + "]\n",
     "tool.crm: expected table, found an array of 30 tables"),
    (HEAD + "[tool]\ncrm = [1979-05-27T07:32:00Z]\n",
     "tool.crm: expected table, found array [1979-05-27T07:32:00+00:00]"),
    (HEAD + "[profiles]\ntitle = 'x'\n", "profiles: expected array, found table {title = 'x'}"),
    (HEAD.replace('title = "T"', 'title = {a = "x", b = [1, 2]}'),
     "title: expected string, found table {a = 'x', b = [1, 2]}"),
    (HEAD + PARTNER.replace('role = "beneficiary"', "role = 3"),
     "partners[0].role: expected one of 'coordinator', 'beneficiary', 'affiliated-entity' or 'associated-partner'; "
     "found integer 3"),
    (HEAD + PARTNER.replace('role = "beneficiary"', 'role = ["coordinator"]'),
     "partners[0].role: expected one of 'coordinator', 'beneficiary', 'affiliated-entity' or 'associated-partner'; "
     "found array ['coordinator']"),
    (HEAD.replace("lot = 1", "lot = -99999999999999999999"),
     "lot: must be at least 1; found a negative number of 20 digits"),
], ids=["pic", "pic-spaces", "name", "short-name", "affiliated-to", "country", "call", "ecosystem", "tool-array",
        "tool-array-3", "tool-array-30", "tool-datetime", "profiles-table", "title-table", "role-integer",
        "role-array", "lot-huge-negative"])
def test_the_loader_says_what_it_found_and_what_is_allowed_in_its_own_words(tmp_path, text, said):
    """pydantic's words ('String should match pattern', 'Value should have at least 1 item after validation')
    and Python's reprs ([{'x': 1}]) reached the user: the planner says them in its own."""
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    result = run_command(["check", path])
    assert result.returncode == 2
    assert said in result.stderr, result.stderr
    for leak in ("should", "Input", "after validation", "': ", "datetime"):
        assert leak not in result.stderr, result.stderr


# --- a country is two ASCII letters; a partner's name is not blank ---------------------------------------


@pytest.mark.parametrize("country", [" de", "de ", " DE ", "  fr  "])
def test_a_country_code_with_spaces_is_refused_saying_so(tmp_path, country):
    """The spec: ISO 3166-1 alpha-2, read in any case. Spaces are not a case: refused, as `planner schema`
    refuses them (^[A-Za-z]{2}$), not stripped behind the user's back."""
    result = check(tmp_path, country=country)
    assert result.returncode == 2, result.stdout
    assert f"partners[0].country: {country!r} is not a country code: a plan file takes two letters" in result.stderr, \
        result.stderr
    assert "without spaces around them" in result.stderr, result.stderr


@pytest.mark.parametrize(("country", "was_read_as"), [("ß", "SS"), ("ﬁ", "FI"), ("ıt", "IT")])
def test_a_country_of_letters_that_upper_case_into_a_code_is_refused(tmp_path, country, was_read_as):
    """'ß'.upper() is 'SS' (South Sudan), 'ﬁ'.upper() 'FI' (Finland), 'ıt'.upper() 'IT': a code is checked
    to be two ASCII letters before it is upper-cased."""
    assert country.upper() == was_read_as
    result = check(tmp_path, country=country)
    assert result.returncode == 2, result.stdout
    assert f"partners[0].country: {country!r} is not a country code: a plan file takes two letters" \
        in result.stderr, result.stderr
    with pytest.raises(PlanError, match=r"partners\[0\]\.country: "):
        parse_plan(PLAN.format(country=country, kind="enterprise", role="beneficiary"), "plan.toml")


@pytest.mark.parametrize("name", ["   ", "\u3000", " \u00a0 "])
def test_a_partner_name_of_only_spaces_is_refused_as_a_blank_title_is(tmp_path, name):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN.format(country="DE", kind="enterprise", role="beneficiary")
                    .replace('name = "Acme"', f'name = "{name}"'), encoding="utf-8")
    result = run_command(["check", path])
    assert result.returncode == 2, result.stdout
    assert "partners[0].name: a partner needs its legal name (it is empty or only spaces)" in result.stderr, \
        result.stderr
    # spaces around a name are kept as written, as around a title
    kept = parse_plan(PLAN.format(country="DE", kind="enterprise", role="beneficiary")
                      .replace('name = "Acme"', 'name = " Acme "'), "plan.toml")
    assert kept.partners[0].name == " Acme "
