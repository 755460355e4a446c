"""Retries: which requests are sent again after a dropped connection, and how often.

A small TCP server on 127.0.0.1 reads each request and closes the connection
without a response, as a crashing or restarting server would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from cencomm_client import (
    CencommClient,
    ConnectionFailed,
    NewMessage,
    Recipients,
    RetryPolicy,
    TokenPair,
)
from cencomm_client.retry import may_retry

ATTEMPTS = 3


@dataclass
class DroppingServer:
    url: str
    requests: int = 0


@pytest.fixture
async def dropping() -> AsyncIterator[DroppingServer]:
    state = DroppingServer(url="")

    async def handle(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            state.requests += 1
        except asyncio.IncompleteReadError:
            pass
        writer.close()

    listener = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    state.url = f"http://127.0.0.1:{port}"
    async with listener:
        yield state


@pytest.fixture
async def client(dropping: DroppingServer) -> AsyncIterator[CencommClient]:
    policy = RetryPolicy(attempts=ATTEMPTS, base_delay=0.01, max_delay=0.02)
    async with CencommClient(dropping.url, retry_policy=policy) as client:
        # A token that needs no refresh, so each attempt is one request.
        client.tokens.accept(
            TokenPair(access_token="token", expires_in=3600, refresh_token="r")
        )
        yield client


def message() -> NewMessage:
    return NewMessage(
        type="message", subject="S", body="B", recipients=Recipients(roles=["ocu"])
    )


async def test_get_retried(client: CencommClient, dropping: DroppingServer) -> None:
    with pytest.raises(ConnectionFailed):
        await client.me()
    assert dropping.requests == ATTEMPTS


async def test_put_and_delete_retried(
    client: CencommClient, dropping: DroppingServer
) -> None:
    with pytest.raises(ConnectionFailed):
        await client.put_member("op", "user-1", "user")
    with pytest.raises(ConnectionFailed):
        await client.remove_member("op", "user-1")
    assert dropping.requests == 2 * ATTEMPTS


async def test_send_not_retried(
    client: CencommClient, dropping: DroppingServer
) -> None:
    with pytest.raises(ConnectionFailed):
        await client.send_message("op", message())
    assert dropping.requests == 1


async def test_send_retried_on_request(
    client: CencommClient, dropping: DroppingServer
) -> None:
    with pytest.raises(ConnectionFailed):
        await client.send_message("op", message(), retry=True)
    assert dropping.requests == ATTEMPTS


async def test_patch_not_retried(
    client: CencommClient, dropping: DroppingServer
) -> None:
    with pytest.raises(ConnectionFailed):
        await client.update_mailbox_item("op", "item-1", read=True)
    assert dropping.requests == 1


async def test_get_not_retried_on_request(
    client: CencommClient, dropping: DroppingServer
) -> None:
    with pytest.raises(ConnectionFailed):
        await client.list_mailbox("op")
    before = dropping.requests
    with pytest.raises(ConnectionFailed):
        await client._send("GET", "/api/v1/me", {}, retry=False)
    assert before == ATTEMPTS
    assert dropping.requests == before + 1


def test_unsent_post_may_retry() -> None:
    refused = httpx.ConnectError("connection refused")
    dropped = httpx.RemoteProtocolError("server disconnected")
    assert may_retry("POST", None, refused) is True
    assert may_retry("POST", False, refused) is False
    assert may_retry("POST", None, dropped) is False
    assert may_retry("PATCH", None, dropped) is False
    assert may_retry("POST", True, dropped) is True
    assert may_retry("DELETE", None, dropped) is True


def test_backoff_bounded() -> None:
    policy = RetryPolicy(attempts=5, base_delay=0.5, max_delay=2.0)
    delays = [policy.delay(failures) for failures in range(1, 8) for _ in range(50)]
    assert all(0 <= delay <= 2.0 for delay in delays)
    assert max(policy.delay(1) for _ in range(200)) <= 0.5
    assert len({round(delay, 6) for delay in delays}) > 10
