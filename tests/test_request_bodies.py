"""Bodies that are not what a route expects: broken JSON, loose types, controls."""

import pytest

from tests.conftest import Api

BROKEN_BODIES = [
    (b'{"type": "message", ', "body is not valid JSON"),
    (b'{"type": "\xff\xfe"}', "body is not valid UTF-8"),
]


@pytest.mark.parametrize(("content", "expected"), BROKEN_BODIES)
@pytest.mark.parametrize("route", ["messages", "drafts"])
async def test_broken_json_names_body(
    api: Api, route: str, content: bytes, expected: str
) -> None:
    member = await api.create_user("officer", country="VN")
    code = await api.create_operation("op-broken")
    await api.add_member(code, member)
    headers = {**member.headers, "Content-Type": "application/json"}

    response = await api.client.post(
        f"/api/v1/operations/{code}/{route}", headers=headers, content=content
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["body"]
    assert errors[0]["message"].startswith(expected)


async def test_broken_json_draft_patch(api: Api) -> None:
    member = await api.create_user("officer", country="VN")
    code = await api.create_operation("op-broken-patch")
    await api.add_member(code, member)
    draft = await api.client.post(
        f"/api/v1/operations/{code}/drafts", headers=member.headers, json={}
    )
    headers = {**member.headers, "Content-Type": "application/json"}

    response = await api.client.patch(
        f"/api/v1/operations/{code}/drafts/{draft.json()['id']}",
        headers=headers,
        content=b'{"subject": ',
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["message"].startswith("body is not valid JSON")


async def test_admin_flag_must_be_boolean(api: Api) -> None:
    assert api.admin is not None

    response = await api.client.post(
        "/api/v1/users",
        headers=api.admin.headers,
        json={
            "username": "loose",
            "display_name": "Loose",
            "country": "VN",
            "password": "password-123",
            "is_admin": "yes",
        },
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["is_admin"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "a\u0000b"), ("name", "   "), ("description", "x\u001by")],
)
async def test_operation_text_rejects_controls(
    api: Api, field: str, value: str
) -> None:
    assert api.admin is not None
    body = {"code": "op-controls", "name": "Name", field: value}

    response = await api.client.post(
        "/api/v1/operations", headers=api.admin.headers, json=body
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_operation_description_keeps_line_breaks(api: Api) -> None:
    assert api.admin is not None
    body = {"code": "op-lines", "name": "Name", "description": "a\r\nb\tc"}

    response = await api.client.post(
        "/api/v1/operations", headers=api.admin.headers, json=body
    )

    assert response.status_code == 201
    assert response.json()["description"] == "a\nb\tc"


async def test_new_password_rejects_controls(api: Api) -> None:
    member = await api.create_user("officer", country="VN")

    response = await api.client.post(
        "/api/v1/me/password",
        headers=member.headers,
        json={"current_password": member.password, "new_password": "abc\u0000defgh"},
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["new_password"]
    assert "\u0000" not in errors[0]["message"]
