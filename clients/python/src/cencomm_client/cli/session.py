"""The login kept between commands: a JSON file only its owner can read.

Every command refreshes the tokens and so rotates the refresh token, and a
`watch` left running refreshes every few minutes. So the file is locked for
each refresh and read again under the lock, and two commands running at once
never send the same refresh token twice (which would end the login).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, refreshes are not serialized.
    fcntl = None  # type: ignore[assignment]

SESSION_ENV = "CENCOMM_CLIENT_SESSION"
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


def default_session_path() -> Path:
    """Return CENCOMM_CLIENT_SESSION, or session.json in the user's config folder."""
    configured = os.environ.get(SESSION_ENV)
    if configured:
        return Path(configured).expanduser()
    config_home = os.environ.get("XDG_CONFIG_HOME") or "~/.config"
    return Path(config_home).expanduser() / "cencomm-client" / "session.json"


class InvalidSessionFile(ValueError):
    """The login file exists but is not one this command wrote."""


@dataclass(frozen=True, slots=True)
class StoredLogin:
    server: str
    username: str
    refresh_token: str


class SessionFile:
    """The stored login of one server; implements `cencomm_client.TokenStore`."""

    def __init__(self, path: Path, server: str = "", username: str = "") -> None:
        self.path = path
        self.server = server
        self.username = username

    def read(self) -> StoredLogin | None:
        """Return the stored login, or None when there is none."""
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except ValueError as exc:
            raise InvalidSessionFile(
                f"{self.path} is not a JSON login file ({exc}); log in again"
            ) from None
        if not isinstance(data, dict) or not all(
            isinstance(data.get(key), str)
            for key in ("server", "username", "refresh_token")
        ):
            raise InvalidSessionFile(
                f"{self.path} lacks server, username or refresh_token; log in again"
            )
        return StoredLogin(data["server"], data["username"], data["refresh_token"])

    # The TokenStore protocol.

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        """Lock the session for one refresh, across processes."""
        if fcntl is None:
            yield
            return
        self._ensure_directory()
        lock_path = self.path.with_name(self.path.name + ".lock")
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            await asyncio.to_thread(fcntl.flock, descriptor, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
            os.close(descriptor)

    def load(self) -> str | None:
        """Return the stored refresh token if it belongs to this server."""
        stored = self.read()
        if stored is None or stored.server != self.server:
            return None
        return stored.refresh_token

    def save(self, refresh_token: str | None) -> None:
        """Replace the file atomically, or delete it when `refresh_token` is None."""
        if refresh_token is None:
            self.path.unlink(missing_ok=True)
            return
        self._ensure_directory()
        content = json.dumps(
            {
                "server": self.server,
                "username": self.username,
                "refresh_token": refresh_token,
            },
            indent=2,
        )
        # mkstemp creates the file with mode 0600, before anything is written.
        descriptor, temporary = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(content + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, FILE_MODE)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _ensure_directory(self) -> None:
        self.path.parent.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
