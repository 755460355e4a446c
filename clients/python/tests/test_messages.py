"""Attachments, sending, reading, threads, receipts and the messages database."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from support import Team

from cencomm_client import ApiError, NewMessage, Recipients

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
THAI_NAME = "รายงาน การยึด.pdf"
CONTAINER = "CSQU3054383"


def seizure_fields(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "seizure_date": "2026-01-15",
        "country": "VN",
        "commodity": "wildlife",
        "description": "Pangolin scales in bags declared as cashew nuts",
        "species": "Manis javanica",
        "quantity": 120.5,
        "unit": "kg",
        "container_numbers": ["csqu 305438 3"],
        "transit_countries": ["TH", "LA"],
    }
    fields.update(overrides)
    return fields


async def test_upload_bytes_and_download(team: Team) -> None:
    client = team.alice.client
    uploaded = await client.upload_attachment(team.code, PDF_BYTES, THAI_NAME)
    downloaded = await client.download_attachment(team.code, uploaded.id)
    assert uploaded.filename == THAI_NAME
    assert uploaded.content_type == "application/pdf"
    assert uploaded.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert downloaded.content == PDF_BYTES
    assert downloaded.filename == THAI_NAME
    assert downloaded.content_type.startswith("application/pdf")


async def test_upload_path_download_to_dir(team: Team, tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("Container inspected at Cat Lai.\n", encoding="utf-8")
    target_dir = tmp_path / "downloads"
    target_dir.mkdir()
    client = team.alice.client
    uploaded = await client.upload_attachment(team.code, source)
    saved = await client.download_attachment_to(team.code, uploaded.id, target_dir)
    assert uploaded.filename == "notes.txt"
    assert saved.path == target_dir / "notes.txt"
    assert saved.path.read_bytes() == source.read_bytes()
    assert saved.size == source.stat().st_size


async def test_download_refuses_overwrite(team: Team, tmp_path: Path) -> None:
    client = team.alice.client
    uploaded = await client.upload_attachment(team.code, PDF_BYTES, "a.pdf")
    target = tmp_path / "a.pdf"
    target.write_bytes(b"keep")
    with pytest.raises(FileExistsError):
        await client.download_attachment_to(team.code, uploaded.id, target)
    assert target.read_bytes() == b"keep"
    await client.download_attachment_to(team.code, uploaded.id, target, overwrite=True)
    assert target.read_bytes() == PDF_BYTES


async def test_upload_disallowed_type(team: Team) -> None:
    with pytest.raises(ApiError) as raised:
        await team.alice.client.upload_attachment(
            team.code, b"MZ\x90\x00\x03" + bytes(200), "tool.exe"
        )
    assert raised.value.status == 415


async def test_resolve_recipients(team: Team) -> None:
    resolution = await team.alice.client.resolve_recipients(
        team.code, Recipients(roles=["ocu"], my_country=True)
    )
    ids = {user.id for user in resolution.users}
    assert resolution.count == len(resolution.users)
    assert ids == {team.ocu.id, team.ncp.id, team.bob.id}


async def test_send_and_read_seizure(team: Team) -> None:
    attachment = await team.alice.client.upload_attachment(
        team.code, PDF_BYTES, "report.pdf"
    )
    sent = await team.alice.client.send_message(
        team.code,
        NewMessage(
            type="seizure",
            subject="SEIZURE MESSAGE 17",
            body="Pangolin scales found in a container.",
            recipients=Recipients(roles=["ocu"]),
            attachment_ids=[attachment.id],
            fields=seizure_fields(),
        ),
    )
    read = await team.ocu.client.get_message(team.code, sent.id)
    assert sent.recipient_count == 1
    assert read.subject == "SEIZURE MESSAGE 17"
    assert read.fields is not None
    assert read.fields["container_numbers"] == [CONTAINER]
    assert read.sender.id == team.alice.id
    assert [a.id for a in read.attachments] == [attachment.id]


async def test_send_invalid_fields(team: Team) -> None:
    with pytest.raises(ApiError) as raised:
        await team.alice.client.send_message(
            team.code,
            NewMessage(
                type="seizure",
                subject="Bad",
                body="x",
                recipients=Recipients(roles=["ocu"]),
                fields=seizure_fields(quantity=-1, container_numbers=["CSQU3054384"]),
            ),
        )
    fields = {error.field for error in raised.value.errors}
    assert raised.value.status == 422
    assert "fields.quantity" in fields
    assert "fields.container_numbers[0]" in fields


async def test_send_to_nobody(team: Team) -> None:
    with pytest.raises(ApiError) as raised:
        await team.alice.client.send_message(
            team.code,
            NewMessage(type="message", subject="Hi", body="x", recipients=Recipients()),
        )
    assert [error.field for error in raised.value.errors] == ["recipients"]


async def test_thread_and_receipts(team: Team) -> None:
    alice, bob = team.alice.client, team.bob.client
    first = await alice.send_message(
        team.code,
        NewMessage(
            type="message",
            subject="Truck at Lao Bao",
            body="Please check.",
            recipients=Recipients(users=[team.bob.id]),
        ),
    )
    reply = await bob.send_message(
        team.code,
        NewMessage(
            body="Checked.",
            in_reply_to=first.id,
            recipients=Recipients(users=[team.alice.id]),
        ),
    )
    thread = [message.id async for message in alice.iter_thread(team.code, reply.id)]
    receipts = [receipt async for receipt in alice.iter_receipts(team.code, first.id)]
    assert reply.subject == "re: Truck at Lao Bao"
    assert reply.type == "message"
    assert thread == [first.id, reply.id]
    assert [receipt.user.id for receipt in receipts] == [team.bob.id]
    assert receipts[0].read_at is None


async def test_search_filters(team: Team) -> None:
    alice = team.alice.client
    seizure = await alice.send_message(
        team.code,
        NewMessage(
            type="seizure",
            subject="ยึดเกล็ดตัวลิ่น",
            body="Scales hidden under cashew nuts.",
            recipients=Recipients(roles=["ocu"]),
            fields=seizure_fields(),
        ),
    )
    await alice.send_message(
        team.code,
        NewMessage(
            type="message",
            subject="Weekly note",
            body="Nothing new.",
            recipients=Recipients(roles=["ocu"]),
        ),
    )

    ocu = team.ocu.client
    by_text = [m.id async for m in ocu.iter_messages(team.code, q="เกล็ด CASHEW")]
    by_type = [m.id async for m in ocu.iter_messages(team.code, type="seizure")]
    by_country = [m.id async for m in ocu.iter_messages(team.code, country="TH")]
    by_container = [
        m.id async for m in ocu.iter_messages(team.code, container=CONTAINER)
    ]
    by_dates = await ocu.search_messages(
        team.code, since=date(2000, 1, 1), until=date(2000, 1, 2)
    )

    assert by_text == [seizure.id]
    assert by_type == [seizure.id]
    assert by_country == []
    assert by_container == [seizure.id]
    assert by_dates.items == []


async def test_search_invalid_filter(team: Team) -> None:
    with pytest.raises(ApiError) as raised:
        await team.ocu.client.search_messages(team.code, since="yesterday")
    assert raised.value.status == 422
    assert [error.field for error in raised.value.errors] == ["since"]


async def test_container_lookup(team: Team) -> None:
    sent = await team.alice.client.send_message(
        team.code,
        NewMessage(
            type="seizure",
            subject="Container seizure",
            body="See fields.",
            recipients=Recipients(roles=["ocu"]),
            fields=seizure_fields(),
        ),
    )
    page = await team.ocu.client.lookup_container(team.code, "csqu 305438 3")
    ids = [m.id async for m in team.ocu.client.iter_container(team.code, CONTAINER)]
    assert page.container_number == CONTAINER
    assert [message.id for message in page.items] == [sent.id]
    assert ids == [sent.id]


async def test_container_bad_check_digit(team: Team) -> None:
    with pytest.raises(ApiError) as raised:
        await team.ocu.client.lookup_container(team.code, "CSQU3054384")
    assert raised.value.status == 422
    assert [error.field for error in raised.value.errors] == ["container_number"]


async def test_unknown_message_not_found(team: Team) -> None:
    with pytest.raises(ApiError) as raised:
        await team.alice.client.get_message(team.code, "no-such-message")
    assert raised.value.status == 404
    assert raised.value.detail
