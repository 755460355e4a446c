"""Request and response bodies of accounts, authentication and `/me`."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from app.countries import normalize_country
from app.timefmt import UtcDatetime

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$"
USERNAME_RULE = (
    "a username has 2 to 64 characters: letters, digits, '.', '_', '@' and '-', "
    "starting with a letter or digit"
)
_USERNAME_CHARACTER = re.compile(r"[A-Za-z0-9._@-]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_username(value: str) -> str:
    if not 2 <= len(value) <= 64:
        count = "1 character" if len(value) == 1 else f"{len(value):,} characters"
        raise ValueError(f"username has {count}; {USERNAME_RULE}")
    invalid = next((ch for ch in value if not _USERNAME_CHARACTER.fullmatch(ch)), None)
    if invalid is not None:
        raise ValueError(f"username '{value}' contains {invalid!r}; {USERNAME_RULE}")
    if not value[0].isalnum():
        raise ValueError(
            f"username '{value}' starts with {value[0]!r}; {USERNAME_RULE}"
        )
    return value


def _check_email(value: str) -> str:
    if value and not _EMAIL.match(value):
        raise ValueError(f"'{value}' is not an email address like name@example.org")
    return value


def _check_display_name(value: str) -> str:
    control = next((ch for ch in value if ord(ch) < 32 or ord(ch) == 127), None)
    if control is not None:
        raise ValueError(
            f"display_name contains the control character U+{ord(control):04X}; "
            "control characters are not allowed"
        )
    if not value.strip():
        raise ValueError("display_name is blank; it must contain a visible character")
    return value


Country = Annotated[str, AfterValidator(normalize_country)]
Email = Annotated[str, Field(max_length=320), AfterValidator(_check_email)]
DisplayName = Annotated[
    str, Field(min_length=1, max_length=200), AfterValidator(_check_display_name)
]
# _check_username checks the pattern, so that its message names the invalid
# character. The schema still shows the pattern to clients.
Username = Annotated[
    str,
    AfterValidator(_check_username),
    Field(
        json_schema_extra={"pattern": USERNAME_PATTERN, "minLength": 2, "maxLength": 64}
    ),
]


def _check_password(value: str) -> str:
    # The value itself is never put in a message.
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain control characters")
    return value


Password = Annotated[
    str, Field(min_length=8, max_length=1024), AfterValidator(_check_password)
]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenPair(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str


class RefreshRequest(StrictModel):
    refresh_token: Annotated[str, Field(min_length=1, max_length=512)]


class PasswordChange(StrictModel):
    current_password: Annotated[str, Field(max_length=1024)]
    new_password: Password


class UserCreate(StrictModel):
    username: Username
    display_name: DisplayName
    email: Email = ""
    country: Country
    password: Password
    is_admin: StrictBool = False


class UserUpdate(StrictModel):
    display_name: DisplayName | None = None
    email: Email | None = None
    country: Country | None = None
    is_active: StrictBool | None = None
    is_admin: StrictBool | None = None


class UserPublic(BaseModel):
    id: str
    username: str
    display_name: str
    email: str
    country: str
    is_admin: bool
    is_active: bool
    created_at: UtcDatetime


class MembershipOperation(BaseModel):
    code: str
    name: str
    status: str


class MeMembership(BaseModel):
    operation: MembershipOperation
    role: str
    country: str


class Me(BaseModel):
    id: str
    username: str
    display_name: str
    email: str
    country: str
    is_admin: bool
    memberships: list[MeMembership]
