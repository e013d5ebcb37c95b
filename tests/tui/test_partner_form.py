"""The partner form as a coordinator uses it: an eligible Lot 1 consortium from an empty plan, keys counted."""

from __future__ import annotations

import tomllib

import pytest
from textual.widgets import Input, Static

from planner.tui.screens.dialogs import Choice
from planner.tui.screens.partner_form import PartnerForm
from planner.tui.widgets.picker import Picker

from .helpers import (
    SAMPLES,
    fill_partner,
    focus,
    keys_handled,
    make_app,
    post_keys,
    ready,
    replace_text,
    static_text,
    type_text,
    verdict,
    wait_for,
    wait_main,
    wait_screen,
)

# the search words a coordinator types in the two pickers, per partner of samples/lot1-example.toml
COUNTRY_WORDS = {"DE": "ger", "PT": "port", "NL": "neth", "PL": "pol", "FI": "fin"}
KIND_WORDS = {"higher-education": "univ", "vet-provider": "vet", "enterprise": "sme", "chamber": "cham",
              "trade-association": "sectoral", "public-body": "authority"}
# the figure in docs/guide.md#partners: a, four tabs and enter (text typed into the fields not counted)
KEYS_PER_BENEFICIARY = 6


class KeyCounter:
    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        # typed as a user types them (the key gate keeps their order), then until each is handled: Pilot's
        # press waited for the app to idle after every key, 60 ms each, 15 s of the suite for this test
        self.count += len(keys)
        post_keys(self.pilot.app, list(keys))
        await keys_handled(self.pilot)


@pytest.mark.long
async def test_an_eligible_lot1_consortium_from_an_empty_plan_in_few_keys(tmp_path):
    partners = tomllib.loads((SAMPLES / "lot1-example.toml").read_text(encoding="utf-8"))["partners"]
    app, notes = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert not app.document.plan.partners
        keys = KeyCounter(pilot)
        per_partner = []
        for n, p in enumerate(partners):
            start = keys.count
            await keys.press("a")
            form = await wait_screen(pilot, PartnerForm)
            # the first partner of an empty plan is the coordinator; the country carries over
            assert form.query_one("#role", Picker).value == ("coordinator" if n == 0 else "beneficiary")
            if n:
                assert form.query_one("#country", Picker).value == partners[n - 1]["country"]
            await fill_partner(pilot, form, p["name"], p["short_name"], p.get("pic", ""),
                               (COUNTRY_WORDS[p["country"]], p["country"]), (KIND_WORDS[p["kind"]], p["kind"]),
                               press=keys.press)
            if p["role"] == "associated-partner":
                await keys.press("tab")
                role = form.query_one("#role", Picker)
                assert pilot.app.focused is role.input
                await type_text(pilot, "assoc", done=lambda: role.value == "associated-partner")
            # live: what this partner changes, before it is saved
            assert static_text(form, "#impact").startswith("With this partner:")
            await keys.press("enter")
            await wait_main(pilot)
            await wait_for(pilot, lambda: len(app.document.plan.partners) == n + 1, "the partner added")
            per_partner.append(keys.count - start)

        got = [(q.name, q.short_name, q.country, q.kind, q.role, q.pic) for q in app.document.plan.partners]
        assert got == [(p["name"], p["short_name"], p["country"], p["kind"], p["role"], p.get("pic"))
                       for p in partners]
        # every coordinator or beneficiary in docs/guide.md's count of keys (#partners); the associated partner one more
        assert [k for k, p in zip(per_partner, partners) if p["role"] != "associated-partner"] == \
            [KEYS_PER_BENEFICIARY] * 9
        assert [k for k, p in zip(per_partner, partners) if p["role"] == "associated-partner"] == \
            [KEYS_PER_BENEFICIARY + 1]
        assert app.board.eligible, verdict(app)
        assert verdict(app).startswith("✓ ELIGIBLE") and ": Lot 1" in verdict(app)
        assert any(n.message == "Added KTS" for n in notes)


async def country_field(pilot) -> tuple[PartnerForm, Picker]:
    """The partner form of a new plan, with the focus in its country field (three tabs from the name)."""
    await ready(pilot)
    await pilot.press("a")
    form = await wait_screen(pilot, PartnerForm)
    country = form.query_one("#country", Picker)
    await pilot.press("tab", "tab", "tab")
    assert pilot.app.focused is country.input
    return form, country


async def test_pickers_filter_from_the_first_letter_eu_first_and_kinds_in_words(tmp_path):
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        form, country = await country_field(pilot)
        # nothing typed: EU Member States first, then the associated countries; excluded ones last, marked
        shown = [item.id for item in country._shown]
        assert shown[0] == "AT" and shown.index("NO") > shown.index("SE") and shown[-2:] == ["BY", "RU"]
        assert country.items[-1].note.startswith("✗ excluded")
        # the list opens inside the dialog (the form scrolls it into view: a frame or two after the focus)
        await wait_for(pilot, lambda: country.options.display and
                       country.options.region.bottom <= form.query_one(".dialog").region.bottom, "the list in view")
        await type_text(pilot, "f", done=lambda: country.value is not None)
        assert [i.id for i in country._shown][:2] == ["FI", "FR"]  # from the first letter, no enter
        await type_text(pilot, "in", done=lambda: country.input.value == "fin")
        assert country.value == "FI" and [i.id for i in country._shown] == ["FI"]
        await pilot.press("tab")
        assert country.input.value == "Finland (FI)"
        kind = form.query_one("#kind", Picker)
        for word, expected in (("cham", "chamber"), ("vet", "vet-provider"), ("univ", "higher-education")):
            await pilot.press("ctrl+u") if kind.input.value else None
            await type_text(pilot, word, done=lambda: kind.input.value == word)
            assert kind.value == expected, word
        # the kinds read in words; the ECHE question shows for higher education only
        assert "Higher education institution" in kind.input.value or kind.shown_text().startswith("Higher")
        assert form.query_one("#eche").display
        await pilot.press("ctrl+u")
        await type_text(pilot, "sme", done=lambda: kind.value == "enterprise")
        assert not form.query_one("#eche").display


async def test_eche_is_saved_for_a_university(tmp_path):
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        await fill_partner(pilot, form, "Tampere University", country=("fin", "FI"), kind=("univ", "higher-education"))
        await pilot.press("tab", "tab")  # past the role (coordinator) to the ECHE question
        eche = form.query_one("#eche", Picker)
        assert app.focused is eche.input
        await type_text(pilot, "yes", done=lambda: eche.value == "yes")
        await pilot.press("enter")
        await wait_main(pilot)
        partner = app.document.plan.partners[0]
        assert (partner.role, partner.eche) == ("coordinator", True)


async def test_the_eche_question_is_not_asked_for_a_university_of_a_third_country_not_associated(tmp_path):
    """The ECHE is for higher education institutions of EU/associated countries: a UK university was asked."""
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        await fill_partner(pilot, form, "University of Westminster", country=("united kingdom", "GB"),
                           kind=("univ", "higher-education"))
        country = form.query_one("#country", Picker)
        await wait_for(pilot, lambda: not form.query_one("#eche").display, "no ECHE question for the UK")
        await pilot.press("shift+tab")  # back to the country: Finland is EU, the question is there again
        await pilot.press("ctrl+u")
        await type_text(pilot, "fin", done=lambda: country.value == "FI")
        await wait_for(pilot, lambda: form.query_one("#eche").display, "the ECHE question for Finland")


async def test_ctrl_n_saves_and_opens_the_next_empty_form(tmp_path):
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        assert "ctrl+n" in str(form.query_one("#next").label)
        assert "ctrl+n" in app.active_bindings and app.active_bindings["ctrl+n"].binding.show  # in the footer
        await fill_partner(pilot, form, "Alpha GmbH", country=("ger", "DE"), kind=("sme", "enterprise"))
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: len(app.document.plan.partners) == 1, "the first partner")
        await wait_for(pilot, lambda: isinstance(app.screen, PartnerForm) and app.screen is not form,
                       "the next empty form")
        second = app.screen
        assert second.query_one("#name", Input).value == ""
        assert second.query_one("#country", Picker).value == "DE"  # carried over
        assert second.query_one("#role", Picker).value == "beneficiary"
        # chained, a beneficiary costs 5 keys besides the text (the figure in docs/guide.md#partners): 4 tabs and ctrl+n
        keys = KeyCounter(pilot)
        await fill_partner(pilot, second, "Beta Oy", "BETA", country=("fin", "FI"), kind=("vet", "vet-provider"),
                           press=keys.press)
        await keys.press("ctrl+n")
        await wait_for(pilot, lambda: len(app.document.plan.partners) == 2, "the second partner")
        await wait_for(pilot, lambda: isinstance(app.screen, PartnerForm) and app.screen is not second,
                       "the third form")
        assert keys.count == KEYS_PER_BENEFICIARY - 1
        assert app.document.plan.partners[1].short_name == "BETA"
        await pilot.press("escape")  # untouched: closes at once
        await wait_main(pilot)


async def test_escape_asks_on_a_changed_form_and_closes_an_unchanged_one(tmp_path):
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("a")
        await wait_screen(pilot, PartnerForm)
        await pilot.press("escape")
        await wait_main(pilot)  # nothing typed: closed at once

        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        await type_text(pilot, "Half typed")
        await pilot.press("escape")
        dialog = await wait_screen(pilot, Choice)
        assert "Discard this partner?" in str(dialog.query_one(".question", Static).render())
        assert app.focused.id == "choice-keep"  # the safe button
        await pilot.press("enter")  # keeps editing
        await wait_for(pilot, lambda: app.screen is form, "back in the form")
        assert form.query_one("#name", Input).value == "Half typed"
        await pilot.press("escape")
        await wait_screen(pilot, Choice)
        await pilot.press("right", "enter")  # Discard
        await wait_main(pilot)
        assert not app.document.plan.partners

        # the same from the Cancel button: the question's answer comes back to the form's own handler
        # there, which once crashed the planner (a random key sequence found it)
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        await type_text(pilot, "Half typed")
        form.query_one("#cancel").focus()
        await pilot.press("enter")
        await wait_screen(pilot, Choice)
        await pilot.press("right", "enter")  # Discard
        await wait_main(pilot)
        assert app.is_running and not app.document.plan.partners


async def test_a_pickers_list_comes_into_view_when_the_layout_comes_later_than_waited_for(tmp_path, monkeypatch):
    """On a busy machine the frame that lays out the opened list can come after the ones the picker
    waits for; it looks again after each frame until the field and its list are in view."""
    def on_focus_too_early(self):  # the scroll looked for before any frame has laid out the list
        self._fill(self.items)
        self.options.display = True
        self._scroll_list_into_view()

    monkeypatch.setattr(Picker, "on_descendant_focus", on_focus_too_early)
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        form, country = await country_field(pilot)
        await wait_for(pilot, lambda: country.options.region.height and
                       country.options.region.bottom <= form.query_one(".dialog").region.bottom, "the list in view")


async def test_the_edit_form_says_what_the_change_does_against_the_partner_as_it_was(tmp_path):
    """A beneficiary from a region the call does not allow, made an associated partner: the line compared
    the plan without the partner to the plan with it, said 'no composition rule changes', and on saving the
    full partners and providers fell by one while the third-countries rule came to pass."""
    path = tmp_path / "uwm.toml"
    path.write_text(UWM_PLAN, encoding="utf-8")
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("end", "enter")
        form = await wait_screen(pilot, PartnerForm)
        assert form.query_one("#short_name", Input).value == "UWM"
        role = form.query_one("#role", Picker)
        await focus(pilot, role.input)
        await replace_text(pilot, "assoc")
        await wait_for(pilot, lambda: role.value == "associated-partner", "the role chosen")
        await wait_for(pilot, lambda: "With these changes:" in static_text(form, "#impact"), "the line")
        said = static_text(form, "#impact")
        assert "full partners 4/8 ✗" in said and "education and training providers 2/3 ✗" in said, said
        assert "third countries ✓" in said and "3 rules still fail" in said, said
        await pilot.press("enter")
        await wait_main(pilot)
        assert {c.id for c in app.board.failures} == {"full-partners", "labour-market-actors", "education-providers"}



async def test_the_edit_form_counts_the_partners_budget_as_the_verdict_bar_does(tmp_path):
    """The line under the form judged the plan with the partner's budget left out (the save keeps it):
    with VTU's travel over the cap, the verdict bar said 'grant' fails and the form 'plan ELIGIBLE'."""
    text = (SAMPLES / "lot2-example.toml").read_text(encoding="utf-8")
    travel = next(line for line in text.splitlines() if line.startswith("travel_eur = "))
    path = tmp_path / "over.toml"
    path.write_text(text.replace(travel, "travel_eur = 900000", 1), encoding="utf-8")
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert [c.id for c in app.board.failures] == ["grant"], verdict(app)
        await pilot.press("enter")
        form = await wait_screen(pilot, PartnerForm)
        assert form.query_one("#short_name", Input).value == "VTU"
        await wait_for(pilot, lambda: "With these changes:" in static_text(form, "#impact"), "the line")
        said = static_text(form, "#impact")
        assert "1 rule still fails" in said and "ELIGIBLE" not in said, said


async def test_an_organisation_already_in_the_plan_is_said_at_entry_as_the_import_says_it(draft):
    """The import refuses a partner already in the plan ('one organisation counts once'); the form counted
    it as one more full partner without a word, and the plan could pass with the same organisation twice."""
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        first = app.document.plan.partners[0]
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        await fill_partner(pilot, form, first.name.upper(), "AGAIN", country=("ital", first.country),
                           kind=("univ", first.kind))
        said = f"is already in the plan as {first.label}: one organisation counts once"
        await wait_for(pilot, lambda: said in static_text(form, "#impact"), "the line says so")
        assert static_text(form, "#impact").startswith("With this partner:")

UWM_PLAN = """format = 1
title = "A beneficiary from a region the call does not allow"
call = "2027"
lot = 1

[[partners]]
short_name = "HZK"
name = "Hogeschool Zeeland Kust"
country = "NL"
kind = "higher-education"
role = "coordinator"
eche = true

[[partners]]
short_name = "BBZB"
name = "Berufsbildungszentrum Bern"
country = "CH"
kind = "vet-provider"
role = "beneficiary"

[[partners]]
short_name = "WKN"
name = "Windkraft Nord GmbH"
country = "DE"
kind = "enterprise"
role = "beneficiary"

[[partners]]
short_name = "IPHG"
name = "Izba Przemyslowo-Handlowa Gdansk"
country = "PL"
kind = "chamber"
role = "beneficiary"

[[partners]]
short_name = "UWM"
name = "University of Westmoor"
country = "GB"
kind = "higher-education"
role = "beneficiary"
"""


@pytest.mark.parametrize("key", ["a", "t"], ids=["partner form", "plan details"])
async def test_tab_and_shift_tab_stop_only_on_what_shows_the_focus(draft, key):
    """In the partner form and the plan details, the first shift+tab went to the scrolling part of the
    form itself: nothing showed the focus, and what was typed went nowhere."""
    from textual.containers import VerticalScroll

    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(key)
        await wait_for(pilot, lambda: app.screen is not app.main and app.focused is not None, "the form")
        for step in ["shift+tab"] * 4 + ["tab"] * 12:
            await pilot.press(step)
            assert type(app.focused) is not VerticalScroll, (step, app.focused)  # a field or a button


async def test_at_40x12_the_field_typed_in_shows_its_question(draft):
    """At 40x12 the fields had one row: the country typed in, without its label or the line that says no
    country matches. Below 20 rows the line of what the partner changes and the buttons give way."""
    from textual.widgets import Static

    from planner.tui.widgets.picker import Picker

    app, _ = make_app(draft)
    async with app.run_test(size=(40, 12)) as pilot:
        await ready(pilot)
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        await fill_partner(pilot, form, "X Uni", "XU")
        country = form.query_one("#country", Picker)
        await type_text(pilot, "xq", done=lambda: country.input.value == "xq")
        mark = country.query_one(".picker-mark", Static)
        dialog = form.query_one(".dialog")
        await wait_for(pilot, lambda: mark.display and mark.region.height
                       and dialog.region.contains_region(mark.region), "the question in view")
        assert not form.query_one(".buttons").display or not form.query_one(".buttons").region.height
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: form.query_one(".buttons").region.height > 0, "the buttons at 80x24")
