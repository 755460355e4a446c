"""The `cencomm-client` command: options, the stored login and exit codes.

Exit codes: 0 on success, 1 when the server rejects a request or cannot be
reached, 2 for a usage error (an unknown option, a malformed value).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from cencomm_client.cli import export, reading, sending, watching
from cencomm_client.cli.compose import UsageError
from cencomm_client.cli.parser import build_parser
from cencomm_client.cli.session import (
    InvalidSessionFile,
    SessionFile,
    default_session_path,
)
from cencomm_client.client import CencommClient
from cencomm_client.endpoints.base import DEFAULT_SERVER
from cencomm_client.errors import (
    AccountDeactivated,
    ApiError,
    AuthenticationError,
    ConnectionFailed,
)

SERVER_ENV = "CENCOMM_SERVER"
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

Command = Callable[[CencommClient, argparse.Namespace], Awaitable[int]]
COMMANDS: dict[str, Command] = {
    "operations": reading.operations,
    "members": reading.members,
    "mailbox": reading.mailbox,
    "show": reading.show,
    "search": reading.search,
    "container": reading.container,
    "drafts": reading.drafts,
    "send": sending.send,
    "watch": watching.watch,
    "export": export.export,
}


class NotLoggedIn(Exception):
    """No usable stored login for the command; the user must log in."""


def chosen_server(args: argparse.Namespace) -> str | None:
    """Return the server of --server or CENCOMM_SERVER, if either is set."""
    server = args.server or os.environ.get(SERVER_ENV)
    return server.rstrip("/") if server else None


def session_path(args: argparse.Namespace) -> Path:
    return Path(args.session).expanduser() if args.session else default_session_path()


def read_password(args: argparse.Namespace) -> str:
    """Return --password, or ask on a terminal, or read one line of standard input."""
    if args.password is not None:
        password: str = args.password
        return password
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\r\n")


def ask_credentials(args: argparse.Namespace) -> None:
    """Fill in the username and password of `login`, asking for what is missing."""
    if args.username is None:
        if not sys.stdin.isatty():
            raise UsageError("give the USERNAME when standard input is not a terminal")
        args.username = input("Username: ").strip()
    args.password = read_password(args)


async def login(args: argparse.Namespace) -> int:
    server = chosen_server(args) or DEFAULT_SERVER
    username, password = args.username, args.password
    path = session_path(args)
    store = SessionFile(path, server, username)
    async with CencommClient(server, token_store=store) as client:
        await client.login(username, password)
        me = await client.me()
    print(f"Logged in to {server} as {me.username} ({me.display_name}).")
    print(f"The login is kept in {path}.")
    return EXIT_OK


def open_client(args: argparse.Namespace) -> CencommClient:
    """Build a client from the stored login; raise NotLoggedIn without one."""
    path = session_path(args)
    stored = SessionFile(path).read()
    if stored is None:
        raise NotLoggedIn(
            f"not logged in (no login in {path}); run `cencomm-client login USERNAME`"
        )
    server = chosen_server(args) or stored.server
    if server != stored.server:
        raise NotLoggedIn(
            f"the stored login is for {stored.server}, not {server}; "
            f"run `cencomm-client --server {server} login USERNAME`"
        )
    store = SessionFile(path, stored.server, stored.username)
    return CencommClient(server, refresh_token=stored.refresh_token, token_store=store)


async def logout(args: argparse.Namespace) -> int:
    client = open_client(args)
    async with client:
        try:
            await client.logout()
        finally:
            # The local login goes even when the server could not revoke it.
            client.tokens.forget()
    print("Logged out.")
    return EXIT_OK


async def run(args: argparse.Namespace) -> int:
    if args.command == "login":
        return await login(args)
    if args.command == "logout":
        return await logout(args)
    async with open_client(args) as client:
        return await COMMANDS[args.command](client, args)


def report_api_error(error: ApiError) -> None:
    """Print the server's error: a summary line, then one line per invalid field."""
    if error.errors:
        print(f"error: {error.title} ({error.status})", file=sys.stderr)
        for field_error in error.errors:
            print(f"{field_error.field}: {field_error.message}", file=sys.stderr)
    else:
        print(f"error: {error.title} ({error.status}): {error.detail}", file=sys.stderr)
    if error.retry_after is not None:
        print(f"retry after {error.retry_after:.0f} seconds", file=sys.stderr)
    if isinstance(error, AuthenticationError | AccountDeactivated):
        print("log in again with `cencomm-client login USERNAME`", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.verbose:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(name)s %(message)s"
        )
    try:
        if args.command == "login":
            ask_credentials(args)
        return asyncio.run(run(args))
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ApiError as exc:
        report_api_error(exc)
        return EXIT_FAILED
    except (ConnectionFailed, NotLoggedIn, InvalidSessionFile) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
