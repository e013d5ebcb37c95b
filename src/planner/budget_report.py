"""The estimated budget for people and tools: `planner budget` as text, Markdown, CSV and JSON, and the
budget and work plan sections of the reports to mail.

`budget_rows` is the one table the CSV writes (`export.budget_csv`: a row per line, per partner, per work
package and the total, each with every cost category): a workbook writer reuses it as it is. Pure: a
plan, its rules and a scoreboard in, text out."""

from __future__ import annotations

import json
from collections.abc import Collection
from decimal import Decimal

from planner.budget import ASSOCIATED, CATEGORIES, Estimate, LineCost, budget, contribution_words, estimate, json_months
from planner.model import Plan
from planner.report import STATUS_WORDS, _md_cell, judged_headline, shown_label, verdict_line
from planner.rules import CallRules
from planner.safetext import visible
from planner.scoring import Scoreboard

# the CSV's columns (and a workbook's): what a row is, whose, then the spec's figures of a line
COLUMNS = ("row", "partner", "work_package", "person_months", *CATEGORIES, "cost_eur", "contribution_eur")
CATEGORY_WORDS = {"personnel_eur": "Personnel", "subcontracting_eur": "Subcontracting",
                  "travel_eur": "Travel and subsistence", "equipment_eur": "Equipment",
                  "other_eur": "Other goods, works and services", "indirect_eur": "Indirect costs"}
TITLE_WIDTH = 34  # a work package's title in a text table, cut with '…'


def board_estimate(board: Scoreboard, plan: Plan, rules: CallRules) -> Estimate:
    """The board's budget; for a plan without one, its (empty) budget all the same: `planner budget` asked."""
    return board.estimate if board.estimate is not None else estimate(plan, rules)


def _figures(lines: list[LineCost]) -> list[object]:
    """person-months, each category, cost and contribution, summed over `lines`."""
    months = sum(line.hundredths for line in lines)
    return [_months_text(months), *(sum(getattr(line, c) for line in lines) for c in CATEGORIES),
            sum(line.cost_eur for line in lines), sum(line.contribution_eur for line in lines)]


def _months_text(hundredths: int) -> str:
    """Person-months as a spreadsheet reads them: '6.5', '12', '0.25'."""
    return str(json_months(Decimal(hundredths).scaleb(-2)))


def stray_lines(est: Estimate, plan: Plan) -> tuple[dict[str, list[LineCost]], dict[str, list[LineCost]]]:
    """The lines the `budget` rule refuses that no row of the tables holds: by partner, an associated
    partner's (`Estimate.uncounted`: in no total, shown after the Total row, marked "not counted"); by
    work package, counted lines naming one the plan does not have (the plan's totals count them: shown
    as rows of their own, marked, so that the table adds up to its total)."""
    known = {wp.id for wp in plan.work_packages}
    partners: dict[str, list[LineCost]] = {}
    work_packages: dict[str, list[LineCost]] = {}
    for line in est.uncounted:
        partners.setdefault(line.partner, []).append(line)
    for line in est.lines:
        if line.work_package not in known:
            work_packages.setdefault(line.work_package, []).append(line)
    return partners, work_packages


STRAY_PARTNER = "✗ associated, not counted"  # an associated partner's lines: the budget rule fails them
STRAY_WORK_PACKAGE = "✗ no such work package"
NOT_COUNTED = "not counted"  # the CSV's row for an associated partner's line, after the total


def budget_rows(est: Estimate, plan: Plan) -> list[list[object]]:
    """COLUMNS' rows: each line ('line'), each partner but associated partners ('partner', in the plan's
    order), each work package ('work package', in the plan's order), the plan ('total'), then each line
    of an associated partner ('not counted': in no total, the `budget` rule fails it). None for a plan
    without a budget (the header alone, as the JSON's `budget` is null: no rows of zeros)."""
    if not plan.has_budget:
        return []
    rows: list[list[object]] = [["line", line.partner, line.work_package, *_figures([line])] for line in est.lines]
    _, stray_wps = stray_lines(est, plan)
    for index, partner in enumerate(plan.partners):  # by_partner's: every participant but associated partners
        if partner.role != ASSOCIATED:
            rows.append(["partner", partner.label, "", *_figures([x for x in est.lines if x.partner_index == index])])
    for wp in plan.work_packages:
        rows.append(["work package", "", wp.id, *_figures([x for x in est.lines if x.work_package == wp.id])])
    for wp_id, lines in stray_wps.items():
        rows.append(["work package", "", wp_id, *_figures(lines)])
    rows.append(["total", "", "", *_figures(list(est.lines))])
    rows += [[NOT_COUNTED, line.partner, line.work_package, *_figures([line])] for line in est.uncounted]
    return rows


def budget_json(board: Scoreboard, plan: Plan, rules: CallRules, path: str | None) -> str:
    """The verdict's frame (plan, call, lot, duration, eligible) and the spec's `budget` object; `budget`
    is null for a plan without work packages or budget lines (as `check` leaves it out: zeros
    'within the cap' said the opposite of the exit status), and `cap_eur` then says what the grant is
    judged against. Beside them, as the text says them: `requested_grant_eur` (null where not set) and
    `criteria`, the `grant` and `budget` criteria as `check` gives them (a warning of either left
    `"eligible": true` alone without a word)."""
    budget = board_estimate(board, plan, rules).as_dict(board.cap_eur) if plan.has_budget else None
    out: dict[str, object] = {"plan": path, "call": board.call, "lot": board.lot,
                              "duration_months": board.duration_months, "eligible": board.eligible,
                              "budget": budget, "requested_grant_eur": plan.requested_grant_eur}
    if budget is None:
        out["cap_eur"] = board.cap_eur
    out["criteria"] = [c.as_dict() for c in board.criteria if c.id in ("grant", "budget")]
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


def _eur(amount: int | None) -> str:
    return "" if amount is None else f"EUR {amount:,}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def summary_line(est: Estimate, cap: int | None, months: int) -> str:
    """'Estimated costs EUR 1,262,145; EU contribution EUR 1,009,716 (80% of each line, rounded): EUR 9,716
    over the EUR 1,000,000 cap for 24 months'. Not '(80%)' beside the total: the contribution is the sum
    of each line's rounded 80%, a few euros off 80% of the costs."""
    text = (f"Estimated costs {_eur(est.cost_eur)}; EU contribution "
            f"{contribution_words(est.contribution_eur, est.funding_rate_percent)}")
    if cap is None:
        return text + f"; no cap for {months} months"
    over = est.over_cap(cap)
    if over:
        return text + f": {_eur(over)} over the {_eur(cap)} cap for {months} months"
    return text + f", within the {_eur(cap)} cap for {months} months ({_eur(cap - est.contribution_eur)} to spare)"


def no_budget_line(board: Scoreboard, plan: Plan, rules: CallRules) -> str:
    """For a plan without work packages or costs: what there is instead (the grant typed, the shares),
    against the cap. Its estimated costs of EUR 0 'within the cap (EUR 1,000,000 to spare)' contradicted
    the grant's own line below them."""
    b = budget(plan, rules, board.lot, board.duration_months)
    text = "No budget yet: add work packages and each partner's costs (planner, key b). "
    if b.requested is None:
        text += "No requested grant either"
    else:
        text += f"Requested grant {_eur(b.requested)}"
    if b.cap is None:
        return text + f"; no cap for {b.months} months."
    text += f"; the cap for {b.months} months is {_eur(b.cap)}"
    if b.under_cap is not None:
        text += f" ({_eur(abs(b.under_cap))} {'to spare' if b.under_cap >= 0 else 'over it'})"
    if b.shares:
        text += f"; partners' shares add up to {_eur(b.shares_total)}"
    return text + "."


def _tables(est: Estimate, plan: Plan) -> list[tuple[str, list[str], list[list[str]], set[int]]]:
    """(title, header, rows, right-aligned columns) of the partners, the work packages and the categories."""
    def sums(lines: list[LineCost]) -> list[str]:
        return [_months_text(sum(x.hundredths for x in lines)), _eur(sum(x.cost_eur for x in lines)),
                _eur(sum(x.contribution_eur for x in lines))]

    stray_partners, stray_wps = stray_lines(est, plan)
    total = [str(json_months(est.person_months)), _eur(est.cost_eur), _eur(est.contribution_eur)]
    partners = [[s.key, str(json_months(s.person_months)), _eur(s.cost_eur), _eur(s.contribution_eur)]
                for s in est.by_partner]
    partners.append(["Total", *total])
    partners += [[f"{key} {STRAY_PARTNER}", *sums(lines)] for key, lines in stray_partners.items()]
    by_id = {s.key: s for s in est.by_work_package}
    wps = [[wp.id, wp.title, wp.lead or "-", f"{wp.start_month}-{wp.end_month}",
            str(json_months(by_id[wp.id].person_months)), _eur(by_id[wp.id].cost_eur),
            _eur(by_id[wp.id].contribution_eur)] for wp in plan.work_packages]
    wps += [[wp_id, STRAY_WORK_PACKAGE, "-", "-", *sums(lines)] for wp_id, lines in stray_wps.items()]
    if wps:
        wps.append(["Total", "", "", "", *total])
    categories = [[CATEGORY_WORDS[c], _eur(est.by_category[c])] for c in CATEGORIES]
    categories.append(["Total", _eur(est.cost_eur)])
    return [("By partner", ["Partner", "Person-months", "Cost", "Contribution"], partners, {1, 2, 3}),
            ("Work packages", ["WP", "Title", "Lead", "Months", "Person-months", "Cost", "Contribution"], wps,
             {4, 5, 6}),
            ("By category", ["Category", "Cost"], categories, {1})]


def _columns(header: list[str], rows: list[list[str]], right: Collection[int]) -> list[str]:
    table = [header, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    return ["  ".join(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
                      for i, cell in enumerate(row)).rstrip() for row in table]


def _judged(board: Scoreboard) -> list[tuple[str, str, str]]:
    """(status, label, message) of the grant and budget criteria."""
    return [(STATUS_WORDS[c.status], shown_label(c.label, c.provisional), c.message)
            for c in board.criteria if c.id in ("grant", "budget")]


def _notes(est: Estimate, rules: CallRules) -> list[str]:
    from planner.rules import is_provisional

    if is_provisional(rules.indirect_rate_grade):
        return [f"Indirect costs at {est.indirect_rate_percent}% of the direct costs but subcontracting: "
                "provisional (secondary sources only; check the call document)."]
    return [f"Indirect costs at {est.indirect_rate_percent}% of the direct costs but subcontracting."]


def budget_text(board: Scoreboard, plan: Plan, rules: CallRules, path: str | None) -> str:
    est = board_estimate(board, plan, rules)
    name = f"{plan.title} ({plan.acronym})" if plan.acronym else plan.title
    lines = [f"{path}: {name}" if path else name,
             f"Call {board.call}, Lot {board.lot}, {board.duration_months} months: budget", ""]
    if not plan.has_budget:  # no tables of zeros: what there is, and the grant's line below
        lines.append(no_budget_line(board, plan, rules))
    else:
        lines += [summary_line(est, board.cap_eur, board.duration_months), *_notes(est, rules)]
    for title, header, rows, right in _tables(est, plan) if plan.has_budget else ():
        if rows and (title != "Work packages" or plan.work_packages):
            cut = [[_cut(cell, TITLE_WIDTH) for cell in row] for row in rows]
            lines += ["", title.upper(), *_columns([h.upper() for h in header], cut, right)]
    lines.append("")
    for status, label, message in _judged(board):
        lines.append(f"{status:<4}  {label}: {message}")
    lines += ["", f"Verdict: {verdict_line(board)}"]
    return visible("\n".join(lines), keep_newlines=True) + "\n"


def budget_markdown(board: Scoreboard, plan: Plan, rules: CallRules, path: str | None) -> str:
    est = board_estimate(board, plan, rules)
    name = f"{plan.title} ({plan.acronym})" if plan.acronym else plan.title
    md = [f"## Budget: {_md_cell(f'{path}: {name}' if path else name)}", "",
          f"Call {board.call}, Lot {board.lot}, {board.duration_months} months: **{judged_headline(board)}**", ""]
    if not plan.has_budget:
        md.append(_md_cell(no_budget_line(board, plan, rules)))
    else:
        md += [summary_line(est, board.cap_eur, board.duration_months) + ".", "", *_notes(est, rules)]
        md += budget_sections(est, plan, heading="###")
    md += ["", "| Status | Criterion | What it means |", "|---|---|---|"]
    md += [f"| {status} | {_md_cell(label).replace('*', chr(92) + '*')} | {_md_cell(message)} |"
           for status, label, message in _judged(board)]
    return visible("\n".join(md), keep_newlines=True) + "\n"


def budget_sections(est: Estimate, plan: Plan, heading: str = "##") -> list[str]:
    """Markdown: the budget by partner, the work plan (work packages, leads, months and each partner's
    person-months: the staff-effort table of Part B) and the categories. For `planner budget` and the
    report to mail."""
    md: list[str] = []
    for title, header, rows, right in _tables(est, plan):
        if not rows or (title == "Work packages" and not plan.work_packages):
            continue
        md += ["", f"{heading} {title}", "", "| " + " | ".join(header) + " |",
               "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
        md += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows]
    if plan.work_packages and est.by_partner:
        md += ["", f"{heading} Staff effort (person-months)", "",
               "| Partner | " + " | ".join(_md_cell(wp.id) for wp in plan.work_packages) + " | Total |",
               "|---|" + "---:|" * (len(plan.work_packages) + 1)]
        effort: dict[tuple[str, str], int] = {}
        for line in est.lines:
            effort[line.partner, line.work_package] = effort.get((line.partner, line.work_package), 0) + line.hundredths
        for s in est.by_partner:
            cells = [_months_text(effort.get((s.key, wp.id), 0)) for wp in plan.work_packages]
            md.append(f"| {_md_cell(s.key)} | " + " | ".join(cells) + f" | {json_months(s.person_months)} |")
        totals = [str(json_months(s.person_months)) for s in est.by_work_package]
        md.append("| **Total** | " + " | ".join(totals) + f" | **{json_months(est.person_months)}** |")
    return md
