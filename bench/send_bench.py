"""Measure a send to 100 recipients and the push latency, against a real server.

Starts `cencomm serve` on 127.0.0.1 with a fresh database, creates an
operation with one sender and RECIPIENTS members, keeps a WebSocket open as
one recipient, then times SENDS sends: the HTTP round trip of each send and
the time from the start of the send until the recipient's socket receives its
`mailbox.item` event.

    .venv/bin/python bench/send_bench.py                      # embedded SQLite
    .venv/bin/python bench/send_bench.py --database-url postgresql+asyncpg://postgres@127.0.0.1/cencomm_bench

The PostgreSQL database must exist and be empty; its tables are created by
the server's migrations.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "app.cli", "create-admin", "admin"]
    subprocess.run(command, input=PASSWORD.encode(), env=env, check=True, cwd=ROOT)
    serve = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    return subprocess.Popen(serve, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)


async def wait_ready(client: httpx.AsyncClient) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("the server did not become ready within 30 seconds")


async def login(client: httpx.AsyncClient, username: str) -> str:
    response = await client.post(
        "/api/v1/auth/token", data={"username": username, "password": PASSWORD}
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


async def setup(client: httpx.AsyncClient, recipients: int) -> tuple[str, str, str]:
    admin = {"Authorization": f"Bearer {await login(client, 'admin')}"}
    code = f"bench-{secrets.token_hex(3)}"
    response = await client.post(
        "/api/v1/operations", headers=admin, json={"code": code, "name": "Bench"}
    )
    response.raise_for_status()
    user_ids = []
    for index in range(recipients + 1):
        response = await client.post(
            "/api/v1/users",
            headers=admin,
            json={
                "username": f"bench{index}",
                "display_name": f"Bench {index}",
                "country": "VN",
                "password": PASSWORD,
            },
        )
        response.raise_for_status()
        user_ids.append(response.json()["id"])
        member = await client.put(
            f"/api/v1/operations/{code}/members/{user_ids[-1]}",
            headers=admin,
            json={"role": "user"},
        )
        member.raise_for_status()
    sender_token = await login(client, "bench0")
    watcher_token = await login(client, "bench1")
    return code, sender_token, watcher_token


async def run(args: argparse.Namespace) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        env = dict(os.environ)
        env.update(
            CENCOMM_ENVIRONMENT="test",
            CENCOMM_SECRET_KEY=secrets.token_urlsafe(48),
            CENCOMM_DATA_DIR=data_dir,
            CENCOMM_DATABASE_URL=args.database_url
            or f"sqlite+aiosqlite:///{data_dir}/bench.sqlite3",
            CENCOMM_LOG_LEVEL="WARNING",
        )
        server = start_server(env, port)
        try:
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                await wait_ready(client)
                code, sender_token, watcher_token = await setup(client, args.recipients)
                await measure(client, base, code, sender_token, watcher_token, args)
        finally:
            server.terminate()
            server.wait(timeout=10)


async def measure(
    client: httpx.AsyncClient,
    base: str,
    code: str,
    sender_token: str,
    watcher_token: str,
    args: argparse.Namespace,
) -> None:
    headers = {"Authorization": f"Bearer {sender_token}"}
    ws_url = base.replace("http", "ws", 1) + "/api/v1/ws"
    send_times: list[float] = []
    push_times: list[float] = []
    async with websockets.connect(ws_url) as socket_:
        await socket_.send(json.dumps({"type": "auth", "token": watcher_token}))
        ready = json.loads(await socket_.recv())
        assert ready["type"] == "ready", ready
        for index in range(args.sends):
            body = {
                "type": "message",
                "subject": f"Bench {index}",
                "body": "x" * 2000,
                "recipients": {"roles": ["user"]},
            }
            started = time.perf_counter()
            response = await client.post(
                f"/api/v1/operations/{code}/messages", headers=headers, json=body
            )
            sent = time.perf_counter()
            response.raise_for_status()
            assert response.json()["recipient_count"] == args.recipients
            while True:
                frame = json.loads(await asyncio.wait_for(socket_.recv(), 10))
                if frame.get("type") == "mailbox.item":
                    break
            received = time.perf_counter()
            send_times.append((sent - started) * 1000)
            push_times.append((received - started) * 1000)
    report("send round trip", send_times)
    report("send start to push received", push_times)


def report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(
        f"{label}: n={len(samples)} median={statistics.median(samples):.1f} ms "
        f"p95={p95:.1f} ms max={ordered[-1]:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="empty: embedded SQLite")
    parser.add_argument(
        "--recipients", type=int, default=100, help="recipients per send"
    )
    parser.add_argument("--sends", type=int, default=50, help="number of sends timed")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
