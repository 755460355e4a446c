"""Watch a cencomm-cug mailbox live and print one line per new mailbox item.

An example client of the WebSocket protocol at `/api/v1/ws`. It logs in,
authenticates the socket with an `auth` frame, resumes from the last event
cursor it received after every dropped connection, and renews its access
token before it expires. It needs only httpx, websockets and the standard
library:

    python clients/watch_mailbox.py --server http://127.0.0.1:8000 --username vn-an
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

API_PREFIX = "/api/v1"
CLOSE_UNAUTHORIZED = 4401
CLOSE_DEACTIVATED = 4403
# The server waits 10 seconds for the auth frame, and waiting as long for its
# `ready` frame covers a slow server.
READY_TIMEOUT_SECONDS = 10.0
# Renew the access token this long before it expires, or after 80% of its
# lifetime for tokens that live less than 5 minutes.
RENEW_MARGIN_SECONDS = 60.0
# The first wait before reconnecting is up to this long, and it doubles with
# every failed attempt up to --max-backoff.
INITIAL_BACKOFF_SECONDS = 1.0


class LoginFailed(Exception):
    """The server rejected the username and password."""


def log(message: str) -> None:
    """Print a status line to standard error, so standard output contains items only."""
    print(f"# {message}", file=sys.stderr, flush=True)


def _problem_detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text))
    except ValueError:
        return response.text[:200]


class Credentials:
    """The login of one user: the token pair and when the access token expires."""

    def __init__(self, http: httpx.AsyncClient, username: str, password: str) -> None:
        self.http = http
        self.username = username
        # Kept in memory so that the client can log in again when the server
        # rejects its refresh token, after the login expired or was logged out.
        self._password = password
        self.access_token = ""
        self._refresh_token = ""
        self._expires_at = 0.0
        self._lifetime = 0.0

    def _store(self, pair: dict[str, Any]) -> None:
        self.access_token = pair["access_token"]
        self._refresh_token = pair["refresh_token"]
        self._lifetime = float(pair["expires_in"])
        self._expires_at = time.monotonic() + self._lifetime

    async def login(self) -> None:
        response = await self.http.post(
            f"{API_PREFIX}/auth/token",
            data={"username": self.username, "password": self._password},
        )
        if response.status_code in (401, 429):
            raise LoginFailed(f"login failed: {_problem_detail(response)}")
        response.raise_for_status()
        self._store(response.json())

    async def renew(self) -> None:
        """Rotate the refresh token into a new pair; log in again if it is rejected."""
        response = await self.http.post(
            f"{API_PREFIX}/auth/refresh", json={"refresh_token": self._refresh_token}
        )
        if response.status_code == 401:
            log(f"refresh token rejected ({_problem_detail(response)}); logging in")
            await self.login()
            return
        response.raise_for_status()
        self._store(response.json())

    def seconds_until_renewal(self) -> float:
        margin = min(RENEW_MARGIN_SECONDS, self._lifetime * 0.2)
        return self._expires_at - margin - time.monotonic()

    async def fresh_access_token(self) -> str:
        """Return an access token that is not about to expire."""
        if self.seconds_until_renewal() <= 0:
            await self.renew()
        return self.access_token


class CursorStore:
    """The last event cursor received, in memory and optionally in a file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.cursor: str | None = None
        if path is not None and path.exists():
            self.cursor = path.read_text(encoding="utf-8").strip() or None

    def save(self, cursor: str) -> None:
        self.cursor = cursor
        if self.path is None:
            return
        # Write a temporary file and rename it, so a crash never leaves half a
        # cursor behind.
        folder = self.path.parent
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, delete=False
        ) as file:
            file.write(cursor + "\n")
        os.replace(file.name, self.path)


def format_time(value: str) -> str:
    """Show an RFC 3339 UTC time in the local time zone, to the minute."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def format_item(operation: str, item: dict[str, Any]) -> str:
    """Return the printed line of one mailbox item."""
    sender = item.get("sender") or {}
    attachment_mark = " [attachment]" if item.get("has_attachments") else ""
    return (
        f"{format_time(item.get('created_at', ''))}  {operation}  "
        f"{sender.get('country', '??')}  {sender.get('display_name', '?')}  "
        f"{item.get('type', '?')}  {item.get('subject', '')}{attachment_mark}"
    )


def websocket_url(server: str) -> str:
    """Turn the server's http(s) base URL into the URL of the WebSocket endpoint."""
    url = httpx.URL(server)
    scheme = {"http": "ws", "https": "wss"}.get(url.scheme)
    if scheme is None:
        raise ValueError(f"--server {server!r} must start with http:// or https://")
    return str(url.copy_with(scheme=scheme, path=url.path.rstrip("/") + "/api/v1/ws"))


@dataclass
class Options:
    server: str
    operation: str | None
    show_updates: bool
    max_backoff: float


class Watcher:
    """Keeps one socket open at a time and reconnects with backoff after a drop."""

    def __init__(
        self, options: Options, credentials: Credentials, cursors: CursorStore
    ) -> None:
        self.options = options
        self.credentials = credentials
        self.cursors = cursors
        self.url = websocket_url(options.server)
        self._backoff = INITIAL_BACKOFF_SECONDS
        self._renew_first = False

    async def run(self) -> None:
        while True:
            try:
                await self._connect_once()
            except ConnectionClosed as exc:
                code = exc.rcvd.code if exc.rcvd is not None else None
                reason = exc.rcvd.reason if exc.rcvd is not None else ""
                if code == CLOSE_DEACTIVATED:
                    raise LoginFailed("the account was deactivated") from None
                log(f"connection closed (code {code}, {reason or 'no reason'})")
                # 4401: the token expired or was revoked; renew before reconnecting.
                self._renew_first = code == CLOSE_UNAUTHORIZED
            except (OSError, TimeoutError, InvalidHandshake, httpx.HTTPError) as exc:
                log(f"connection failed: {exc!r}")

            # Full jitter spreads out clients that lost the same server.
            delay = random.uniform(0, self._backoff)
            log(f"reconnecting in {delay:.1f} s")
            await asyncio.sleep(delay)
            self._backoff = min(self._backoff * 2, self.options.max_backoff)

    async def _connect_once(self) -> None:
        if self._renew_first:
            await self.credentials.renew()
            self._renew_first = False
        token = await self.credentials.fresh_access_token()
        async with connect(self.url, open_timeout=READY_TIMEOUT_SECONDS) as socket:
            auth: dict[str, Any] = {"type": "auth", "token": token}
            if self.cursors.cursor:
                auth["since"] = self.cursors.cursor
            await socket.send(json.dumps(auth))
            answer = await asyncio.wait_for(socket.recv(), READY_TIMEOUT_SECONDS)
            try:
                ready = json.loads(answer)
            except ValueError:
                ready = None
            if not isinstance(ready, dict) or ready.get("type") != "ready":
                raise InvalidHandshake(f"expected a ready frame, got {answer!r:.200}")
            self._backoff = INITIAL_BACKOFF_SECONDS
            since = self.cursors.cursor or "now"
            log(f"connected as {self.credentials.username}, from cursor {since}")
            await self._serve(socket)

    async def _serve(self, socket: ClientConnection) -> None:
        """Read frames until the socket closes, renewing the token meanwhile.

        Whichever task ends first cancels the other; a failed renewal ends the
        connection, and the reconnect logs in again.
        """
        receiver = asyncio.create_task(self._receive(socket))
        renewer = asyncio.create_task(self._renew_periodically(socket))
        done, pending = await asyncio.wait(
            {receiver, renewer}, return_when=asyncio.FIRST_COMPLETED
        )
        for task in pending:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for task in done:
            task.result()

    async def _receive(self, socket: ClientConnection) -> None:
        async for text in socket:
            try:
                frame = json.loads(text)
            except ValueError:
                log(f"ignored a frame that is not JSON: {str(text)[:80]!r}")
                continue
            if isinstance(frame, dict):
                self._handle(frame)
        # The loop ends without an exception on a normal close (1000 or 1001).
        log(
            f"the server closed the connection (code {socket.close_code}, "
            f"{socket.close_reason or 'no reason'})"
        )

    async def _renew_periodically(self, socket: ClientConnection) -> None:
        """Send a new `auth` frame before the access token expires."""
        while True:
            await asyncio.sleep(max(1.0, self.credentials.seconds_until_renewal()))
            await self.credentials.renew()
            await socket.send(
                json.dumps({"type": "auth", "token": self.credentials.access_token})
            )
            log("sent a renewed access token")

    def _handle(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind in ("mailbox.item", "mailbox.updated"):
            self.cursors.save(frame["cursor"])
            operation = frame.get("operation", "?")
            if self.options.operation and operation != self.options.operation:
                return
            item = frame.get("item") or {}
            if kind == "mailbox.item":
                print(format_item(operation, item), flush=True)
            elif self.options.show_updates:
                print(
                    f"# updated {item.get('id')}: folder {item.get('folder')}, "
                    f"read {item.get('read')}",
                    flush=True,
                )
        elif kind == "caught_up":
            log("caught up; waiting for new messages")
        elif kind == "resync_required":
            log(
                "the server cannot resume from the saved cursor, so events may "
                "have been missed; reload the mailbox over REST (GET "
                "/api/v1/operations/{code}/mailbox). New events follow."
            )
        elif kind == "ready":
            log("the server accepted the renewed token")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Print one line per new mailbox item of a cencomm-cug user."
    )
    parser.add_argument(
        "--server",
        default="http://127.0.0.1:8000",
        help="base URL of the server (default: http://127.0.0.1:8000)",
    )
    parser.add_argument("--username", help="login name; asked for when omitted")
    parser.add_argument(
        "--password",
        help="password; asked for when omitted (read from the terminal, or as "
        "one line from standard input when it is not a terminal)",
    )
    parser.add_argument(
        "--cursor-file",
        type=Path,
        help="file that keeps the last event cursor, so a restarted client "
        "resumes where it stopped",
    )
    parser.add_argument(
        "--operation", help="print only items of the operation with this code"
    )
    parser.add_argument(
        "--show-updates",
        action="store_true",
        help="also print a line when an item is read, unread or moved",
    )
    parser.add_argument(
        "--max-backoff",
        type=float,
        default=30.0,
        help="longest wait between reconnection attempts, in seconds (default: 30)",
    )
    return parser


def _ask_password(username: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"Password for {username}: ")
    return sys.stdin.readline().rstrip("\r\n")


async def watch(args: argparse.Namespace, username: str, password: str) -> None:
    options = Options(
        server=args.server,
        operation=args.operation,
        show_updates=args.show_updates,
        max_backoff=args.max_backoff,
    )
    async with httpx.AsyncClient(base_url=args.server, timeout=15.0) as http:
        credentials = Credentials(http, username, password)
        await credentials.login()
        await Watcher(options, credentials, CursorStore(args.cursor_file)).run()


def main() -> int:
    args = build_parser().parse_args()
    try:
        websocket_url(args.server)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        username = args.username or input("Username: ").strip()
        password = args.password or _ask_password(username)
        asyncio.run(watch(args, username, password))
    except LoginFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (httpx.HTTPError, InvalidURI) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
