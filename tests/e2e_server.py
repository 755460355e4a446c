"""Real server processes for end-to-end tests: start, wait until ready, stop.

Each server is `python -m app.cli serve` on a free port of 127.0.0.1, with
its settings in `CENCOMM_*` variables, so it runs exactly as deployed:
migrations at start, uvicorn, the lifespan and the real hub. Its output goes
to a log file that failing tests can show. Tests talk to a server through
the project's own client, `cencomm_client`, so that CI exercises it too.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

try:
    from cencomm_client import CencommClient
except ModuleNotFoundError as missing:
    # A hard failure, not a skip: CI installs the client, and without it the
    # end-to-end tests would silently stop covering it.
    raise ModuleNotFoundError(
        "the end-to-end tests need the project's Python client `cencomm_client`, "
        "which is not installed; install it with "
        "`.venv/bin/pip install -e clients/python`"
    ) from missing

REPO_ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
CLIENT_TIMEOUT_SECONDS = 10.0


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def new_client(base_url: str, *, refresh_token: str | None = None) -> CencommClient:
    """Return a `CencommClient` of `base_url`; close it with `aclose()` after use."""
    return CencommClient(
        base_url, refresh_token=refresh_token, timeout=CLIENT_TIMEOUT_SECONDS
    )


@dataclass
class ServerProcess:
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/api/v1/ws"

    def client(self) -> CencommClient:
        """Return a new `CencommClient` of this server, not logged in yet."""
        return new_client(self.base_url)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """Stop the server with SIGTERM, and kill it if it does not exit in time."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)


def server_environment(
    database_url: str, data_dir: Path, secret_key: str, extra: Mapping[str, str]
) -> dict[str, str]:
    """Return this process's environment with only the given CENCOMM_ settings."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("CENCOMM_")
    }
    environment.update(
        {
            "CENCOMM_ENVIRONMENT": "test",
            "CENCOMM_DATABASE_URL": database_url,
            "CENCOMM_DATA_DIR": str(data_dir),
            "CENCOMM_SECRET_KEY": secret_key,
            "CENCOMM_LOG_LEVEL": "INFO",
        }
    )
    environment.update(extra)
    return environment


def start_server(
    database_url: str,
    data_dir: Path,
    secret_key: str,
    extra_env: Mapping[str, str] | None = None,
) -> ServerProcess:
    """Start `cencomm serve` and return once `/healthz` responds with 200."""
    [server] = start_servers(1, database_url, data_dir, secret_key, extra_env)
    return server


def start_servers(
    count: int,
    database_url: str,
    data_dir: Path,
    secret_key: str,
    extra_env: Mapping[str, str] | None = None,
) -> list[ServerProcess]:
    """Start `count` servers at once on one database, and wait for all of them.

    Each process applies pending migrations at start, so with more than one
    the database must already be at the latest schema version, or they race.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    environment = server_environment(
        database_url, data_dir, secret_key, extra_env or {}
    )
    servers = [_launch(environment, data_dir) for _ in range(count)]
    try:
        for server in servers:
            _wait_until_healthy(server)
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


def _launch(environment: dict[str, str], data_dir: Path) -> ServerProcess:
    port = free_port()
    log_path = data_dir / f"server-{port}.log"
    command = [sys.executable, "-m", "app.cli", "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return ServerProcess(port=port, process=process, log_path=log_path)


def _wait_until_healthy(server: ServerProcess) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    with httpx.Client(base_url=server.base_url, trust_env=False) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with code {server.process.returncode} "
                    f"before it was ready; its log:\n{server.log_text()}"
                )
            try:
                if client.get("/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise RuntimeError(
        f"the server did not answer /healthz within {STARTUP_TIMEOUT_SECONDS:g} "
        f"seconds; its log:\n{server.log_text()}"
    )


def with_database(database_url: str, database: str) -> str:
    """Return the PostgreSQL URL with another database name."""
    url = make_url(database_url).set(database=database)
    return url.render_as_string(hide_password=False)


async def recreate_postgres_database(database_url: str) -> None:
    """Drop the URL's database if it exists, and create it empty."""
    name = make_url(database_url).database
    assert name, f"the URL names no database: {database_url}"
    async with _maintenance_connection(database_url) as connection:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')


async def drop_postgres_database(database_url: str) -> None:
    name = make_url(database_url).database
    async with _maintenance_connection(database_url) as connection:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@asynccontextmanager
async def _maintenance_connection(
    database_url: str,
) -> AsyncIterator[asyncpg.Connection]:
    """Connect to the server's `postgres` database, to create or drop others."""
    url = make_url(database_url).set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        yield connection
    finally:
        await connection.close()
