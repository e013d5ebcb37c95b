"""The bounds of the format, in-process: control characters, sizes, numbers, files that are not files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from planner.amounts import parse_euros
from planner.budget import budget, percent_of
from planner.errors import PlanError, validation_problems
from planner.export import partners_csv, safe_cell
from planner.files import not_a_regular_file, read_user_file
from planner.importing import decode_csv
from planner.model import MAX_EUROS, MAX_MONTHS, MAX_NOTES, MAX_TEXT, Partner, Plan, Profile
from planner.safetext import visible
from planner.storage import dump_plan, parse_plan, save_plan, size_problem, write_plan_bytes
from support import SAMPLES, make_plan, partner, run_planner

PARTNER_TEXT = ("name", "short_name", "country", "kind", "affiliated_to")
CONTROLS = ["\x00", "\x07", "\x1b", "\r", "\x7f", "\x85", "\x9b"]


def problems_of(build) -> list[str]:
    with pytest.raises(ValidationError) as info:
        build()
    return validation_problems(info.value)


@pytest.mark.parametrize("key", PARTNER_TEXT)
@pytest.mark.parametrize("char", CONTROLS + ["\n", "\t"])
def test_partner_text_refuses_every_control_character(key, char):
    fields = {"name": "Org", "country": "DE", "kind": "ngo", "role": "beneficiary", key: f"A{char}B"}
    assert problems_of(lambda: Partner(**fields)) == [f"{key}: control character U+{ord(char):04X}"]


@pytest.mark.parametrize("char", CONTROLS)
def test_notes_allow_newline_and_tab_only(char):
    assert Partner(name="Org", country="DE", kind="ngo", role="beneficiary", notes="a\nb\tc").notes == "a\nb\tc"
    if char == "\r":  # read as a newline, not refused
        assert make_plan(notes=f"a{char}b").notes == "a\nb"
        return
    (problem,) = problems_of(lambda: make_plan(notes=f"a{char}b"))
    assert problem == f"notes: control character U+{ord(char):04X} (only newline and tab are allowed)"


@pytest.mark.parametrize("key", ["title", "acronym"])
def test_plan_text_refuses_escapes_and_length(key):
    (problem,) = problems_of(lambda: make_plan(**{key: "Plan\x1b]0;x\x07"}))
    assert problem == f"{key}: control character U+001B"
    (problem,) = problems_of(lambda: make_plan(**{key: "x" * (MAX_TEXT + 1)}))
    assert problem == f"{key}: longer than {MAX_TEXT} characters; found {MAX_TEXT + 1:,}"
    assert getattr(make_plan(**{key: "x" * MAX_TEXT}), key) == "x" * MAX_TEXT


@pytest.mark.parametrize("title", ["", "   ", "\u3000 \u00a0"])
def test_a_blank_title_is_refused(title):
    # the spec: `title` is required text (the project title), as a partner's name is
    (problem,) = problems_of(lambda: make_plan(title=title))
    assert problem.startswith("title: a plan needs its project title (it is empty"), problem
    with pytest.raises(PlanError) as caught:
        parse_plan(f'format = 1\ntitle = "{title}"\nlot = 1\n', "plan.toml")
    assert str(caught.value).startswith("plan.toml: title: a plan needs its project title")
    assert make_plan(title=" T ").title == " T "  # spaces around a title are kept as written


def test_profile_titles_and_ecosystem_ids_are_text_too():
    assert problems_of(lambda: Profile(title="T\x1b", eqf=4)) == ["title: control character U+001B"]
    assert problems_of(lambda: make_plan(ecosystems=("digital\x07",))) == ["ecosystems[0]: control character U+0007"]


def test_notes_are_bounded():
    assert make_plan(notes="n" * MAX_NOTES).notes == "n" * MAX_NOTES
    (problem,) = problems_of(lambda: make_plan(notes="n" * (MAX_NOTES + 1)))
    assert problem == f"notes: longer than {MAX_NOTES:,} characters; found {MAX_NOTES + 1:,}"


@pytest.mark.parametrize("build, key", [
    (lambda v: make_plan(requested_grant_eur=v), "requested_grant_eur"),
    (lambda v: partner(grant_eur=v), "grant_eur"),
])
def test_euros_are_bounded_and_huge_numbers_are_described_not_printed(build, key):
    assert build(MAX_EUROS) is not None
    (problem,) = problems_of(lambda: build(MAX_EUROS + 1))
    assert problem == f"{key}: more than EUR {MAX_EUROS:,}; found {MAX_EUROS + 1}"
    (problem,) = problems_of(lambda: build(int("9" * 400)))
    assert problem.endswith("found a number of 400 digits")
    (problem,) = problems_of(lambda: build(16 ** 4000))  # too long for str(): never printed
    assert problem.endswith("found a number of more than 4,000 digits")


def test_duration_is_bounded():
    assert make_plan(duration_months=MAX_MONTHS).duration_months == MAX_MONTHS
    (problem,) = problems_of(lambda: make_plan(duration_months=MAX_MONTHS + 1))
    assert problem == f"duration_months: more than {MAX_MONTHS} months; found {MAX_MONTHS + 1}"


# --- budget arithmetic holds for any integers (plans built in memory are not validated again) -----


def test_a_share_of_400_nines_against_a_grant_of_1_does_not_overflow(rules):
    nines = int("9" * 400)
    plan = make_plan([partner(grant_eur=1)], requested_grant_eur=1)
    plan = plan.model_copy(update={"partners": (plan.partners[0].model_copy(update={"grant_eur": nines}),)})
    b = budget(plan, rules, 1, 24)
    (share,) = b.shares
    assert share.percent is not None and share.percent > 10**13 and share.percent != float("inf")
    assert b.shares_total == nines and b.unassigned == 1 - nines
    assert percent_of(1, 4) == 25.0 and percent_of(5, nines) == 0.0


# --- amounts and CSV cells -----------------------------------------------------------------------


def test_an_amount_of_5000_digits_is_too_large_not_a_crash():
    assert parse_euros("9" * 5000) == "is too large (5,000 digits)"
    assert parse_euros("1" + "0" * 14) == 10**14  # still a number: the model says it is too large


@pytest.mark.parametrize("cell, safe", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\\x0dx"), ("Foo [/] Bar", "Foo [/] Bar"), ("a=b", "a=b"),
    ("E\x1b]0;x\x07", "E\\x1b]0;x\\x07"),
    (120000, 120000), (-5, -5),
])
def test_csv_cells_are_neutralised_and_numbers_stay_numbers(cell, safe):
    assert safe_cell(cell) == safe


def test_csv_export_of_formula_names_reads_back_unchanged(rules, tmp_path):
    from planner.importing import preview_import

    names = ["=1+1", "+49 Org", "-dash Org", "@home GmbH"]
    plan = make_plan([partner(name, short_name=f"S{i}") for i, name in enumerate(names)])
    text = partners_csv(plan, rules, bom=True)
    assert text.startswith("\ufeffname,")
    assert all(f"'{name}" in text for name in names)
    path = tmp_path / "out.csv"
    path.write_text(text, encoding="utf-8")
    preview = preview_import(path, make_plan([]), rules)
    assert [r.partner.name for r in preview.accepted] == names


@pytest.mark.parametrize("data, fragment", [
    ("name\n".encode("utf-16"), "UTF-16"),
    ("name,country\nA,DE\n".encode("utf-16-le"), "UTF-16 text without a byte order mark"),
    (b"name\nA\x00B\n", "line 2: holds NUL bytes"),
])
def test_utf16_and_binary_csv_are_refused_clearly(data, fragment):
    with pytest.raises(PlanError) as info:
        decode_csv("x.csv", data)
    assert fragment in str(info.value)


def test_csv_with_bom_and_cp1252_decode():
    assert decode_csv("x.csv", b"\xef\xbb\xbfname\n") == "name\n"
    assert decode_csv("x.csv", "Café".encode("cp1252")) == "Café"


# --- files that are not regular files, or too large --------------------------------------------


def test_a_file_a_byte_over_the_limit_is_said_in_bytes(tmp_path):
    """It said 'is 10.0 MB; the planner reads plan files of up to 10.0 MB': both rounded, it read as a
    contradiction."""
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (10 * 1024 * 1024 + 1))
    result = run_planner("check", big)
    assert result.returncode == 2
    assert ("big.toml: is 10,485,761 bytes; the planner reads plan files of up to 10 MiB (10,485,760 bytes)"
            in result.stderr), result.stderr
    csv = tmp_path / "big.csv"
    csv.write_bytes(b"name,country,kind\n" + b"x" * (12 * 1024 * 1024))
    plan = tmp_path / "plan.toml"
    plan.write_bytes((SAMPLES / "lot1-example.toml").read_bytes())
    result = run_planner("import-partners", plan, csv)
    assert ("big.csv: is 12,582,930 bytes; the planner reads CSV files of up to 10 MiB (10,485,760 bytes)"
            in result.stderr), result.stderr


def test_read_user_file_refuses_before_reading(tmp_path):
    small = tmp_path / "small.toml"
    small.write_bytes(b"x" * 100)
    assert read_user_file(small, limit=100) == b"x" * 100
    with pytest.raises(PlanError, match=r"small.toml: is 100 bytes; the planner reads plan files of up to 99 bytes"):
        read_user_file(small, limit=99)
    with pytest.raises(PlanError, match="is a folder, not a CSV file"):
        read_user_file(tmp_path, "CSV file")
    with pytest.raises(PlanError, match="file not found"):
        read_user_file(tmp_path / "missing.toml")


def test_read_user_file_never_waits_on_a_fifo_or_reads_a_device_forever(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    with pytest.raises(PlanError, match=r"is a pipe \(FIFO\), not a plan file"):
        read_user_file(fifo)  # no writer: a blocking open would wait for ever
    if os.path.exists("/dev/zero"):
        with pytest.raises(PlanError, match="is a device"):
            read_user_file("/dev/zero")



def test_the_check_before_opening_and_the_reading_say_the_same(tmp_path):
    # the TUI asks not_a_regular_file before it reads; what it says is what reading would refuse with
    odd = [tmp_path]
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.csv")
        odd.append(tmp_path / "pipe.csv")
    if os.path.exists("/dev/zero"):
        odd.append(Path("/dev/zero"))
    for path in odd:
        said = not_a_regular_file(path, "CSV file")
        with pytest.raises(PlanError) as refused:
            read_user_file(path, "CSV file")
        assert said is not None and refused.value.message == said
    regular = tmp_path / "partners.csv"
    regular.write_text("name\n")
    assert not_a_regular_file(regular, "CSV file") is None
    assert not_a_regular_file(tmp_path / "missing.csv") is None  # the caller says "not found" itself

def test_visible_escapes_what_the_loader_refuses():
    assert visible("A\x1b]52;c;SGVsbG8=\x07B") == "A\\x1b]52;c;SGVsbG8=\\x07B"
    assert visible("a\nb\tc", keep_newlines=True) == "a\nb\tc"
    assert "\x9b" not in visible("x\x9by")


def test_plans_built_in_memory_are_validated_like_loaded_ones():
    with pytest.raises(ValidationError):
        Plan(format=1, title="T", lot=1, partners=(), notes="\x1b[2J")


def test_a_save_too_large_to_read_back_says_sizes_as_reading_does(tmp_path):
    """The save refusal said 'would be 10.0 MB, ... up to 10.0 MB' where reading says the size to the byte
    and the limit as '10 MiB (10,485,760 bytes)': one file, one way of saying its size."""
    target = tmp_path / "plan.toml"
    with pytest.raises(PlanError) as caught:
        write_plan_bytes(target, b"#" * (10 * 1024 * 1024 + 1))
    assert str(caught.value) == (f"{target}: not saved: the plan's file would be 10,485,761 bytes, and the planner "
                                 "reads plan files of up to 10 MiB (10,485,760 bytes): shorten notes or split the "
                                 "consortium")
    assert not target.exists()
    big = make_plan([partner(f"Org {i}").model_copy(update={"short_name": f"O{i}", "notes": "n" * MAX_NOTES})
                     for i in range(1050)])
    size = len(dump_plan(big).encode("utf-8"))
    assert size > 10 * 1024 * 1024
    assert size_problem(big) == (f"the plan's file would be {size:,} bytes, and the planner reads plan files of "
                                 "up to 10 MiB (10,485,760 bytes): shorten notes or split the consortium")
    with pytest.raises(PlanError, match=r"not saved: the plan's file would be [\d,]+ bytes, .* up to 10 MiB "):
        save_plan(big, target)
    assert not target.exists()
