"""`cencomm-client export`: the seizure reports a user may see, as CSV."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC
from typing import IO, Any

from cencomm_client.client import CencommClient
from cencomm_client.models import Message

# The fields of a seizure report, in the order the API documents them.
SEIZURE_FIELDS = (
    "seizure_date",
    "country",
    "place",
    "place_type",
    "commodity",
    "description",
    "species",
    "quantity",
    "unit",
    "estimated_value",
    "currency",
    "concealment",
    "transport_mode",
    "container_numbers",
    "conveyance",
    "departure_country",
    "destination_country",
    "transit_countries",
    "suspects_arrested",
    "suspect_nationalities",
    "seizing_agency",
    "case_reference",
)
MESSAGE_COLUMNS = ("id", "created_at", "sender_country")
LIST_SEPARATOR = ";"


def cell(value: Any) -> str:
    """Render a field value as CSV text; list entries are joined with `;`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(cell(entry) for entry in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def field_columns(messages: Iterable[Message]) -> list[str]:
    """Return the documented seizure fields, then any other field the server sent."""
    others = sorted(
        {
            name
            for message in messages
            for name in (message.fields or {})
            if name not in SEIZURE_FIELDS and name not in MESSAGE_COLUMNS
        }
    )
    return [*SEIZURE_FIELDS, *others]


def write_csv(messages: Sequence[Message], output: IO[str]) -> None:
    columns = field_columns(messages)
    writer = csv.writer(output)
    writer.writerow([*MESSAGE_COLUMNS, *columns])
    for message in messages:
        fields = message.fields or {}
        created_at = message.created_at.astimezone(UTC).isoformat()
        writer.writerow(
            [
                message.id,
                created_at.replace("+00:00", "Z"),
                message.sender.country,
                *(cell(fields.get(name)) for name in columns),
            ]
        )


def write_csv_file(messages: Sequence[Message], path: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as output:
        write_csv(messages, output)


async def export(client: CencommClient, args: argparse.Namespace) -> int:
    seizures = [
        message
        async for message in client.iter_messages(
            args.code,
            type="seizure",
            country=args.country,
            since=args.since,
            until=args.until,
        )
    ]
    if args.output in (None, "-"):
        write_csv(seizures, sys.stdout)
    else:
        write_csv_file(seizures, args.output)
        print(f"Wrote {len(seizures)} seizure(s) to {args.output}", file=sys.stderr)
    return 0
