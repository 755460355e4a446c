"""Exceptions of the client: the server's problem details and unreachable servers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid input field as the server names it (`fields.quantity`)."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class CencommError(Exception):
    """Base of every exception this package raises."""


class ApiError(CencommError):
    """An error response of the server, read from its RFC 9457 problem details."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        errors: list[FieldError] | None = None,
        *,
        type: str = "about:blank",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            f"{status} {title}: {detail}" if detail else f"{status} {title}"
        )
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = list(errors or [])
        self.type = type
        self.retry_after = retry_after

    def lines(self) -> list[str]:
        """Return the error as lines for a terminal: the summary, then each field."""
        return [str(self), *(str(error) for error in self.errors)]


class AuthenticationError(ApiError):
    """The server rejected the credentials or the token (401, WebSocket 4401)."""


class AccountDeactivated(ApiError):
    """The server closed the live mailbox because the account was deactivated."""


class ConnectionFailed(CencommError):
    """The server could not be reached, also after the retries allowed."""


def error_from_response(response: httpx.Response) -> ApiError:
    """Build the exception for an error response, problem details or not."""
    body = _json_object(response)
    status = response.status_code
    title = str(body.get("title") or response.reason_phrase or "Error")
    detail = str(body.get("detail") or "")
    if not body and response.text:
        detail = response.text.strip()[:500]
    errors = [
        FieldError(str(entry.get("field", "")), str(entry.get("message", "")))
        for entry in body.get("errors") or []
        if isinstance(entry, dict)
    ]
    problem_type = str(body.get("type") or "about:blank")
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    error_class = AuthenticationError if status == 401 else ApiError
    return error_class(
        status, title, detail, errors, type=problem_type, retry_after=retry_after
    )


def parse_retry_after(value: str | None) -> float | None:
    """Return the seconds of a `Retry-After` header (delay or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        value = json.loads(response.content)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
