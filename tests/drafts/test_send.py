import asyncio
from typing import Any

from tests.accounts.helpers import field_errors
from tests.conftest import Account
from tests.drafts.conftest import Team


def complete_draft(team: Team) -> dict[str, Any]:
    return {
        "type": "message",
        "subject": "Check container CSQU3054383",
        "body": "Please check it on arrival.",
        "recipients": {"users": [team.recipient.id]},
    }


async def mailbox(team: Team, account: Account, folder: str = "inbox") -> list[Any]:
    response = await team.client.get(
        f"/api/v1/operations/{team.code}/mailbox",
        params={"folder": folder},
        headers=account.headers,
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def draft_count(team: Team) -> int:
    response = await team.client.get(team.drafts_url, headers=team.author.headers)
    assert response.status_code == 200, response.text
    return int(response.json()["count"])


async def test_send_delivers(team: Team) -> None:
    draft = await team.create(complete_draft(team))
    response = await team.send(draft["id"])
    assert response.status_code == 201, response.text
    message = response.json()
    assert message["subject"] == "Check container CSQU3054383"
    assert message["body"] == "Please check it on arrival."
    assert message["type"] == "message"
    assert message["recipient_count"] == 1
    assert message["sender"]["id"] == team.author.id
    inbox = await mailbox(team, team.recipient)
    assert [item["message_id"] for item in inbox] == [message["id"]]
    sent = await mailbox(team, team.author, "sent")
    assert [item["message_id"] for item in sent] == [message["id"]]


async def test_send_removes_draft(team: Team) -> None:
    draft = await team.create(complete_draft(team))
    assert (await team.send(draft["id"])).status_code == 201
    assert (await team.get(draft["id"])).status_code == 404
    assert await draft_count(team) == 0
    assert (await team.send(draft["id"])).status_code == 404


async def test_send_message_readable(team: Team) -> None:
    draft = await team.create(complete_draft(team))
    message = (await team.send(draft["id"])).json()
    response = await team.client.get(
        f"/api/v1/operations/{team.code}/messages/{message['id']}",
        headers=team.recipient.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json() == message


async def test_incomplete_send_keeps_draft(team: Team) -> None:
    draft = await team.create({"subject": "Only a subject"})
    response = await team.send(draft["id"])
    assert "type" in field_errors(response)
    assert (await team.get(draft["id"])).json() == draft
    assert await mailbox(team, team.recipient) == []


async def test_missing_fields_on_send(team: Team) -> None:
    draft = await team.create(
        {
            "type": "seizure",
            "subject": "Seizure",
            "fields": {"country": "VN"},
            "recipients": {"users": [team.recipient.id]},
        }
    )
    errors = field_errors(await team.send(draft["id"]))
    assert "fields.seizure_date" in errors
    assert "fields.commodity" in errors
    assert "fields.country" not in errors
    assert (await team.get(draft["id"])).json() == draft


async def test_nobody_reached_keeps_draft(team: Team) -> None:
    body = complete_draft(team)
    body["recipients"] = {"countries": ["FR"]}
    draft = await team.create(body)
    response = await team.send(draft["id"])
    assert list(field_errors(response)) == ["recipients"]
    assert (await team.get(draft["id"])).json() == draft


async def test_no_recipients_keeps_draft(team: Team) -> None:
    body = complete_draft(team)
    del body["recipients"]
    draft = await team.create(body)
    response = await team.send(draft["id"])
    assert list(field_errors(response)) == ["recipients"]
    assert await draft_count(team) == 1


async def test_send_reply(team: Team) -> None:
    original = await team.client.post(
        f"/api/v1/operations/{team.code}/messages",
        json={
            "type": "message",
            "subject": "Arrival",
            "body": "The ship arrives on Monday.",
            "recipients": {"users": [team.author.id]},
        },
        headers=team.recipient.headers,
    )
    assert original.status_code == 201, original.text
    original_id = original.json()["id"]
    draft = await team.create(
        {
            "in_reply_to": original_id,
            "body": "Thanks.",
            "recipients": {"users": [team.recipient.id]},
        }
    )
    assert draft["in_reply_to"] == original_id
    response = await team.send(draft["id"])
    assert response.status_code == 201, response.text
    assert response.json()["subject"] == "re: Arrival"
    assert response.json()["in_reply_to"] == original_id


async def test_send_with_attachment(team: Team) -> None:
    upload = await team.client.post(
        f"/api/v1/operations/{team.code}/attachments",
        files={"file": ("manifest.txt", b"CSQU3054383\n", "text/plain")},
        headers=team.author.headers,
    )
    assert upload.status_code == 201, upload.text
    body = complete_draft(team)
    body["attachment_ids"] = [upload.json()["id"]]
    draft = await team.create(body)
    response = await team.send(draft["id"])
    assert response.status_code == 201, response.text
    attachments = response.json()["attachments"]
    assert [a["id"] for a in attachments] == [upload.json()["id"]]


async def test_concurrent_sends_once(team: Team) -> None:
    draft = await team.create(complete_draft(team))
    responses = await asyncio.gather(team.send(draft["id"]), team.send(draft["id"]))
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201, 404]
    assert len(await mailbox(team, team.recipient)) == 1
