"""`GET /operations/{code}/attachments/{id}`: headers, bytes and who may download."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.models import AuditEvent
from tests.attachments import samples
from tests.conftest import Account, Api

PDF = "application/pdf"


@dataclass
class Group:
    """An operation and one member in each position that the download checks use."""

    code: str
    sender: Account
    recipient: Account
    ocu: Account
    ncp: Account
    bystander: Account
    outsider: Account


@pytest.fixture
async def group(api: Api) -> Group:
    code = await api.create_operation()
    sender = await api.create_user(country="TH")
    recipient = await api.create_user(country="VN")
    ocu = await api.create_user(country="BE")
    ncp = await api.create_user(country="TH")
    bystander = await api.create_user(country="KH")
    outsider = await api.create_user(country="VN")
    await api.add_member(code, sender)
    await api.add_member(code, recipient)
    await api.add_member(code, ocu, role="ocu")
    await api.add_member(code, ncp, role="ncp")
    await api.add_member(code, bystander)
    return Group(code, sender, recipient, ocu, ncp, bystander, outsider)


async def upload(
    client: httpx.AsyncClient,
    code: str,
    account: Account,
    content: bytes,
    filename: str = "report.pdf",
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/operations/{code}/attachments",
        headers=account.headers,
        files={"file": (filename, content, "application/octet-stream")},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def send(
    client: httpx.AsyncClient,
    code: str,
    sender: Account,
    recipients: list[Account],
    **extra: Any,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "body": "See the attached statement.",
        "recipients": {"users": [r.id for r in recipients]},
        **extra,
    }
    if "forward_of" not in extra:
        payload |= {"type": "message", "subject": "Container MSCU1234565"}
    response = await client.post(
        f"/api/v1/operations/{code}/messages", headers=sender.headers, json=payload
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def download(
    client: httpx.AsyncClient, code: str, account: Account, attachment_id: str
) -> httpx.Response:
    return await client.get(
        f"/api/v1/operations/{code}/attachments/{attachment_id}",
        headers=account.headers,
    )


async def test_download_returns_same_bytes(
    client: httpx.AsyncClient, group: Group
) -> None:
    content = samples.pdf()
    attachment = await upload(client, group.code, group.sender, content)

    response = await download(client, group.code, group.sender, attachment["id"])

    assert response.status_code == 200, response.text
    assert response.content == content
    assert response.headers["content-type"] == PDF
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-length"] == str(len(content))
    assert response.headers["cache-control"] == "private, no-store"


async def test_download_type_is_detected(
    client: httpx.AsyncClient, group: Group
) -> None:
    attachment = await upload(client, group.code, group.sender, samples.png(), "a.pdf")

    response = await download(client, group.code, group.sender, attachment["id"])

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"


async def test_download_text_names_charset(
    client: httpx.AsyncClient, group: Group
) -> None:
    content = "ยึดเกล็ดตัวนิ่ม 120 กก.\n".encode()
    attachment = await upload(client, group.code, group.sender, content, "note.txt")

    response = await download(client, group.code, group.sender, attachment["id"])

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.content == content


DISPOSITIONS = [
    ("report.pdf", 'attachment; filename="report.pdf"'),
    (
        "Biên bản thu giữ.pdf",
        'attachment; filename="Bien ban thu giu.pdf"; '
        "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20thu%20gi%E1%BB%AF.pdf",
    ),
    (
        "รายงาน.pdf",
        'attachment; filename="______.pdf"; '
        "filename*=UTF-8''%E0%B8%A3%E0%B8%B2%E0%B8%A2%E0%B8%87%E0%B8%B2%E0%B8%99.pdf",
    ),
    (
        "查获 报告.pdf",
        'attachment; filename="__ __.pdf"; '
        "filename*=UTF-8''%E6%9F%A5%E8%8E%B7%20%E6%8A%A5%E5%91%8A.pdf",
    ),
    (
        'say "hi" 100%.pdf',
        'attachment; filename="say \\"hi\\" 100%.pdf"; '
        "filename*=UTF-8''say%20%22hi%22%20100%25.pdf",
    ),
]


async def test_download_content_disposition(
    client: httpx.AsyncClient, group: Group
) -> None:
    for filename, expected in DISPOSITIONS:
        attachment = await upload(
            client, group.code, group.sender, samples.pdf(), filename
        )

        response = await download(client, group.code, group.sender, attachment["id"])

        assert response.status_code == 200, (filename, response.text)
        disposition = response.headers["content-disposition"]
        assert disposition == expected, filename
        assert disposition.isascii(), filename


async def test_uploader_downloads_unsent(
    client: httpx.AsyncClient, group: Group
) -> None:
    attachment = await upload(client, group.code, group.sender, samples.pdf())

    own = await download(client, group.code, group.sender, attachment["id"])
    other = await download(client, group.code, group.recipient, attachment["id"])
    ocu = await download(client, group.code, group.ocu, attachment["id"])

    assert own.status_code == 200
    assert other.status_code == 404
    assert ocu.status_code == 404


async def test_download_after_send(client: httpx.AsyncClient, group: Group) -> None:
    attachment = await upload(client, group.code, group.sender, samples.pdf())
    await send(
        client,
        group.code,
        group.sender,
        [group.recipient],
        attachment_ids=[attachment["id"]],
    )

    allowed = {
        "sender": group.sender,
        "recipient": group.recipient,
        "ocu": group.ocu,
        "ncp of the sender's country": group.ncp,
    }
    for case, account in allowed.items():
        response = await download(client, group.code, account, attachment["id"])
        assert response.status_code == 200, case
        assert response.content == samples.pdf(), case

    denied = {"bystander": group.bystander, "outsider": group.outsider}
    for case, account in denied.items():
        response = await download(client, group.code, account, attachment["id"])
        assert response.status_code == 404, case
        assert response.headers["content-type"] == "application/problem+json", case


async def test_download_unknown_id_404(client: httpx.AsyncClient, group: Group) -> None:
    response = await download(client, group.code, group.ocu, "no-such-attachment")

    assert response.status_code == 404
    assert "no-such-attachment" in response.json()["detail"]


async def test_download_other_operation_404(
    api: Api, client: httpx.AsyncClient, group: Group
) -> None:
    other_code = await api.create_operation()
    await api.add_member(other_code, group.sender)
    attachment = await upload(client, group.code, group.sender, samples.pdf())

    response = await download(client, other_code, group.sender, attachment["id"])

    assert response.status_code == 404


async def test_download_removed_member_404(
    api: Api, client: httpx.AsyncClient, group: Group
) -> None:
    assert api.admin is not None
    attachment = await upload(client, group.code, group.sender, samples.pdf())
    await send(
        client,
        group.code,
        group.sender,
        [group.recipient],
        attachment_ids=[attachment["id"]],
    )
    removed = await client.delete(
        f"/api/v1/operations/{group.code}/members/{group.recipient.id}",
        headers=api.admin.headers,
    )
    assert removed.status_code == 204, removed.text

    response = await download(client, group.code, group.recipient, attachment["id"])

    assert response.status_code == 404


async def test_forward_grants_attachments_only(
    client: httpx.AsyncClient, group: Group
) -> None:
    attachment = await upload(client, group.code, group.sender, samples.pdf())
    original = await send(
        client,
        group.code,
        group.sender,
        [group.recipient],
        attachment_ids=[attachment["id"]],
    )
    forward = await send(
        client,
        group.code,
        group.recipient,
        [group.bystander],
        forward_of=original["id"],
    )
    messages = f"/api/v1/operations/{group.code}/messages"

    carried = [a["id"] for a in forward["attachments"]]
    got_file = await download(client, group.code, group.bystander, attachment["id"])
    got_forward = await client.get(
        f"{messages}/{forward['id']}", headers=group.bystander.headers
    )
    got_original = await client.get(
        f"{messages}/{original['id']}", headers=group.bystander.headers
    )
    outsider_file = await download(client, group.code, group.outsider, attachment["id"])

    assert carried == [attachment["id"]]
    assert got_file.status_code == 200
    assert got_file.content == samples.pdf()
    assert got_forward.status_code == 200
    assert got_original.status_code == 404
    assert outsider_file.status_code == 404


async def test_forward_keeps_others_out(
    api: Api, client: httpx.AsyncClient, group: Group
) -> None:
    third = await api.create_user(country="LA")
    await api.add_member(group.code, third)
    attachment = await upload(client, group.code, group.sender, samples.pdf())
    original = await send(
        client,
        group.code,
        group.sender,
        [group.recipient],
        attachment_ids=[attachment["id"]],
    )
    await send(
        client,
        group.code,
        group.recipient,
        [group.bystander],
        forward_of=original["id"],
    )

    response = await download(client, group.code, third, attachment["id"])

    assert response.status_code == 404


async def test_download_writes_audit_row(
    app: Any, client: httpx.AsyncClient, group: Group
) -> None:
    attachment = await upload(client, group.code, group.sender, samples.pdf())
    await send(
        client,
        group.code,
        group.sender,
        [group.recipient],
        attachment_ids=[attachment["id"]],
    )

    response = await download(client, group.code, group.recipient, attachment["id"])
    denied = await download(client, group.code, group.bystander, attachment["id"])

    assert response.status_code == 200
    assert denied.status_code == 404
    sessionmaker = app.state.lifespan_state["context"].sessionmaker
    async with sessionmaker() as session:
        statement = select(AuditEvent).where(AuditEvent.action == "attachment.download")
        events = list(await session.scalars(statement))
    assert len(events) == 1
    event = events[0]
    assert event.actor_id == group.recipient.id
    assert event.target["attachment_id"] == attachment["id"]
    assert event.target["filename"] == "report.pdf"
