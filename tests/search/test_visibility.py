"""Search finds only the messages the caller may see."""

from __future__ import annotations

from tests.search.conftest import Cug, found_ids, post, search


async def test_user_finds_own_messages(cug: Cug) -> None:
    sent = await post(cug, cug.user_vn, cug.user_vn2, body="ivory alpha")

    assert await found_ids(cug, cug.user_vn, q="alpha") == {sent}
    assert await found_ids(cug, cug.user_vn2, q="alpha") == {sent}


async def test_user_misses_others_messages(cug: Cug) -> None:
    await post(cug, cug.user_vn, cug.user_vn2, body="ivory alpha")

    assert await found_ids(cug, cug.user_th, q="alpha") == set()
    assert await found_ids(cug, cug.user_th) == set()


async def test_ncp_sees_own_country(cug: Cug) -> None:
    from_thailand = await post(cug, cug.user_th, cug.user_vn, body="ivory")
    to_thailand = await post(cug, cug.user_vn, cug.user_th, body="ivory")
    await post(cug, cug.user_vn, cug.user_vn2, body="ivory")

    assert await found_ids(cug, cug.ncp_th, q="ivory") == {from_thailand, to_thailand}


async def test_ncp_of_other_country(cug: Cug) -> None:
    vietnam_only = await post(cug, cug.user_vn, cug.user_vn2, body="ivory")
    await post(cug, cug.user_th, cug.user_kh, body="ivory")

    assert await found_ids(cug, cug.ncp_vn, q="ivory") == {vietnam_only}


async def test_ocu_sees_everything(cug: Cug) -> None:
    first = await post(cug, cug.user_vn, cug.user_vn2, body="ivory")
    second = await post(cug, cug.user_th, cug.user_kh, body="ivory")

    assert await found_ids(cug, cug.ocu, q="ivory") == {first, second}


async def test_other_operation_not_found(cug: Cug) -> None:
    await post(cug, cug.user_vn, cug.user_vn2, body="ivory")
    other_code = await cug.api.create_operation()
    await cug.api.add_member(other_code, cug.user_vn, role="ocu")

    page = await search(cug.client, other_code, cug.user_vn, q="ivory")

    assert page.status_code == 200
    assert page.json()["items"] == []


async def test_non_member_404(cug: Cug) -> None:
    other_code = await cug.api.create_operation()

    response = await search(cug.client, other_code, cug.user_vn, q="ivory")

    assert response.status_code == 404


async def test_non_member_404_before_422(cug: Cug) -> None:
    other_code = await cug.api.create_operation()

    response = await search(cug.client, other_code, cug.user_vn, type_="memo")

    assert response.status_code == 404


async def test_admin_non_member_404(cug: Cug) -> None:
    assert cug.api.admin is not None

    response = await search(cug.client, cug.code, cug.api.admin)

    assert response.status_code == 404


async def test_no_token_401(cug: Cug) -> None:
    response = await cug.client.get(f"/api/v1/operations/{cug.code}/messages")

    assert response.status_code == 401
