"""Fixtures of the push tests: an in-process app, and real server processes.

The in-process app is shared by a module, and every test makes its own
accounts and operations, so tests never see each other's events. The server
processes run on a database of their own: a file next to the test database,
or on PostgreSQL the test database's name with `_push` appended, dropped at
the end. Tests talk REST to them through the project's client,
`cencomm_client`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import Receive, Scope, Send

from app.accounts.service import username_key
from app.config import Settings
from app.context import AppContext
from app.db import commit, create_engine, create_sessionmaker
from app.main import create_app
from app.migrate import upgrade_to_head_async
from app.models import User
from tests.conftest import TEST_SECRET, USER_PASSWORD, Account, Api
from tests.e2e_server import (
    CencommClient,
    ServerProcess,
    drop_postgres_database,
    new_client,
    recreate_postgres_database,
    start_servers,
    with_database,
)
from tests.push.live_client import LiveAccount

# Appended to the test database's name, so that runs on different test
# databases of one PostgreSQL server do not drop each other's server database.
PUSH_DATABASE_SUFFIX = "_push"
# Short limits, so that the timeout and keepalive tests take seconds.
SERVER_ENV = {
    "CENCOMM_WS_AUTH_TIMEOUT_SECONDS": "1",
    "CENCOMM_WS_PING_INTERVAL_SECONDS": "0.5",
    "CENCOMM_WS_PING_TIMEOUT_SECONDS": "2",
}
# Lowest Argon2 cost: accounts are written to the database directly and still
# log in with USER_PASSWORD, without 0.1 s of hashing each.
CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(
    USER_PASSWORD
)


def context_of(app: Any) -> AppContext:
    context: AppContext = app.state.lifespan_state["context"]
    return context


async def add_account(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    country: str = "VN",
    display_name: str | None = None,
    is_admin: bool = False,
) -> Account:
    """Write an active account with USER_PASSWORD straight to the database."""
    username = f"push-{secrets.token_hex(5)}"
    async with sessionmaker() as session:
        user = User(
            username=username,
            username_key=username_key(username),
            display_name=display_name or username,
            email=f"{username}@example.org",
            country=country,
            password_hash=CHEAP_HASH,
            is_admin=is_admin,
        )
        session.add(user)
        await session.flush()
        user_id = user.id
        await commit(session)
    return Account(
        id=user_id, username=username, password=USER_PASSWORD, country=country
    )


class PushApi(Api):
    """The conftest `Api`, with accounts written to the database directly."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        sessionmaker: async_sessionmaker[AsyncSession],
    ) -> None:
        super().__init__(client)
        self.sessionmaker = sessionmaker

    async def create_user(
        self,
        username: str | None = None,
        *,
        country: str = "VN",
        display_name: str | None = None,
        is_admin: bool = False,
    ) -> Account:
        account = await add_account(
            self.sessionmaker,
            country=country,
            display_name=display_name,
            is_admin=is_admin,
        )
        account.headers = await self.login(account.username, account.password)
        return account

    async def with_admin(self) -> PushApi:
        self.admin = await self.create_user(country="BE", is_admin=True)
        return self


# In-process app, shared by the tests of one module.


@pytest.fixture(scope="module")
async def live_app(migrated: Settings) -> AsyncIterator[Any]:
    application = create_app(migrated)
    async with application.router.lifespan_context(application) as state:
        application.state.lifespan_state = state
        yield application


@pytest.fixture(scope="module")
async def live_api(live_app: Any) -> AsyncIterator[PushApi]:
    state = live_app.state.lifespan_state

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        await live_app({**scope, "state": dict(state)}, receive, send)

    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        api = PushApi(client, context_of(live_app).sessionmaker)
        yield await api.with_admin()


# Real server processes.


@pytest.fixture(scope="session")
async def push_settings(data_root: Path) -> AsyncIterator[Settings]:
    """Settings of the servers' database, created empty for this run."""
    base_url = os.environ.get("CENCOMM_TEST_DATABASE_URL", "")
    data_dir = data_root / "push-servers"
    if base_url:
        test_database = make_url(base_url).database
        database_url = with_database(base_url, f"{test_database}{PUSH_DATABASE_SUFFIX}")
        await recreate_postgres_database(database_url)
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite+aiosqlite:///{data_dir / 'push.sqlite3'}"
    yield Settings(
        environment="test",
        database_url=database_url,
        data_dir=data_dir,
        secret_key=TEST_SECRET,
    )
    if base_url:
        await drop_postgres_database(database_url)


@pytest.fixture(scope="session")
async def servers(push_settings: Settings) -> AsyncIterator[list[ServerProcess]]:
    """One server on SQLite; two processes on one database with PostgreSQL."""
    count = 1
    if not push_settings.is_sqlite:
        # Migrated here, so that the two processes do not race to migrate.
        await upgrade_to_head_async(push_settings)
        count = 2
    processes = start_servers(
        count,
        push_settings.effective_database_url,
        push_settings.data_dir,
        TEST_SECRET,
        SERVER_ENV,
    )
    yield processes
    for process in processes:
        process.stop()


@pytest.fixture(scope="session")
def server(servers: list[ServerProcess]) -> ServerProcess:
    return servers[0]


@pytest.fixture(scope="session")
def second_server(servers: list[ServerProcess]) -> ServerProcess:
    """Another process on the same PostgreSQL database as `server`."""
    if len(servers) < 2:
        pytest.skip(
            "two server processes need PostgreSQL: SQLite is the embedded "
            "single-process setup and has no LISTEN/NOTIFY; set "
            "CENCOMM_TEST_DATABASE_URL to run this test"
        )
    return servers[1]


@pytest.fixture(scope="session")
async def server_db(
    server: ServerProcess, push_settings: Settings
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A sessionmaker on the servers' database, once `server` has migrated it."""
    engine = create_engine(push_settings)
    yield create_sessionmaker(engine)
    await engine.dispose()


class RemoteApi:
    """The test data of a server process, made through `CencommClient` calls.

    Every account logs in with a client of its own, and `aclose()` closes them all.
    """

    def __init__(
        self, server: ServerProcess, sessionmaker: async_sessionmaker[AsyncSession]
    ) -> None:
        self.server = server
        self.sessionmaker = sessionmaker
        self._clients: list[CencommClient] = []
        self._admin: LiveAccount | None = None

    @property
    def admin(self) -> LiveAccount:
        assert self._admin is not None, "call with_admin() first"
        return self._admin

    async def with_admin(self) -> RemoteApi:
        self._admin = await self.create_user(country="BE", is_admin=True)
        return self

    def client(
        self, base_url: str | None = None, *, refresh_token: str | None = None
    ) -> CencommClient:
        """Return a new client of `base_url`, by default of the server."""
        client = new_client(
            base_url or self.server.base_url, refresh_token=refresh_token
        )
        self._clients.append(client)
        return client

    async def login(
        self, account: LiveAccount, base_url: str | None = None
    ) -> CencommClient:
        """Log the account in once more, as another device does."""
        client = self.client(base_url)
        await client.login(account.username, account.password)
        return client

    async def create_user(
        self,
        *,
        country: str = "VN",
        display_name: str | None = None,
        is_admin: bool = False,
    ) -> LiveAccount:
        """Write an account to the database with the cheap hash, then log it in.

        Through the API, the server's default Argon2 parameters would make
        each account cost a slow hash and a slow verification.
        """
        account = await add_account(
            self.sessionmaker,
            country=country,
            display_name=display_name,
            is_admin=is_admin,
        )
        client = self.client()
        await client.login(account.username, account.password)
        return LiveAccount(
            account.id, account.username, account.password, account.country, client
        )

    async def create_user_through_api(self, *, country: str = "VN") -> LiveAccount:
        """Create an account with the admin's `create_user`, then log it in."""
        username = f"push-{secrets.token_hex(5)}"
        user = await self.admin.client.create_user(
            username,
            username.title(),
            country,
            USER_PASSWORD,
            email=f"{username}@example.org",
        )
        client = self.client()
        await client.login(username, USER_PASSWORD)
        return LiveAccount(user.id, username, USER_PASSWORD, country, client)

    async def create_operation(self, *members: LiveAccount) -> str:
        """Create an operation as the admin, with the accounts as `user` members."""
        code = f"op-{secrets.token_hex(4)}"
        admin = self.admin.client
        await admin.create_operation(code, code.replace("-", " ").title())
        for member in members:
            await admin.put_member(code, member.id, "user")
        return code

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()


@pytest.fixture
async def remote(
    server: ServerProcess, server_db: async_sessionmaker[AsyncSession]
) -> AsyncIterator[RemoteApi]:
    """The API of `server`, with a fresh administrator."""
    api = RemoteApi(server, server_db)
    try:
        yield await api.with_admin()
    finally:
        await api.aclose()
