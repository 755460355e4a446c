"""Container number search over the fields of every formatted type."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Account
from tests.search.conftest import (
    OTHER_CONTAINER,
    VALID_CONTAINER,
    Cug,
    field_errors,
    post,
    seizure_fields,
    warning_fields,
)


async def lookup(
    cug: Cug, account: Account, number: str, **params: Any
) -> httpx.Response:
    return await cug.client.get(
        f"/api/v1/operations/{cug.code}/containers/{number}",
        headers=account.headers,
        params=params,
    )


async def lookup_ok(
    cug: Cug, account: Account, number: str, **params: Any
) -> dict[str, Any]:
    response = await lookup(cug, account, number, **params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def warn(cug: Cug, sender: Account, to: Account, numbers: list[str]) -> str:
    return await post(
        cug,
        sender,
        to,
        type="warning",
        subject="Warning",
        body="See fields.",
        fields=warning_fields(container_numbers=numbers),
    )


async def seize(cug: Cug, sender: Account, to: Account, numbers: list[str]) -> str:
    return await post(
        cug,
        sender,
        to,
        type="seizure",
        subject="Seizure",
        body="See fields.",
        fields=seizure_fields(container_numbers=numbers),
    )


async def test_warning_and_seizure_found(cug: Cug) -> None:
    warning = await warn(cug, cug.user_vn, cug.ocu, [VALID_CONTAINER])
    seizure = await seize(cug, cug.user_th, cug.ocu, [OTHER_CONTAINER, VALID_CONTAINER])

    page = await lookup_ok(cug, cug.ocu, VALID_CONTAINER)

    assert {item["id"] for item in page["items"]} == {warning, seizure}


async def test_other_numbers_not_found(cug: Cug) -> None:
    await warn(cug, cug.user_vn, cug.ocu, [OTHER_CONTAINER])
    await post(cug, cug.user_vn, cug.ocu, body=f"container {VALID_CONTAINER}")

    page = await lookup_ok(cug, cug.ocu, VALID_CONTAINER)

    assert page["items"] == []


async def test_normalized_input(cug: Cug) -> None:
    warning = await warn(cug, cug.user_vn, cug.ocu, [VALID_CONTAINER])

    page = await lookup_ok(cug, cug.ocu, "csqu 305438 3")

    assert page["container_number"] == VALID_CONTAINER
    assert [item["id"] for item in page["items"]] == [warning]


async def test_number_given_with_spaces_in_fields(cug: Cug) -> None:
    warning = await warn(cug, cug.user_vn, cug.ocu, ["csqu 305438 3"])

    page = await lookup_ok(cug, cug.ocu, VALID_CONTAINER)

    assert [item["id"] for item in page["items"]] == [warning]


async def test_wrong_check_digit(cug: Cug) -> None:
    response = await lookup(cug, cug.ocu, "CSQU3054384")

    assert response.status_code == 422
    assert field_errors(response)["container_number"] == (
        "'CSQU3054384' has check digit 4; ISO 6346 requires 3"
    )


async def test_wrong_shape(cug: Cug) -> None:
    response = await lookup(cug, cug.ocu, "CSQ-305438")

    assert response.status_code == 422
    assert "container_number" in field_errors(response)


async def test_user_sees_own_only(cug: Cug) -> None:
    mine = await warn(cug, cug.user_vn, cug.user_vn2, [VALID_CONTAINER])
    await warn(cug, cug.user_th, cug.ocu, [VALID_CONTAINER])

    page = await lookup_ok(cug, cug.user_vn2, VALID_CONTAINER)

    assert [item["id"] for item in page["items"]] == [mine]


async def test_ncp_sees_own_country(cug: Cug) -> None:
    thai = await seize(cug, cug.user_th, cug.ocu, [VALID_CONTAINER])
    await seize(cug, cug.user_vn, cug.user_vn2, [VALID_CONTAINER])

    page = await lookup_ok(cug, cug.ncp_th, VALID_CONTAINER)

    assert [item["id"] for item in page["items"]] == [thai]


async def test_items_are_full_messages(cug: Cug) -> None:
    warning = await warn(cug, cug.user_vn, cug.ocu, [VALID_CONTAINER])
    read = await cug.client.get(
        f"/api/v1/operations/{cug.code}/messages/{warning}", headers=cug.ocu.headers
    )

    page = await lookup_ok(cug, cug.ocu, VALID_CONTAINER)

    assert page["items"] == [read.json()]


async def test_paging(cug: Cug) -> None:
    sent = [await warn(cug, cug.user_vn, cug.ocu, [VALID_CONTAINER]) for _ in range(3)]

    first = await lookup_ok(cug, cug.ocu, VALID_CONTAINER, limit=2)
    second = await lookup_ok(
        cug, cug.ocu, VALID_CONTAINER, limit=2, cursor=first["next_cursor"]
    )

    ids = [item["id"] for item in first["items"] + second["items"]]
    assert ids == list(reversed(sent))
    assert second["next_cursor"] is None


async def test_cursor_of_other_number(cug: Cug) -> None:
    for _ in range(2):
        await warn(cug, cug.user_vn, cug.ocu, [VALID_CONTAINER, OTHER_CONTAINER])
    first = await lookup_ok(cug, cug.ocu, VALID_CONTAINER, limit=1)

    response = await lookup(
        cug, cug.ocu, OTHER_CONTAINER, limit=1, cursor=first["next_cursor"]
    )

    assert response.status_code == 422


async def test_non_member_404(cug: Cug) -> None:
    other_code = await cug.api.create_operation()

    response = await cug.client.get(
        f"/api/v1/operations/{other_code}/containers/CSQU3054384",
        headers=cug.user_vn.headers,
    )

    assert response.status_code == 404
