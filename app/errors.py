"""Error classes and the handlers that render them as RFC 9457 problem details."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import annotated_types
import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = structlog.get_logger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Values of fields whose name contains one of these are never echoed in a message.
SECRET_FIELD_MARKERS = ("password", "token", "secret")
MAX_SHOWN_VALUE_CHARS = 40


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


def describe_errors(errors: Iterable[FieldError]) -> str:
    """Join field errors into one `detail`, naming each field once."""
    parts = []
    for error in errors:
        if error.message.startswith(error.field):
            parts.append(error.message)
        else:
            parts.append(f"{error.field}: {error.message}")
    return "; ".join(parts)


class InvalidInput(AppError):
    """422 with one entry per offending field."""

    status_code = 422
    title = "Unprocessable Content"

    def __init__(self, errors: Iterable[FieldError], detail: str | None = None) -> None:
        error_list = list(errors)
        if detail is None:
            detail = describe_errors(error_list)
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


# Invalid JSON, reported after the route's dependencies.


class InvalidJsonBody:
    """A request body that is not JSON, kept until the route's dependencies ran.

    FastAPI parses a JSON body before it resolves any dependency, so a body
    that fails to parse would get a 422 before the authentication and access
    checks. DependenciesFirstRoute passes this placeholder on as the body
    instead. It fails body validation, which runs after the dependencies, and
    the validation handler then reports `message`.
    """

    def __init__(self, message: str) -> None:
        self.message = message

    def __getattr__(self, name: str) -> object:
        # FastAPI validates bodies with from_attributes, which would read a model
        # whose fields are all optional out of any object, as all defaults. Every
        # attribute is an object no field type accepts, so validation fails.
        if name.startswith("__"):
            raise AttributeError(name)
        return _NOT_A_VALUE


class _NotAValue:
    """A value that no field of a request body accepts."""


_NOT_A_VALUE = _NotAValue()


class _DeferredJsonRequest(Request):
    async def json(self) -> Any:
        try:
            return await super().json()
        except json.JSONDecodeError as error:
            return InvalidJsonBody(
                f"body is not valid JSON: {error.msg} at line {error.lineno}, "
                f"column {error.colno}"
            )
        except UnicodeDecodeError as error:
            return InvalidJsonBody(
                f"body is not valid UTF-8: byte {error.start} cannot be decoded"
            )


class DependenciesFirstRoute(APIRoute):
    """A route that rejects an unparsable JSON body only after its dependencies.

    The API returns 401, 404 and 403 before 422, and the dependencies are
    where the caller and their access are checked. Use it with
    `APIRouter(route_class=DependenciesFirstRoute)`.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            return await handler(_DeferredJsonRequest(request.scope, request.receive))

        return handle


# Messages for pydantic's validation errors.


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


def _show_value(value: Any) -> str:
    """Render an input value for a message, shortened and in JSON terms."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    text = str(value)
    if len(text) > MAX_SHOWN_VALUE_CHARS:
        text = text[:MAX_SHOWN_VALUE_CHARS] + "…"
    return f"'{text}'"


def _subject(field: str, value: Any) -> str:
    """Start a message: `limit is 0`, or `password is invalid` for secrets."""
    if any(marker in field.lower() for marker in SECRET_FIELD_MARKERS):
        return f"{field} is invalid"
    return f"{field} is {_show_value(value)}"


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


@dataclass(frozen=True, slots=True)
class _Bounds:
    lower: Any = None
    upper: Any = None
    lower_inclusive: bool = True
    upper_inclusive: bool = True


def _range_message(
    field: str, value: Any, error: dict[str, Any], bounds: _Bounds
) -> str:
    ctx = error.get("ctx") or {}
    lower, upper = bounds.lower, bounds.upper
    lower_inclusive, upper_inclusive = bounds.lower_inclusive, bounds.upper_inclusive
    for key, is_lower, inclusive in (
        ("ge", True, True),
        ("gt", True, False),
        ("le", False, True),
        ("lt", False, False),
    ):
        if key in ctx and is_lower:
            lower, lower_inclusive = ctx[key], inclusive
        elif key in ctx:
            upper, upper_inclusive = ctx[key], inclusive
    # Query and path values arrive as text; `limit is 0` reads better unquoted.
    start = _subject(field, value)
    if isinstance(value, str) and start.endswith(f"'{value}'"):
        start = f"{field} is {value}"
    if lower is not None and upper is not None and lower_inclusive and upper_inclusive:
        return f"{start}; it must be between {_number(lower)} and {_number(upper)}"
    limits = []
    if lower is not None:
        word = "at least" if lower_inclusive else "greater than"
        limits.append(f"{word} {_number(lower)}")
    if upper is not None:
        word = "at most" if upper_inclusive else "less than"
        limits.append(f"{word} {_number(upper)}")
    return f"{start}; it must be {' and '.join(limits)}"


def _counted(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def _length_message(field: str, value: Any, error: dict[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    noun = "character" if error["type"].startswith("string_") else "item"
    count = len(value) if isinstance(value, str | list | tuple | dict) else None
    has = f"{field} has {_counted(count, noun)}" if count is not None else field
    if error["type"].endswith("too_short"):
        minimum = ctx.get("min_length", 1)
        if count == 0:
            return f"{field} is empty; it must have at least {_counted(minimum, noun)}"
        return f"{has}; it must have at least {minimum:,}"
    return f"{has}; at most {ctx.get('max_length', 0):,} are allowed"


# Pydantic error types by what the value must be instead.
_EXPECTED_KIND = {
    "int_parsing": "an integer",
    "int_type": "an integer",
    "int_from_float": "an integer",
    "float_parsing": "a number",
    "float_type": "a number",
    "decimal_parsing": "a number",
    "decimal_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "a string",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "dict_type": "a JSON object",
    "model_type": "a JSON object",
    "model_attributes_type": "a JSON object",
    "date_type": "a date like 2024-05-31",
    "date_parsing": "a date like 2024-05-31",
    "date_from_datetime_parsing": "a date like 2024-05-31",
    "date_from_datetime_inexact": "a date like 2024-05-31",
    "datetime_type": "a time like 2024-05-31T08:00:00Z",
    "datetime_parsing": "a time like 2024-05-31T08:00:00Z",
    "datetime_from_date_parsing": "a time like 2024-05-31T08:00:00Z",
}


def describe_validation_error(
    field: str, error: dict[str, Any], bounds: _Bounds | None = None
) -> str:
    """Say what is wrong with the field's value and what is allowed."""
    kind = str(error.get("type", ""))
    value = error.get("input")
    ctx = error.get("ctx") or {}

    if isinstance(value, bytes):
        # FastAPI passes the raw body on when the Content-Type is not JSON.
        return f"{field} must be JSON sent with Content-Type: application/json"
    if kind == "missing":
        return f"{field} is required"
    if kind == "extra_forbidden":
        return f"{field} is not a known field"

    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _range_message(field, value, error, bounds or _Bounds())
    if kind in ("string_too_short", "string_too_long", "too_short", "too_long"):
        return _length_message(field, value, error)

    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        return f"{_subject(field, value)}; it must match the pattern {pattern}"
    if kind in ("literal_error", "enum"):
        return f"{_subject(field, value)}; it must be {ctx.get('expected', '')}"
    if kind in _EXPECTED_KIND:
        message = f"{_subject(field, value)}; it must be {_EXPECTED_KIND[kind]}"
        if ctx.get("error"):
            message += f" ({ctx['error']})"
        return message

    if kind in ("value_error", "assertion_error"):
        message = str(error.get("msg", ""))
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
        return message

    return f"{_subject(field, value)}: {error.get('msg', 'invalid value')}"


def validation_errors(raw_errors: Iterable[dict[str, Any]]) -> list[FieldError]:
    """Convert pydantic error dictionaries into field errors."""
    errors: list[FieldError] = []
    for error in raw_errors:
        field = _location_to_field(error.get("loc", ()))
        errors.append(FieldError(field, describe_validation_error(field, error)))
    return errors


def _walk_params(dependant: Any, source: str) -> Iterable[Any]:
    """Yield the route's parameters of one source (`query`, `path`...)."""
    yield from getattr(dependant, f"{source}_params", [])
    for sub_dependant in getattr(dependant, "dependencies", []):
        yield from _walk_params(sub_dependant, source)


def _param_bounds(request: Request, location: Sequence[int | str]) -> _Bounds | None:
    """Find both numeric bounds of a query, path or header parameter.

    Pydantic names only the bound that was crossed; a message that gives the
    whole range (`between 1 and 200`) needs the parameter's declaration.
    """
    if len(location) != 2 or location[0] not in ("query", "path", "header"):
        return None
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return None
    for param in _walk_params(dependant, str(location[0])):
        if param.alias != location[1]:
            continue
        lower: Any = None
        upper: Any = None
        lower_inclusive = upper_inclusive = True
        for constraint in param.field_info.metadata:
            if isinstance(constraint, annotated_types.Ge):
                lower, lower_inclusive = constraint.ge, True
            elif isinstance(constraint, annotated_types.Gt):
                lower, lower_inclusive = constraint.gt, False
            elif isinstance(constraint, annotated_types.Le):
                upper, upper_inclusive = constraint.le, True
            elif isinstance(constraint, annotated_types.Lt):
                upper, upper_inclusive = constraint.lt, False
        return _Bounds(lower, upper, lower_inclusive, upper_inclusive)
    return None


def _json_error_message(error: dict[str, Any], document: Any) -> str:
    """Describe FastAPI's `json_invalid` error with the line and column."""
    reason = (error.get("ctx") or {}).get("error", "the JSON cannot be parsed")
    location = error.get("loc", ())
    position = location[1] if len(location) > 1 else None
    if isinstance(position, int) and isinstance(document, str | bytes):
        text = (
            document.decode("utf-8", "replace")
            if isinstance(document, bytes)
            else document
        )
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        return f"body is not valid JSON: {reason} at line {line}, column {column}"
    return f"body is not valid JSON: {reason}"


def request_validation_errors(
    request: Request, exc: RequestValidationError
) -> list[FieldError]:
    """Convert FastAPI's validation error into field errors."""
    errors: list[FieldError] = []
    if isinstance(exc.body, InvalidJsonBody):
        errors.append(FieldError("body", exc.body.message))
    for error in exc.errors():
        location = tuple(error.get("loc", ()))
        if isinstance(exc.body, InvalidJsonBody) and location[:1] == ("body",):
            continue
        if error.get("type") == "json_invalid":
            errors.append(FieldError("body", _json_error_message(error, exc.body)))
            continue
        field = _location_to_field(location)
        bounds = _param_bounds(request, location)
        errors.append(
            FieldError(field, describe_validation_error(field, error, bounds))
        )
    return errors


# The exception handlers.


async def _app_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(
        exc.status_code, exc.title, exc.detail, errors=exc.errors, headers=exc.headers
    )


async def _request_validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = request_validation_errors(request, exc)
    return problem_response(
        422, "Unprocessable Content", describe_errors(errors), errors=errors
    )


async def _http_exception_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return problem_response(status, title, detail, headers=dict(exc.headers or {}))


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
