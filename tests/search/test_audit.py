"""Every search leaves an audit event with its query."""

from __future__ import annotations

from tests.search.conftest import VALID_CONTAINER, Cug, audit_events, search, search_ok


async def test_message_search_recorded(cug: Cug) -> None:
    await search_ok(
        cug.client,
        cug.code,
        cug.user_vn,
        q=" Hải Phòng ",
        type_="warning",
        country="th",
        since="2025-03-01",
    )

    events = await audit_events(cug.app, "message.search")

    assert len(events) == 1
    assert events[0].actor_id == cug.user_vn.id
    assert events[0].target == {
        "q": "Hải Phòng",
        "type": "warning",
        "country": "TH",
        "since": "2025-03-01",
    }


async def test_browse_recorded(cug: Cug) -> None:
    await search_ok(cug.client, cug.code, cug.user_vn)

    events = await audit_events(cug.app, "message.search")

    assert [event.target for event in events] == [{}]


async def test_each_search_recorded(cug: Cug) -> None:
    await search_ok(cug.client, cug.code, cug.user_vn, q="ivory")
    await search_ok(cug.client, cug.code, cug.user_vn, q="tusks")

    events = await audit_events(cug.app, "message.search")

    assert [event.target["q"] for event in events] == ["ivory", "tusks"]


async def test_invalid_search_not_recorded(cug: Cug) -> None:
    response = await search(cug.client, cug.code, cug.user_vn, type_="memo")

    assert response.status_code == 422
    assert await audit_events(cug.app, "message.search") == []


async def test_container_search_recorded(cug: Cug) -> None:
    response = await cug.client.get(
        f"/api/v1/operations/{cug.code}/containers/csqu 305438 3",
        headers=cug.ncp_th.headers,
    )
    assert response.status_code == 200

    events = await audit_events(cug.app, "container.search")

    assert len(events) == 1
    assert events[0].actor_id == cug.ncp_th.id
    assert events[0].target == {"container_number": VALID_CONTAINER}
