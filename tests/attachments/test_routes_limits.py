"""Upload size limit against a real server process, and attachments per message.

The server is set up through the project's client, `cencomm_client`, which
also uploads a file of exactly the limit. The other uploads go over the wire
by hand: a chunked body with no length, and a body cut off mid-way.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.attachments import samples
from tests.conftest import Account, Api
from tests.e2e_server import (
    REPO_ROOT,
    CencommClient,
    ServerProcess,
    server_environment,
    start_server,
)

LIMIT = 1024 * 1024
CHUNK_BYTES = 64 * 1024
BOUNDARY = "cencomm-limit-boundary-5c1e"
ADMIN_PASSWORD = "server-admin-password-1"
LOG_WAIT_SECONDS = 5.0


@dataclass
class Server:
    base_url: str
    attachments_dir: Path
    headers: dict[str, str]
    code: str
    log_path: Path
    admin: CencommClient


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("uvicorn") / "data"


@pytest.fixture(scope="module")
def server_process(data_dir: Path) -> Iterator[ServerProcess]:
    """A server on its own SQLite file, with an admin and a 1 MiB upload limit."""
    database_url = f"sqlite+aiosqlite:///{data_dir.parent / 'server.sqlite3'}"
    secret_key = secrets.token_urlsafe(48)
    extra_env = {"CENCOMM_MAX_ATTACHMENT_BYTES": str(LIMIT)}
    subprocess.run(
        [sys.executable, "-m", "app.cli", "create-admin", "admin"],
        input=f"{ADMIN_PASSWORD}\n".encode(),
        env=server_environment(database_url, data_dir, secret_key, extra_env),
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        timeout=60,
    )
    process = start_server(database_url, data_dir, secret_key, extra_env)
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
async def server(
    server_process: ServerProcess, data_dir: Path
) -> AsyncIterator[Server]:
    """Log in as the admin and make them a member of a new operation."""
    async with server_process.client() as admin:
        await admin.login("admin", ADMIN_PASSWORD)
        me = await admin.me()
        code = "limit-test"
        await admin.create_operation(code, "Limit")
        member = await admin.put_member(code, me.id, "ocu")
        assert member.role == "ocu"
        token = admin.tokens.access_token
        assert token is not None
        yield Server(
            base_url=server_process.base_url,
            attachments_dir=data_dir / "attachments",
            headers={"Authorization": f"Bearer {token}"},
            code=code,
            log_path=server_process.log_path,
            admin=admin,
        )


def _streamed_body(size: int) -> Iterator[bytes]:
    """Yield a multipart body whose `file` part is `size` bytes of text."""
    yield (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    remaining = size
    while remaining:
        step = min(CHUNK_BYTES, remaining)
        yield b"a" * step
        remaining -= step
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def _upload_streamed(server: Server, size: int) -> httpx.Response:
    headers = {
        **server.headers,
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
    }
    # A generator body is sent with chunked transfer encoding, without a length.
    return httpx.post(
        f"{server.base_url}/api/v1/operations/{server.code}/attachments",
        headers=headers,
        content=_streamed_body(size),
        timeout=30.0,
    )


def _stored_files(server: Server) -> set[Path]:
    if not server.attachments_dir.exists():
        return set()
    return {path for path in server.attachments_dir.rglob("*") if path.is_file()}


@pytest.mark.parametrize("size", [LIMIT + 1, 5 * LIMIT], ids=["limit+1", "5x"])
def test_upload_over_limit_413(server: Server, size: int) -> None:
    before = _stored_files(server)

    response = _upload_streamed(server, size)

    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 413
    assert f"{size:,} bytes" in problem["detail"]
    assert f"at most {LIMIT:,} bytes" in problem["detail"]
    assert _stored_files(server) == before


def _client_address(response: httpx.Response) -> tuple[str, int]:
    stream = response.extensions["network_stream"]
    address: tuple[str, int] = stream.get_extra_info("client_addr")
    return address


def test_upload_over_limit_keeps_connection(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
        url = f"/api/v1/operations/{server.code}/attachments"
        headers = {
            **server.headers,
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        }
        rejected = client.post(url, headers=headers, content=_streamed_body(LIMIT + 1))
        rejected_from = _client_address(rejected)
        health = client.get("/healthz")
        health_from = _client_address(health)

    assert rejected.status_code == 413
    assert health.status_code == 200
    assert rejected_from[1] > 0
    # The same local address means the second request reused the connection.
    assert health_from == rejected_from


def test_upload_at_limit_201(server: Server) -> None:
    before = _stored_files(server)

    response = _upload_streamed(server, LIMIT)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["size"] == LIMIT
    assert body["sha256"] == hashlib.sha256(b"a" * LIMIT).hexdigest()
    added = _stored_files(server) - before
    assert [path.name for path in added] == [body["sha256"]]
    assert not list((server.attachments_dir / "tmp").glob("*"))


async def test_client_upload_at_limit(server: Server) -> None:
    # Files are stored by SHA-256: another byte than the streamed uploads
    # makes this one a new file.
    content = b"b" * LIMIT
    before = _stored_files(server)

    attachment = await server.admin.upload_attachment(server.code, content, "big.txt")

    assert attachment.size == LIMIT
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.filename == "big.txt"
    added = _stored_files(server) - before
    assert [path.name for path in added] == [attachment.sha256]
    assert not list((server.attachments_dir / "tmp").glob("*"))


async def _wait_for_log(server: Server, fragment: str) -> None:
    deadline = time.monotonic() + LOG_WAIT_SECONDS
    while fragment not in server.log_path.read_text():
        assert time.monotonic() < deadline, f"the server logged no {fragment}"
        await asyncio.sleep(0.05)


async def test_upload_cut_by_client(server: Server) -> None:
    before = _stored_files(server)
    host, port = server.base_url.removeprefix("http://").split(":")
    body = b"".join(_streamed_body(LIMIT // 2))
    request = (
        f"POST /api/v1/operations/{server.code}/attachments HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        f"Authorization: {server.headers['Authorization']}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()

    _, writer = await asyncio.open_connection(host, int(port))
    writer.write(request + body[: len(body) // 2])
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    # The server notices the closed connection on its next read.
    await _wait_for_log(server, "attachment.upload_aborted")
    health = await server.admin.healthz()

    assert _stored_files(server) == before
    assert health.status == "ok"
    assert "unhandled_error" not in server.log_path.read_text()


def _with_state(application: Any, state: dict[str, Any]) -> Any:
    """Give each request the lifespan state, as a server would."""

    async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await application({**scope, "state": dict(state)}, receive, send)

    return asgi


MAX_ATTACHMENTS = 2


@pytest.fixture
async def strict_client(
    app: Any, migrated: Settings
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a second app on the same database, with CENCOMM_MAX_ATTACHMENTS=2."""
    settings = migrated.model_copy(update={"max_attachments": MAX_ATTACHMENTS})
    strict = create_app(settings)
    async with strict.router.lifespan_context(strict) as state:
        transport = httpx.ASGITransport(app=_with_state(strict, state))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            yield c


async def _upload_pdfs(
    client: httpx.AsyncClient, code: str, account: Account, count: int
) -> list[str]:
    ids = []
    for index in range(count):
        response = await client.post(
            f"/api/v1/operations/{code}/attachments",
            headers=account.headers,
            files={"file": (f"part-{index}.pdf", samples.pdf(), "application/pdf")},
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


async def _send(
    client: httpx.AsyncClient, code: str, sender: Account, **extra: Any
) -> httpx.Response:
    payload: dict[str, Any] = {"body": "See the files.", **extra}
    if "forward_of" not in extra:
        payload |= {"type": "message", "subject": "Files"}
    return await client.post(
        f"/api/v1/operations/{code}/messages", headers=sender.headers, json=payload
    )


def _error_fields(response: httpx.Response) -> list[str]:
    return [error["field"] for error in response.json().get("errors", [])]


async def test_message_attachment_limit(
    api: Api, strict_client: httpx.AsyncClient
) -> None:
    code = await api.create_operation()
    sender = await api.create_user(country="TH")
    recipient = await api.create_user(country="VN")
    await api.add_member(code, sender)
    await api.add_member(code, recipient)
    ids = await _upload_pdfs(strict_client, code, sender, MAX_ATTACHMENTS + 1)
    recipients = {"users": [recipient.id]}

    too_many = await _send(
        strict_client, code, sender, recipients=recipients, attachment_ids=ids
    )
    at_limit = await _send(
        strict_client,
        code,
        sender,
        recipients=recipients,
        attachment_ids=ids[:MAX_ATTACHMENTS],
    )

    assert too_many.status_code == 422, too_many.text
    assert _error_fields(too_many) == ["attachment_ids"]
    message = too_many.json()["errors"][0]["message"]
    assert f"has {MAX_ATTACHMENTS + 1} attachments" in message
    assert f"at most {MAX_ATTACHMENTS}" in message
    assert at_limit.status_code == 201, at_limit.text
    assert len(at_limit.json()["attachments"]) == MAX_ATTACHMENTS


async def test_forward_attachment_limit(
    api: Api, strict_client: httpx.AsyncClient
) -> None:
    code = await api.create_operation()
    sender = await api.create_user(country="TH")
    recipient = await api.create_user(country="VN")
    await api.add_member(code, sender)
    await api.add_member(code, recipient)
    carried = await _upload_pdfs(strict_client, code, sender, MAX_ATTACHMENTS)
    original = await _send(
        strict_client,
        code,
        sender,
        recipients={"users": [recipient.id]},
        attachment_ids=carried,
    )
    assert original.status_code == 201, original.text
    [extra] = await _upload_pdfs(strict_client, code, recipient, 1)

    forward = await _send(
        strict_client,
        code,
        recipient,
        recipients={"users": [sender.id]},
        forward_of=original.json()["id"],
        attachment_ids=[extra],
    )

    assert forward.status_code == 422, forward.text
    assert _error_fields(forward) == ["attachment_ids"]
    message = forward.json()["errors"][0]["message"]
    assert f"would carry {MAX_ATTACHMENTS + 1} attachments" in message
