"""The stored login of the command line, shared by clients and processes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from support import ADMIN_PASSWORD, ADMIN_USERNAME, Server, make_client

from cencomm_client.cli.session import SessionFile


async def test_shared_store_survives_rotation(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    store = SessionFile(path, server.url, ADMIN_USERNAME)
    async with make_client(server, token_store=store) as first:
        pair = await first.login(ADMIN_USERNAME, ADMIN_PASSWORD)
        second_store = SessionFile(path, server.url, ADMIN_USERNAME)
        async with make_client(
            server, refresh_token=pair.refresh_token, token_store=second_store
        ) as second:
            await first.refresh()
            # The second client still has the used refresh token in memory. It
            # must take the newer one from the file, or the server would end
            # the login for both.
            await second.refresh()
            await first.refresh()
            first_me = await first.me()
            second_me = await second.me()
    assert first_me.username == ADMIN_USERNAME
    assert second_me.username == ADMIN_USERNAME
    assert store.load() == first.tokens.refresh_token


async def test_concurrent_refreshes_serialized(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    clients = [
        make_client(server, token_store=SessionFile(path, server.url, ADMIN_USERNAME))
        for _ in range(3)
    ]
    try:
        await clients[0].login(ADMIN_USERNAME, ADMIN_PASSWORD)
        results = await asyncio.gather(*(client.refresh() for client in clients))
        tokens = {result.refresh_token for result in results}
        everyone = await asyncio.gather(*(client.me() for client in clients))
    finally:
        for client in clients:
            await client.aclose()
    assert len(tokens) == 3
    assert all(me.username == ADMIN_USERNAME for me in everyone)


def test_file_mode_and_forget(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "session.json"
    store = SessionFile(path, "http://127.0.0.1:1", "someone")
    store.save("refresh-1")
    mode = path.stat().st_mode & 0o777
    directory_mode = path.parent.stat().st_mode & 0o777
    loaded = store.load()
    other_server = SessionFile(path, "http://127.0.0.1:2").load()
    store.save(None)
    assert mode == 0o600
    assert directory_mode == 0o700
    assert loaded == "refresh-1"
    assert other_server is None
    assert not path.exists()
