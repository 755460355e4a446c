"""Upload size limit against a real uvicorn process, and attachments per message."""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import socket
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

REPOSITORY = Path(__file__).resolve().parents[2]
LIMIT = 1024 * 1024
CHUNK_BYTES = 64 * 1024
BOUNDARY = "cencomm-limit-boundary-5c1e"
ADMIN_PASSWORD = "server-admin-password-1"
STARTUP_SECONDS = 20.0


@dataclass
class Server:
    base_url: str
    attachments_dir: Path
    headers: dict[str, str]
    code: str
    log_path: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _server_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CENCOMM_")}
    env |= {
        "CENCOMM_DATABASE_URL": f"sqlite+aiosqlite:///{root / 'server.sqlite3'}",
        "CENCOMM_DATA_DIR": str(root / "data"),
        "CENCOMM_SECRET_KEY": secrets.token_urlsafe(48),
        "CENCOMM_ENVIRONMENT": "test",
        "CENCOMM_MAX_ATTACHMENT_BYTES": str(LIMIT),
        "CENCOMM_LOG_LEVEL": "INFO",
    }
    return env


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {STARTUP_SECONDS} s")


def _prepare_operation(base_url: str) -> tuple[dict[str, str], str]:
    """Log in as the admin and make them a member of a new operation."""
    with httpx.Client(base_url=f"{base_url}/api/v1", timeout=10.0) as client:
        login = client.post(
            "/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD}
        )
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        me = client.get("/me", headers=headers)
        assert me.status_code == 200, me.text
        code = "limit-test"
        created = client.post(
            "/operations", headers=headers, json={"code": code, "name": "Limit"}
        )
        assert created.status_code == 201, created.text
        joined = client.put(
            f"/operations/{code}/members/{me.json()['id']}",
            headers=headers,
            json={"role": "ocu"},
        )
        assert joined.status_code == 201, joined.text
    return headers, code


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("uvicorn")
    env = _server_env(root)
    command = [sys.executable, "-m", "app.cli"]
    subprocess.run(
        [*command, "create-admin", "admin"],
        input=f"{ADMIN_PASSWORD}\n".encode(),
        env=env,
        cwd=REPOSITORY,
        check=True,
        capture_output=True,
        timeout=60,
    )
    port = str(_free_port())
    base_url = f"http://127.0.0.1:{port}"
    log_path = root / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", port],
            env=env,
            cwd=REPOSITORY,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(base_url, process)
        headers, code = _prepare_operation(base_url)
        attachments_dir = Path(env["CENCOMM_DATA_DIR"]) / "attachments"
        yield Server(base_url, attachments_dir, headers, code, log_path)
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


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


def test_upload_cut_by_client(server: Server) -> None:
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

    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request + body[: len(body) // 2])
    # The server notices the closed connection on its next read.
    deadline = time.monotonic() + 5
    while "attachment.upload_aborted" not in server.log_path.read_text():
        assert time.monotonic() < deadline, "the server logged no aborted upload"
        time.sleep(0.05)
    health = httpx.get(f"{server.base_url}/healthz", timeout=5)

    assert _stored_files(server) == before
    assert health.status_code == 200
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
