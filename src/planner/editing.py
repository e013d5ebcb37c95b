"""Edits of a plan as pure functions: each returns a new Plan, so undo is a list of plans."""

from __future__ import annotations

from planner.model import (
    Activities,
    Assessment,
    BudgetLine,
    Lines,
    Partner,
    Plan,
    Profile,
    WorkPackage,
    partner_keys,
    reference_keys,
    short_name_key,
)
from planner.rules import CallRules


def add_partner(plan: Plan, partner: Partner) -> Plan:
    return plan.model_copy(update={"partners": (*plan.partners, partner)})


def replace_partner(plan: Plan, index: int, partner: Partner) -> Plan:
    """The partner at `index` replaced; what named it by a name or short name it no longer has follows the
    rename: affiliated entities (`affiliated_to`) and the work packages it leads (`lead`), each matched as
    the rules match it, in any case (an affiliation's legal name in any spacing too: model.reference_keys).
    (A lead left on the old short name failed the budget; an affiliation left on the old legal name failed
    the affiliations rule.)"""
    old = plan.partners[index]
    partners = list(plan.partners)
    partners[index] = partner
    update: dict[str, object] = {}
    # a lead as the budget matches it (model.short_name_key: case, Unicode's composed form, spaces around)
    old_keys = {short_name_key(k) for k in (old.name, old.short_name) if k}
    new_keys = {short_name_key(k) for k in (partner.name, partner.short_name) if k}
    # an affiliation as the rules match it (its short name's key or its legal name's: model.partner_keys)
    old_refs, new_refs = partner_keys(old), partner_keys(partner)
    relabelled = old.label != partner.label

    def renamed(reference: str | None) -> bool:
        """It named the partner by what changed: a key it no longer has, or its old label."""
        if reference is None or (key := short_name_key(reference)) not in old_keys:
            return False
        return key not in new_keys or (key == short_name_key(old.label) and relabelled)

    def affiliated(reference: str | None) -> bool:
        """Likewise for an affiliated entity's `affiliated_to`."""
        if reference is None or not (keys := reference_keys(reference)) & old_refs:
            return False
        return not keys & new_refs or (short_name_key(reference) == short_name_key(old.label) and relabelled)

    if old_refs != new_refs or old_keys != new_keys or relabelled:
        partners = [p.model_copy(update={"affiliated_to": partner.label}) if affiliated(p.affiliated_to) else p
                    for p in partners]
        leads = tuple(wp.model_copy(update={"lead": partner.label}) if renamed(wp.lead) else wp
                      for wp in plan.work_packages)
        if leads != plan.work_packages:
            update["work_packages"] = leads
    return plan.model_copy(update={"partners": tuple(partners), **update})


def remove_partner(plan: Plan, index: int) -> Plan:
    return plan.model_copy(update={"partners": plan.partners[:index] + plan.partners[index + 1:]})


def set_lot(plan: Plan, rules: CallRules, lot: int, months: int | None = None) -> Plan:
    """Move the plan to another lot: keep its duration where the lot allows it, else the lot's shortest."""
    target = rules.lot(lot)
    if months is None:
        if plan.duration_months is None or target.duration(plan.duration_months) is not None:
            months = plan.duration_months
        else:
            months = target.shortest_duration
    return plan.model_copy(update={"lot": lot, "duration_months": months})


def next_lot(plan: Plan, rules: CallRules) -> int:
    numbers = [lot.number for lot in rules.lots]
    return numbers[(numbers.index(plan.lot) + 1) % len(numbers)] if plan.lot in numbers else numbers[0]


def set_call(plan: Plan, rules: CallRules) -> Plan:
    """The plan for another call: its lot where that call has it (else the first lot), its duration where
    the lot allows it (else the lot's shortest), only the ecosystems that call knows."""
    lot = plan.lot if rules.has_lot(plan.lot) else rules.lots[0].number
    months = plan.duration_months
    if months is not None and rules.lot(lot).duration(months) is None:
        months = rules.lot(lot).shortest_duration
    ecosystems = plan.ecosystems
    if ecosystems is not None:
        ecosystems = tuple(e for e in ecosystems if rules.ecosystem(e) is not None)
    return plan.model_copy(update={"call": rules.id, "lot": lot, "duration_months": months,
                                   "ecosystems": ecosystems})


def set_requested_grant(plan: Plan, amount: int | None) -> Plan:
    return plan.model_copy(update={"requested_grant_eur": amount})


def set_ecosystems(plan: Plan, ids: list[str]) -> Plan:
    return plan.model_copy(update={"ecosystems": tuple(ids) if ids or plan.ecosystems is not None else None})


def counting_note(partner: Partner, rules: CallRules) -> str:
    """Why a partner does not count (fully) towards the minimums, '' when it does.

    'excluded country', 'associated partner' or 'affiliated entity' (counts for nothing),
    'country not associated' (a full partner whose country does not count), or, from 2025,
    'third country not allowed' (a full partner from outside the call's third-country regions).
    """
    category = rules.country_category(rules.canonical_country(partner.country))
    if category == "excluded":
        return "excluded country"
    role = rules.role(partner.role)
    if role is None or not role.full_partner:
        return role.label.lower() if role else partner.role
    if category == "third":
        if rules.third_countries is not None and rules.third_country_region(
                rules.canonical_country(partner.country)) is None:
            return "third country not allowed"  # from 2025: only associated partners from here
        return "country not associated"
    return ""


def set_profiles(plan: Plan, profiles: tuple[Profile, ...]) -> Plan:
    return plan.model_copy(update={"profiles": profiles})


def toggle_activity(plan: Plan, activity_id: str) -> Plan:
    current = plan.activities or Activities()
    return plan.model_copy(update={"activities": current.model_copy(
        update={activity_id: not getattr(current, activity_id)})})


def set_share(plan: Plan, index: int, amount: int | None) -> Plan:
    partners = list(plan.partners)
    partners[index] = partners[index].model_copy(update={"grant_eur": amount})
    return plan.model_copy(update={"partners": tuple(partners)})


# --- the budget: work packages, staff costs and budget lines ----------------------------------------
# Each keeps the objects of the partners it does not change (see AGENTS.md, "Light on the wire").


def set_staff_cost(plan: Plan, index: int, amount: int | None) -> Plan:
    """The partner at `index`'s average cost of one person-month (None: unset)."""
    partners = list(plan.partners)
    partners[index] = partners[index].model_copy(update={"staff_cost_eur": amount})
    return plan.model_copy(update={"partners": tuple(partners)})


def set_budget_line(plan: Plan, index: int, wp_id: str, line: BudgetLine | None) -> Plan:
    """The partner at `index`'s line for work package `wp_id`: replaced in its place, a new one put where
    the plan's order of work packages puts it, None removes it (and a partner without lines has none)."""
    partner = plan.partners[index]
    lines = dict(partner.budget or {})
    if line is None:
        lines.pop(wp_id, None)
    elif wp_id in lines:
        lines[wp_id] = line
    else:
        order = {wp.id: i for i, wp in enumerate(plan.work_packages)}
        at = order.get(wp_id, len(order))
        items = list(lines.items())
        position = next((k for k, (other, _) in enumerate(items) if order.get(other, len(order)) > at), len(items))
        items.insert(position, (wp_id, line))
        lines = dict(items)
    partners = list(plan.partners)
    partners[index] = partner.model_copy(update={"budget": Lines(lines) if lines else None})
    return plan.model_copy(update={"partners": tuple(partners)})


def add_work_package(plan: Plan, wp: WorkPackage) -> Plan:
    return plan.model_copy(update={"work_packages": (*plan.work_packages, wp)})


def replace_work_package(plan: Plan, index: int, wp: WorkPackage) -> Plan:
    """The work package at `index` replaced; a new id is followed by the partners' lines for the old one."""
    old = plan.work_packages[index]
    wps = list(plan.work_packages)
    wps[index] = wp
    plan = plan.model_copy(update={"work_packages": tuple(wps)})
    if old.id == wp.id:
        return plan
    partners = []
    for p in plan.partners:
        if p.budget and old.id in p.budget and wp.id not in p.budget:
            lines = Lines({wp.id if key == old.id else key: line for key, line in p.budget.items()})
            p = p.model_copy(update={"budget": lines})
        partners.append(p)
    return plan.model_copy(update={"partners": tuple(partners)})


def remove_work_package(plan: Plan, index: int) -> Plan:
    """The work package at `index` removed, with every partner's line for it (undo brings them back)."""
    gone = plan.work_packages[index].id
    partners = []
    for p in plan.partners:
        if p.budget and gone in p.budget:
            rest = {key: line for key, line in p.budget.items() if key != gone}
            p = p.model_copy(update={"budget": Lines(rest) if rest else None})
        partners.append(p)
    return plan.model_copy(update={"work_packages": plan.work_packages[:index] + plan.work_packages[index + 1:],
                                   "partners": tuple(partners)})


def set_score(plan: Plan, criterion_id: str, score: int | None) -> Plan:
    current = plan.assessment or Assessment()
    updated = current.model_copy(update={criterion_id: score})
    empty = all(v is None for v in updated.model_dump().values())
    return plan.model_copy(update={"assessment": None if empty else updated})


def _eur(amount: int | None) -> str:
    return "none" if amount is None else f"EUR {amount:,}"


def _partners_change(before: tuple[Partner, ...], after: tuple[Partner, ...]) -> str:
    n, m = len(before), len(after)
    if m > n and after[:n] == before:
        added = [p.label for p in after[n:]]
        return f"added {added[0]}" if len(added) == 1 else f"added {len(added)} partners ({', '.join(added[:3])}" \
            + (", …)" if len(added) > 3 else ")")
    if m == n - 1:
        gone = next((i for i in range(m) if before[i] != after[i]), m)
        if before[:gone] + before[gone + 1:] == after:
            return f"removed {before[gone].label}"
    if m == n + 1:  # one put back in its place (the undo of a removal)
        back = next((i for i in range(n) if before[i] != after[i]), n)
        if after[:back] + after[back + 1:] == before:
            return f"added {after[back].label}"
    if m == n:
        changed = [i for i in range(n) if before[i] != after[i]]
        if len(changed) == 1:
            old, new = before[changed[0]], after[changed[0]]
            if old.model_copy(update={"grant_eur": new.grant_eur}) == new:
                return f"{new.label}'s share {_eur(old.grant_eur)} → {_eur(new.grant_eur)}"
            if old.model_copy(update={"staff_cost_eur": new.staff_cost_eur}) == new:
                return (f"{new.label}'s staff cost {_eur(old.staff_cost_eur)} → {_eur(new.staff_cost_eur)} "
                        "a person-month")
            if old.model_copy(update={"budget": new.budget}) == new:
                return _lines_change(new.label, old.budget or {}, new.budget or {})
            return f"edited {new.label}"
        if changed and sorted(before, key=repr) == sorted(after, key=repr):
            return "reordered the partners"
        if changed:
            return f"edited {len(changed)} partners"
    return f"partners {n} → {m}"


def _lines_change(label: str, before: dict[str, BudgetLine], after: dict[str, BudgetLine]) -> str:
    """'HSNH's budget in WP1: travel EUR 8,000 → 9,000', 'HSNH's budget: added its line in WP2', 'removed its
    line in WP2' (the line, not the work package: 'removed WP2' read as if the work package had gone)."""
    added = [k for k in after if k not in before]
    removed = [k for k in before if k not in after]
    changed = [k for k in after if k in before and after[k] != before[k]]
    if len(changed) == 1 and not added and not removed:
        wp = changed[0]
        old, new = before[wp], after[wp]
        fields = [f for f in BudgetLine.model_fields if getattr(old, f) != getattr(new, f)]
        if len(fields) == 1:
            f = fields[0]
            a, b = getattr(old, f), getattr(new, f)
            shown = ((str(a) if a is not None else "none"), (str(b) if b is not None else "none")) \
                if f == "person_months" else (_eur(a), _eur(b))
            return f"{label}'s budget in {wp}: {BUDGET_WORDS[f]} {shown[0]} → {shown[1]}"
        return f"{label}'s budget in {wp}: {', '.join(BUDGET_WORDS[f] for f in fields)}"
    def its(ids: list[str]) -> str:
        return f"its line{'s' if len(ids) > 1 else ''} in {', '.join(ids)}"

    parts = [f"added {its(added)}"] if added else []
    parts += [f"removed {its(removed)}"] if removed else []
    parts += [f"changed {its(changed)}"] if changed else []
    return f"{label}'s budget: {'; '.join(parts) or 'reordered'}"


# a budget line's keys in words (the plan's diff and the edits' toasts)
BUDGET_WORDS = {"person_months": "person-months", "travel_eur": "travel", "equipment_eur": "equipment",
                "other_eur": "other costs", "subcontracting_eur": "subcontracting",
                "staff_cost_eur": "staff cost"}


def _work_packages_change(before: tuple[WorkPackage, ...], after: tuple[WorkPackage, ...]) -> str:
    """'added work package WP3', 'removed work package WP3', 'WP3: months 1-12 → 1-18', 'edited WP3'."""
    old_ids, new_ids = [w.id for w in before], [w.id for w in after]
    added = [i for i in new_ids if i not in old_ids]
    removed = [i for i in old_ids if i not in new_ids]
    if len(before) == len(after) and len(added) == 1 and len(removed) == 1:
        return f"work package {removed[0]} → {added[0]}"
    if added or removed:
        parts = [f"added work package{'s' if len(added) > 1 else ''} {', '.join(added)}"] if added else []
        parts += [f"removed work package{'s' if len(removed) > 1 else ''} {', '.join(removed)}"] if removed else []
        return "; ".join(parts)
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    if len(changed) == 1:
        a, b = changed[0]
        if a.model_copy(update={"start_month": b.start_month, "end_month": b.end_month}) == b:
            return f"{b.id}: months {a.start_month}-{a.end_month} → {b.start_month}-{b.end_month}"
        if a.model_copy(update={"lead": b.lead}) == b:
            return f"{b.id}: lead {a.lead or 'none'} → {b.lead or 'none'}"
        return f"edited work package {b.id}"
    return "reordered the work packages" if old_ids != new_ids else f"edited {len(changed)} work packages"


def describe_change(before: Plan, after: Plan, rules: CallRules | None = None) -> str:
    """What an edit changed, in a few words for a toast: 'removed CIFPSANT', 'Lot 2 → Lot 1'."""
    parts: list[str] = []
    wps_changed = before.work_packages != after.work_packages
    if wps_changed:
        parts.append(_work_packages_change(before.work_packages, after.work_packages))
    # the lines that followed a renamed or removed work package are said by the work package's change
    if before.partners != after.partners and not (wps_changed and len(before.partners) == len(after.partners)):
        parts.append(_partners_change(before.partners, after.partners))
    if before.lot != after.lot:
        parts.append(f"Lot {before.lot} → Lot {after.lot}"
                     + (f", {after.duration_months} months" if after.duration_months else ""))
    elif before.duration_months != after.duration_months:
        def months(value: int | None) -> str:
            return f"{value} months" if value else "not set (the lot's shortest)"

        parts.append(f"duration {months(before.duration_months)} → {months(after.duration_months)}")
    if before.requested_grant_eur != after.requested_grant_eur:
        parts.append(f"requested grant {_eur(before.requested_grant_eur)} → {_eur(after.requested_grant_eur)}")
    if before.ecosystems != after.ecosystems:
        names = [(eco.name if rules and (eco := rules.ecosystem(e)) else e) for e in after.ecosystems or ()]
        parts.append(f"ecosystems: {', '.join(names) or 'none'}")
    if before.call != after.call:  # the call first: it decides the rules, and undo names it
        parts.insert(0, f"call {before.call} → {after.call}")
    details = [name for name in ("title", "acronym", "notes")
               if getattr(before, name) != getattr(after, name)]
    if details:
        parts.append(f"plan details ({', '.join(details)})")
    if before.profiles != after.profiles:
        parts.append(_profiles_change(before.profiles, after.profiles))
    if before.activities != after.activities:
        parts.append(_activities_change(before.activities, after.activities))
    if before.assessment != after.assessment:
        parts.append(_assessment_change(before.assessment, after.assessment))
    return "; ".join(parts) or "no change"


# the words of the content and the self-assessment in a notice: what changed, not only where
_ACTIVITY_WORDS = {"skills_strategy": "skills strategy", "cvet_programmes": "CVET programmes",
                   "core_curricula": "core curricula", "long_term_action_plan": "long-term action plan"}


def _cut(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _profiles_change(before: tuple[Profile, ...], after: tuple[Profile, ...]) -> str:
    """'occupational profile added: Agri-drone operator (EQF 5)', '... removed: ...', '... edited: ...'."""
    added = [p for p in after if p not in before]
    removed = [p for p in before if p not in after]
    if len(added) == 1 and len(removed) == 1:
        return f"occupational profile edited: {_cut(added[0].title)} (EQF {added[0].eqf})"
    if len(added) == 1 and not removed:
        return f"occupational profile added: {_cut(added[0].title)} (EQF {added[0].eqf})"
    if len(removed) == 1 and not added:
        return f"occupational profile removed: {_cut(removed[0].title)}"
    return f"occupational profiles: {len(after)} (were {len(before)})"


def _activities_change(before: Activities | None, after: Activities | None) -> str:
    """'activity planned: skills strategy', 'activity no longer planned: core curricula'."""
    old, new = before or Activities(), after or Activities()
    planned = [w for k, w in _ACTIVITY_WORDS.items() if getattr(new, k) and not getattr(old, k)]
    dropped = [w for k, w in _ACTIVITY_WORDS.items() if getattr(old, k) and not getattr(new, k)]
    words = ([f"planned: {', '.join(planned)}"] if planned else []) + (
        [f"no longer planned: {', '.join(dropped)}"] if dropped else [])
    return "activities " + "; ".join(words) if words else "activities"


def _assessment_change(before: Assessment | None, after: Assessment | None) -> str:
    """'self-assessment: relevance 20 → 22' (each score changed, 'none' where there is none)."""
    old, new = before or Assessment(), after or Assessment()
    changed = [f"{name} {'none' if getattr(old, name) is None else getattr(old, name)} → "
               f"{'none' if getattr(new, name) is None else getattr(new, name)}"
               for name in ("relevance", "design", "partnership", "impact") if getattr(old, name) != getattr(new, name)]
    return "self-assessment: " + ", ".join(changed) if changed else "self-assessment"


# --- work packages that a duration leaves out (the budget screen, the comparison and its notice) --------


def work_packages_after(plan: Plan, months: int) -> tuple[WorkPackage, ...]:
    """The plan's work packages that end after month `months`: a project of that length does not hold them."""
    return tuple(wp for wp in plan.work_packages if wp.end_month > months)


def no_longer_fit(plan: Plan, months: int) -> str:
    """'WP3 (to month 36) and WP4 (to month 30) end after month 24', or '' when every one fits."""
    late = [f"{wp.id} (to month {wp.end_month})" for wp in work_packages_after(plan, months)]
    if not late:
        return ""
    named = late[0] if len(late) == 1 else f"{', '.join(late[:-1])} and {late[-1]}"
    return f"{named} end{'s' if len(late) == 1 else ''} after month {months}"
