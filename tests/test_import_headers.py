"""Partner lists whose headers say it in other words: a header read by its words (vocabulary.match_header),
a header that could be two columns asked and never guessed, and a PIC not known yet ('tbc') imported
without it; through `planner import-partners` in a subprocess, as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner import vocabulary
from planner.storage import load_plan, save_plan
from support import make_plan, partner, run_planner


@pytest.mark.parametrize("title,key", [
    # as a whole (the vocabulary has them), as before
    ("Organisation name", "name"), ("Name of organisation (in English)", "name"), ("Organisation legal name", "name"),
    ("Country of establishment", "country"), ("Type of organisation", "kind"), ("Organisation category", "kind"),
    ("PIC number", "pic"), ("Name der Organisation", "name"),
    # by their words
    ("Full name of the organisation", "name"), ("Full name of organisation", "name"),
    ("Official name of the partner organisation", "name"), ("Nom complet de l'organisation", "name"),
    ("Vollständiger Name der Einrichtung", "name"), ("Short name of organisation", "short_name"),
    ("Pays d'établissement", "country"), ("Country code of the organisation", "country"),
    ("Land der Niederlassung", "country"), ("Organisation's country", "country"),
    ("Category of the organisation", "kind"), ("Type of partner organisation", "kind"),
    ("Tipo de entidad participante", "kind"), ("Organisation PIC number", "pic"),
    ("Role of the organisation in the project", "role"),
    # French and Spanish lists headed by the organisation alone (as "Organisation" is): 'Organisme' was no column
    ("Organisme", "name"), ("Nom de l'organisme", "name"), ("Établissement", "name"), ("Organización", "name"),
    ("Type d'organisme", "kind"), ("Pays de l'organisme", "country"),
])
def test_a_header_is_matched_as_a_whole_or_by_its_words(title: str, key: str) -> None:
    assert vocabulary.match_header(title).key == key


def test_the_words_that_matched_are_told() -> None:
    found = vocabulary.match_header("Full name of the organisation")
    assert (found.how, found.words) == ("words", ("full", "name"))
    assert vocabulary.match_header("Pays d'établissement").words == ("pays",)
    assert vocabulary.match_header("Organisation name").how == "whole"


@pytest.mark.parametrize("title,candidates", [
    ("Name and type of organisation", ("name", "kind")), ("Legal name and PIC", ("name", "pic")),
])
def test_a_header_whose_words_name_two_keys_is_ambiguous(title: str, candidates: tuple[str, ...]) -> None:
    found = vocabulary.match_header(title)
    assert (found.key, found.how, found.candidates) == (None, "ambiguous", candidates)


@pytest.mark.parametrize("title", ["Contact person name", "Sector", "Colour", "Partner organisation details",
                                   "E-mail of the organisation", "Sort of body"])
def test_a_header_about_something_else_names_nothing(title: str) -> None:
    assert vocabulary.match_header(title).key is None and vocabulary.match_header(title).how == "none"


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    save_plan(make_plan([partner("Hochschule Nordhafen", "DE", "higher-education", "coordinator")]), path)
    return path


def write_csv(tmp_path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path = tmp_path / "partners.csv"
    path.write_text("".join(";".join(row) + "\n" for row in [header, *rows]), encoding="utf-8")
    return path


ROWS = [["Universidade do Vale", "UVALE", "Portugal", "University", "999100201"],
        ["Berufskolleg Weserland", "BKW", "Deutschland", "Berufsschule", "999100202"]]


def test_a_sheet_headed_in_other_words_imports_without_map(tmp_path: Path, plan_file: Path) -> None:
    header = ["Full name of the organisation", "Short name of organisation", "Pays d'établissement",
              "Category of the organisation", "Organisation PIC number"]
    done = run_planner("import-partners", plan_file, write_csv(tmp_path, header, ROWS))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "'Full name of the organisation' -> name (by the words 'full', 'name')" in done.stdout
    assert "\"Pays d'établissement\" -> country (by the words 'pays')" in done.stdout
    added = load_plan(plan_file).partners[1:]
    assert [(p.short_name, p.country, p.kind, p.pic) for p in added] == [
        ("UVALE", "PT", "higher-education", "999100201"), ("BKW", "DE", "vet-provider", "999100202")]


def test_a_header_that_could_be_two_columns_is_asked_then_mapped(tmp_path: Path, plan_file: Path) -> None:
    header = ["Organisation name", "Acronym", "Country", "Organisation type", "Legal name and PIC"]
    source = write_csv(tmp_path, header, ROWS)
    before = plan_file.read_bytes()
    asked = run_planner("import-partners", plan_file, source)
    assert asked.returncode == 1
    assert ("ASK    column 'Legal name and PIC' could be the PIC: say which with --map 'Legal name and PIC=pic'"
            in asked.stdout)
    assert "nothing written" in asked.stderr and "--map" in asked.stderr
    assert plan_file.read_bytes() == before
    mapped = run_planner("import-partners", plan_file, source, "--map", "Legal name and PIC=pic")
    assert mapped.returncode == 0, mapped.stdout + mapped.stderr
    assert [p.pic for p in load_plan(plan_file).partners[1:]] == ["999100201", "999100202"]


def test_a_needed_column_only_an_ambiguous_header_could_be_is_asked_for(tmp_path: Path, plan_file: Path) -> None:
    header = ["Name and type of organisation", "Acronym", "Country", "PIC"]
    rows = [[f"{name} ({kind})", short, country, pic] for name, short, country, kind, pic in ROWS]
    done = run_planner("import-partners", plan_file, write_csv(tmp_path, header, rows))
    assert done.returncode == 2
    assert "no column for name, kind" in done.stderr
    assert ("'Name and type of organisation' could be the name or the kind: say which with --map "
            "'Name and type of organisation=name'") in done.stderr


def test_two_headers_whose_words_name_one_key_are_both_asked(tmp_path: Path, plan_file: Path) -> None:
    header = ["Full name of the organisation", "Official name in the national language", "Country", "Type"]
    rows = [[name, name, country, kind] for name, _short, country, kind, _pic in ROWS]
    source = write_csv(tmp_path, header, rows)
    done = run_planner("import-partners", plan_file, source)
    assert done.returncode == 2
    assert ("'Full name of the organisation' and 'Official name in the national language' could each be the name"
            in done.stderr)
    mapped = run_planner("import-partners", plan_file, source, "--map", "Full name of the organisation=name")
    assert mapped.returncode == 0, mapped.stdout + mapped.stderr
    assert "ignored columns: 'Official name in the national language'" in mapped.stdout


@pytest.mark.parametrize("cell", ["tbc", "pending", "n/a", "TBD", "-", "N.A."])
def test_a_pic_not_known_yet_is_imported_without_it_with_a_warning(tmp_path: Path, plan_file: Path,
                                                                   cell: str) -> None:
    rows = [ROWS[0], [*ROWS[1][:4], cell]]
    done = run_planner("import-partners", plan_file,
                       write_csv(tmp_path, ["Organisation name", "Acronym", "Country", "Type", "PIC"], rows))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"WARN   line 3: PIC {cell!r} is not known yet: added without a PIC" in done.stdout
    added = load_plan(plan_file).partners[1:]
    assert [(p.short_name, p.pic) for p in added] == [("UVALE", "999100201"), ("BKW", None)]


def test_a_wrong_pic_is_still_refused(tmp_path: Path, plan_file: Path) -> None:
    rows = [[*ROWS[0][:4], "12345"]]
    done = run_planner("import-partners", plan_file,
                       write_csv(tmp_path, ["Organisation name", "Acronym", "Country", "Type", "PIC"], rows))
    assert done.returncode == 1 and "PIC '12345' is not 9 digits" in done.stdout


def test_the_not_known_words_are_data() -> None:
    data = vocabulary.vocabulary_data("headers")
    assert {"tbc", "pending", "n/a", "tbd"} <= set(data["not_known"]["pic"])
    assert vocabulary.means_not_known("pic", "TBC") and not vocabulary.means_not_known("pic", "999100201")
    assert not vocabulary.means_not_known("pic", "")


def test_a_french_list_headed_organisme_imports_from_the_command_line(tmp_path) -> None:
    """'Organisme;Pays;Type d'organisme;Rôle' (semicolons, Windows-1252, as Excel saves it in France): the
    command stopped with 'no column for name'."""
    plan = tmp_path / "plan.toml"
    save_plan(make_plan([partner("Hochschule Nordhafen", "DE", "higher-education", "coordinator")]), plan)
    sheet = tmp_path / "partenaires.csv"
    sheet.write_bytes("Organisme;Pays;Type d'organisme;Rôle\r\nLycée des Métiers de la Mer;France;lycée "
                      "professionnel;partenaire\r\n".encode("cp1252"))
    done = run_planner("import-partners", plan, sheet)
    assert done.returncode == 0, done.stderr
    assert "'Organisme' -> name" in done.stdout
    assert load_plan(plan).partners[-1].name == "Lycée des Métiers de la Mer"
