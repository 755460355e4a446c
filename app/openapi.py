"""The OpenAPI document, with the problem-details responses the API returns.

FastAPI documents every 422 as its own `HTTPValidationError` shape, while the
server returns every error as RFC 9457 problem details. This rewrites the
error responses of each operation to `application/problem+json`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "title": "Problem",
        "description": "RFC 9457 problem details.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "example": "about:blank"},
            "title": {"type": "string", "example": "Unprocessable Content"},
            "status": {"type": "integer", "example": 422},
            "detail": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ProblemFieldError"},
            },
        },
    },
    "ProblemFieldError": {
        "type": "object",
        "title": "ProblemFieldError",
        "required": ["field", "message"],
        "properties": {
            "field": {"type": "string", "example": "fields.container_numbers[1]"},
            "message": {"type": "string"},
        },
    },
}
DESCRIPTIONS = {
    "401": "Missing, malformed, expired or revoked token, or a deactivated account.",
    "403": "The caller's role does not allow this action.",
    "404": "Not found, or not visible to the caller.",
    "409": "A write to a closed operation, or a duplicate.",
    "413": "The request body or file is too large.",
    "415": "The file's detected type is not allowed.",
    "422": "Invalid input; `errors` names each field.",
    "429": "Too many failed logins; see Retry-After.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def _problem(status: str) -> dict[str, Any]:
    return {
        "description": DESCRIPTIONS[status],
        "content": {"application/problem+json": {"schema": PROBLEM_REF}},
    }


def _error_statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    statuses = ["422"]
    if operation.get("security"):
        statuses.append("401")
    if path.startswith("/api/v1/auth/"):
        statuses.append("401")
    if path == "/api/v1/auth/token":
        statuses.append("429")
    if "{" in path:
        statuses.append("404")
    if operation.get("security") and (
        path.startswith("/api/v1/users") or path.startswith("/api/v1/operations")
    ):
        statuses.append("403")
    if method in WRITE_METHODS and path.startswith("/api/v1/operations"):
        statuses.append("409")
    if path.endswith("/attachments") and method == "post":
        statuses += ["413", "415"]
    return sorted(set(statuses))


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        routes=app.routes,
    )
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for status in _error_statuses(path, method, operation):
                responses[status] = _problem(status)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas.update(PROBLEM_SCHEMAS)
    app.openapi_schema = document
    return document


def install_openapi(app: FastAPI) -> None:
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
