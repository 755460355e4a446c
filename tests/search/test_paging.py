"""Paging of search results, cursors, and the shape and cost of a page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event

from tests.search.conftest import (
    Cug,
    add_upload,
    context_of,
    field_errors,
    post,
    search,
    search_ok,
    set_created_at,
)


async def all_pages(cug: Cug, limit: int, **params: Any) -> list[str]:
    ids: list[str] = []
    page = await search_ok(cug.client, cug.code, cug.ocu, limit=limit, **params)
    ids += [item["id"] for item in page["items"]]
    while page["next_cursor"]:
        page = await search_ok(
            cug.client,
            cug.code,
            cug.ocu,
            limit=limit,
            cursor=page["next_cursor"],
            **params,
        )
        ids += [item["id"] for item in page["items"]]
    return ids


async def set_time(cug: Cug, message_id: str, day: int) -> None:
    await set_created_at(cug.app, message_id, datetime(2025, 3, day, tzinfo=UTC))


async def test_newest_first(cug: Cug) -> None:
    older = await post(cug, cug.user_vn, cug.ocu)
    newer = await post(cug, cug.user_vn, cug.ocu)
    await set_time(cug, older, 1)
    await set_time(cug, newer, 2)

    page = await search_ok(cug.client, cug.code, cug.ocu)

    assert [item["id"] for item in page["items"]] == [newer, older]


async def test_pages_cover_all(cug: Cug) -> None:
    sent = [await post(cug, cug.user_vn, cug.ocu, body=f"ivory {n}") for n in range(5)]

    ids = await all_pages(cug, 2, q="ivory")

    assert sorted(ids) == sorted(sent)
    assert len(ids) == len(set(ids))


async def test_stable_while_messages_arrive(cug: Cug) -> None:
    sent = [await post(cug, cug.user_vn, cug.ocu, body=f"ivory {n}") for n in range(5)]
    first = await search_ok(cug.client, cug.code, cug.ocu, limit=2, q="ivory")
    arrived = [
        await post(cug, cug.user_th, cug.ocu, body="ivory new") for _ in range(3)
    ]

    ids = [item["id"] for item in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = await search_ok(
            cug.client, cug.code, cug.ocu, limit=2, q="ivory", cursor=cursor
        )
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]

    assert ids == list(reversed(sent))
    assert not set(arrived) & set(ids)


async def test_same_time_ordered_by_id(cug: Cug) -> None:
    sent = [await post(cug, cug.user_vn, cug.ocu) for _ in range(4)]
    for message_id in sent:
        await set_time(cug, message_id, 5)

    ids = await all_pages(cug, 3)

    assert ids == sorted(sent, reverse=True)


async def test_no_cursor_after_last(cug: Cug) -> None:
    for _ in range(2):
        await post(cug, cug.user_vn, cug.ocu)

    page = await search_ok(cug.client, cug.code, cug.ocu, limit=2)

    assert len(page["items"]) == 2
    assert page["next_cursor"] is None


async def test_cursor_is_url_safe(cug: Cug) -> None:
    for _ in range(2):
        await post(cug, cug.user_vn, cug.ocu, body="ivory")

    page = await search_ok(cug.client, cug.code, cug.ocu, limit=1, q="ivory")

    assert page["next_cursor"]
    assert all(c.isalnum() or c in "-_" for c in page["next_cursor"])


async def test_cursor_of_other_query(cug: Cug) -> None:
    for _ in range(2):
        await post(cug, cug.user_vn, cug.ocu, body="ivory tusks")
    page = await search_ok(cug.client, cug.code, cug.ocu, limit=1, q="ivory")

    response = await search(
        cug.client, cug.code, cug.ocu, limit=1, q="tusks", cursor=page["next_cursor"]
    )

    assert response.status_code == 422
    assert "cursor" in field_errors(response)


async def test_cursor_of_other_filter(cug: Cug) -> None:
    for _ in range(2):
        await post(cug, cug.user_vn, cug.ocu)
    page = await search_ok(cug.client, cug.code, cug.ocu, limit=1)

    response = await search(
        cug.client, cug.code, cug.ocu, limit=1, country="VN", cursor=page["next_cursor"]
    )

    assert response.status_code == 422


async def test_cursor_of_other_user(cug: Cug) -> None:
    for _ in range(2):
        await post(cug, cug.user_vn, cug.ocu)
    page = await search_ok(cug.client, cug.code, cug.ocu, limit=1)

    response = await search(
        cug.client, cug.code, cug.user_vn, limit=1, cursor=page["next_cursor"]
    )

    assert response.status_code == 422


async def test_cursor_of_equal_folded_query(cug: Cug) -> None:
    for _ in range(2):
        await post(cug, cug.user_vn, cug.ocu, body="Hải Phòng")
    page = await search_ok(cug.client, cug.code, cug.ocu, limit=1, q="Hải")

    response = await search(
        cug.client, cug.code, cug.ocu, limit=1, q="HAI", cursor=page["next_cursor"]
    )

    assert response.status_code == 200


async def test_garbage_cursor(cug: Cug) -> None:
    response = await search(cug.client, cug.code, cug.ocu, cursor="not-a-cursor")

    assert response.status_code == 422
    assert "cursor" in field_errors(response)


async def test_item_is_full_message(cug: Cug) -> None:
    upload = await add_upload(cug.app, cug.code, cug.user_vn, "ảnh.pdf")
    message_id = await post(
        cug, cug.user_vn, cug.ocu, body="ivory", attachment_ids=[upload]
    )
    read = await cug.client.get(
        f"/api/v1/operations/{cug.code}/messages/{message_id}",
        headers=cug.ocu.headers,
    )

    page = await search_ok(cug.client, cug.code, cug.ocu, q="ivory")

    assert page["items"] == [read.json()]


async def test_attachments_in_order(cug: Cug) -> None:
    names = ["b.pdf", "a.pdf", "c.pdf"]
    uploads = [await add_upload(cug.app, cug.code, cug.user_vn, n) for n in names]
    await post(cug, cug.user_vn, cug.ocu, attachment_ids=uploads)
    await post(cug, cug.user_vn, cug.ocu)

    page = await search_ok(cug.client, cug.code, cug.ocu)
    attachments = {item["id"]: item["attachments"] for item in page["items"]}

    assert sorted(len(a) for a in attachments.values()) == [0, 3]
    with_files = next(a for a in attachments.values() if a)
    assert [a["filename"] for a in with_files] == names


@contextmanager
def counted_statements(app: Any) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = context_of(app).engine.sync_engine

    def before_execute(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", before_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_execute)


async def test_page_query_count_fixed(cug: Cug) -> None:
    for n in range(6):
        upload = await add_upload(cug.app, cug.code, cug.user_vn, f"{n}.pdf")
        await post(cug, cug.user_vn, cug.ocu, body="ivory", attachment_ids=[upload])

    with counted_statements(cug.app) as small:
        await search_ok(cug.client, cug.code, cug.ocu, limit=2, q="ivory")
    with counted_statements(cug.app) as large:
        await search_ok(cug.client, cug.code, cug.ocu, limit=6, q="ivory")

    assert len(small) == len(large)
    assert sum("attachments" in s for s in large) == 1
