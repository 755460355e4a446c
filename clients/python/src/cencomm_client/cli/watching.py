"""`cencomm-client watch`: one line per arriving mailbox item, live."""

from __future__ import annotations

import argparse
import sys

from cencomm_client.cli.display import local_time, one_line
from cencomm_client.client import CencommClient
from cencomm_client.events import CaughtUp, MailboxEvent, ResyncRequired


def event_line(event: MailboxEvent) -> str:
    item = event.item
    mark = " " if item.read else "*"
    return (
        f"{mark} {local_time(item.created_at)} [{event.operation}] {item.folder} "
        f"{item.sender.country} {one_line(item.sender.display_name)}: "
        f"{item.type}: {one_line(item.subject)} ({item.message_id})"
    )


async def watch(client: CencommClient, args: argparse.Namespace) -> int:
    events = client.watch(since=args.since, cursor_file=args.cursor_file)
    async for event in events:
        if isinstance(event, ResyncRequired):
            print(
                "Events may have been missed; reload the mailbox with "
                "`cencomm-client mailbox CODE`.",
                file=sys.stderr,
                flush=True,
            )
        elif isinstance(event, CaughtUp):
            print("Caught up; waiting for new items.", file=sys.stderr, flush=True)
        elif event.type == "mailbox.item" or args.updates:
            print(event_line(event), flush=True)
    return 0
