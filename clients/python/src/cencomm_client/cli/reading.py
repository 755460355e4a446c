"""Commands that list and show: operations, members, mailbox, search, drafts."""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from cencomm_client.cli.display import format_table, local_time
from cencomm_client.client import CencommClient
from cencomm_client.models import Message, Page

PageT = TypeVar("PageT", bound=Page[Any])
MAX_PAGE_SIZE = 200
MESSAGE_HEADERS = ("TIME", "COUNTRY", "SENDER", "TYPE", "SUBJECT", "ID")


async def collect(
    fetch: Callable[[int, str | None], Awaitable[PageT]], limit: int
) -> tuple[PageT, list[Any]]:
    """Read pages until `limit` items are read; return the first page and the items.

    The first page carries what the list has beside its items (unread count,
    number of drafts, normalized container number).
    """
    first = await fetch(page_size(limit), None)
    items = list(first.items[:limit])
    cursor = first.next_cursor
    while cursor is not None and len(items) < limit:
        page = await fetch(page_size(limit - len(items)), cursor)
        items.extend(page.items[: limit - len(items)])
        cursor = page.next_cursor
    return first, items


def page_size(limit: int) -> int:
    """Return the page size for reading `limit` items (the server allows 1 to 200)."""
    return max(1, min(limit, MAX_PAGE_SIZE))


def message_rows(messages: Sequence[Message]) -> list[list[str]]:
    return [
        [
            local_time(message.created_at),
            message.sender.country,
            message.sender.display_name,
            message.type,
            message.subject,
            message.id,
        ]
        for message in messages
    ]


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    if rows:
        print(format_table(headers, rows))


async def operations(client: CencommClient, args: argparse.Namespace) -> int:
    rows = [
        [operation.code, operation.name, operation.status, str(operation.member_count)]
        async for operation in client.iter_operations()
    ]
    if not rows:
        print("You are a member of no operation.")
    print_table(("CODE", "NAME", "STATUS", "MEMBERS"), rows)
    return 0


async def members(client: CencommClient, args: argparse.Namespace) -> int:
    rows = [
        [
            member.user.username,
            member.user.display_name,
            member.role,
            member.country,
            member.user.id,
        ]
        async for member in client.iter_members(args.code)
    ]
    print_table(("USERNAME", "NAME", "ROLE", "COUNTRY", "ID"), rows)
    return 0


async def mailbox(client: CencommClient, args: argparse.Namespace) -> int:
    first, items = await collect(
        lambda size, cursor: client.list_mailbox(
            args.code,
            folder=args.folder,
            unread=args.unread,
            limit=size,
            cursor=cursor,
        ),
        args.limit,
    )
    print(f"{args.folder}: {first.unread_count} unread")
    rows = [
        [
            "" if item.read else "*",
            local_time(item.created_at),
            item.sender.country,
            item.sender.display_name,
            item.type,
            item.subject,
            item.message_id,
        ]
        for item in items
    ]
    print_table(
        ("", "TIME", "COUNTRY", "SENDER", "TYPE", "SUBJECT", "MESSAGE ID"), rows
    )
    return 0


async def show(client: CencommClient, args: argparse.Namespace) -> int:
    message = await client.get_message(args.code, args.message_id)
    print(format_message(message))
    return 0


def format_message(message: Message) -> str:
    """Render a message as a header block, its fields, attachments and body."""
    sender = message.sender
    lines = [
        f"Subject:    {message.subject}",
        f"Type:       {message.type}",
        f"From:       {sender.display_name} ({sender.country}, {sender.role})",
        f"Date:       {local_time(message.created_at)}",
        f"Recipients: {message.recipient_count}",
        f"Id:         {message.id}",
    ]
    if message.in_reply_to:
        lines.append(f"Reply to:   {message.in_reply_to}")
    if message.forward_of:
        lines.append(f"Forward of: {message.forward_of}")
    if message.fields:
        lines.append("Fields:")
        lines.extend(
            f"  {name}: {_field_text(value)}" for name, value in message.fields.items()
        )
    if message.attachments:
        lines.append("Attachments:")
        lines.extend(
            f"  {a.filename} ({a.size:,} bytes, {a.content_type}) id {a.id}"
            for a in message.attachments
        )
    lines.extend(["", message.body])
    return "\n".join(lines)


def _field_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(entry) for entry in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


async def search(client: CencommClient, args: argparse.Namespace) -> int:
    _, messages = await collect(
        lambda size, cursor: client.search_messages(
            args.code,
            q=args.query,
            type=args.type,
            country=args.country,
            sender_id=args.sender_id,
            commodity=args.commodity,
            container=args.container,
            since=args.since,
            until=args.until,
            limit=size,
            cursor=cursor,
        ),
        args.limit,
    )
    if not messages:
        print("No message matches.")
    print_table(MESSAGE_HEADERS, message_rows(messages))
    return 0


async def container(client: CencommClient, args: argparse.Namespace) -> int:
    first, messages = await collect(
        lambda size, cursor: client.lookup_container(
            args.code, args.number, limit=size, cursor=cursor
        ),
        args.limit,
    )
    print(f"Container {first.container_number}: {len(messages)} message(s) shown")
    print_table(MESSAGE_HEADERS, message_rows(messages))
    return 0


async def drafts(client: CencommClient, args: argparse.Namespace) -> int:
    first, found = await collect(
        lambda size, cursor: client.list_drafts(args.code, limit=size, cursor=cursor),
        args.limit,
    )
    print(f"{first.count} draft(s)")
    rows = [
        [
            local_time(draft.updated_at),
            draft.type or "",
            draft.subject or "",
            draft.id,
        ]
        for draft in found
    ]
    print_table(("CHANGED", "TYPE", "SUBJECT", "ID"), rows)
    return 0
