"""Error classes and the handlers that render them as RFC 9457 problem details."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = structlog.get_logger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid input field: its path (`body`, `fields.container_numbers[1]`)."""

    field: str
    message: str


class AppError(Exception):
    """Base of every error the API renders as problem details."""

    status_code: int = 500
    title: str = "Internal Server Error"

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors or [])
        self.headers = headers or {}


class Unauthorized(AppError):
    status_code = 401
    title = "Unauthorized"

    def __init__(self, detail: str = "Authentication is required.") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status_code = 403
    title = "Forbidden"


class NotFound(AppError):
    status_code = 404
    title = "Not Found"


class Conflict(AppError):
    status_code = 409
    title = "Conflict"


class PayloadTooLarge(AppError):
    status_code = 413
    title = "Payload Too Large"


class UnsupportedMediaType(AppError):
    status_code = 415
    title = "Unsupported Media Type"


class TooManyRequests(AppError):
    status_code = 429
    title = "Too Many Requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class InvalidInput(AppError):
    """422 with one entry per offending field."""

    status_code = 422
    title = "Unprocessable Content"

    def __init__(self, errors: Iterable[FieldError], detail: str | None = None) -> None:
        error_list = list(errors)
        if detail is None:
            detail = "; ".join(f"{e.field}: {e.message}" for e in error_list)
        super().__init__(detail or "The request is invalid.", errors=error_list)

    @classmethod
    def single(cls, field: str, message: str) -> InvalidInput:
        return cls([FieldError(field, message)])


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    errors: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build an `application/problem+json` response."""
    content: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        content["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    return JSONResponse(
        content, status_code=status, headers=headers, media_type=PROBLEM_CONTENT_TYPE
    )


def _location_to_field(location: Sequence[int | str]) -> str:
    """Turn pydantic's location tuple into a path like `fields.container_numbers[1]`."""
    parts = list(location)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        source = parts.pop(0)
        if not parts:
            return str(source)
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif path:
            path += f".{part}"
        else:
            path = str(part)
    return path or "body"


def _pydantic_message(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "is invalid"))
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    if error.get("type") == "extra_forbidden":
        return "is not a known field"
    if error.get("type") == "missing":
        return "is required"
    return message


def validation_errors(raw_errors: Iterable[dict[str, Any]]) -> list[FieldError]:
    """Convert pydantic error dictionaries into field errors."""
    errors: list[FieldError] = []
    for error in raw_errors:
        field = _location_to_field(error.get("loc", ()))
        errors.append(FieldError(field, _pydantic_message(error)))
    return errors


async def _app_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(
        exc.status_code, exc.title, exc.detail, errors=exc.errors, headers=exc.headers
    )


async def _request_validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(exc.errors())
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
    return problem_response(422, "Unprocessable Content", detail, errors=errors)


async def _http_exception_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    titles = {
        400: "Bad Request",
        401: "Unauthorized",
        404: "Not Found",
        405: "Method Not Allowed",
        413: "Payload Too Large",
    }
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return problem_response(
        status, titles.get(status, "Error"), detail, headers=dict(exc.headers or {})
    )


async def _unhandled_handler(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("request.unhandled_error", path=request.url.path)
    return problem_response(
        500, "Internal Server Error", "The server failed to handle the request."
    )


def install_error_handlers(app: FastAPI) -> None:
    """Render every error of the app as problem details."""
    app.add_exception_handler(AppError, _app_error_handler)
    app.add_exception_handler(RequestValidationError, _request_validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_exception_handler)
    app.add_exception_handler(Exception, _unhandled_handler)
