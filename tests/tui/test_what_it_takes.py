"""What it takes, on the main screen: the scoreboard's composition rules say the partners they all
need as one answer, and the verdict bar ends with how many new partners are still to go."""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from planner import editing
from planner.model import Partner
from planner.qualify import COMPOSITION
from planner.qualify_words import in_sentence
from planner.tui.widgets.scoreboard import RulesTable

from .helpers import SAMPLES, freeze_clock, help_text, make_app, ready, screen_text, static_text, verdict, wait_for


def advice_cells(app) -> dict[str, str]:
    table = app.query_one(RulesTable)
    return {cid: table.get_cell(str(i), "advice").plain for i, cid in enumerate(table.ids)}


async def test_the_composition_rules_say_what_they_take_as_a_whole(lot1, size):
    app, _ = make_app(lot1)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert "to go" not in verdict(app)  # Lot 1: eligible, nothing to go
        await pilot.press("l")  # Lot 2: 12 full partners from 8 countries, 5 providers
        await wait_for(pilot, lambda: app.board.lot == 2 and "to go" in verdict(app), "Lot 2 judged")
        tq = app.board.to_qualify
        assert (tq.new_full_partners, tq.of_which["new_countries"], tq.of_which["education_providers"]) == (3, 3, 1)
        failing = [c.id for c in app.board.failures if c.id in COMPOSITION]
        assert failing == ["full-partners", "countries", "education-providers"]
        cells = advice_cells(app)
        # one answer, on the first failing composition rule; the others point to it
        first = cells["full-partners"]
        assert first.startswith("3 more partners: ") and "from 3 new countries" in first
        assert "VET or HE provider" in first
        for cid in failing[1:]:
            assert cells[cid] == "closed by the same 3 new partners ↑"
        # no count per rule to add up by hand ("add 3 more full partners", "add 1 more ...")
        assert not any(re.search(r"\badd \d+ more\b", cells[cid]) for cid in failing)
        # the rules that pass and the other failing rule keep their own words
        assert cells["ecosystem"] == "Lot 2 needs exactly one ecosystem: 2 chosen"
        assert verdict(app).rstrip().endswith("· 3 new partners to go")
        # the rule under the cursor, in full: its own message, then the whole answer
        await pilot.press("3")
        table = app.query_one(RulesTable)
        await wait_for(pilot, lambda: app.focused is table, "the scoreboard")
        table.move_cursor(row=table.ids.index("countries"))
        await wait_for(pilot, lambda: "Countries covered" in static_text(app, "#rule-detail"), "the rule in full")
        detail = " ".join(static_text(app, "#rule-detail").split())
        assert app.board.get("countries").message in detail
        assert f"What it takes: {tq.summary()}" in detail


async def test_each_new_partner_brings_the_answer_down(lot1):
    app, _ = make_app(lot1)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("l")
        await wait_for(pilot, lambda: verdict(app).rstrip().endswith("3 new partners to go"), "Lot 2: 3 to go")
        # a VET school from a country not yet covered closes a gap of each kind at once
        school = Partner(name="Escola Profissional do Norte", short_name="EPN", country="IE", kind="vet-provider",
                         role="beneficiary")
        app.apply(editing.add_partner(app.document.plan, school))
        await wait_for(pilot, lambda: verdict(app).rstrip().endswith("· 2 new partners to go"), "2 to go")
        cells = advice_cells(app)
        first = cells["full-partners"]
        assert first.startswith("2 more partners: ") and "from 2 new countries" in first
        assert cells["countries"] == "closed by the same 2 new partners ↑"
        assert app.board.get("education-providers").status == "pass"  # the school was the provider missing
        assert cells["education-providers"] != "closed by the same 2 new partners ↑"
        for country in ("AT", "SI"):
            app.apply(editing.add_partner(app.document.plan, school.model_copy(
                update={"country": country, "short_name": f"EPN{country}", "name": f"School {country}"})))
        # composition closed: no partner to go; the ecosystem is left, in its own words
        await wait_for(pilot, lambda: "to go" not in verdict(app) and "industrial ecosystem" in verdict(app),
                       "nothing to go")
        assert not any(cell.startswith("closed by the same") for cell in advice_cells(app).values())


@pytest.mark.parametrize(("now", "note"), [
    (datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc),
     "✓ ELIGIBLE under call 2026, closed 10 Mar 2026: Lot 3, 24 months"),
    (datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc), "✓ ELIGIBLE: Lot 3, 24 months"),
], ids=["closed", "open"])
async def test_the_verdict_bar_says_under_which_call_once_it_has_closed(tmp_path, monkeypatch, size, now, note):
    freeze_clock(monkeypatch, now)
    app, _ = make_app(Path(shutil.copyfile(SAMPLES / "lot3-example.toml", tmp_path / "lot3.toml")))
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert verdict(app).startswith(note)
        assert app.document.plan.call == "2026"


async def test_a_long_verdict_keeps_its_call_and_its_total_in_three_lines(draft, monkeypatch):
    """At 80 columns the draft's verdict (4 failing rules, 2 warnings, a closed call) is longer than
    the bar's three lines: the middle gives way, not the call it is judged under or the total."""
    freeze_clock(monkeypatch, datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc))
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        bar = app.query_one("#verdict")
        await wait_for(pilot, lambda: bar.size.width, "the bar laid out")
        shown = [line.rstrip() for line in screen_text(app).splitlines()[bar.region.y:bar.region.bottom]]
        assert 1 <= len(shown) <= 3 and bar.region.height == len(shown)
        words = " ".join(" ".join(shown).split())
        n = app.board.to_qualify.new_full_partners
        assert n > 0 and words.endswith(f"· {n} new partner{'s' if n != 1 else ''} to go")
        assert words.startswith("✗ NOT ELIGIBLE under call 2024, closed 7 Mar 2024: ")
        assert in_sentence(app.board.failures[0].label) in words  # the first failing rule at least, by name
        # the middle gave way: the warnings are counted, not named
        warnings = app.board.warnings
        assert f"{len(warnings)} warnings" in words and not all(in_sentence(c.label) in words for c in warnings)
        # wider, more of the middle fits again: at 160 columns the warnings by name
        await pilot.resize_terminal(160, 48)
        await wait_for(pilot, lambda: all(in_sentence(c.label) in " ".join(verdict(app).split()) for c in warnings),
                       "the warnings' names back")
        assert verdict(app).rstrip().endswith("to go")


async def test_a_partner_from_a_third_country_not_associated_reads_as_counted(draft, size):
    """The draft's Ukrainian research institute is a beneficiary: it counts as a full partner and for
    its kind, only its country counts for no minimum. '✗ country' read as 'does not count'."""
    from planner.tui.screens.help import HelpScreen
    from planner.tui.widgets.partners import PartnersTable

    from .helpers import wait_screen

    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        table = app.query_one(PartnersTable)
        i = next(i for i, p in enumerate(app.document.plan.partners) if p.country == "UA")
        assert app.document.plan.partners[i].role == "beneficiary"
        assert table.get_cell(str(i), "counts").plain == "✓ not ctry"
        await pilot.press("question_mark")
        help_screen = await wait_screen(pilot, HelpScreen)
        shown = help_text(help_screen)
        assert "✓ not ctry is a full partner from a third country not associated: it counts as a partner" in shown
