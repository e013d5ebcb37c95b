"""What differs between two plans, in words: `planner diff A B`, the reload question when another copy
saved the file, the recovery question, and `planner diff --textconv` for git.

Pure: plans in, changes out (no plan file is read here). Partners are matched by their label (short
name, or name), then by PIC, then by legal name, so a partner whose short name changed is one partner
with its short name changed, not one removed and one added.

Plans are compared by meaning: a key left out is its default, for every key alike. A file without
`call` is call 2024 (the model reads it so), one without `duration_months` the lot's shortest duration,
as `planner check` judges it (the spec: "default the lot's shortest"); a missing `[activities]` is
every activity false. So a default written out is no difference, and a change is said in what each
plan means ("duration 24 months → 36 months", also when a new lot changes what an unset duration
means). The duration a plan means comes from its verdict where one is given (`describe(..., boards)`,
the CLI: the plan's own rules, a coordinator's beside it too), else from its call's rules (cached).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from planner.model import Activities, Assessment, BudgetLine, Partner, Plan, WorkPackage
from planner.scoring import Scoreboard

# the words of each field, in the order the changes are listed (the call first: it decides the rules)
PLAN_FIELDS = (("call", "call"), ("title", "title"), ("acronym", "acronym"), ("lot", "lot"),
               ("duration_months", "duration"), ("ecosystems", "ecosystems"), ("requested_grant_eur", "grant"),
               ("notes", "notes"))
PARTNER_FIELDS = (("name", "name"), ("short_name", "short name"), ("country", "country"), ("kind", "kind"),
                  ("role", "role"), ("pic", "PIC"), ("grant_eur", "share of the grant"),
                  ("affiliated_to", "affiliated to"), ("eche", "ECHE"), ("notes", "notes"),
                  ("staff_cost_eur", "staff cost"))
WORK_PACKAGE_FIELDS = (("id", "id"), ("title", "title"), ("lead", "lead"), ("start_month", "start month"),
                       ("end_month", "end month"))
BUDGET_FIELDS = (("person_months", "person-months"), ("travel_eur", "travel"), ("equipment_eur", "equipment"),
                 ("other_eur", "other costs"), ("subcontracting_eur", "subcontracting"),
                 ("staff_cost_eur", "staff cost"))
ACTIVITY_WORDS = {"skills_strategy": "skills strategy", "cvet_programmes": "CVET programmes",
                  "core_curricula": "core curricula", "long_term_action_plan": "long-term action plan"}
CUT = 60  # a long text (notes) is shown cut to this many characters


@dataclass(frozen=True)
class Change:
    """One difference: `section` "plan", "partner", "profile", "activity", "assessment", "work package",
    "budget" (a partner's line: `subject` "HSNH in WP1") or "verdict";
    `change` "added", "removed" or "changed"; old and new as in the file (None: not set)."""

    section: str
    change: str
    field: str | None = None  # the file's key ("requested_grant_eur"), None for a whole partner or profile
    subject: str | None = None  # the partner's label, the profile's title
    old: object = None
    new: object = None

    @property
    def words(self) -> str:
        """'CAM-BIL added', 'grant EUR 1,400,000 → 1,450,000', 'UNIBP: country HU → AT'."""
        if self.section in ("partner", "profile", "work package", "budget") and self.field is None:
            what = {"partner": self.subject, "profile": f"profile {self.subject}",
                    "work package": f"work package {self.subject}",
                    "budget": f"budget line of {self.subject}"}[self.section]
            return f"{what} {self.change}"
        if self.field == "partners":
            return "partners reordered"
        if self.field == "tool":  # other tools' tables are not the plan's: that they differ, no more
            return "tool data changed"
        name = _field_words(self.section, self.field)
        arrow = f"{_value(self.field, self.old)} → {_value(self.field, self.new, self.old)}"
        if self.section in ("partner", "work package", "budget"):
            return f"{self.subject}: {name} {arrow}"
        return f"{name} {arrow}"

    def as_dict(self) -> dict[str, object]:
        return {"section": self.section, "change": self.change, "field": self.field, "subject": self.subject,
                "old": _jsonable(self.old), "new": _jsonable(self.new), "text": self.words}


def _field_words(section: str, field: str | None) -> str:
    if section == "plan":
        return dict(PLAN_FIELDS).get(field or "", field or "")
    if section == "partner":
        return dict(PARTNER_FIELDS).get(field or "", field or "")
    if section == "work package":
        return dict(WORK_PACKAGE_FIELDS).get(field or "", field or "")
    if section == "budget":
        return dict(BUDGET_FIELDS).get(field or "", field or "")
    if section == "activity":
        return f"activity {ACTIVITY_WORDS.get(field or '', field)}"
    if section == "assessment":
        return f"self-assessment {field}"
    return section


def _jsonable(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def _value(field: str | None, value: object, other: object = None, cut: bool = True) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field and field.endswith("_eur") and isinstance(value, int) and not isinstance(value, bool):
        # "EUR 1,400,000 → 1,450,000": the unit once, unless the old value had none
        return f"{value:,}" if isinstance(other, int) and not isinstance(other, bool) else f"EUR {value:,}"
    if field == "duration_months" and isinstance(value, int):
        return f"{value} months"
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value) or "none"
    text = str(value).replace("\n", " ")
    if not cut:
        return text
    if isinstance(value, str) and field in ("title", "name", "notes", "acronym"):
        text = text if len(text) <= CUT else text[:CUT - 1] + "…"
        return f"“{text}”"
    return text


def _pair_partners(before: tuple[Partner, ...], after: tuple[Partner, ...]
                   ) -> tuple[list[tuple[Partner, Partner]], list[Partner], list[Partner]]:
    """(matched pairs in the new order, removed, added)."""
    left = list(before)
    pairs: dict[int, Partner] = {}
    for key in (lambda p: p.label, lambda p: p.pic, lambda p: p.name):
        for j, partner in enumerate(after):
            if j in pairs or key(partner) is None:
                continue
            match = next((p for p in left if key(p) == key(partner)), None)
            if match is not None:
                left.remove(match)
                pairs[j] = match
    matched = [(pairs[j], after[j]) for j in sorted(pairs)]
    added = [p for j, p in enumerate(after) if j not in pairs]
    return matched, left, added


def meant_duration(plan: Plan, board: Scoreboard | None = None) -> int | None:
    """The months the plan means: its `duration_months`, else its lot's shortest duration (what the
    checker judges: `board.duration_months` of its verdict, else the call's rules). None when the
    call's rules cannot be found (then the file's value is compared as it is)."""
    if plan.duration_months is not None:
        return plan.duration_months
    if board is not None:
        return board.duration_months
    from planner.errors import PlanError
    from planner.rules import load_call

    try:
        rules = load_call(plan.call)
    except PlanError:
        return None
    return rules.lot(plan.lot).shortest_duration if rules.has_lot(plan.lot) else None


def _plan_value(plan: Plan, field: str, duration: int | None) -> object:
    if field == "duration_months" and duration is not None:
        return duration
    return getattr(plan, field)


def plan_changes(before: Plan, after: Plan,
                 durations: tuple[int | None, int | None] | None = None) -> list[Change]:
    """Every difference from `before` to `after`, in the order they are listed. `durations`: the
    months each plan means (meant_duration); by default looked up from the plans' calls."""
    if durations is None:
        durations = (meant_duration(before), meant_duration(after))
    changes: list[Change] = []
    for field, _ in PLAN_FIELDS:
        old, new = _plan_value(before, field, durations[0]), _plan_value(after, field, durations[1])
        if old != new:
            changes.append(Change("plan", "changed", field, None, old, new))
    matched, removed, added = _pair_partners(before.partners, after.partners)
    changes += [Change("partner", "removed", None, p.label) for p in removed]
    changes += [Change("partner", "added", None, p.label) for p in added]
    for old_p, new_p in matched:
        for field, _ in PARTNER_FIELDS:
            old, new = getattr(old_p, field), getattr(new_p, field)
            if old != new:
                changes.append(Change("partner", "changed", field, new_p.label, old, new))
    kept_before = [p for p in before.partners if any(p is o for o, _ in matched)]
    if [o for o, _ in matched] != kept_before and not any(c.section == "partner" for c in changes):
        changes.append(Change("plan", "changed", "partners", None, "order", "another order"))
    changes += _budget_changes(before, after, matched)
    if before.tool != after.tool:
        changes.append(Change("plan", "changed", "tool"))
    old_profiles = [(p.title, p.eqf) for p in before.profiles]
    new_profiles = [(p.title, p.eqf) for p in after.profiles]
    for title, eqf in old_profiles:
        if (title, eqf) not in new_profiles:
            changes.append(Change("profile", "removed", None, f"{title} (EQF {eqf})"))
    for title, eqf in new_profiles:
        if (title, eqf) not in old_profiles:
            changes.append(Change("profile", "added", None, f"{title} (EQF {eqf})"))
    old_act, new_act = before.activities or Activities(), after.activities or Activities()
    for field in ACTIVITY_WORDS:
        if getattr(old_act, field) != getattr(new_act, field):
            changes.append(Change("activity", "changed", field, None, getattr(old_act, field), getattr(new_act, field)))
    old_score, new_score = before.assessment or Assessment(), after.assessment or Assessment()
    for field in Assessment.model_fields:
        if getattr(old_score, field) != getattr(new_score, field):
            changes.append(Change("assessment", "changed", field, None, getattr(old_score, field),
                                  getattr(new_score, field)))
    return changes


def _budget_changes(before: Plan, after: Plan, matched: list[tuple[Partner, Partner]]) -> list[Change]:
    """Work packages added, removed and changed (matched by id), then each matched partner's lines."""
    changes: list[Change] = []
    old_wps: dict[str, WorkPackage] = {w.id: w for w in before.work_packages}
    new_wps: dict[str, WorkPackage] = {w.id: w for w in after.work_packages}
    changes += [Change("work package", "removed", None, i) for i in old_wps if i not in new_wps]
    changes += [Change("work package", "added", None, i) for i in new_wps if i not in old_wps]
    for wp_id, new in new_wps.items():
        old = old_wps.get(wp_id)
        for field, _ in WORK_PACKAGE_FIELDS if old is not None else ():
            if getattr(old, field) != getattr(new, field):
                changes.append(Change("work package", "changed", field, wp_id, getattr(old, field),
                                      getattr(new, field)))
    for old_p, new_p in matched:
        old_lines: dict[str, BudgetLine] = dict(old_p.budget or {})
        new_lines: dict[str, BudgetLine] = dict(new_p.budget or {})
        for wp_id in old_lines:
            if wp_id not in new_lines:
                changes.append(Change("budget", "removed", None, f"{new_p.label} in {wp_id}"))
        for wp_id, line in new_lines.items():
            was = old_lines.get(wp_id)
            if was is None:
                changes.append(Change("budget", "added", None, f"{new_p.label} in {wp_id}"))
                continue
            for field, _ in BUDGET_FIELDS:
                if getattr(was, field) != getattr(line, field):
                    changes.append(Change("budget", "changed", field, f"{new_p.label} in {wp_id}",
                                          getattr(was, field), getattr(line, field)))
    return changes


def verdict_change(before: Scoreboard | None, after: Scoreboard | None) -> Change | None:
    """The verdict before and after, when it differs."""
    if before is None or after is None or before.headline == after.headline:
        return None
    return Change("verdict", "changed", "verdict", None, before.headline, after.headline)


def describe(before: Plan, after: Plan, boards: tuple[Scoreboard, Scoreboard] | None = None) -> list[Change]:
    """The changes, then the verdict's if it differs (boards: each plan judged by its own call)."""
    durations = None if boards is None else (meant_duration(before, boards[0]), meant_duration(after, boards[1]))
    changes = plan_changes(before, after, durations)
    if boards is not None and (verdict := verdict_change(*boards)) is not None:
        changes.append(verdict)
    return changes


def words(changes: Iterable[Change]) -> list[str]:
    return [c.words for c in changes]


def summary(changes: list[Change], limit: int = 6) -> str:
    """A few changes on one line for a question: 'CAM-BIL added, grant EUR 1,400,000 → 1,450,000'."""
    listed = words(changes[:limit])
    more = len(changes) - limit
    return ", ".join(listed) + (f" and {more} more" if more > 0 else "") if listed else "no difference"


def as_text(changes: list[Change], a: str, b: str) -> str:
    if not changes:
        return f"{a} and {b}: no difference\n"
    return f"From {a} to {b}:\n" + "".join(f"  {line}\n" for line in words(changes))


def as_json(changes: list[Change], a: str, b: str) -> str:
    return json.dumps({"a": a, "b": b, "differ": bool(changes), "changes": [c.as_dict() for c in changes]},
                      indent=2, ensure_ascii=False) + "\n"


def textconv(plan: Plan, board: Scoreboard | None = None) -> str:
    """A plan as lines of words, one field a line, for git's `textconv`: `git diff` then shows
    "-partner UNIBP: country HU" / "+partner UNIBP: country AT"."""
    lines = []
    duration = meant_duration(plan, board)
    for field, name in PLAN_FIELDS:
        value = _plan_value(plan, field, duration)
        if value is not None:
            lines.append(f"{name}: {_value(field, value, cut=False)}")
    for partner in plan.partners:
        lines.append(f"partner {partner.label}")
        for field, name in PARTNER_FIELDS:
            value = getattr(partner, field)
            if value is not None and field != "short_name":
                lines.append(f"partner {partner.label}: {name} {_value(field, value, cut=False)}")
        for wp_id, line in (partner.budget or {}).items():
            for field, name in BUDGET_FIELDS:
                value = getattr(line, field)
                if value is not None:
                    lines.append(f"budget {partner.label} in {wp_id}: {name} {_value(field, value, cut=False)}")
    for wp in plan.work_packages:
        lines.append(f"work package {wp.id}: {wp.title} (lead {wp.lead or 'none'}, months "
                     f"{wp.start_month}-{wp.end_month})")
    for profile in plan.profiles:
        lines.append(f"profile {profile.title} (EQF {profile.eqf})")
    activities = plan.activities or Activities()
    for field, name in ACTIVITY_WORDS.items():
        if getattr(activities, field):
            lines.append(f"activity {name}")
    scores = plan.assessment or Assessment()
    for field in Assessment.model_fields:
        if getattr(scores, field) is not None:
            lines.append(f"self-assessment {field}: {getattr(scores, field)}")
    # other tools' data, a line a value: a commit that changes only [tool.*] showed nothing in `git diff`
    lines.extend(f"tool {'.'.join(path)}: {json.dumps(value, ensure_ascii=False, default=str)}"
                 for path, value in _flat(plan.tool or {}, ()))
    if board is not None:
        lines.append(f"verdict: {board.headline}")
    return "\n".join(lines) + "\n"


def _flat(table: dict, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], object]]:
    """Each value of nested tables with its key path; an array (of tables too) is one value."""
    for key, value in table.items():
        if isinstance(value, dict) and value:
            yield from _flat(value, (*path, key))
        else:
            yield (*path, key), value
