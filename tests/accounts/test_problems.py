"""Problem details for bodies that are too large, not JSON, or not parsable."""

import json

from tests.accounts.helpers import admin_headers, assert_problem, field_errors
from tests.conftest import Api

USERS_URL = "/api/v1/users"
ONE_MIB = 1024 * 1024


def _user_body(display_name: str) -> bytes:
    return json.dumps(
        {
            "username": "big",
            "display_name": display_name,
            "country": "VN",
            "password": "a-good-password",
        }
    ).encode()


async def test_json_body_over_limit(api: Api) -> None:
    body = _user_body("x" * ONE_MIB)

    response = await api.client.post(
        USERS_URL,
        headers={**admin_headers(api), "content-type": "application/json"},
        content=body,
    )

    problem = assert_problem(response, 413)
    assert "1,048,576 bytes" in problem["detail"]


async def test_json_body_over_limit_anonymous(api: Api) -> None:
    response = await api.client.post(
        USERS_URL,
        headers={"content-type": "application/json"},
        content=_user_body("x" * ONE_MIB),
    )

    assert_problem(response, 413)


async def test_json_body_at_limit_is_read(api: Api) -> None:
    body = _user_body("")
    padding = ONE_MIB - len(body)
    body = _user_body("x" * padding)
    assert len(body) == ONE_MIB

    response = await api.client.post(
        USERS_URL,
        headers={**admin_headers(api), "content-type": "application/json"},
        content=body,
    )

    errors = field_errors(response)
    assert errors == {
        "display_name": f"display_name has {padding:,} characters; "
        "at most 200 are allowed"
    }


async def test_body_invalid_json(api: Api) -> None:
    response = await api.client.post(
        USERS_URL,
        headers={**admin_headers(api), "content-type": "application/json"},
        content=b'{"username": "a",}',
    )

    errors = field_errors(response)
    assert list(errors) == ["body"]
    assert errors["body"].startswith("body is not valid JSON: ")
    assert "line 1, column 18" in errors["body"]


async def test_body_invalid_utf8(api: Api) -> None:
    response = await api.client.post(
        USERS_URL,
        headers={**admin_headers(api), "content-type": "application/json"},
        content=b'{"username": "\xff"}',
    )

    errors = field_errors(response)
    assert errors["body"].startswith("body is not valid UTF-8")


async def test_body_without_json_type(api: Api) -> None:
    response = await api.client.post(
        USERS_URL,
        headers={**admin_headers(api), "content-type": "text/plain"},
        content=_user_body("Big"),
    )

    errors = field_errors(response)
    assert errors == {
        "body": "body must be JSON sent with Content-Type: application/json"
    }


async def test_unknown_route_is_problem(api: Api) -> None:
    response = await api.client.get("/api/v1/no-such-thing")

    assert_problem(response, 404)


async def test_wrong_method_is_problem(api: Api) -> None:
    response = await api.client.delete("/api/v1/me", headers=admin_headers(api))

    assert_problem(response, 405)


async def test_limit_message_names_range(api: Api) -> None:
    for limit in ("0", "201", "-5"):
        response = await api.client.get(
            f"{USERS_URL}?limit={limit}", headers=admin_headers(api)
        )
        assert field_errors(response) == {
            "limit": f"limit is {limit}; it must be between 1 and 200"
        }


async def test_limit_not_integer(api: Api) -> None:
    response = await api.client.get(
        f"{USERS_URL}?limit=ten", headers=admin_headers(api)
    )

    assert field_errors(response) == {"limit": "limit is 'ten'; it must be an integer"}


async def test_multipart_body_over_limit(api: Api) -> None:
    body = b"--xx\r\n" + b"a" * (2 * ONE_MIB) + b"\r\n--xx--\r\n"

    response = await api.client.post(
        USERS_URL,
        headers={
            **admin_headers(api),
            "content-type": "multipart/form-data; boundary=xx",
        },
        content=body,
    )

    assert_problem(response, 413)


async def test_login_form_over_limit(api: Api) -> None:
    response = await api.client.post(
        "/api/v1/auth/token",
        data={"username": "admin", "password": "x" * (2 * ONE_MIB)},
    )

    assert_problem(response, 413)
