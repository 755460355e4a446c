"""RFC 3339 timestamps in UTC with a `Z` suffix, as every API response uses."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import PlainSerializer


def format_utc(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (
        value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    )


UtcDatetime = Annotated[
    datetime, PlainSerializer(format_utc, return_type=str, when_used="json")
]
