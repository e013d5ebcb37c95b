"""The partner form's pickers take the words people write: EU codes, countries' own names, kinds in
their languages; a typo or a word that names several kinds stays in the field, marked, until picked.

Every case is typed twice: with Pilot's paced `press` and as one burst of key events (`post_keys`)."""

from __future__ import annotations

import pytest

from planner.tui.screens.partner_form import PartnerForm
from planner.tui.widgets.picker import Picker

from .helpers import focus, make_app, post_keys, ready, static_text, wait_for, wait_main, wait_screen

HOW = ["press", "burst"]


def keys_of(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


async def send(pilot, keys: list[str], burst: bool) -> None:
    if burst:
        post_keys(pilot.app, keys)
    else:
        await pilot.press(*keys)


async def open_form(pilot) -> PartnerForm:
    await ready(pilot)
    await pilot.press("a")
    return await wait_screen(pilot, PartnerForm)


async def type_into(pilot, form: PartnerForm, field: str, text: str, burst: bool, then: str = "tab") -> Picker:
    """Focus the picker, empty it, type `text`, then press `then` (tab leaves the field)."""
    picker = form.query_one(f"#{field}", Picker)
    await focus(pilot, picker.input)
    await send(pilot, ["end", "ctrl+u", *keys_of(text), *([then] if then else [])], burst)
    if then == "tab":
        await wait_for(pilot, lambda: pilot.app.focused is not picker.input, f"tab out of {field}")
    else:
        await wait_for(pilot, lambda: picker.input.value == text, f"{text!r} in {field}")
    return picker


def mark(picker: Picker) -> str:
    shown = picker.query_one(".picker-mark")
    return str(shown.render()) if shown.display else ""


@pytest.mark.parametrize("burst", [False, True], ids=HOW)
@pytest.mark.parametrize(("typed", "code", "shown"), [
    ("EL", "GR", "Greece (GR)"),  # the EU's code for Greece, not El Salvador
    ("UK", "GB", "United Kingdom (GB)"),  # the EU's code for the United Kingdom, not Ukraine
    ("Suomi", "FI", "Finland (FI)"),  # the country's own name
    ("czech rep", "CZ", "Czechia (CZ)"),  # an old name, cut short
    ("Deutschland", "DE", "Germany (DE)"),
    ("fin", "FI", "Finland (FI)"),
])
async def test_a_country_as_people_write_it_then_tab(tmp_path, burst, typed, code, shown):
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        picker = await type_into(pilot, form, "country", typed, burst)
        assert picker.value == code
        assert picker.input.value == shown and mark(picker) == ""


@pytest.mark.parametrize("burst", [False, True], ids=HOW)
@pytest.mark.parametrize(("typed", "kind"), [
    ("uas", "higher-education"),  # university of applied sciences
    ("hochschule", "higher-education"),
    ("Kammer", "chamber"),
    ("employers", "trade-association"),
    ("sme", "enterprise"),
])
async def test_a_kind_as_people_write_it_then_tab(tmp_path, burst, typed, kind):
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        picker = await type_into(pilot, form, "kind", typed, burst)
        assert picker.value == kind
        assert picker.input.value == app.document.rules.kind(kind).label and mark(picker) == ""


@pytest.mark.parametrize("burst", [False, True], ids=HOW)
async def test_a_typo_keeps_the_text_offers_the_country_and_save_says_what_is_missing(tmp_path, burst):
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        await send(pilot, [*keys_of("Test Org"), "tab", *"TO"], burst)
        await wait_for(pilot, lambda: form.query_one("#short_name").value == "TO", "the short name")
        country = await type_into(pilot, form, "country", "Spian", burst)
        # nothing taken, nothing emptied: the text stays and the line under it asks
        assert country.value is None and country.input.value == "Spian"
        assert mark(country) == "? Spian — did you mean Spain (ES)?"
        kind = await type_into(pilot, form, "kind", "univ", burst)
        assert kind.value == "higher-education"
        # enter saves: not with a country that is not one; the form says so and goes back to it
        await send(pilot, ["enter"], burst)
        error = form.query_one("#error-country")
        await wait_for(pilot, lambda: error.display, "the country's error")
        assert static_text(form, "#error-country") == "✗ not saved: choose a country"
        assert app.screen is form and app.focused is country.input and country.input.value == "Spian"
        assert mark(country) == "? Spian — did you mean Spain (ES)? (↓ picks)"
        assert [item.id for item in country._shown] == ["ES"]
        # down picks what it offered; enter saves
        await send(pilot, ["down"], burst)
        await wait_for(pilot, lambda: country.value == "ES", "Spain picked")
        assert mark(country) == ""
        await send(pilot, ["enter"], burst)
        await wait_main(pilot)
        added = app.document.plan.partners[-1]
        assert (added.name, added.country, added.kind) == ("Test Org", "ES", "higher-education")


@pytest.mark.parametrize("burst", [False, True], ids=HOW)
async def test_down_picks_the_first_kind_when_the_last_letter_made_the_word_ambiguous(tmp_path, burst):
    """'un' is sure (a university), 'uni' could be a university or a trade union: the list was filled while
    'un''s match was still the value, so it highlighted the first entry, and ↓ picked the second: a
    Universidad saved as a trade union. Nothing is highlighted now, and ↓ takes the first."""
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        kind = await type_into(pilot, form, "kind", "uni", burst, then="")
        assert kind.value is None and [item.id for item in kind._shown] == ["higher-education", "trade-union"]
        assert kind.options.highlighted is None  # nothing looks chosen
        await send(pilot, ["down"], burst)
        await wait_for(pilot, lambda: kind.value == "higher-education", "the first one picked")
        assert kind.options.highlighted == 0

@pytest.mark.parametrize("burst", [False, True], ids=HOW)
async def test_a_word_of_several_kinds_is_asked_not_guessed(tmp_path, burst):
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        kind = await type_into(pilot, form, "kind", "college", burst, then="")
        assert kind.value is None
        assert [item.id for item in kind._shown] == ["higher-education", "vet-provider"]
        assert mark(kind) == "? college — 2 match: which one? (↓ picks)"
        assert kind.options.highlighted is None  # nothing looks chosen
        # 'employ' starts an employer, an employers' organisation, a trade union...: asked too
        await send(pilot, ["ctrl+u", *"employ"], burst)
        await wait_for(pilot, lambda: kind.input.value == "employ", "employ typed")
        assert kind.value is None and "trade-association" in [item.id for item in kind._shown]
        assert mark(kind).startswith("? employ — ") and "which one?" in mark(kind)
        # left without a pick: the text stays, and the line names the choices
        await send(pilot, ["tab"], burst)
        await wait_for(pilot, lambda: app.focused is not kind.input, "tab out of the kind")
        assert kind.input.value == "employ" and kind.value is None
        assert "Trade, sectoral or professional association" in mark(kind)
        # back in it, down and down pick among them; the ECHE question follows the kind
        await focus(pilot, kind.input)
        at = [item.id for item in kind._shown].index("trade-association")
        await send(pilot, ["down"] * (at + 1), burst)
        await wait_for(pilot, lambda: kind.value == "trade-association", "the association picked")
        await send(pilot, ["tab"], burst)
        await wait_for(pilot, lambda: kind.input.value == app.document.rules.kind("trade-association").label,
                       "the label shown")


@pytest.mark.parametrize("burst", [False, True], ids=HOW)
async def test_a_role_typo_is_offered_and_escape_asks_before_dropping_typed_text(tmp_path, burst):
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        role = await type_into(pilot, form, "role", "benefciary", burst)
        assert role.value is None and role.input.value == "benefciary"
        assert mark(role) == "? benefciary — did you mean Beneficiary?"
        # the form was untouched but for that text: escape asks, it does not drop it
        await send(pilot, ["escape"], burst)
        from planner.tui.screens.dialogs import Choice
        await wait_screen(pilot, Choice)
