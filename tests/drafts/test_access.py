import httpx

from tests.accounts.helpers import assert_problem, field_errors
from tests.conftest import Account
from tests.drafts.conftest import Team


def ready_draft(team: Team) -> dict[str, object]:
    return {
        "type": "message",
        "subject": "Ready",
        "body": "Ready to go.",
        "recipients": {"users": [team.recipient.id]},
    }


async def every_route(
    team: Team, draft_id: str, account: Account
) -> dict[str, httpx.Response]:
    url = team.draft_url(draft_id)
    return {
        "get": await team.get(draft_id, account),
        "patch": await team.patch(draft_id, {"subject": "taken"}, account),
        "send": await team.send(draft_id, account),
        "delete": await team.client.delete(url, headers=account.headers),
    }


async def test_other_member_404(team: Team) -> None:
    draft = await team.create(ready_draft(team))
    for route, response in (await every_route(team, draft["id"], team.other)).items():
        assert response.status_code == 404, route
    listed = await team.client.get(team.drafts_url, headers=team.other.headers)
    assert listed.json()["count"] == 0
    assert (await team.get(draft["id"])).json() == draft


async def test_ocu_404(team: Team) -> None:
    draft = await team.create(ready_draft(team))
    for route, response in (await every_route(team, draft["id"], team.ocu)).items():
        assert response.status_code == 404, route
    listed = await team.client.get(team.drafts_url, headers=team.ocu.headers)
    assert listed.json()["items"] == []
    assert (await team.get(draft["id"])).json() == draft


async def test_non_member_404(team: Team) -> None:
    draft = await team.create(ready_draft(team))
    for route, response in (
        await every_route(team, draft["id"], team.outsider)
    ).items():
        assert_problem(response, 404)
        assert draft["id"] not in response.text, route
    listed = await team.client.get(team.drafts_url, headers=team.outsider.headers)
    assert listed.status_code == 404
    created = await team.client.post(
        team.drafts_url, json={}, headers=team.outsider.headers
    )
    assert created.status_code == 404


async def test_admin_non_member_404(team: Team) -> None:
    draft = await team.create(ready_draft(team))
    admin = team.api.admin
    assert admin is not None
    for route, response in (await every_route(team, draft["id"], admin)).items():
        assert response.status_code == 404, route
    listed = await team.client.get(team.drafts_url, headers=admin.headers)
    assert listed.status_code == 404


async def test_other_operation_404(team: Team) -> None:
    draft = await team.create(ready_draft(team))
    second = await team.api.create_operation("second-op")
    await team.api.add_member(second, team.author)
    response = await team.client.get(
        f"/api/v1/operations/{second}/drafts/{draft['id']}",
        headers=team.author.headers,
    )
    assert response.status_code == 404


async def test_removed_author_404(team: Team) -> None:
    draft = await team.create(ready_draft(team))
    admin = team.api.admin
    assert admin is not None
    removed = await team.client.delete(
        f"/api/v1/operations/{team.code}/members/{team.author.id}",
        headers=admin.headers,
    )
    assert removed.status_code == 204
    assert (await team.get(draft["id"])).status_code == 404


async def test_closed_reads_work(team: Team) -> None:
    draft = await team.create(ready_draft(team))
    await team.set_status("closed")
    response = await team.get(draft["id"])
    assert response.status_code == 200
    assert response.json() == draft
    listed = await team.client.get(team.drafts_url, headers=team.author.headers)
    assert listed.status_code == 200
    assert listed.json()["count"] == 1


async def test_closed_writes_409(team: Team) -> None:
    draft = await team.create(ready_draft(team))
    await team.set_status("closed")
    created = await team.client.post(
        team.drafts_url, json={"subject": "late"}, headers=team.author.headers
    )
    assert_problem(created, 409)
    assert_problem(await team.patch(draft["id"], {"subject": "late"}), 409)
    assert_problem(await team.send(draft["id"]), 409)
    deleted = await team.client.delete(
        team.draft_url(draft["id"]), headers=team.author.headers
    )
    assert_problem(deleted, 409)
    assert (await team.get(draft["id"])).json() == draft
    listed = await team.client.get(team.drafts_url, headers=team.author.headers)
    assert listed.json()["count"] == 1


async def test_closed_invalid_is_422(team: Team) -> None:
    draft = await team.create({"subject": "incomplete"})
    await team.set_status("closed")
    patched = await team.patch(draft["id"], {"type": "memo"})
    assert list(field_errors(patched)) == ["type"]
    assert "type" in field_errors(await team.send(draft["id"]))
    created = await team.client.post(
        team.drafts_url, json={"body_format": "rtf"}, headers=team.author.headers
    )
    assert list(field_errors(created)) == ["body_format"]


async def test_closed_missing_is_404(team: Team) -> None:
    await team.set_status("closed")
    assert_problem(await team.patch("no-such-draft", {"type": "memo"}), 404)
    assert_problem(await team.send("no-such-draft"), 404)


async def test_missing_before_invalid(team: Team) -> None:
    assert_problem(await team.patch("no-such-draft", ["not", "an", "object"]), 404)


async def test_reopened_accepts_writes(team: Team) -> None:
    draft = await team.create(ready_draft(team))
    await team.set_status("closed")
    await team.set_status("active")
    response = await team.patch(draft["id"], {"subject": "again"})
    assert response.status_code == 200, response.text
    assert response.json()["subject"] == "again"
