"""The demo operation, loaded once into an emptied database and read over the API."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from stdnum import iso6346

from app.config import Settings
from app.db import create_engine
from app.demo import data
from app.demo.loader import load_demo, load_demo_blocking
from app.main import create_app
from app.models import Base, Message, Operation
from tests.conftest import _empty_tables, _with_state

CODE = data.OPERATION_CODE
OCU_USERNAMES = [m.username for m in data.MEMBERS if m.role == "ocu"]


async def _count_rows(settings: Settings) -> dict[str, int]:
    engine = create_engine(settings)
    counts = {}
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            statement = select(func.count()).select_from(table)
            counts[table.name] = (await connection.execute(statement)).scalar_one()
    await engine.dispose()
    return counts


def _stored_files(settings: Settings) -> list[Path]:
    return sorted(p for p in settings.attachments_dir.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
async def loaded(migrated: Settings) -> Settings:
    await _empty_tables(migrated)
    result = await load_demo(migrated)
    assert result.loaded
    return migrated


@pytest.fixture(scope="module")
async def client(loaded: Settings) -> AsyncIterator[httpx.AsyncClient]:
    application = create_app(loaded)
    async with application.router.lifespan_context(application) as state:
        application.state.lifespan_state = state
        transport = httpx.ASGITransport(app=_with_state(application))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test/api/v1"
        ) as c:
            yield c


async def _login(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await client.post(
        "/auth/token", data={"username": username, "password": data.DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _message_ids(settings: Settings) -> list[str]:
    """Return the ids of the demo's messages, oldest first."""
    engine = create_engine(settings)
    statement = (
        select(Message.id)
        .join(Operation, Operation.id == Message.operation_id)
        .where(Operation.code == CODE)
        .order_by(Message.created_at, Message.id)
    )
    async with engine.connect() as connection:
        ids = list((await connection.execute(statement)).scalars())
    await engine.dispose()
    return ids


@pytest.fixture(scope="module")
async def messages(loaded: Settings, client: httpx.AsyncClient) -> list[dict[str, Any]]:
    """The demo's messages as the first OCU member reads them, oldest first."""
    headers = await _login(client, OCU_USERNAMES[0])
    answers = []
    for message_id in await _message_ids(loaded):
        response = await client.get(
            f"/operations/{CODE}/messages/{message_id}", headers=headers
        )
        assert response.status_code == 200, response.text
        answers.append(response.json())
    return answers


async def test_second_load_changes_nothing(loaded: Settings) -> None:
    before = await _count_rows(loaded)
    files_before = _stored_files(loaded)

    result = await load_demo(loaded)

    assert result.loaded is False
    assert await _count_rows(loaded) == before
    assert _stored_files(loaded) == files_before


async def test_first_load_creates_everything(loaded: Settings) -> None:
    counts = await _count_rows(loaded)

    assert counts["users"] == len(data.MEMBERS) + 1
    assert counts["operations"] == 1
    assert counts["memberships"] == len(data.MEMBERS)
    assert counts["messages"] == len(data.MESSAGES)
    assert counts["attachments"] == len(data.FILES)


async def test_blocking_loader_reports_loaded(
    loaded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    await asyncio.to_thread(load_demo_blocking, loaded)

    output = capsys.readouterr().out
    assert f"'{CODE}' is already loaded" in output
    assert "nothing was changed" in output


async def test_ocu_sees_every_message(
    loaded: Settings, client: httpx.AsyncClient
) -> None:
    message_ids = await _message_ids(loaded)
    assert len(message_ids) == len(data.MESSAGES)

    for username in OCU_USERNAMES:
        headers = await _login(client, username)
        for message_id in message_ids:
            response = await client.get(
                f"/operations/{CODE}/messages/{message_id}", headers=headers
            )
            assert response.status_code == 200, (username, message_id)


async def test_user_misses_others_messages(
    client: httpx.AsyncClient, messages: list[dict[str, Any]]
) -> None:
    # The Lao NCP's reply to the forward goes to the Chinese NCP only, so a
    # Cambodian field officer may not read it.
    reply = next(m for m in messages if m["subject"] == "re: fwd: SEIZURE MESSAGE 7")
    headers = await _login(client, "kh-sophea")

    response = await client.get(
        f"/operations/{CODE}/messages/{reply['id']}", headers=headers
    )

    assert response.status_code == 404


async def test_messages_cover_every_type(messages: list[dict[str, Any]]) -> None:
    types = {message["type"] for message in messages}

    assert types == {"message", "warning", "feedback", "seizure"}


async def test_seizure_subjects_are_numbered(messages: list[dict[str, Any]]) -> None:
    subjects = [m["subject"] for m in messages if m["type"] == "seizure"]

    expected = [f"SEIZURE MESSAGE {n}" for n in range(1, len(subjects) + 1)]
    assert subjects == expected


async def test_replies_and_forwards_prefixed(messages: list[dict[str, Any]]) -> None:
    by_id = {message["id"]: message for message in messages}
    replies = [m for m in messages if m["in_reply_to"]]
    forwards = [m for m in messages if m["forward_of"]]

    assert replies
    assert forwards
    for reply in replies:
        original = by_id[reply["in_reply_to"]]
        assert reply["subject"] == "re: " + original["subject"]
    for forward in forwards:
        original = by_id[forward["forward_of"]]
        assert forward["subject"] == "fwd: " + original["subject"]


async def test_feedback_answers_warnings(messages: list[dict[str, Any]]) -> None:
    by_id = {message["id"]: message for message in messages}
    feedback = [m for m in messages if m["type"] == "feedback"]

    assert {m["fields"]["result"] for m in feedback} == {
        "positive",
        "negative",
        "not_controlled",
    }
    for message in feedback:
        assert by_id[message["fields"]["warning_id"]]["type"] == "warning"
        seizure_id = message["fields"].get("seizure_id")
        if seizure_id is not None:
            assert by_id[seizure_id]["type"] == "seizure"


async def test_container_numbers_are_valid(messages: list[dict[str, Any]]) -> None:
    numbers = [
        number
        for message in messages
        for number in (message["fields"] or {}).get("container_numbers", [])
    ]

    assert len(set(numbers)) == 5
    for number in numbers:
        assert iso6346.is_valid(number), number


async def test_seizure_dates_in_past(messages: list[dict[str, Any]]) -> None:
    seizures = [m for m in messages if m["type"] == "seizure"]
    sent_day = min(m["created_at"][:10] for m in messages)

    for message in seizures:
        assert message["fields"]["seizure_date"] < sent_day, message["subject"]


def _check_pdf(content: bytes) -> None:
    """Check that every object the cross-reference table lists is at its offset."""
    assert content.startswith(b"%PDF-1.")
    assert content.rstrip().endswith(b"%%EOF")
    xref_offset = int(re.findall(rb"startxref\s+(\d+)", content)[-1])
    assert content[xref_offset:].startswith(b"xref")

    lines = content[xref_offset:].split(b"\n")
    first, count = (int(part) for part in lines[1].split())
    entries = lines[2 : 2 + count]
    assert len(entries) == count
    for number, entry in enumerate(entries, start=first):
        offset, _, kind = entry.split()
        if kind == b"n":
            assert content[int(offset) :].startswith(f"{number} 0 obj".encode())


def _check_png(content: bytes) -> None:
    """Check the signature, every chunk's CRC and the size of the pixel data."""
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    position = 8
    chunks: list[tuple[bytes, bytes]] = []
    while position < len(content):
        (length,) = struct.unpack(">I", content[position : position + 4])
        kind = content[position + 4 : position + 8]
        chunk = content[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(
            ">I", content[position + 8 + length : position + 12 + length]
        )
        assert zlib.crc32(kind + chunk) == crc, kind
        chunks.append((kind, chunk))
        position += 12 + length

    assert chunks[0][0] == b"IHDR"
    assert chunks[-1][0] == b"IEND"
    width, height, depth, color_type = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (depth, color_type) == (8, 2)
    pixels = zlib.decompress(b"".join(c for k, c in chunks if k == b"IDAT"))
    assert len(pixels) == height * (1 + 3 * width)


def _check_csv(content: bytes) -> None:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert rows[0][0] == "container_number"
    for row in rows[1:]:
        assert iso6346.is_valid(row[0]), row[0]


def _render_pdf(content: bytes, folder: Path) -> None:
    """Render the PDF with poppler's pdftoppm where it is installed."""
    if shutil.which("pdftoppm") is None:
        return
    pdf_path = folder / "demo.pdf"
    pdf_path.write_bytes(content)
    completed = subprocess.run(
        ["pdftoppm", "-png", "-r", "20", str(pdf_path), str(folder / "page")],
        capture_output=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == b""
    assert (folder / "page-1.png").exists()


async def test_attachments_downloadable(
    client: httpx.AsyncClient, messages: list[dict[str, Any]], tmp_path: Path
) -> None:
    # A recipient of the mid-term summary, which carries the chart.
    headers = await _login(client, "vn-tuan")
    ocu_headers = await _login(client, OCU_USERNAMES[0])
    attachments = {a["id"]: a for m in messages for a in m["attachments"]}
    checks = {
        "application/pdf": _check_pdf,
        "image/png": _check_png,
        "text/csv; charset=utf-8": _check_csv,
    }

    assert {a["content_type"] for a in attachments.values()} == set(checks)
    for attachment in attachments.values():
        response = await client.get(
            f"/operations/{CODE}/attachments/{attachment['id']}", headers=ocu_headers
        )
        assert response.status_code == 200, attachment["filename"]
        assert response.headers["content-type"] == attachment["content_type"]
        assert hashlib.sha256(response.content).hexdigest() == attachment["sha256"]
        checks[attachment["content_type"]](response.content)
        if attachment["content_type"] == "application/pdf":
            _render_pdf(response.content, tmp_path)

    chart = next(a for a in attachments.values() if a["content_type"] == "image/png")
    response = await client.get(
        f"/operations/{CODE}/attachments/{chart['id']}", headers=headers
    )
    assert response.status_code == 200


async def test_attachment_names_kept(messages: list[dict[str, Any]]) -> None:
    names = {a["filename"] for m in messages for a in m["attachments"]}

    assert names == {demo_file.filename for demo_file in data.FILES.values()}
