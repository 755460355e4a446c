"""The options and subcommands of `cencomm-client`."""

from __future__ import annotations

import argparse

FOLDERS = ("inbox", "sent", "archive", "trash")
ROLES = ("ocu", "ncp", "user")
MAX_LIMIT = 10_000


def positive_limit(text: str) -> int:
    """Parse a --limit: a whole number from 1 to MAX_LIMIT."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(
            f"{value} is out of range; use 1 to {MAX_LIMIT:,}"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cencomm-client",
        description="Send, read and watch messages of a cencomm-cug server.",
    )
    parser.add_argument(
        "--server",
        help="server address (default: CENCOMM_SERVER, else the server of the "
        "stored login, else http://127.0.0.1:8000)",
    )
    parser.add_argument(
        "--session",
        help="file that keeps the login (default: CENCOMM_CLIENT_SESSION, else "
        "~/.config/cencomm-client/session.json)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log retries and reconnects"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_login(commands)
    _add_listings(commands)
    _add_send(commands)
    _add_search(commands)
    _add_watch(commands)
    return parser


def _add_login(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    login = commands.add_parser(
        "login",
        help="log in and keep the login in a file only you can read",
        description="Log in. The password is asked for on a terminal, or read as "
        "one line from standard input.",
    )
    login.add_argument("username", nargs="?", help="login name (asked if omitted)")
    login.add_argument(
        "--password",
        help="the password; other local users can see command lines, so prefer "
        "the prompt or standard input",
    )
    commands.add_parser("logout", help="revoke the stored login and delete it")


def _add_listings(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    commands.add_parser("operations", help="list your operations")

    members = commands.add_parser("members", help="list the members of an operation")
    members.add_argument("code", help="operation code")

    mailbox = commands.add_parser("mailbox", help="list a mailbox folder")
    mailbox.add_argument("code", help="operation code")
    mailbox.add_argument(
        "--folder", choices=FOLDERS, default="inbox", help="folder (default: inbox)"
    )
    mailbox.add_argument("--unread", action="store_true", help="only unread items")
    mailbox.add_argument(
        "--limit", type=positive_limit, default=50, help="items shown (default: 50)"
    )

    show = commands.add_parser("show", help="show one message")
    show.add_argument("code", help="operation code")
    show.add_argument("message_id", help="message id")

    container = commands.add_parser(
        "container", help="list the messages that name a container number"
    )
    container.add_argument("code", help="operation code")
    container.add_argument("number", help="ISO 6346 container number")
    container.add_argument(
        "--limit", type=positive_limit, default=50, help="messages shown (default: 50)"
    )

    drafts = commands.add_parser("drafts", help="list your drafts")
    drafts.add_argument("code", help="operation code")
    drafts.add_argument(
        "--limit", type=positive_limit, default=50, help="drafts shown (default: 50)"
    )

    export = commands.add_parser(
        "export", help="write the seizure reports you may see as CSV"
    )
    export.add_argument("code", help="operation code")
    export.add_argument("--output", "-o", help="CSV file to write (default: stdout)")
    export.add_argument("--country", help="only reports sent from this country")
    export.add_argument("--since", help="first day, YYYY-MM-DD (UTC, inclusive)")
    export.add_argument("--until", help="last day, YYYY-MM-DD (UTC, inclusive)")


def _add_send(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    send = commands.add_parser(
        "send",
        help="send a message",
        description="Send a message. Recipient options combine as a union.",
    )
    send.add_argument("code", help="operation code")
    send.add_argument(
        "--type", help="message, warning, feedback or seizure (reply default: message)"
    )
    send.add_argument("--subject", help="subject, 1 to 255 characters")
    body = send.add_mutually_exclusive_group()
    body.add_argument("--body", help="body text")
    body.add_argument(
        "--body-file", metavar="PATH", help="read the body from a file; - is stdin"
    )

    send.add_argument("--html", action="store_true", help="the body is HTML")

    send.add_argument(
        "--role", action="append", choices=ROLES, help="every member with this role"
    )
    send.add_argument(
        "--my-country", action="store_true", help="every member of your country"
    )
    send.add_argument(
        "--country", action="append", help="every member of this ISO country code"
    )
    send.add_argument("--user", action="append", help="this member (a user id)")

    send.add_argument(
        "--field",
        action="append",
        metavar="KEY=VALUE",
        help="a field of a formatted type; the value is read as JSON when it "
        "parses (numbers, lists), else as text",
    )
    send.add_argument(
        "--fields-file", metavar="PATH", help="a JSON object of fields; - is stdin"
    )

    send.add_argument(
        "--attach", action="append", metavar="PATH", help="upload and attach a file"
    )

    send.add_argument("--reply-to", metavar="MESSAGE_ID", help="reply to a message")
    send.add_argument("--forward-of", metavar="MESSAGE_ID", help="forward a message")
    send.add_argument(
        "--retry",
        action="store_true",
        default=None,
        help="send again after a connection error (may deliver twice)",
    )


def _add_search(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    search = commands.add_parser("search", help="search the messages database")
    search.add_argument("code", help="operation code")
    search.add_argument("--query", "-q", help="words that must all occur")
    search.add_argument("--type", help="message, warning, feedback or seizure")
    search.add_argument("--country", help="the sender's ISO country code")
    search.add_argument("--sender-id", help="the sender's user id")
    search.add_argument("--commodity", help="commodity of the formatted fields")
    search.add_argument("--container", help="container number named in the fields")
    search.add_argument("--since", help="first day, YYYY-MM-DD (UTC, inclusive)")
    search.add_argument("--until", help="last day, YYYY-MM-DD (UTC, inclusive)")
    search.add_argument(
        "--limit", type=positive_limit, default=50, help="messages shown (default: 50)"
    )


def _add_watch(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    watch = commands.add_parser(
        "watch", help="print each arriving mailbox item, live, until interrupted"
    )
    watch.add_argument("--since", metavar="CURSOR", help="replay events after CURSOR")
    watch.add_argument(
        "--cursor-file",
        metavar="PATH",
        help="resume from and keep the last cursor in this file",
    )
    watch.add_argument(
        "--updates",
        action="store_true",
        help="also print changes of items (read, moved)",
    )
