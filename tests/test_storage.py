"""Plan files: lossless, byte-stable round trips; atomic saving; normalisation on load; clear refusals."""

from __future__ import annotations

import difflib
import os
import stat
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.errors import PlanError
from planner.model import MAX_EUROS, MAX_MONTHS, Activities, Assessment, Partner, Plan, Profile, short_name_key
from planner.safetext import find_format
from planner.storage import dump_plan, load_plan, parse_plan, save_plan
from support import RULES_2024, SAMPLES, make_plan, partner

# --- random valid plans --------------------------------------------------------------------

# arbitrary text, with the characters that break hand-made writers made common; control characters are
# refused by the format (newline and tab allowed in notes, where CR and CRLF are read as newlines)
hard_chars = st.sampled_from(['"', "'", '\\', '"""', "'''", '#', '=', '[', ']', '[/]', '\u2028', '\ufeff', 'é',
                              '🇪🇺'])
line_chars = st.sampled_from(['\n', '\r', '\r\n', '\t'])
printable = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))
text = st.lists(st.one_of(hard_chars, st.text(printable, max_size=8)), max_size=6).map("".join)
notes_text = st.lists(st.one_of(hard_chars, line_chars, st.text(printable, max_size=8)), max_size=6).map("".join)
nonempty = text.filter(bool)
title_text = text.filter(lambda value: bool(value.strip()))  # a plan's title: not empty, nor only spaces
# names, short names and affiliations refuse bidi and invisible characters (U+2028 and U+FEFF among them)
name_text = text.filter(lambda value: bool(value) and find_format(value) is None)
legal_name_text = name_text.filter(lambda value: bool(value.strip()))  # a partner's name: nor only spaces
euros = st.integers(0, MAX_EUROS)


def optional(strategy):
    return st.none() | strategy


partners = st.builds(
    Partner,
    name=legal_name_text,
    short_name=optional(name_text),
    country=st.sampled_from(sorted(RULES_2024.country_names)),
    kind=st.sampled_from([k.id for k in RULES_2024.kinds]),
    role=st.sampled_from([r.id for r in RULES_2024.roles]),
    pic=optional(st.from_regex(r"[0-9]{9}", fullmatch=True)),
    grant_eur=optional(euros),
    affiliated_to=optional(name_text),
    eche=optional(st.booleans()),
    notes=optional(notes_text),
)
profiles = st.builds(Profile, title=nonempty, eqf=st.integers(1, 8))
activities = st.builds(Activities, **{a.id: st.booleans() for a in RULES_2024.activities})
assessments = st.builds(Assessment, **{c.id: optional(st.integers(0, c.maximum)) for c in RULES_2024.award})

plans = st.builds(
    Plan,
    format=st.just(1),
    call=optional(st.sampled_from(["2024", "2025", "2026"])),
    title=title_text,
    acronym=optional(text),
    lot=st.sampled_from([lot.number for lot in RULES_2024.lots]),
    duration_months=optional(st.integers(1, MAX_MONTHS)),
    ecosystems=optional(st.lists(st.sampled_from([e.id for e in RULES_2024.ecosystems]), max_size=4,
                                   unique=True).map(tuple)),  # the format lists each once
    requested_grant_eur=optional(euros),
    notes=optional(notes_text),
    # no two short names alike (the format's rule: model.short_name_key); partners without one are all distinct
    partners=st.lists(partners, max_size=5, unique_by=lambda p: short_name_key(p.short_name) if p.short_name
                      else object()).map(tuple),
    profiles=st.lists(profiles, max_size=3).map(tuple),
    activities=optional(activities),
    assessment=optional(assessments),
)


@settings(max_examples=100, deadline=None)
@given(plan=plans)
def test_dump_then_parse_gives_the_same_plan_and_the_same_bytes(plan):
    text_ = dump_plan(plan)
    assert dump_plan(plan) == text_
    loaded = parse_plan(text_, "<random>")
    assert loaded == plan
    assert dump_plan(loaded) == text_


@settings(max_examples=100, deadline=None)
@given(plan=plans)
def test_save_load_save_is_lossless_and_byte_identical(plan, tmp_path_factory):
    folder = tmp_path_factory.mktemp("roundtrip")
    first, second = folder / "plan.toml", folder / "again.toml"
    save_plan(plan, first)
    loaded = load_plan(first)
    assert loaded == plan
    save_plan(loaded, second)
    assert first.read_bytes() == second.read_bytes()
    save_plan(loaded, first)  # saving over the file changes nothing
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == ["again.toml", "plan.toml"]


def test_carriage_returns_in_notes_are_read_as_newlines(tmp_path):
    plan = make_plan([partner(notes="line one\r\nline two\rthree\n")], notes="a\r\nb")
    assert plan.partners[0].notes == "line one\nline two\nthree\n" and plan.notes == "a\nb"
    save_plan(plan, tmp_path / "crlf.toml")
    assert load_plan(tmp_path / "crlf.toml") == plan


@pytest.mark.parametrize("name", ["lot1-example", "lot2-example", "lot2-draft"])
def test_samples_are_in_canonical_form(name):
    path = SAMPLES / f"{name}.toml"
    assert dump_plan(load_plan(path)).encode("utf-8") == path.read_bytes()


def test_one_edit_is_one_changed_line():
    plan = load_plan(SAMPLES / "lot2-example.toml")
    partners = list(plan.partners)
    partners[3] = partners[3].model_copy(update={"grant_eur": 123456})
    before = dump_plan(plan).splitlines()
    after = dump_plan(plan.model_copy(update={"partners": tuple(partners)})).splitlines()
    changed = [line for line in difflib.unified_diff(before, after, lineterm="", n=0)
               if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
    assert changed == [f"-grant_eur = {plan.partners[3].grant_eur}", "+grant_eur = 123456"]


def test_unset_keys_are_left_out_and_order_is_the_specs():
    plan = make_plan([partner("Org", role="coordinator")], lot=2, acronym="ACR", requested_grant_eur=5,
                     assessment=Assessment(relevance=20), activities=Activities(core_curricula=True),
                     profiles=(Profile(title="P", eqf=4),))
    text_ = dump_plan(plan)
    keys = [line.split(" = ")[0] for line in text_.splitlines() if " = " in line]
    assert keys == ["format", "call", "title", "acronym", "lot", "requested_grant_eur",
                    "name", "country", "kind", "role",
                    "title", "eqf",
                    "skills_strategy", "cvet_programmes", "core_curricula", "long_term_action_plan",
                    "relevance"]
    headers = [line for line in text_.splitlines() if line.startswith("[")]
    assert headers == ["[[partners]]", "[[profiles]]", "[activities]", "[assessment]"]
    assert "null" not in text_ and "None" not in text_


# --- normalisation on load -----------------------------------------------------------------


def test_country_codes_are_normalised_on_load(tmp_path):
    path = tmp_path / "countries.toml"
    path.write_text(
        'format = 1\ntitle = "Cases"\nlot = 1\n'
        + "".join(f'\n[[partners]]\nname = "P{i}"\ncountry = "{code}"\nkind = "ngo"\nrole = "beneficiary"\n'
                  for i, code in enumerate(["de", "El", "el", "UK", "uk", "gb", "No", "GR"])),
        encoding="utf-8",
    )
    plan = load_plan(path)
    assert [p.country for p in plan.partners] == ["DE", "GR", "GR", "GB", "GB", "GB", "NO", "GR"]
    save_plan(plan, path)
    written = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("country")]
    assert written == [f'country = "{code}"' for code in ["DE", "GR", "GR", "GB", "GB", "GB", "NO", "GR"]]


# --- atomic saving -------------------------------------------------------------------------


def test_save_leaves_no_temporary_files(tmp_path):
    plan = load_plan(SAMPLES / "lot1-example.toml")
    target = tmp_path / "plan.toml"
    save_plan(plan, target)
    save_plan(plan.model_copy(update={"title": "Second"}), target)
    assert [p.name for p in tmp_path.iterdir()] == ["plan.toml"]
    assert load_plan(target).title == "Second"


def test_failed_rename_keeps_the_old_file_and_cleans_up(tmp_path, monkeypatch):
    target = tmp_path / "plan.toml"
    plan = load_plan(SAMPLES / "lot1-example.toml")
    save_plan(plan, target)
    old = target.read_bytes()

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PlanError) as info:
        save_plan(plan.model_copy(update={"title": "Never written"}), target)
    assert str(target) in str(info.value)
    assert "cannot save" in str(info.value) and "No space left on device" in str(info.value)
    assert target.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["plan.toml"]


def test_failed_write_keeps_the_old_file_and_cleans_up(tmp_path, monkeypatch):
    target = tmp_path / "plan.toml"
    plan = load_plan(SAMPLES / "lot2-example.toml")
    save_plan(plan, target)
    old = target.read_bytes()

    def broken_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(PlanError, match="Input/output error"):
        save_plan(plan.model_copy(update={"title": "Never written"}), target)
    assert target.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["plan.toml"]


def test_save_keeps_the_files_permissions(tmp_path):
    target = tmp_path / "plan.toml"
    save_plan(make_plan(), target)
    target.chmod(0o640)
    save_plan(make_plan(title="Changed"), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_saving_into_a_read_only_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "plan.toml"
    save_plan(make_plan(), target)
    old = target.read_bytes()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root (or similar): chmod does not stop writing here")
        with pytest.raises(PlanError) as info:
            save_plan(make_plan(title="Changed"), target)
        message = str(info.value)
        assert message.startswith(f"{target}: cannot save")
        assert "permission" in message and str(folder) in message
        assert target.read_bytes() == old
    finally:
        folder.chmod(0o755)


def test_saving_into_a_missing_folder_is_a_clear_error(tmp_path):
    target = tmp_path / "no-such-folder" / "plan.toml"
    with pytest.raises(PlanError, match="does not exist") as info:
        save_plan(make_plan(), target)
    assert str(target) in str(info.value)


def test_saving_over_a_folder_is_a_clear_error(tmp_path):
    (tmp_path / "plan.toml").mkdir()
    with pytest.raises(PlanError, match="a folder has that name"):
        save_plan(make_plan(), tmp_path / "plan.toml")
    assert [p.name for p in tmp_path.iterdir()] == ["plan.toml"]


# --- refusals in-process (the CLI tests cover the same corpus end to end) -------------------


def test_unknown_keys_name_their_path():
    text_ = ('format = 1\ntitle = "T"\nlot = 1\n\n[[partners]]\nname = "A"\ncountry = "DE"\nkind = "ngo"\n'
             'role = "beneficiary"\n\n[[partners]]\nname = "B"\ncountry = "DE"\nkind = "ngo"\n'
             'role = "beneficiary"\ncolour = "blue"\n\n[assessment]\nimpcat = 3\n')
    with pytest.raises(PlanError) as info:
        parse_plan(text_, "typo.toml")
    message = str(info.value)
    assert message.startswith("typo.toml: ")
    assert "partners[1].colour: unknown key 'colour'" in message
    assert "assessment.impcat: unknown key 'impcat'" in message
    assert "allowed keys here: name, short_name, country" in message


def test_several_rule_problems_are_all_listed():
    text_ = ('format = 1\ntitle = "T"\nlot = 1\necosystems = ["textiles"]\n\n[[partners]]\nname = "A"\n'
             'country = "ZZ"\nkind = "school"\nrole = "beneficiary"\n\n[assessment]\nimpact = 21\n')
    with pytest.raises(PlanError) as info:
        parse_plan(text_, "many.toml")
    message = str(info.value)
    assert "does not fit the call rules" in message
    for fragment in ("ecosystems[0]: unknown ecosystem 'textiles'", "partners[0].country: unknown country code 'ZZ'",
                     "partners[0].kind: unknown kind 'school'", "assessment.impact: 21 is above the maximum of 20"):
        assert fragment in message


def test_unknown_call_is_refused():
    with pytest.raises(PlanError) as info:
        parse_plan('format = 1\ncall = "1999"\ntitle = "T"\nlot = 1\n', "old.toml")
    assert str(info.value).startswith("old.toml: call: no rules for call '1999'")
    assert "2024" in str(info.value)


def test_other_format_is_refused():
    with pytest.raises(PlanError, match="format: .*reads format 1, not 2"):
        parse_plan('format = 2\ntitle = "T"\nlot = 1\n', "future.toml")


def test_a_folder_the_os_refuses_to_write_is_a_clear_error_and_keeps_the_old_file(tmp_path, monkeypatch):
    # root ignores chmod, so the refusals are the OS's answers made up here: at the call that makes the
    # temp file, and at the one that would open the file to write it in place (tests/test_saving.py
    # has the same as an unprivileged user, for real)
    target = tmp_path / "plan.toml"
    save_plan(make_plan(), target)
    old = target.read_bytes()

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("planner.files.writing.tempfile.mkstemp", refuse)
    monkeypatch.setattr("planner.files.writing.os.open", refuse)
    with pytest.raises(PlanError) as info:
        save_plan(make_plan(title="Changed"), target)
    assert str(info.value) == f"{target}: cannot save: no permission to write in folder {tmp_path}, " \
                              "nor to the file itself"
    assert target.read_bytes() == old
