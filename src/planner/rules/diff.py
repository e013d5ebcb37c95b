"""What differs between two resolved rule sets, figure by figure, in words ("Lot 3: new")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from planner.rules.extends import MERGE_KEYS

# the criterion a whole table of rules stands for, where it has one
RULE_TABLES = {"third_countries": "third-countries", "eche": "eche"}

WORDS = {
    "min_full_partners": "full partners, at least",
    "min_countries": "EU/associated countries, at least",
    "min_labour_market_actors": "labour-market actors, at least",
    "min_education_providers": "education and training providers, at least",
    "requires_higher_education": "a higher education institution required",
    "requires_vet_provider": "a VET provider required",
    "content_requirements": "Lot 2 content rules",
    "max_grant_eur": "maximum grant",
    "grade": "how sure (grade)",
    "eu": "EU Member States",
    "associated": "associated countries",
    "excluded": "excluded countries",
    "country_aliases": "country aliases",
    "country_names": "country names",
    "ecosystem_rules": "ecosystem rules",
    "one_proposal_per_ecosystem": "only one proposal per ecosystem funded",
    "priority_note": "priority note",
    "award_rules": "award thresholds",
    "content_rules": "Lot 2 content rules",
    "funding_rate_percent": "funding rate (%)",
    "indirect_rate_percent": "indirect cost rate (%)",
    "eqf_bands": "EQF band",
    "third_countries": "third-countries",
}


def _words(key: str) -> str:
    return WORDS.get(key, key.replace("_", " "))


def _value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) and key.endswith("_eur"):
        return f"EUR {value:,}"
    if isinstance(value, datetime):
        return f"{value.day} {value:%B %Y, %H:%M}"
    if isinstance(value, list):
        return " ".join(str(v) for v in value) if all(not isinstance(v, dict) for v in value) else f"{len(value)}"
    if isinstance(value, dict):
        return ", ".join(f"{_words(k)} {_value(k, v)}" for k, v in value.items() if not isinstance(v, (dict, list)))
    return str(value)


def _entry_label(path: str, entry: dict[str, Any]) -> str:
    if path == "lots":
        return f"Lot {entry.get('number')}"
    if path == "lots.durations":
        return f"{entry.get('months')} months"
    if path == "ecosystems":
        return f"ecosystem {entry.get('number', '')}. {entry.get('name', entry.get('id'))}".replace(" .", "")
    if path == "third_countries.regions":
        return entry.get("name", entry.get("id", "region"))
    singular = {"kinds": "kind", "roles": "role", "award": "award criterion", "eqf_bands": "EQF band",
                "activities": "Lot 2 activity"}.get(path.rsplit(".", 1)[-1], _words(path))
    return f"{singular} {entry.get('id')}"


def _summary(path: str, entry: dict[str, Any]) -> str:
    if path == "lots":
        durations = "; ".join(f"{d['months']} months up to {_value('max_grant_eur', d['max_grant_eur'])}"
                              for d in entry.get("durations", []))
        # the order of Lot.minimums: countries first
        return (f"{entry.get('name')}: {entry.get('min_countries')} countries, {entry.get('min_full_partners')} "
                f"full partners, {entry.get('min_labour_market_actors')} labour-market "
                f"actors, {entry.get('min_education_providers')} providers; {durations}; grade {entry.get('grade')}")
    if path == "lots.durations":
        return f"up to {_value('max_grant_eur', entry.get('max_grant_eur'))}; grade {entry.get('grade')}"
    if path == "third_countries.regions":
        return " ".join(entry.get("countries", []))
    return _value("", entry)


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """One line per change, in the new file's order; [] when the two say the same."""
    return _diff_tables(old, new, "", "")


def _diff_tables(old: dict[str, Any], new: dict[str, Any], path: str, label: str) -> list[str]:
    out: list[str] = []
    for key in [*new, *(k for k in old if k not in new)]:
        here = f"{path}.{key}" if path else key
        name = f"{label}, {_words(key)}" if label else _words(key)
        if key not in old:
            out.append(_added(key, new[key], here, name))
        elif key not in new:
            out.append(f"{RULE_TABLES[key]}: rule dropped" if not path and key in RULE_TABLES
                       else f"{name}: no longer given (was {_value(key, old[key])})")
        else:
            out.extend(_diff_value(key, old[key], new[key], here, name))
    return out


def _added(key: str, value: Any, path: str, name: str) -> str:
    if path in RULE_TABLES:
        regions = "; ".join(f"{r['name']}: {' '.join(r['countries'])}" for r in value.get("regions", []))
        return f"{RULE_TABLES[path]}: new rule ({regions + '; ' if regions else ''}source: {value.get('source')}; " \
               f"grade {value.get('grade')})"
    if path in MERGE_KEYS:
        return f"{name}: new ({'; '.join(_entry_label(path, e) for e in value)})"
    return f"{name}: new ({_value(key, value)})"


def _diff_value(key: str, old: Any, new: Any, path: str, name: str) -> list[str]:
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        return _diff_tables(old, new, path, name if path not in RULE_TABLES else RULE_TABLES[path])
    if path in MERGE_KEYS and isinstance(old, list) and isinstance(new, list):
        return _diff_entries(old, new, path, name)
    if isinstance(old, list) and isinstance(new, list):
        added = [v for v in new if v not in old]
        removed = [v for v in old if v not in new]
        if not added and not removed:
            return [f"{name}: order changed"]
        parts = ([f"+ {' '.join(map(str, added))}"] if added else []) + \
                ([f"- {' '.join(map(str, removed))}"] if removed else [])
        return [f"{name}: {', '.join(parts)}"]
    before, after = _value(key, old), _value(key, new)
    if len(before) + len(after) > 90:
        return [f"{name}: now {after!r} (was {before!r})"]
    return [f"{name}: {before} → {after}"]


def _diff_entries(old: list[Any], new: list[Any], path: str, name: str) -> list[str]:
    key = MERGE_KEYS[path]
    olds = {e.get(key): e for e in old if isinstance(e, dict)}
    news = {e.get(key): e for e in new if isinstance(e, dict)}
    out: list[str] = []
    prefix = "" if path == "lots" else f"{name.rsplit(', ', 1)[0]}, " if ", " in name else ""
    for k, entry in news.items():
        label = prefix + _entry_label(path, entry)
        if k not in olds:
            out.append(f"{label}: new ({_summary(path, entry)})")
        else:
            out.extend(_diff_tables(olds[k], entry, path, label))
    for k, entry in olds.items():
        if k not in news:
            out.append(f"{prefix}{_entry_label(path, entry)}: removed")
    return out
