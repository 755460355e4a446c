"""Helpers of the send, visibility and mailbox tests: a cast of members and a send.

Accounts are written straight to the database with a cheap Argon2 hash and an
access token from the app's signer, because hashing at the default cost took
about 0.1 s per hash on a two-core test machine and these tests need many
accounts. Everything the tests check goes through the HTTP API.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.service import username_key
from app.config import Settings
from app.context import AppContext
from app.db import commit
from app.ids import new_id
from app.main import create_app
from app.models import (
    Attachment,
    AuditEvent,
    AuthSession,
    MailboxEvent,
    MailboxItem,
    Membership,
    Message,
    Operation,
    User,
)
from tests.conftest import USER_PASSWORD, Account, Api

# Lowest Argon2 cost, so the accounts can still log in with USER_PASSWORD.
_CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(
    USER_PASSWORD
)
OMIT: Any = object()
VALID_CONTAINER = "CSQU3054383"


def context_of(app: Any) -> AppContext:
    context: AppContext = app.state.lifespan_state["context"]
    return context


async def add_account(
    session: AsyncSession,
    context: AppContext,
    name: str,
    country: str,
    display_name: str | None = None,
    is_admin: bool = False,
) -> Account:
    """Add a user named `name` plus a random suffix, with a login, to the session.

    The login has no refresh token, which these tests never use.
    """
    username = f"{name}-{secrets.token_hex(4)}"
    user = User(
        id=new_id(),
        username=username,
        username_key=username_key(username),
        display_name=display_name or name.title(),
        email=f"{username}@example.org",
        country=country,
        password_hash=_CHEAP_HASH,
        is_admin=is_admin,
    )
    session.add(user)
    # Without relationships the unit of work may insert the login first.
    await session.flush()
    login = AuthSession(
        id=new_id(), user_id=user.id, expires_at=datetime.now(UTC) + timedelta(days=1)
    )
    session.add(login)
    token, _ = context.signer.issue_access(user.id, login.id)
    return Account(
        id=user.id,
        username=username,
        password=USER_PASSWORD,
        country=country,
        headers={"Authorization": f"Bearer {token}"},
    )


class FastApi(Api):
    """The conftest `Api`, with accounts created in the database directly."""

    def __init__(self, client: httpx.AsyncClient, app: Any) -> None:
        super().__init__(client)
        self.app = app

    async def create_user(
        self,
        username: str | None = None,
        *,
        country: str = "VN",
        display_name: str | None = None,
        is_admin: bool = False,
    ) -> Account:
        """Create an account in the database and log it in.

        The username gets a random suffix, because the tests of a module share
        one database that is not emptied between them.
        """
        context = context_of(self.app)
        async with context.sessionmaker() as session:
            account = await add_account(
                session, context, username or "user", country, display_name, is_admin
            )
            await commit(session)
        return account

    async def deactivate(self, account: Account) -> None:
        assert self.admin is not None
        response = await self.client.patch(
            f"/api/v1/users/{account.id}",
            headers=self.admin.headers,
            json={"is_active": False},
        )
        assert response.status_code == 200, response.text

    async def remove_member(self, code: str, account: Account) -> None:
        assert self.admin is not None
        response = await self.client.delete(
            f"/api/v1/operations/{code}/members/{account.id}",
            headers=self.admin.headers,
        )
        assert response.status_code == 204, response.text

    async def set_status(self, code: str, status: str) -> None:
        assert self.admin is not None
        response = await self.client.patch(
            f"/api/v1/operations/{code}",
            headers=self.admin.headers,
            json={"status": status},
        )
        assert response.status_code == 200, response.text


@dataclass
class Env:
    """One running app shared by the tests of a module, with an admin."""

    app: Any
    client: httpx.AsyncClient
    api: FastApi
    # The ASGI callable the client talks to, for clients with other options.
    asgi: Any


def _with_state(app: Any, state: dict[str, Any]) -> Any:
    """Give each request the lifespan state, as a server would."""

    async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
        scope = dict(scope)
        scope["state"] = dict(state)
        await app(scope, receive, send)

    return asgi


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[Env]:
    """Run one app for a whole module.

    Building an app and the first request of each route took about 0.3 s per
    test on a two-core machine, so these modules share one app and give every
    test its own operation and accounts instead of empty tables.
    """
    application = create_app(settings)
    async with application.router.lifespan_context(application) as state:
        application.state.lifespan_state = state
        asgi = _with_state(application, dict(state or {}))
        transport = httpx.ASGITransport(app=asgi)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            api = FastApi(c, application)
            api.admin = await api.create_user(country="BE", is_admin=True)
            yield Env(app=application, client=c, api=api, asgi=asgi)


@dataclass
class Cug:
    """An operation and its members, named by role and membership country."""

    api: FastApi
    code: str
    ocu: Account
    ncp_vn: Account
    ncp_th: Account
    ncp_kh: Account
    user_vn: Account
    user_vn2: Account
    user_th: Account
    user_kh: Account

    @property
    def client(self) -> httpx.AsyncClient:
        return self.api.client

    def everyone(self) -> list[Account]:
        return [
            self.ocu,
            self.ncp_vn,
            self.ncp_th,
            self.ncp_kh,
            self.user_vn,
            self.user_vn2,
            self.user_th,
            self.user_kh,
        ]


CAST = (
    ("ocu", "ocu", "LA"),
    ("ncp_vn", "ncp", "VN"),
    ("ncp_th", "ncp", "TH"),
    ("ncp_kh", "ncp", "KH"),
    ("user_vn", "user", "VN"),
    ("user_vn2", "user", "VN"),
    ("user_th", "user", "TH"),
    ("user_kh", "user", "KH"),
)


async def build_cug(env: Env) -> Cug:
    """Create an operation with an OCU in LA, NCPs of VN, TH and KH, and users.

    Everything is written in one transaction for speed; the operation and
    member routes have their own tests.
    """
    context = context_of(env.app)
    code = f"op-{secrets.token_hex(4)}"
    cast: dict[str, Account] = {}
    async with context.sessionmaker() as session:
        operation = Operation(
            id=new_id(), code=code, name=code.replace("-", " ").title()
        )
        session.add(operation)
        for name, role, country in CAST:
            account = await add_account(
                session, context, name.replace("_", "-"), country, display_name=name
            )
            session.add(
                Membership(
                    operation_id=operation.id,
                    user_id=account.id,
                    role=role,
                    country=country,
                )
            )
            cast[name] = account
        await commit(session)
    return Cug(api=env.api, code=code, **cast)


def message_payload(**overrides: Any) -> dict[str, Any]:
    """Return a valid send body with `overrides`; a value of OMIT drops the key."""
    payload: dict[str, Any] = {
        "type": "message",
        "subject": "Test message",
        "body": "Hello from the test.",
    }
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not OMIT}


async def send(
    client: httpx.AsyncClient, code: str, sender: Account, **overrides: Any
) -> httpx.Response:
    """POST a message; `recipients` defaults to nobody, so pass it."""
    return await client.post(
        f"/api/v1/operations/{code}/messages",
        headers=sender.headers,
        json=message_payload(**overrides),
    )


async def send_ok(
    client: httpx.AsyncClient, code: str, sender: Account, **overrides: Any
) -> dict[str, Any]:
    response = await send(client, code, sender, **overrides)
    assert response.status_code == 201, response.text
    message: dict[str, Any] = response.json()
    return message


def to_users(*accounts: Account) -> dict[str, list[str]]:
    return {"users": [a.id for a in accounts]}


async def read_message(
    client: httpx.AsyncClient, code: str, reader: Account, message_id: str
) -> httpx.Response:
    return await client.get(
        f"/api/v1/operations/{code}/messages/{message_id}", headers=reader.headers
    )


async def inbox(
    client: httpx.AsyncClient, code: str, owner: Account, **params: Any
) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/operations/{code}/mailbox", headers=owner.headers, params=params
    )
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def field_errors(response: httpx.Response) -> dict[str, str]:
    """Map each field named in a 422 answer to its message."""
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}


async def add_upload(app: Any, code: str, uploader: Account) -> str:
    """Insert an upload row of `uploader` in the operation; return its id."""
    context = context_of(app)
    async with context.sessionmaker() as session:
        operation_id = await session.scalar(
            select(Operation.id).where(Operation.code == code)
        )
        assert operation_id is not None
        attachment = Attachment(
            operation_id=operation_id,
            uploader_id=uploader.id,
            filename="report.pdf",
            size=4,
            content_type="application/pdf",
            sha256="0" * 64,
            created_at=datetime.now(UTC),
        )
        session.add(attachment)
        await commit(session)
        return attachment.id


@dataclass(frozen=True)
class SendTrace:
    """How many rows of each kind a send leaves behind."""

    messages: int
    items: int
    events: int
    send_audits: int


async def send_trace(app: Any, code: str) -> SendTrace:
    """Count the operation's messages, mailbox items, events and send audits."""
    context = context_of(app)
    async with context.sessionmaker() as session:
        operation_id = await session.scalar(
            select(Operation.id).where(Operation.code == code)
        )

        async def count(model: Any, *conditions: Any) -> int:
            statement = (
                select(func.count())
                .select_from(model)
                .where(model.operation_id == operation_id, *conditions)
            )
            return int(await session.scalar(statement) or 0)

        return SendTrace(
            messages=await count(Message),
            items=await count(MailboxItem),
            events=await count(MailboxEvent),
            send_audits=await count(AuditEvent, AuditEvent.action == "message.send"),
        )
