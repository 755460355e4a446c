"""Helpers of the client tests: a real server process and a team of members.

The server runs from the repository root with the Python that runs the tests,
on a fresh SQLite database in a temporary folder, listening on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from cencomm_client import CencommClient, Recipients, RetryPolicy

REPO_ROOT = Path(__file__).resolve().parents[3]
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin-password-1"
USER_PASSWORD = "user-password-1"
LOGIN_MAX_FAILURES = 3
START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
# Tests fail fast on a dead server instead of waiting through long backoffs.
FAST_RETRIES = RetryPolicy(attempts=3, base_delay=0.05, max_delay=0.2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """One `cencomm serve` process that can be stopped and started again."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = root / "server.log"
        self.env = {
            **os.environ,
            "CENCOMM_DATABASE_URL": f"sqlite+aiosqlite:///{root / 'db.sqlite3'}",
            "CENCOMM_DATA_DIR": str(root / "data"),
            "CENCOMM_SECRET_KEY": secrets.token_urlsafe(48),
            "CENCOMM_ENVIRONMENT": "test",
            # Few enough failed logins for the throttling test to reach 429.
            "CENCOMM_LOGIN_MAX_FAILURES": str(LOGIN_MAX_FAILURES),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def cencomm(self, *arguments: str, stdin: str = "") -> str:
        """Run a `cencomm` command of the server and return its output."""
        result = subprocess.run(
            [sys.executable, "-m", "app.cli", *arguments],
            cwd=REPO_ROOT,
            env=self.env,
            input=stdin.encode(),
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr.decode()
        return result.stdout.decode()

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "app.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server did not start: {self.log_tail()}")

    def stop(self) -> None:
        """Stop the process started by `start`, by its pid."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]


def make_client(server: Server, **options: object) -> CencommClient:
    options.setdefault("retry_policy", FAST_RETRIES)
    return CencommClient(server.url, **options)  # type: ignore[arg-type]


@dataclass
class Person:
    """A member of the team's operation, logged in with their own client."""

    id: str
    username: str
    country: str
    role: str
    client: CencommClient

    @property
    def display_name(self) -> str:
        return self.username.split("-")[0].title()


@dataclass
class Team:
    """An operation: a Thai OCU, a Vietnamese NCP and two Vietnamese users."""

    code: str
    ocu: Person
    ncp: Person
    alice: Person
    bob: Person
    people: list[Person] = field(default_factory=list)

    @classmethod
    def of(cls, code: str, people: list[Person]) -> Team:
        """Build the team from the four people in the order ocu, ncp, alice, bob."""
        ocu, ncp, alice, bob = people
        return cls(code, ocu, ncp, alice, bob, list(people))


async def create_person(
    server: Server, admin: CencommClient, name: str, country: str, role: str
) -> Person:
    """Create an account and log it in with a client of its own."""
    username = f"{name}-{secrets.token_hex(3)}"
    user = await admin.create_user(
        username, name.title(), country, USER_PASSWORD, email=f"{username}@example.org"
    )
    client = make_client(server)
    await client.login(username, USER_PASSWORD)
    return Person(user.id, username, country, role, client)


def to_users(*people: Person) -> Recipients:
    return Recipients(users=[person.id for person in people])
