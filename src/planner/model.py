"""The plan: pydantic models of plan file format 1 (see README, "Plan files"). No rules here."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, field_validator

FORMAT = 1
ROLES = ("coordinator", "beneficiary", "affiliated-entity", "associated-partner")
Role = Literal["coordinator", "beneficiary", "affiliated-entity", "associated-partner"]

Text = Annotated[StrictStr, Field(min_length=1)]
Euros = Annotated[StrictInt, Field(ge=0)]


class _Model(BaseModel):
    # frozen: an edit makes a new plan, so undo and "unsaved changes" are a comparison away
    model_config = ConfigDict(extra="forbid", frozen=True)


class Partner(_Model):
    name: Text
    short_name: Text | None = None
    country: Text
    kind: Text
    role: Role
    pic: Annotated[StrictStr, Field(pattern=r"^[0-9]{9}$")] | None = None
    grant_eur: Euros | None = None
    affiliated_to: Text | None = None
    eche: bool | None = None
    notes: StrictStr | None = None

    @property
    def label(self) -> str:
        return self.short_name or self.name


class Profile(_Model):
    title: Text
    eqf: Annotated[StrictInt, Field(ge=1, le=8)]


class Activities(_Model):
    skills_strategy: StrictBool = False
    cvet_programmes: StrictBool = False
    core_curricula: StrictBool = False
    long_term_action_plan: StrictBool = False


class Assessment(_Model):
    relevance: Annotated[StrictInt, Field(ge=0)] | None = None
    design: Annotated[StrictInt, Field(ge=0)] | None = None
    partnership: Annotated[StrictInt, Field(ge=0)] | None = None
    impact: Annotated[StrictInt, Field(ge=0)] | None = None


class Plan(_Model):
    format: StrictInt
    call: Text | None = None
    title: StrictStr
    acronym: StrictStr | None = None
    lot: StrictInt
    duration_months: Annotated[StrictInt, Field(gt=0)] | None = None
    ecosystems: tuple[Text, ...] | None = None
    requested_grant_eur: Euros | None = None
    notes: StrictStr | None = None
    partners: tuple[Partner, ...] = ()
    profiles: tuple[Profile, ...] = ()
    activities: Activities | None = None
    assessment: Assessment | None = None

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value != FORMAT:
            raise ValueError(f"this planner reads format {FORMAT}, not {value}")
        return value

    def to_document(self) -> dict[str, Any]:
        """The plan as a TOML-ready dict: the spec's key order, unset keys left out."""
        doc = self.model_dump(mode="json", exclude_none=True)
        for table in ("partners", "profiles"):
            if not doc[table]:
                del doc[table]
        return doc


SECTIONS: dict[str, type[_Model]] = {
    "partners": Partner,
    "profiles": Profile,
    "activities": Activities,
    "assessment": Assessment,
}


def allowed_keys(loc: tuple[Any, ...]) -> list[str] | None:
    """The keys a table at `loc` may hold, for "unknown key" messages."""
    model: type[_Model] = Plan
    for part in loc:
        if isinstance(part, str):
            model = SECTIONS.get(part)  # type: ignore[assignment]
            if model is None:
                return None
    return list(model.model_fields)


def new_plan(title: str = "Untitled plan", lot: int = 1) -> Plan:
    return Plan(format=FORMAT, title=title, lot=lot)
