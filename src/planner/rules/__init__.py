"""The rules of a call, as data: the schema, the merge of `extends`, the diff and `planner rules`.

- `schema`: what a rules file holds (CallRules and its parts);
- `loading`: the calls known by id (built-in and the coordinator's own: `own`), loaded; a new plan's call;
- `extends`: a rule set that builds on another (`extends = "2025"`), merged key by key;
- `diff`: what differs between two resolved rule sets;
- `cli`: the `planner rules` command;
- `calls/*.toml`: the built-in rule sets, one a call year.

`from planner.rules import X` gives the schema's and the loader's names.
"""

from planner.rules.loading import (
    DEFAULT_CALL,
    available_calls,
    builtin_calls,
    latest_call,
    load_call,
    load_rules_file,
    next_call,
    not_published,
    read_rules_file,
    replaced_notice,
)
from planner.rules.schema import (
    CATEGORY_LABELS,
    Activity,
    AwardCriterion,
    AwardRules,
    CallRules,
    ContentRules,
    Countries,
    Duration,
    EcheRule,
    Ecosystem,
    EcosystemRules,
    EqfBand,
    Grade,
    Kind,
    Lot,
    Region,
    Role,
    ThirdCountries,
    is_provisional,
)

__all__ = [
    "CATEGORY_LABELS",
    "DEFAULT_CALL",
    "Activity",
    "AwardCriterion",
    "AwardRules",
    "CallRules",
    "ContentRules",
    "Countries",
    "Duration",
    "EcheRule",
    "Ecosystem",
    "EcosystemRules",
    "EqfBand",
    "Grade",
    "Kind",
    "Lot",
    "Region",
    "Role",
    "ThirdCountries",
    "available_calls",
    "builtin_calls",
    "is_provisional",
    "latest_call",
    "load_call",
    "load_rules_file",
    "next_call",
    "not_published",
    "read_rules_file",
    "replaced_notice",
]
