"""Support of the browser tests: the demo server process, the page guard, the API.

The server is a real `cencomm serve --demo` process on 127.0.0.1 with a
temporary SQLite database. Every browser context aborts requests to any other
host and records them, so a test can prove that the pages load nothing from
the internet.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.e2e_server import REPO_ROOT, ServerProcess, free_port, server_environment

DEMO_PASSWORD = "mekong-demo-2024"
OPERATION = "mekong-dragon-2"
CHROMIUM = Path(os.environ.get("CENCOMM_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
# Loading the demo hashes two dozen passwords; on a busy machine that takes
# tens of seconds.
STARTUP_TIMEOUT_SECONDS = 120.0
LOCAL_HOSTS = frozenset({"127.0.0.1"})
# Every JWT starts with the base64url encoding of '{"', so this finds any
# token in a URL.
JWT_PREFIX = "eyJ"
# Recorded in every page: Content-Security-Policy violations.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def browser_skip_reason() -> str | None:
    """Return why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (.venv/bin/pip install playwright)"
    if not CHROMIUM.is_file():
        return (
            f"no Chromium at {CHROMIUM} (apt-get install -y chromium, "
            "or set CENCOMM_TEST_CHROMIUM)"
        )
    return None


@dataclass
class DemoServer:
    """A `cencomm serve --demo` process that can be restarted on its port."""

    data_dir: Path
    environment: dict[str, str]
    port: int = field(default_factory=free_port)
    process: ServerProcess | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log_path = self.data_dir / f"server-{self.port}-{time.time_ns()}.log"
        command = [sys.executable, "-m", "app.cli", "serve", "--demo"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        with log_path.open("wb") as log:
            popen = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.process = ServerProcess(port=self.port, process=popen, log_path=log_path)
        self._wait_until_healthy()

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def _wait_until_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        with httpx.Client(base_url=self.base_url, trust_env=False) as client:
            while time.monotonic() < deadline:
                if self.process.process.poll() is not None:
                    raise RuntimeError(
                        "the demo server exited before it was ready; its log:\n"
                        + self.process.log_text()
                    )
                try:
                    if client.get("/healthz", timeout=1.0).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
        raise RuntimeError(
            f"the demo server was not ready within {STARTUP_TIMEOUT_SECONDS:g} "
            f"seconds; its log:\n{self.process.log_text()}"
        )


def demo_server_environment(data_dir: Path) -> dict[str, str]:
    database_url = f"sqlite+aiosqlite:///{data_dir / 'cencomm.sqlite3'}"
    secret = "browser-tests-" + "s" * 40
    return server_environment(database_url, data_dir, secret, {})


@dataclass
class PageGuard:
    """Aborts requests to hosts other than 127.0.0.1 and records them."""

    blocked: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def route(self, route: Any) -> None:
        self.urls.append(route.request.url)
        host = urlsplit(route.request.url).hostname
        if host in LOCAL_HOSTS:
            route.continue_()
            return
        self.blocked.append(route.request.url)
        route.abort()


class ApiClient:
    """The REST API of the demo server, for arranging and checking test data."""

    def __init__(self, base_url: str, username: str) -> None:
        self.client = httpx.Client(base_url=f"{base_url}/api/v1", trust_env=False)
        self.username = username
        response = self.client.post(
            "/auth/token", data={"username": username, "password": DEMO_PASSWORD}
        )
        response.raise_for_status()
        self.client.headers["Authorization"] = (
            f"Bearer {response.json()['access_token']}"
        )
        self.me = self.get("/me")

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: Any) -> httpx.Response:
        return self.client.post(path, json=body)

    def member_id(self, username: str) -> str:
        members = self.get(f"/operations/{OPERATION}/members", limit=200)["items"]
        for member in members:
            if member["user"]["username"] == username:
                return str(member["user"]["id"])
        raise LookupError(f"{username} is not a member of {OPERATION}")

    def upload(self, filename: str, content: bytes, content_type: str) -> Any:
        response = self.client.post(
            f"/operations/{OPERATION}/attachments",
            files={"file": (filename, content, content_type)},
        )
        response.raise_for_status()
        return response.json()

    def send(self, **message: Any) -> Any:
        response = self.post(f"/operations/{OPERATION}/messages", message)
        assert response.status_code == 201, response.text
        return response.json()

    def mailbox(self, folder: str = "inbox") -> list[dict[str, Any]]:
        path = f"/operations/{OPERATION}/mailbox"
        return list(self.get(path, folder=folder, limit=200)["items"])

    def close(self) -> None:
        self.client.close()
