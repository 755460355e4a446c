from typing import Any

import httpx

from tests.accounts.helpers import field_errors
from tests.drafts.conftest import Team


async def list_page(team: Team, **params: Any) -> httpx.Response:
    return await team.client.get(
        team.drafts_url, params=params, headers=team.author.headers
    )


async def all_ids(team: Team, limit: int) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        page = (await list_page(team, **params)).json()
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


async def test_list_empty(team: Team) -> None:
    response = await list_page(team)
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None, "count": 0}


async def test_list_count(team: Team) -> None:
    for n in range(3):
        await team.create({"subject": f"d{n}"})
    await team.create({"subject": "not mine"}, team.other)
    page = (await list_page(team)).json()
    assert page["count"] == 3
    assert len(page["items"]) == 3
    assert page["next_cursor"] is None


async def test_newest_change_first(team: Team) -> None:
    first = await team.create({"subject": "first"})
    second = await team.create({"subject": "second"})
    third = await team.create({"subject": "third"})
    page = (await list_page(team)).json()
    assert [item["id"] for item in page["items"]] == [
        third["id"],
        second["id"],
        first["id"],
    ]
    assert (await team.patch(first["id"], {"body": "edited"})).status_code == 200
    page = (await list_page(team)).json()
    assert [item["id"] for item in page["items"]] == [
        first["id"],
        third["id"],
        second["id"],
    ]
    assert page["items"][0]["body"] == "edited"


async def test_paging(team: Team) -> None:
    created = [(await team.create({"subject": f"d{n}"}))["id"] for n in range(5)]
    first = (await list_page(team, limit=2)).json()
    assert len(first["items"]) == 2
    assert first["count"] == 5
    assert first["next_cursor"] is not None
    second = (await list_page(team, limit=2, cursor=first["next_cursor"])).json()
    assert len(second["items"]) == 2
    assert second["count"] == 5
    third = (await list_page(team, limit=2, cursor=second["next_cursor"])).json()
    assert len(third["items"]) == 1
    assert third["next_cursor"] is None
    ids = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert ids == list(reversed(created))


async def test_exact_page_has_no_cursor(team: Team) -> None:
    for n in range(2):
        await team.create({"subject": f"d{n}"})
    page = (await list_page(team, limit=2)).json()
    assert len(page["items"]) == 2
    assert page["next_cursor"] is None


async def test_new_draft_between_pages(team: Team) -> None:
    created = [(await team.create({"subject": f"d{n}"}))["id"] for n in range(4)]
    first = (await list_page(team, limit=2)).json()
    await team.create({"subject": "new"})
    rest = (await list_page(team, limit=2, cursor=first["next_cursor"])).json()
    ids = [item["id"] for item in first["items"] + rest["items"]]
    assert ids == list(reversed(created))
    assert rest["next_cursor"] is None


async def test_all_pages_cover_list(team: Team) -> None:
    created = {(await team.create({"subject": f"d{n}"}))["id"] for n in range(7)}
    ids = await all_ids(team, limit=3)
    assert len(ids) == 7
    assert set(ids) == created


async def test_cursor_of_other_list(team: Team) -> None:
    for n in range(2):
        await team.create({"subject": f"d{n}"}, team.other)
    cursor = (
        await team.client.get(
            team.drafts_url, params={"limit": 1}, headers=team.other.headers
        )
    ).json()["next_cursor"]
    assert cursor is not None
    response = await list_page(team, cursor=cursor)
    assert list(field_errors(response)) == ["cursor"]


async def test_cursor_of_mailbox(team: Team) -> None:
    response = await list_page(team, cursor="bm90LWEtY3Vyc29yLWF0LWFsbA")
    assert list(field_errors(response)) == ["cursor"]


async def test_limit_out_of_range(team: Team) -> None:
    for limit in (0, 201):
        response = await list_page(team, limit=limit)
        assert list(field_errors(response)) == ["limit"], limit
