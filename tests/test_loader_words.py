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
