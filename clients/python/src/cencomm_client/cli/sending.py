"""`cencomm-client send`: upload the attachments, then send the message."""

from __future__ import annotations

import argparse
import sys

from cencomm_client.cli.compose import build_message, check_attachments
from cencomm_client.client import CencommClient


async def send(client: CencommClient, args: argparse.Namespace) -> int:
    paths = check_attachments(args.attach or [])
    message = build_message(args, [])
    attachment_ids = []
    for path in paths:
        attachment = await client.upload_attachment(args.code, path)
        print(
            f"Uploaded {attachment.filename} ({attachment.size:,} bytes, "
            f"{attachment.content_type}) as {attachment.id}",
            file=sys.stderr,
        )
        attachment_ids.append(attachment.id)
    if attachment_ids:
        message = message.model_copy(update={"attachment_ids": attachment_ids})
    sent = await client.send_message(args.code, message, retry=args.retry)
    print(f"Sent {sent.type} {sent.id} to {sent.recipient_count} recipient(s).")
    return 0
