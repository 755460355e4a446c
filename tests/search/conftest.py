"""Fixtures and helpers of the search tests: a cast of members, searches, clocks.

Accounts are written to the database with a cheap Argon2 hash and then log in
through the API, because hashing at the default cost takes a large part of a second and
every test needs eight accounts. Memberships and messages go through the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from app.accounts.service import username_key
from app.context import AppContext
from app.db import commit
from app.models import Attachment, AuditEvent, Message, Operation, User
from tests.conftest import USER_PASSWORD, Account, Api

# Lowest Argon2 cost, so the accounts can still log in with USER_PASSWORD.
_CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(
    USER_PASSWORD
)
VALID_CONTAINER = "CSQU3054383"
# Another valid number: the check digit of TCLU123456 is 8.
OTHER_CONTAINER = "TCLU1234568"


def context_of(app: Any) -> AppContext:
    context: AppContext = app.state.lifespan_state["context"]
    return context


@dataclass
class Cug:
    """An operation and its members, named by role and membership country."""

    api: Api
    app: Any
    code: str
    ocu: Account
    ncp_vn: Account
    ncp_th: Account
    user_vn: Account
    user_vn2: Account
    user_th: Account
    user_kh: Account

    @property
    def client(self) -> httpx.AsyncClient:
        return self.api.client


async def _create_account(
    app: Any, api: Api, name: str, country: str, *, is_admin: bool = False
) -> Account:
    context = context_of(app)
    async with context.sessionmaker() as session:
        user = User(
            username=name,
            username_key=username_key(name),
            display_name=name.replace("-", " ").title(),
            email=f"{name}@example.org",
            country=country,
            password_hash=_CHEAP_HASH,
            is_admin=is_admin,
        )
        session.add(user)
        await commit(session)
    account = Account(
        id=user.id, username=name, password=USER_PASSWORD, country=country
    )
    account.headers = await api.login(name, USER_PASSWORD)
    return account


@pytest.fixture
async def cheap_api(app: Any, client: httpx.AsyncClient) -> Api:
    """The conftest `Api` helper, with an admin account of the cheap hash."""
    api = Api(client)
    api.admin = await _create_account(app, api, "admin", "BE", is_admin=True)
    return api


@pytest.fixture
async def cug(app: Any, cheap_api: Api) -> Cug:
    """An operation with an OCU in LA, NCPs of VN and TH, and plain users."""
    api = cheap_api
    code = await api.create_operation()
    cast: dict[str, Account] = {}
    for name, role, country in (
        ("ocu", "ocu", "LA"),
        ("ncp_vn", "ncp", "VN"),
        ("ncp_th", "ncp", "TH"),
        ("user_vn", "user", "VN"),
        ("user_vn2", "user", "VN"),
        ("user_th", "user", "TH"),
        ("user_kh", "user", "KH"),
    ):
        account = await _create_account(app, api, name.replace("_", "-"), country)
        await api.add_member(code, account, role=role)
        cast[name] = account
    return Cug(api=api, app=app, code=code, **cast)


async def search(
    client: httpx.AsyncClient, code: str, account: Account, **params: Any
) -> httpx.Response:
    """GET the messages database with `params`; `type_` is sent as `type`."""
    if "type_" in params:
        params["type"] = params.pop("type_")
    return await client.get(
        f"/api/v1/operations/{code}/messages", headers=account.headers, params=params
    )


async def search_ok(
    client: httpx.AsyncClient, code: str, account: Account, **params: Any
) -> dict[str, Any]:
    response = await search(client, code, account, **params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def found_ids(cug: Cug, account: Account, **params: Any) -> set[str]:
    """Return the ids of every message of the first page of a search."""
    page = await search_ok(cug.client, cug.code, account, limit=200, **params)
    return {item["id"] for item in page["items"]}


async def post(cug: Cug, sender: Account, to: Account, **overrides: Any) -> str:
    """Send a message from `sender` to `to`; return its id."""
    payload: dict[str, Any] = {
        "type": "message",
        "subject": "Test message",
        "body": "Hello from the test.",
        "recipients": {"users": [to.id]},
    }
    payload.update(overrides)
    response = await cug.client.post(
        f"/api/v1/operations/{cug.code}/messages", headers=sender.headers, json=payload
    )
    assert response.status_code == 201, response.text
    message_id: str = response.json()["id"]
    return message_id


async def set_created_at(app: Any, message_id: str, when: datetime) -> None:
    """Move a message to another send time, for date filters and ordering."""
    context = context_of(app)
    async with context.sessionmaker() as session:
        await session.execute(
            update(Message).where(Message.id == message_id).values(created_at=when)
        )
        await commit(session)


async def audit_events(app: Any, action: str) -> list[AuditEvent]:
    context = context_of(app)
    async with context.sessionmaker() as session:
        statement = (
            select(AuditEvent)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
        return list(await session.scalars(statement))


def warning_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "commodity": "wildlife",
        "description": "Ivory expected in a timber shipment.",
    }
    fields.update(overrides)
    return fields


def seizure_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "seizure_date": "2025-03-02",
        "country": "VN",
        "commodity": "wildlife",
        "description": "Pangolin scales in bags declared as cashew nuts.",
        "quantity": 120,
        "unit": "kg",
    }
    fields.update(overrides)
    return fields


def field_errors(response: httpx.Response) -> dict[str, str]:
    """Map each field named in a 422 response to its message."""
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}


async def add_upload(app: Any, code: str, uploader: Account, name: str) -> str:
    """Insert an upload of `uploader` in the operation; return its id."""
    context = context_of(app)
    async with context.sessionmaker() as session:
        operation_id = await session.scalar(
            select(Operation.id).where(Operation.code == code)
        )
        assert operation_id is not None
        attachment = Attachment(
            operation_id=operation_id,
            uploader_id=uploader.id,
            filename=name,
            size=4,
            content_type="application/pdf",
            sha256="0" * 64,
        )
        session.add(attachment)
        await commit(session)
        return attachment.id
