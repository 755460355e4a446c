"""Checks shared by the account and operation tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Api

PROBLEM_TYPE = "application/problem+json"


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """Check that the response is a problem document with this status."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_TYPE)
    problem = response.json()
    assert problem["status"] == status
    assert problem["type"] == "about:blank"
    assert isinstance(problem["title"], str) and problem["title"]
    assert isinstance(problem["detail"], str) and problem["detail"]
    return problem


def field_errors(response: httpx.Response) -> dict[str, str]:
    """Check a 422 problem document and map each named field to its message."""
    problem = assert_problem(response, 422)
    errors = problem["errors"]
    assert isinstance(errors, list) and errors
    for error in errors:
        assert set(error) == {"field", "message"}
    return {error["field"]: error["message"] for error in errors}


def admin_headers(api: Api) -> dict[str, str]:
    """Return the authorization headers of the administrator the fixture made."""
    assert api.admin is not None
    return api.admin.headers
