"""Request and response bodies of operations and their members."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from app.accounts.schemas import Country, StrictModel

OPERATION_CODE_PATTERN = r"^[a-z0-9-]{2,64}$"
_CODE_CHARACTER = re.compile(r"[a-z0-9-]")
Role = Literal["ocu", "ncp", "user"]
Status = Literal["active", "closed"]


def _check_code(value: str) -> str:
    if not 2 <= len(value) <= 64:
        count = "1 character" if len(value) == 1 else f"{len(value):,} characters"
        raise ValueError(
            f"code has {count}; it must have 2 to 64, each a "
            "lowercase letter, a digit or a hyphen (mekong-dragon-2)"
        )
    invalid = next((ch for ch in value if not _CODE_CHARACTER.fullmatch(ch)), None)
    if invalid is not None:
        raise ValueError(
            f"code '{value}' contains {invalid!r}; it may contain only lowercase "
            "letters, digits and hyphens (mekong-dragon-2)"
        )
    return value


# _check_code checks the pattern, so that its message names the invalid
# character. The schema still shows the pattern to clients.
OperationCode = Annotated[
    str,
    AfterValidator(_check_code),
    Field(
        json_schema_extra={
            "pattern": OPERATION_CODE_PATTERN,
            "minLength": 2,
            "maxLength": 64,
        }
    ),
]


def _control_character(value: str, allowed: str = "") -> str | None:
    return next(
        (ch for ch in value if (ord(ch) < 32 or ord(ch) == 127) and ch not in allowed),
        None,
    )


def _check_name(value: str) -> str:
    control = _control_character(value)
    if control is not None:
        raise ValueError(
            f"name contains the control character U+{ord(control):04X}; "
            "control characters are not allowed"
        )
    if not value.strip():
        raise ValueError("name is blank; it must contain a visible character")
    return value


def _check_description(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    control = _control_character(value, allowed="\n\t")
    if control is not None:
        raise ValueError(
            f"description contains the control character U+{ord(control):04X}; "
            "only line feed and tab are allowed"
        )
    return value


OperationName = Annotated[
    str, Field(min_length=1, max_length=200), AfterValidator(_check_name)
]
Description = Annotated[
    str, Field(max_length=20_000), AfterValidator(_check_description)
]


class Phase(StrictModel):
    start: date
    end: date

    @model_validator(mode="after")
    def _start_before_end(self) -> Phase:
        if self.start > self.end:
            raise ValueError(
                f"start {self.start.isoformat()} is after end {self.end.isoformat()}; "
                "start must be no later than end"
            )
        return self


class Phases(StrictModel):
    pre_operational: Phase | None = None
    operational: Phase | None = None
    post_operational: Phase | None = None

    def as_json(self) -> dict[str, dict[str, str]]:
        return {
            name: {"start": phase.start.isoformat(), "end": phase.end.isoformat()}
            for name, phase in (
                ("pre_operational", self.pre_operational),
                ("operational", self.operational),
                ("post_operational", self.post_operational),
            )
            if phase is not None
        }


class OperationCreate(StrictModel):
    code: OperationCode
    name: OperationName
    description: Description = ""
    phases: Phases = Field(default_factory=Phases)


class OperationUpdate(StrictModel):
    name: OperationName | None = None
    description: Description | None = None
    phases: Phases | None = None
    status: Status | None = None


class OperationPublic(BaseModel):
    code: str
    name: str
    description: str
    phases: dict[str, dict[str, str]]
    status: Status
    member_count: int


class MemberUser(BaseModel):
    id: str
    username: str
    display_name: str


class MemberPublic(BaseModel):
    user: MemberUser
    role: Role
    country: str


class MemberPut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    country: Country | None = None
