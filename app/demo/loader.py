"""Load the demo operation once, through the server's own API, in-process.

Accounts are created with the accounts service, because only an administrator
can create accounts over the API and the demo brings its own administrator.
Everything else (the operation, its members, uploads and messages) goes through
the HTTP API of an app built from the same settings, so the demo data passes
every check that real data passes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import structlog
from sqlalchemy import delete, select
from starlette.types import Receive, Scope, Send

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user, username_key
from app.config import Settings
from app.context import AppContext
from app.db import commit
from app.demo import data
from app.demo.files import BUILDERS
from app.main import API_PREFIX, create_app
from app.models import Message, MessageAttachment, Operation, User

logger = structlog.get_logger(__name__)

# Never resolved: the transport hands every request to the app in-process.
_BASE_URL = "http://demo.invalid"


class DemoLoadError(Exception):
    """The demo could not be loaded; nothing of it was kept."""


@dataclass(frozen=True, slots=True)
class DemoResult:
    """The outcome of a load: `loaded` is False when the demo existed already."""

    loaded: bool
    message_count: int = 0


def load_demo_blocking(settings: Settings) -> None:
    """Load the demo operation unless it exists, and print how to log in."""
    try:
        result = asyncio.run(_load_until_terminated(settings))
    except DemoLoadError as exc:
        raise SystemExit(f"error: the demo was not loaded: {exc}") from None
    except asyncio.CancelledError:
        raise SystemExit("error: the demo load was stopped; nothing was kept") from None
    print(describe_demo(result))


async def _load_until_terminated(settings: Settings) -> DemoResult:
    """Run `load_demo`, turning SIGTERM into a cancellation so the load is undone.

    NOTE: a process killed with SIGKILL keeps what it had loaded so far, and
    later runs then find the operation and report the demo as loaded.
    """
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    # Windows has no signal handlers, and only the main thread may set one.
    handled = False
    with contextlib.suppress(NotImplementedError, ValueError, RuntimeError):
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
        handled = True
    try:
        return await load_demo(settings)
    finally:
        if handled:
            loop.remove_signal_handler(signal.SIGTERM)


def describe_demo(result: DemoResult) -> str:
    """Return the account list and the login instructions printed after a load."""
    if result.loaded:
        heading = (
            f"Loaded the demo operation '{data.OPERATION_CODE}' "
            f"({data.OPERATION_NAME}) with {result.message_count} messages."
        )
    else:
        heading = (
            f"The demo operation '{data.OPERATION_CODE}' is already loaded; "
            "nothing was changed."
        )
    lines = [
        heading,
        "",
        f"Demo accounts, all with the password {data.DEMO_PASSWORD}:",
        f"  {'username':<14} {'role':<6} {'country':<8} name",
        f"  {data.ADMIN_USERNAME:<14} {'admin':<6} {data.ADMIN_COUNTRY:<8} "
        f"{data.ADMIN_DISPLAY_NAME}",
    ]
    for member in data.MEMBERS:
        lines.append(
            f"  {member.username:<14} {member.role:<6} {member.country:<8} "
            f"{member.display_name}"
        )
    lines += [
        "",
        "To log in, open /docs on the server (http://127.0.0.1:8000/docs with the "
        "default host and port),",
        "press Authorize and enter a username and the password above, or watch a "
        "mailbox with the example client:",
        "  .venv/bin/python clients/watch_mailbox.py --server http://127.0.0.1:8000 "
        "--username ocu-minh",
    ]
    return "\n".join(lines)


async def load_demo(settings: Settings) -> DemoResult:
    """Load the demo operation into the database of `settings`, once.

    Raises DemoLoadError when a demo username is taken or a request fails. On
    a failure, the operation and the accounts created so far are deleted again.
    """
    app = create_app(settings)
    with _quiet_http_client_log():
        return await _load_into(app)


@contextlib.contextmanager
def _quiet_http_client_log() -> Iterator[None]:
    """Keep httpx from logging each in-process request; the server logs them."""
    httpx_logger = logging.getLogger("httpx")
    level = httpx_logger.level
    httpx_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        httpx_logger.setLevel(level)


async def _load_into(app: Any) -> DemoResult:
    async with app.router.lifespan_context(app) as state:
        context: AppContext = state["context"]
        if await _operation_exists(context):
            logger.info("demo.already_loaded", operation=data.OPERATION_CODE)
            return DemoResult(loaded=False)

        logger.info("demo.loading", operation=data.OPERATION_CODE)
        user_ids = await _create_accounts(context)
        try:
            async with _api_client(app, state) as client:
                loader = _ApiLoader(client, user_ids)
                await loader.load()
        except BaseException:
            await _delete_partial_demo(context, list(user_ids.values()))
            raise

    logger.info(
        "demo.loaded", operation=data.OPERATION_CODE, messages=len(data.MESSAGES)
    )
    return DemoResult(loaded=True, message_count=len(data.MESSAGES))


async def _operation_exists(context: AppContext) -> bool:
    async with context.sessionmaker() as session:
        statement = select(Operation.id).where(Operation.code == data.OPERATION_CODE)
        return await session.scalar(statement) is not None


def _account_requests() -> list[UserCreate]:
    admin = UserCreate(
        username=data.ADMIN_USERNAME,
        display_name=data.ADMIN_DISPLAY_NAME,
        email=f"{data.ADMIN_USERNAME}@example.org",
        country=data.ADMIN_COUNTRY,
        password=data.DEMO_PASSWORD,
        is_admin=True,
    )
    members = [
        UserCreate(
            username=member.username,
            display_name=member.display_name,
            email=member.email,
            country=member.country,
            password=data.DEMO_PASSWORD,
        )
        for member in data.MEMBERS
    ]
    return [admin, *members]


async def _create_accounts(context: AppContext) -> dict[str, str]:
    """Create every demo account in one transaction; return their ids by username."""
    requests = _account_requests()
    async with context.sessionmaker() as session:
        keys = [username_key(request.username) for request in requests]
        statement = select(User.username).where(User.username_key.in_(keys))
        taken = sorted(await session.scalars(statement))
        if taken:
            raise DemoLoadError(
                f"the demo usernames {', '.join(taken)} are already taken by "
                "other accounts; load the demo into an empty database"
            )

        user_ids = {}
        for request in requests:
            user = await create_user(session, request)
            user_ids[request.username] = user.id
        await commit(session)
    return user_ids


async def _delete_partial_demo(context: AppContext, user_ids: list[str]) -> None:
    """Delete the demo operation with everything in it, and the demo accounts.

    Message links to attachments go first: PostgreSQL rejects deleting an
    attachment that a link still names, even when the same cascade from the
    operation deletes the link through its message.

    NOTE: uploaded files stay in the blob store; no attachment row names them
    any more.
    """
    operation_id = (
        select(Operation.id)
        .where(Operation.code == data.OPERATION_CODE)
        .scalar_subquery()
    )
    demo_messages = select(Message.id).where(Message.operation_id == operation_id)
    async with context.sessionmaker() as session:
        await session.execute(
            delete(MessageAttachment).where(
                MessageAttachment.message_id.in_(demo_messages)
            )
        )
        await session.execute(
            delete(Message).where(Message.operation_id == operation_id)
        )
        await session.execute(delete(Operation).where(Operation.id == operation_id))
        await session.execute(delete(User).where(User.id.in_(user_ids)))
        await commit(session)
    logger.warning("demo.load_undone", operation=data.OPERATION_CODE)


@asynccontextmanager
async def _api_client(
    app: Any, state: dict[str, Any]
) -> AsyncIterator[httpx.AsyncClient]:
    """Open an HTTP client that calls `app` in-process, as a server would."""

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        # A server hands each request a copy of the lifespan state; httpx's
        # transport does not, so this wrapper does.
        request_scope = dict(scope)
        request_scope["state"] = dict(state)
        await app(request_scope, receive, send)

    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(
        transport=transport, base_url=_BASE_URL + API_PREFIX
    ) as client:
        yield client


def _check(response: httpx.Response, expected: tuple[int, ...]) -> dict[str, Any]:
    """Return the JSON response body, or raise DemoLoadError with the problem detail."""
    if response.status_code in expected:
        return response.json() if response.content else {}
    request = response.request
    try:
        problem = response.json()
        detail = problem.get("detail", "")
        for error in problem.get("errors", []):
            detail += f" {error['field']}: {error['message']}."
    except ValueError:
        detail = response.text[:500]
    raise DemoLoadError(
        f"{request.method} {request.url.path} returned {response.status_code}, "
        f"expected {' or '.join(map(str, expected))}: {detail}"
    )


class _ApiLoader:
    """Creates the operation, its members and its messages over the API."""

    def __init__(self, client: httpx.AsyncClient, user_ids: dict[str, str]) -> None:
        self.client = client
        self.user_ids = user_ids
        self.today = datetime.now(UTC).date()
        self.message_ids: dict[str, str] = {}
        self._headers: dict[str, dict[str, str]] = {}

    async def load(self) -> None:
        admin = await self.headers_of(data.ADMIN_USERNAME)
        await self.create_operation(admin)
        for member in data.MEMBERS:
            await self.add_member(admin, member)
        for message in data.MESSAGES:
            await self.send(message)

    async def headers_of(self, username: str) -> dict[str, str]:
        """Log in once per account and reuse its access token."""
        if username not in self._headers:
            response = await self.client.post(
                "/auth/token",
                data={"username": username, "password": data.DEMO_PASSWORD},
            )
            token = _check(response, (200,))["access_token"]
            self._headers[username] = {"Authorization": f"Bearer {token}"}
        return self._headers[username]

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    async def create_operation(self, admin: dict[str, str]) -> None:
        phases = {
            name: {
                "start": self.day(start).isoformat(),
                "end": self.day(end).isoformat(),
            }
            for name, (start, end) in data.PHASES.items()
        }
        response = await self.client.post(
            "/operations",
            headers=admin,
            json={
                "code": data.OPERATION_CODE,
                "name": data.OPERATION_NAME,
                "description": data.OPERATION_DESCRIPTION,
                "phases": phases,
            },
        )
        _check(response, (201,))

    async def add_member(self, admin: dict[str, str], member: data.DemoMember) -> None:
        user_id = self.user_ids[member.username]
        response = await self.client.put(
            f"/operations/{data.OPERATION_CODE}/members/{user_id}",
            headers=admin,
            json={"role": member.role, "country": member.country},
        )
        _check(response, (201,))

    async def upload(self, headers: dict[str, str], file_key: str) -> str:
        demo_file = data.FILES[file_key]
        content = BUILDERS[demo_file.builder]()
        response = await self.client.post(
            f"/operations/{data.OPERATION_CODE}/attachments",
            headers=headers,
            files={"file": (demo_file.filename, content)},
        )
        return str(_check(response, (201,))["id"])

    def resolve(self, value: Any) -> Any:
        """Turn the markers of the data module into dates and message ids."""
        if isinstance(value, data.DaysAgo):
            return self.day(-value.days).isoformat()
        if isinstance(value, data.MessageRef):
            return self.message_ids[value.key]
        if isinstance(value, list):
            return [self.resolve(entry) for entry in value]
        return value

    def recipients(self, selection: data.Recipients) -> dict[str, Any]:
        return {
            "roles": list(selection.roles),
            "my_country": selection.my_country,
            "countries": list(selection.countries),
            "users": [self.user_ids[username] for username in selection.users],
        }

    async def send(self, message: data.DemoMessage) -> None:
        headers = await self.headers_of(message.sender)
        body: dict[str, Any] = {
            "body": message.body,
            "recipients": self.recipients(message.recipients),
            "attachment_ids": [
                await self.upload(headers, key) for key in message.attachments
            ],
        }
        if message.type is not None:
            body["type"] = message.type
        if message.subject is not None:
            body["subject"] = message.subject
        if message.fields is not None:
            body["fields"] = {
                name: self.resolve(value) for name, value in message.fields.items()
            }
        if message.in_reply_to is not None:
            body["in_reply_to"] = self.message_ids[message.in_reply_to]
        if message.forward_of is not None:
            body["forward_of"] = self.message_ids[message.forward_of]

        response = await self.client.post(
            f"/operations/{data.OPERATION_CODE}/messages", headers=headers, json=body
        )
        self.message_ids[message.key] = str(_check(response, (201,))["id"])
