"""The budget as an .xlsx workbook (`planner budget --format xlsx`, `e` in the planner). Pure: a plan in,
the workbook's bytes out.

A workbook to copy from, not the call's official detailed budget table: a summary (partners by work
packages, cost and contribution, against the cap), one sheet per beneficiary (its work packages by cost
category) and the work plan (work packages, leads, months and each partner's person-months: the
staff-effort table Part B asks for). Totals are formulas that carry their computed value too, so that
readers which do not recalculate (pandas, python-calamine, previewers) see them. Every figure is the
core's (`budget.estimate`): a line's indirect costs and contribution are rounded per line, so the
contribution of a total is the sum of the lines', never recomputed in the sheet.

XlsxWriter is imported inside `budget_workbook`: nothing of it loads before a workbook is written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from planner.budget import ASSOCIATED, Estimate, estimate
from planner.model import Plan
from planner.rules import CallRules

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

NOT_OFFICIAL = ("A workbook to copy from, not the official detailed budget table of the call: enter the "
                "figures in the template of the Funding & Tenders Portal.")
NO_BUDGET = "No budget yet: add work packages and each partner's costs (planner, key b)."
EUR_FORMAT = '#,##0 "EUR"'
MONTHS_FORMAT = "0.00"
MAX_SHEET_NAME = 31  # Excel's limit
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")
_CATEGORY_HEADERS = (("personnel_eur", "Personnel"), ("subcontracting_eur", "Subcontracting"),
                     ("travel_eur", "Travel and subsistence"), ("equipment_eur", "Equipment"),
                     ("other_eur", "Other goods, works and services"), ("indirect_eur", "Indirect costs"))


def _column(index: int) -> str:
    """A column's letters: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _cell(row: int, col: int) -> str:
    return f"{_column(col)}{row + 1}"


def sheet_names(labels: Sequence[str], taken: Sequence[str]) -> list[str]:
    """One valid, distinct sheet name per label (Excel forbids []:*?/\\' and more than 31 characters,
    and compares names without case); `taken` are the workbook's other sheets."""
    used = {name.casefold() for name in taken}
    names = []
    for label in labels:
        base = _SHEET_NAME_FORBIDDEN.sub("_", label).strip() or "Partner"
        name = base[:MAX_SHEET_NAME]
        number = 2
        while name.casefold() in used:
            suffix = f" ({number})"
            name = base[:MAX_SHEET_NAME - len(suffix)] + suffix
            number += 1
        used.add(name.casefold())
        names.append(name)
    return names


class _Sheet:
    """A worksheet that remembers each column's widest text, to fit the widths at the end."""

    def __init__(self, book: Workbook, name: str, formats: dict[str, Any]) -> None:
        self.sheet: Worksheet = book.add_worksheet(name)
        self.formats = formats
        self.widths: dict[int, int] = {}

    def _seen(self, col: int, text: str) -> None:
        self.widths[col] = max(self.widths.get(col, 0), len(text))

    def text(self, row: int, col: int, value: str, style: str | None = None, fit: bool = True) -> None:
        # write_string: a name that starts with '=' stays text, never a formula
        self.sheet.write_string(row, col, value, self.formats.get(style) if style else None)
        if fit:
            self._seen(col, value)

    def number(self, row: int, col: int, value: int | float, style: str = "eur") -> None:
        self.sheet.write_number(row, col, value, self.formats[style])
        self._seen(col, f"{value:,} EUR" if style.startswith("eur") else f"{value:.2f}")

    def total(self, row: int, col: int, first: tuple[int, int], last: tuple[int, int], value: int | float,
              style: str = "eur_total") -> None:
        """A SUM over first..last that carries its value for readers that do not recalculate."""
        formula = f"=SUM({_cell(*first)}:{_cell(*last)})"
        self.sheet.write_formula(row, col, formula, self.formats[style], value)
        self._seen(col, f"{value:,} EUR" if style.startswith("eur") else f"{value:.2f}")

    def fit(self, minimum: int = 6, maximum: int = 60) -> None:
        for col, width in self.widths.items():
            self.sheet.set_column(col, col, min(maximum, max(minimum, width + 2)))


def _months(value: Any) -> float:
    return float(value)


def budget_workbook(plan: Plan, rules: CallRules, lot: int, months: int) -> bytes:
    """The plan's budget for `lot` and `months` as the bytes of an .xlsx file."""
    import xlsxwriter

    counted = estimate(plan, rules)
    cap = rules.max_grant(lot, months)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    book.set_properties({"title": f"Budget: {plan.acronym or plan.title}", "comments": NOT_OFFICIAL})
    bold = {"bold": True}
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "note": book.add_format({"italic": True}),
        "head": book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"}),
        "bold": book.add_format(bold),
        "eur": book.add_format({"num_format": EUR_FORMAT}),
        "eur_total": book.add_format({"num_format": EUR_FORMAT, "bold": True, "top": 1}),
        "months": book.add_format({"num_format": MONTHS_FORMAT}),
        "months_total": book.add_format({"num_format": MONTHS_FORMAT, "bold": True, "top": 1}),
        "whole": book.add_format({"num_format": "0"}),
    }
    if not plan.has_budget:  # as the CSV's header alone and the JSON's null: no sheets of zeros
        sheet = _Sheet(book, "Summary", formats)
        sheet.text(0, 0, f"Estimated budget: {plan.acronym or plan.title}", "title", fit=False)
        sheet.text(1, 0, NO_BUDGET, fit=False)
        sheet.text(2, 0, NOT_OFFICIAL, "note", fit=False)
        book.close()
        return out.getvalue()
    holders = [(i, p) for i, p in enumerate(plan.partners) if p.role != ASSOCIATED]
    _summary(book, formats, plan, rules, lot, months, cap, counted, holders)
    names = sheet_names([p.label for _, p in holders], ["Summary", "Work plan"])
    for (index, partner), name in zip(holders, names):
        _beneficiary(book, formats, name, plan, index, partner.name, counted)
    _work_plan(book, formats, plan, counted, holders)
    book.close()
    return out.getvalue()


def _header(sheet: _Sheet, row: int, labels: Sequence[str]) -> None:
    for col, label in enumerate(labels):
        sheet.text(row, col, label, "head")


def _summary(book: Workbook, formats: dict[str, Any], plan: Plan, rules: CallRules, lot: int, months: int,
             cap: int | None, counted: Estimate, holders: list[tuple[int, Any]]) -> None:
    sheet = _Sheet(book, "Summary", formats)
    name = plan.acronym or plan.title
    sheet.text(0, 0, f"Estimated budget: {name}", "title", fit=False)
    sheet.text(1, 0, f"Call {plan.call}, Lot {lot}, {months} months; funding rate "
                     f"{counted.funding_rate_percent}%, indirect costs {counted.indirect_rate_percent}% "
                     f"of the direct costs other than subcontracting (provisional)", fit=False)
    sheet.text(2, 0, NOT_OFFICIAL, "note", fit=False)
    head = 4
    wps = [wp.id for wp in plan.work_packages]
    known = set(wps)
    extra = sorted({line.work_package for line in counted.lines if line.work_package not in known})
    columns = wps + extra  # a line for a work package the plan lacks still counts (the budget fails it)
    _header(sheet, head, ["Partner", "Country", "Role", *columns, "Total cost", "EU contribution",
                          "Person-months"])
    cost_by: dict[tuple[int, str], int] = {}
    for line in counted.lines:
        key = (line.partner_index, line.work_package)
        cost_by[key] = cost_by.get(key, 0) + line.cost_eur
    first = head + 1
    total_col = 3 + len(columns)
    for offset, ((index, partner), sub) in enumerate(zip(holders, counted.by_partner)):
        row = first + offset
        sheet.text(row, 0, partner.label)
        sheet.text(row, 1, partner.country)
        sheet.text(row, 2, partner.role)
        for col, wp in enumerate(columns, start=3):
            sheet.number(row, col, cost_by.get((index, wp), 0))
        if columns:
            sheet.total(row, total_col, (row, 3), (row, total_col - 1), sub.cost_eur, "eur")
        else:
            sheet.number(row, total_col, sub.cost_eur)
        sheet.number(row, total_col + 1, sub.contribution_eur)
        sheet.number(row, total_col + 2, _months(sub.person_months), "months")
    last = first + len(holders) - 1
    totals = last + 1
    sheet.text(totals, 0, "Total", "bold")
    by_wp = {s.key: s.cost_eur for s in counted.by_work_package}
    for col, wp in enumerate(columns, start=3):
        wp_total = by_wp.get(wp, sum(cost for (_, w), cost in cost_by.items() if w == wp))
        _sum_or_value(sheet, totals, col, first, last, wp_total)
    _sum_or_value(sheet, totals, total_col, first, last, counted.cost_eur)
    _sum_or_value(sheet, totals, total_col + 1, first, last, counted.contribution_eur)
    _sum_or_value(sheet, totals, total_col + 2, first, last, _months(counted.person_months), "months_total")
    row = totals + 2
    facts: list[tuple[str, int | None]] = [
        ("EU contribution (the lump sum)", counted.contribution_eur),
        (f"Cap for Lot {lot}, {months} months", cap),
        ("Over the cap", counted.over_cap(cap) if cap is not None else None),
        ("Covered by the consortium (cost - contribution)", counted.cost_eur - counted.contribution_eur),
    ]
    for fact, value in facts:
        sheet.text(row, 0, fact, "bold", fit=False)
        if value is None:
            sheet.text(row, 3, "no cap for this duration", fit=False)
        else:
            sheet.number(row, 3, value)
        row += 1
    sheet.text(row + 1, 0, "By cost category", "bold", fit=False)
    row += 2
    for category, label in _CATEGORY_HEADERS:
        sheet.text(row, 0, label, fit=False)
        sheet.number(row, 3, counted.by_category.get(category, 0))
        row += 1
    sheet.sheet.freeze_panes(head + 1, 1)
    sheet.fit()
    sheet.sheet.activate()


def _sum_or_value(sheet: _Sheet, row: int, col: int, first: int, last: int, value: int | float,
                  style: str = "eur_total") -> None:
    if last >= first:
        sheet.total(row, col, (first, col), (last, col), value, style)
    else:
        sheet.number(row, col, value, style)


def _beneficiary(book: Workbook, formats: dict[str, Any], name: str, plan: Plan, index: int, legal_name: str,
                 counted: Estimate) -> None:
    sheet = _Sheet(book, name, formats)
    sheet.text(0, 0, legal_name, "title", fit=False)
    sheet.text(1, 0, NOT_OFFICIAL, "note", fit=False)
    head = 3
    _header(sheet, head, ["Work package", "Title", "Person-months", "Staff cost per month",
                          *(label for _, label in _CATEGORY_HEADERS), "Total cost", "EU contribution"])
    titles = {wp.id: wp.title for wp in plan.work_packages}
    lines = [line for line in counted.lines if line.partner_index == index]
    first = head + 1
    for offset, line in enumerate(lines):
        row = first + offset
        sheet.text(row, 0, line.work_package)
        sheet.text(row, 1, titles.get(line.work_package, "(not a work package of the plan)"))
        sheet.number(row, 2, _months(line.person_months), "months")
        if line.staff_cost_eur is None:
            sheet.text(row, 3, "-")
        else:
            sheet.number(row, 3, line.staff_cost_eur)
        for col, (key, _) in enumerate(_CATEGORY_HEADERS, start=4):
            sheet.number(row, col, getattr(line, key))
        sheet.number(row, 10, line.cost_eur)
        sheet.number(row, 11, line.contribution_eur)
    last = first + len(lines) - 1
    totals = last + 1
    sheet.text(totals, 0, "Total", "bold")
    _sum_or_value(sheet, totals, 2, first, last, _months(sum((line.person_months for line in lines), 0)),
                  "months_total")
    for col, (key, _) in enumerate(_CATEGORY_HEADERS, start=4):
        _sum_or_value(sheet, totals, col, first, last, sum(getattr(line, key) for line in lines))
    _sum_or_value(sheet, totals, 10, first, last, sum(line.cost_eur for line in lines))
    _sum_or_value(sheet, totals, 11, first, last, sum(line.contribution_eur for line in lines))
    sheet.sheet.freeze_panes(head + 1, 1)
    sheet.fit()


def _work_plan(book: Workbook, formats: dict[str, Any], plan: Plan, counted: Estimate,
               holders: list[tuple[int, Any]]) -> None:
    sheet = _Sheet(book, "Work plan", formats)
    sheet.text(0, 0, "Work plan and staff effort (person-months per partner and work package)", "title",
               fit=False)
    head = 2
    labels = [p.label for _, p in holders]
    _header(sheet, head, ["Work package", "Title", "Lead", "Start month", "End month", *labels, "Total"])
    months_by: dict[tuple[int, str], float] = {}
    for line in counted.lines:
        key = (line.partner_index, line.work_package)
        months_by[key] = months_by.get(key, 0.0) + _months(line.person_months)
    first = head + 1
    total_col = 5 + len(holders)
    wp_months = {s.key: _months(s.person_months) for s in counted.by_work_package}
    for offset, wp in enumerate(plan.work_packages):
        row = first + offset
        sheet.text(row, 0, wp.id)
        sheet.text(row, 1, wp.title)
        sheet.text(row, 2, wp.lead or "-")
        sheet.number(row, 3, wp.start_month, "whole")
        sheet.number(row, 4, wp.end_month, "whole")
        for col, (index, _) in enumerate(holders, start=5):
            sheet.number(row, col, months_by.get((index, wp.id), 0.0), "months")
        if holders:
            sheet.total(row, total_col, (row, 5), (row, total_col - 1), wp_months.get(wp.id, 0.0), "months")
        else:
            sheet.number(row, total_col, wp_months.get(wp.id, 0.0), "months")
    last = first + len(plan.work_packages) - 1
    totals = last + 1
    sheet.text(totals, 0, "Total", "bold")
    known = {wp.id for wp in plan.work_packages}
    for col, (index, _) in enumerate(holders, start=5):
        value = sum(v for (i, w), v in months_by.items() if i == index and w in known)
        _sum_or_value(sheet, totals, col, first, last, round(value, 2), "months_total")
    _sum_or_value(sheet, totals, total_col, first, last,
                  round(sum(wp_months.get(wp.id, 0.0) for wp in plan.work_packages), 2), "months_total")
    sheet.sheet.freeze_panes(head + 1, 1)
    sheet.fit()
