"""Shared fixtures: a migrated real database, the app, and an API helper.

The suite runs on a fresh embedded SQLite file by default, and on PostgreSQL
when CENCOMM_TEST_DATABASE_URL names one (`postgresql+asyncpg://...`). The
schema is built once per run with the Alembic migrations; every test starts
from empty tables.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from app.accounts import passwords
from app.config import Settings
from app.db import create_engine
from app.main import create_app
from app.migrate import upgrade_to_head
from app.models import Base

TEST_SECRET = "test-secret-" + "x" * 40
ADMIN_PASSWORD = "admin-password-1"
USER_PASSWORD = "user-password-1"


def _database_url(tmp_root: Path) -> str:
    url = os.environ.get("CENCOMM_TEST_DATABASE_URL", "")
    if url:
        return url
    return f"sqlite+aiosqlite:///{tmp_root / 'test.sqlite3'}"


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """Hash passwords with the cheapest Argon2id parameters during the tests.

    The default parameters take about half a second per hash on a small
    machine, and every test logs in several accounts. Verification reads the
    parameters from the stored hash, so hashes of either cost verify.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            passwords,
            "_hasher",
            PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
        )
        yield


@pytest.fixture(scope="session")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cencomm")


@pytest.fixture(scope="session")
def settings(data_root: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=_database_url(data_root),
        data_dir=data_root / "data",
        secret_key=TEST_SECRET,
        log_level="WARNING",
    )


def _reset_postgres_schema(settings: Settings) -> None:
    import asyncio

    async def reset() -> None:
        engine = create_engine(settings)
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await engine.dispose()

    asyncio.run(reset())


@pytest.fixture(scope="session")
def migrated(settings: Settings) -> Settings:
    """Build the schema from an empty database with the migrations."""
    if not settings.is_sqlite:
        _reset_postgres_schema(settings)
    if os.environ.get("CENCOMM_TEST_REQUIRE_POSTGRES") == "1":
        assert not settings.is_sqlite, "PostgreSQL was required but not configured"
    upgrade_to_head(settings)
    return settings


async def _empty_tables(settings: Settings) -> None:
    engine = create_engine(settings)
    tables = list(reversed(Base.metadata.sorted_tables))
    async with engine.begin() as connection:
        if settings.is_sqlite:
            for table in tables:
                await connection.execute(table.delete())
        else:
            names = ", ".join(f'"{t.name}"' for t in tables)
            await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
async def app(migrated: Settings) -> AsyncIterator[Any]:
    await _empty_tables(migrated)
    application = create_app(migrated)
    async with application.router.lifespan_context(application) as state:
        application.state.lifespan_state = state
        yield application


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_with_state(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


def _with_state(app: Any) -> Any:
    """Give each request the lifespan state, as a server would."""
    state = app.state.lifespan_state

    async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
        scope = dict(scope)
        scope["state"] = dict(state)
        await app(scope, receive, send)

    return asgi


@dataclass
class Account:
    id: str
    username: str
    password: str
    country: str
    headers: dict[str, str] = field(default_factory=dict)


class Api:
    """Builds accounts, operations and memberships through the public API."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.admin: Account | None = None

    async def login(self, username: str, password: str) -> dict[str, str]:
        response = await self.client.post(
            "/api/v1/auth/token", data={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    async def create_user(
        self,
        username: str | None = None,
        *,
        country: str = "VN",
        display_name: str | None = None,
        is_admin: bool = False,
    ) -> Account:
        assert self.admin is not None
        username = username or f"user-{secrets.token_hex(4)}"
        response = await self.client.post(
            "/api/v1/users",
            headers=self.admin.headers,
            json={
                "username": username,
                "display_name": display_name or username.title(),
                "email": f"{username}@example.org",
                "country": country,
                "password": USER_PASSWORD,
                "is_admin": is_admin,
            },
        )
        assert response.status_code == 201, response.text
        account = Account(
            id=response.json()["id"],
            username=username,
            password=USER_PASSWORD,
            country=country,
        )
        account.headers = await self.login(username, USER_PASSWORD)
        return account

    async def create_operation(self, code: str | None = None, **extra: Any) -> str:
        assert self.admin is not None
        code = code or f"op-{secrets.token_hex(4)}"
        response = await self.client.post(
            "/api/v1/operations",
            headers=self.admin.headers,
            json={"code": code, "name": code.replace("-", " ").title(), **extra},
        )
        assert response.status_code == 201, response.text
        return code

    async def add_member(
        self,
        code: str,
        account: Account,
        role: str = "user",
        country: str | None = None,
    ) -> None:
        assert self.admin is not None
        body: dict[str, Any] = {"role": role}
        if country:
            body["country"] = country
        response = await self.client.put(
            f"/api/v1/operations/{code}/members/{account.id}",
            headers=self.admin.headers,
            json=body,
        )
        assert response.status_code in (200, 201), response.text


async def _create_admin(app: Any) -> Account:
    from app.accounts.schemas import UserCreate
    from app.accounts.service import create_user
    from app.db import commit

    context = app.state.lifespan_state["context"]
    async with context.sessionmaker() as session:
        user = await create_user(
            session,
            UserCreate(
                username="admin",
                display_name="Administrator",
                country="BE",
                password=ADMIN_PASSWORD,
                is_admin=True,
            ),
        )
        await commit(session)
        return Account(
            id=user.id, username="admin", password=ADMIN_PASSWORD, country="BE"
        )


@pytest.fixture
async def api(app: Any, client: httpx.AsyncClient) -> Api:
    helper = Api(client)
    admin = await _create_admin(app)
    admin.headers = await helper.login(admin.username, admin.password)
    helper.admin = admin
    return helper


@pytest.fixture
def anyio_backend() -> Iterator[str]:
    yield "asyncio"
