"""The audit list: every read path recorded, and only the OCU and admins read it."""

from typing import Any

from tests.conftest import Account, Api


async def _operation(api: Api) -> tuple[str, dict[str, Account]]:
    code = await api.create_operation("op-audit")
    people = {
        "ocu": await api.create_user("ocu", country="TH"),
        "ncp": await api.create_user("ncp", country="VN"),
        "sender": await api.create_user("sender", country="VN"),
        "recipient": await api.create_user("recipient", country="KH"),
        "forwardee": await api.create_user("forwardee", country="LA"),
    }
    roles = {"ocu": "ocu", "ncp": "ncp"}
    for name, account in people.items():
        await api.add_member(code, account, roles.get(name, "user"))
    return code, people


async def _send(api: Api, code: str, sender: Account, **body: Any) -> str:
    response = await api.client.post(
        f"/api/v1/operations/{code}/messages",
        headers=sender.headers,
        json={"type": "message", "body": "text", **body},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _audit(api: Api, code: str, caller: Account, **params: Any) -> Any:
    return await api.client.get(
        f"/api/v1/operations/{code}/audit", headers=caller.headers, params=params
    )


async def test_read_paths_recorded(api: Api) -> None:
    code, people = await _operation(api)
    original = await _send(
        api,
        code,
        people["sender"],
        subject="Original",
        recipients={"users": [people["recipient"].id]},
    )
    forward = await _send(
        api,
        code,
        people["recipient"],
        forward_of=original,
        recipients={"users": [people["forwardee"].id]},
    )
    base = f"/api/v1/operations/{code}/messages"
    recipient, forwardee = people["recipient"].headers, people["forwardee"].headers
    assert (await api.client.get(f"{base}/{original}", headers=recipient)).is_success
    thread = await api.client.get(f"{base}/{original}/thread", headers=recipient)
    assert thread.is_success
    assert (await api.client.get(f"{base}/{forward}", headers=forwardee)).is_success

    response = await _audit(api, code, people["ocu"], action="message.read", limit=200)

    assert response.status_code == 200
    reads = {
        (e["actor"]["id"], e["target"]["message_id"], e["target"]["via"])
        for e in response.json()["items"]
    }
    assert (people["recipient"].id, original, "message") in reads
    assert (people["recipient"].id, original, "thread") in reads
    assert (people["forwardee"].id, forward, "message") in reads
    assert (people["forwardee"].id, original, "forward") in reads


async def test_send_and_member_changes_listed(api: Api) -> None:
    code, people = await _operation(api)
    await _send(
        api,
        code,
        people["sender"],
        subject="Hello",
        recipients={"users": [people["recipient"].id]},
    )

    response = await _audit(api, code, people["ocu"], limit=200)

    assert response.status_code == 200
    actions = [e["action"] for e in response.json()["items"]]
    assert actions[0] == "message.send"
    assert actions.count("member.add") == 5


async def test_newest_first_and_paged(api: Api) -> None:
    code, people = await _operation(api)
    for number in range(3):
        await _send(
            api,
            code,
            people["sender"],
            subject=f"Message {number}",
            recipients={"users": [people["recipient"].id]},
        )

    first = await _audit(api, code, people["ocu"], limit=2)
    assert first.status_code == 200
    second = await _audit(
        api, code, people["ocu"], limit=200, cursor=first.json()["next_cursor"]
    )
    everything = await _audit(api, code, people["ocu"], limit=200)

    paged = first.json()["items"] + second.json()["items"]
    assert paged == everything.json()["items"]
    assert second.json()["next_cursor"] is None
    times = [e["at"] for e in everything.json()["items"]]
    assert times == sorted(times, reverse=True)


async def test_only_ocu_and_admin_read_it(api: Api) -> None:
    code, people = await _operation(api)
    outsider = await api.create_user("outsider", country="CN")
    assert api.admin is not None

    assert (await _audit(api, code, people["ncp"])).status_code == 403
    assert (await _audit(api, code, people["sender"])).status_code == 403
    assert (await _audit(api, code, outsider)).status_code == 404
    assert (await _audit(api, code, api.admin)).status_code == 200


async def test_unknown_action_rejected(api: Api) -> None:
    code, people = await _operation(api)

    response = await _audit(api, code, people["ocu"], action="message.delete")

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["action"]
