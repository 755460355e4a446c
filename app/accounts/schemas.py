"""Request and response bodies of accounts, authentication and `/me`."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.countries import normalize_country
from app.timefmt import UtcDatetime

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_email(value: str) -> str:
    if value and not _EMAIL.match(value):
        raise ValueError(f"'{value}' is not an email address like name@example.org")
    return value


def _check_display_name(value: str) -> str:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain control characters")
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Country = Annotated[str, AfterValidator(normalize_country)]
Email = Annotated[str, Field(max_length=320), AfterValidator(_check_email)]
DisplayName = Annotated[
    str, Field(min_length=1, max_length=200), AfterValidator(_check_display_name)
]
Username = Annotated[
    str, StringConstraints(pattern=USERNAME_PATTERN, min_length=2, max_length=64)
]
Password = Annotated[str, Field(min_length=8, max_length=1024)]


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
    is_admin: bool = False


class UserUpdate(StrictModel):
    display_name: DisplayName | None = None
    email: Email | None = None
    country: Country | None = None
    is_active: bool | None = None
    is_admin: bool | None = None


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
