"""The query parameters of the messages database, checked and normalized."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import Query

from app.countries import normalize_country
from app.errors import FieldError, InvalidInput
from app.messages.containers import ContainerNumberError, normalize_container
from app.messages.field_specs import COMMODITIES, MESSAGE_TYPES
from app.messages.search_text import search_terms
from app.messages.text import quote_value

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 10
MAX_ID_CHARS = 64
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class MessageFilters:
    """Checked filters. `terms` are the folded terms of `q`, and all must match."""

    q: str | None = None
    terms: tuple[str, ...] = ()
    type: str | None = None
    country: str | None = None
    sender_id: str | None = None
    commodity: str | None = None
    container: str | None = None
    since: date | None = None
    until: date | None = None

    def fingerprint(self) -> str:
        """Hash the filters that decide the result, for scoping cursors."""
        values = asdict(self)
        del values["q"]
        # All terms must match, so their order does not change the result.
        values["terms"] = sorted(values["terms"])
        encoded = json.dumps(values, default=str, sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()[:24]

    def audit_target(self) -> dict[str, Any]:
        """Return the filters that were given, as the audit event's target."""
        values = asdict(self)
        del values["terms"]
        return {
            name: str(value) if isinstance(value, date) else value
            for name, value in values.items()
            if value is not None
        }

    def created_from(self) -> datetime | None:
        """Return the first instant of `since` in UTC."""
        if self.since is None:
            return None
        return datetime.combine(self.since, datetime.min.time(), UTC)

    def created_before(self) -> datetime | None:
        """Return the first instant after `until` in UTC (None for no bound)."""
        if self.until is None or self.until == date.max:
            return None
        return datetime.combine(
            self.until + timedelta(days=1), datetime.min.time(), UTC
        )


def _check_query(q: str, errors: list[FieldError]) -> tuple[str, ...]:
    if len(q) > MAX_QUERY_CHARS:
        errors.append(
            FieldError(
                "q",
                f"has {len(q):,} characters; at most {MAX_QUERY_CHARS} are allowed",
            )
        )
        return ()
    terms = search_terms(q)
    if len(terms) > MAX_QUERY_TERMS:
        errors.append(
            FieldError(
                "q", f"has {len(terms)} terms; at most {MAX_QUERY_TERMS} are allowed"
            )
        )
        return ()
    return tuple(dict.fromkeys(terms))


def _check_choice(
    field: str, value: str, choices: tuple[str, ...], errors: list[FieldError]
) -> str | None:
    if value in choices:
        return value
    message = f"{quote_value(value)} is not one of {', '.join(choices)}"
    errors.append(FieldError(field, message))
    return None


def _check_country(value: str, errors: list[FieldError]) -> str | None:
    try:
        return normalize_country(value)
    except ValueError:
        message = (
            f"{quote_value(value)} is not an ISO 3166-1 alpha-2 country code "
            "such as VN or TH"
        )
        errors.append(FieldError("country", message))
        return None


def _check_sender_id(value: str, errors: list[FieldError]) -> str | None:
    if len(value) <= MAX_ID_CHARS:
        return value
    message = f"has {len(value):,} characters; a user id has at most {MAX_ID_CHARS}"
    errors.append(FieldError("sender_id", message))
    return None


def _check_container(value: str, errors: list[FieldError]) -> str | None:
    try:
        return normalize_container(value)
    except ContainerNumberError as exc:
        errors.append(FieldError("container", str(exc)))
        return None


def parse_date(field: str, value: str, errors: list[FieldError]) -> date | None:
    """Parse a `YYYY-MM-DD` date, adding an error naming `field` when invalid."""
    if _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    message = f"{quote_value(value)} is not a date in the form YYYY-MM-DD"
    errors.append(FieldError(field, message))
    return None


def message_filters(
    q: Annotated[
        str | None,
        Query(
            description=(
                "Terms separated by spaces, each matched as a substring of the "
                "subject, body text or text fields, without regard to case or "
                f"diacritics. At most {MAX_QUERY_CHARS} characters and "
                f"{MAX_QUERY_TERMS} terms."
            )
        ),
    ] = None,
    message_type: Annotated[
        str | None,
        Query(alias="type", description=f"One of {', '.join(MESSAGE_TYPES)}."),
    ] = None,
    country: Annotated[
        str | None, Query(description="The sender's country (ISO 3166-1 alpha-2).")
    ] = None,
    sender_id: Annotated[str | None, Query(description="The sender's user id.")] = None,
    commodity: Annotated[
        str | None,
        Query(description=f"The commodity field: {', '.join(COMMODITIES)}."),
    ] = None,
    container: Annotated[
        str | None,
        Query(description="An ISO 6346 container number named in the fields."),
    ] = None,
    since: Annotated[
        str | None, Query(description="Sent on or after this UTC date (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, Query(description="Sent on or before this UTC date (YYYY-MM-DD).")
    ] = None,
) -> MessageFilters:
    """Check every filter and raise 422 naming each invalid query parameter.

    An empty parameter (`?type=`) counts as not given.
    """
    errors: list[FieldError] = []
    terms = _check_query(q, errors) if q else ()
    checked: dict[str, Any] = {}
    if message_type:
        checked["type"] = _check_choice("type", message_type, MESSAGE_TYPES, errors)
    if country:
        checked["country"] = _check_country(country, errors)
    if sender_id:
        checked["sender_id"] = _check_sender_id(sender_id, errors)
    if commodity:
        checked["commodity"] = _check_choice(
            "commodity", commodity, COMMODITIES, errors
        )
    if container:
        checked["container"] = _check_container(container, errors)
    if since:
        checked["since"] = parse_date("since", since, errors)
    if until:
        checked["until"] = parse_date("until", until, errors)
    if errors:
        raise InvalidInput(errors)

    query = q.strip() if q and terms else None
    filters = MessageFilters(q=query, terms=terms, **checked)
    if filters.since and filters.until and filters.since > filters.until:
        raise InvalidInput.single(
            "since",
            f"{filters.since} is after until ({filters.until}); since must be "
            "on or before until",
        )
    return filters
