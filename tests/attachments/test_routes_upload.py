"""`POST /operations/{code}/attachments`: detected types, rejections and names."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import httpx
import pytest

from app.config import Settings
from tests.attachments import samples
from tests.conftest import Account, Api

BOUNDARY = "cencomm-test-boundary-7f3a"
PDF = "application/pdf"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain; charset=utf-8"
CSV = "text/csv; charset=utf-8"


@dataclass
class Member:
    code: str
    account: Account


@pytest.fixture
async def member(api: Api) -> Member:
    code = await api.create_operation()
    account = await api.create_user(country="TH")
    await api.add_member(code, account)
    return Member(code, account)


def url(code: str) -> str:
    return f"/api/v1/operations/{code}/attachments"


async def upload(
    client: httpx.AsyncClient,
    member: Member,
    content: bytes,
    *,
    filename: str = "upload.bin",
    content_type: str = "application/octet-stream",
) -> httpx.Response:
    return await client.post(
        url(member.code),
        headers=member.account.headers,
        files={"file": (filename, content, content_type)},
    )


def multipart_body(filename: bytes, content: bytes, field: bytes = b"file") -> bytes:
    """Build a multipart body by hand, so the name's bytes reach the server as is.

    httpx percent-encodes control characters in file names, as browsers do, so
    it cannot send the raw bytes that a hostile client can.
    """
    return (
        b"--" + BOUNDARY.encode() + b"\r\n"
        b'Content-Disposition: form-data; name="' + field + b'"; '
        b'filename="' + filename + b'"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
        + content
        + b"\r\n--"
        + BOUNDARY.encode()
        + b"--\r\n"
    )


async def upload_raw(
    client: httpx.AsyncClient, member: Member, body: bytes
) -> httpx.Response:
    headers = {
        **member.account.headers,
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
    }
    return await client.post(url(member.code), headers=headers, content=body)


def error_fields(response: httpx.Response) -> list[str]:
    return [error["field"] for error in response.json().get("errors", [])]


THAI_TEXT = "รายงานการยึดของกลาง: เกล็ดตัวนิ่ม 120 กก. ที่ท่าเรือแหลมฉบัง\n".encode()
CSV_TEXT = b"container,seal,weight\nMSCU1234565,A1,120\nTGHU7654328,B2,98\n"

ALLOWED = [
    pytest.param(samples.pdf(), "report.pdf", PDF, id="pdf"),
    pytest.param(samples.png(), "photo.png", PNG, id="png"),
    pytest.param(samples.ooxml("docx"), "statement.docx", DOCX, id="docx"),
    pytest.param(CSV_TEXT, "containers.csv", CSV, id="csv"),
    pytest.param(THAI_TEXT, "รายงาน.txt", TEXT, id="thai-text"),
]


@pytest.mark.parametrize(("content", "filename", "expected_type"), ALLOWED)
async def test_upload_allowed_kind(
    client: httpx.AsyncClient,
    member: Member,
    content: bytes,
    filename: str,
    expected_type: str,
) -> None:
    response = await upload(client, member, content, filename=filename)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"]
    assert body["filename"] == filename
    assert body["size"] == len(content)
    assert body["content_type"] == expected_type
    assert body["sha256"] == hashlib.sha256(content).hexdigest()


async def test_upload_ignores_claimed_type(
    client: httpx.AsyncClient, member: Member
) -> None:
    response = await upload(
        client, member, samples.png(), filename="scan.pdf", content_type=PDF
    )

    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == PNG


async def test_upload_ids_differ(client: httpx.AsyncClient, member: Member) -> None:
    first = await upload(client, member, samples.pdf(), filename="a.pdf")
    second = await upload(client, member, samples.pdf(), filename="b.pdf")

    assert first.status_code == 201
    assert second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert first.json()["sha256"] == second.json()["sha256"]


REJECTED = [
    pytest.param(
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "page.html",
        id="html",
    ),
    pytest.param(
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        "image.svg",
        id="svg",
    ),
    pytest.param(samples.elf(), "tool.pdf", id="elf"),
    pytest.param(
        samples.zip_archive([("notes.txt", b"plain text inside")]),
        "bundle.zip",
        id="zip",
    ),
]


@pytest.mark.parametrize(("content", "filename"), REJECTED)
async def test_upload_rejects_type(
    client: httpx.AsyncClient, member: Member, content: bytes, filename: str
) -> None:
    response = await upload(
        client, member, content, filename=filename, content_type=PDF
    )

    assert response.status_code == 415, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "not of an allowed type" in response.json()["detail"]


async def test_upload_rejects_empty_file(
    client: httpx.AsyncClient, member: Member
) -> None:
    response = await upload(client, member, b"", filename="empty.pdf")

    assert response.status_code == 422, response.text
    assert error_fields(response) == ["file"]
    assert "empty" in response.json()["errors"][0]["message"]


async def test_upload_needs_file_part(
    client: httpx.AsyncClient, member: Member
) -> None:
    body = multipart_body(b"report.pdf", samples.pdf(), field=b"document")

    response = await upload_raw(client, member, body)

    assert response.status_code == 422, response.text
    assert error_fields(response) == ["file"]
    assert "missing" in response.json()["errors"][0]["message"]


async def test_upload_needs_multipart(
    client: httpx.AsyncClient, member: Member
) -> None:
    response = await client.post(
        url(member.code),
        headers={**member.account.headers, "Content-Type": "application/pdf"},
        content=samples.pdf(),
    )

    assert response.status_code == 422, response.text
    assert error_fields(response) == ["file"]
    assert "multipart/form-data" in response.json()["errors"][0]["message"]


async def test_upload_needs_boundary(client: httpx.AsyncClient, member: Member) -> None:
    response = await client.post(
        url(member.code),
        headers={**member.account.headers, "Content-Type": "multipart/form-data"},
        content=samples.pdf(),
    )

    assert response.status_code == 422, response.text
    assert error_fields(response) == ["file"]


def file_part_head() -> bytes:
    return (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="cut.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()


TRUNCATED = [
    pytest.param(file_part_head() + samples.pdf(), id="no-delimiter"),
    pytest.param(
        file_part_head() + samples.pdf() + b"\r\n--" + BOUNDARY.encode()[:5],
        id="cut-delimiter",
    ),
]


@pytest.mark.parametrize("body", TRUNCATED)
async def test_upload_rejects_truncated_body(
    client: httpx.AsyncClient, settings: Settings, member: Member, body: bytes
) -> None:
    response = await upload_raw(client, member, body)

    assert response.status_code == 422, response.text
    assert error_fields(response) == ["file"]
    assert "incomplete" in response.json()["errors"][0]["message"]
    assert not list((settings.attachments_dir / "tmp").glob("*"))


async def test_upload_rejects_malformed_body(
    client: httpx.AsyncClient, member: Member
) -> None:
    response = await upload_raw(client, member, b"not a multipart body at all")

    assert response.status_code == 422, response.text
    assert error_fields(response) == ["file"]
    assert "malformed" in response.json()["errors"][0]["message"]


async def test_upload_rejects_long_boundary(
    client: httpx.AsyncClient, member: Member
) -> None:
    boundary = "b" * 300
    headers = {
        **member.account.headers,
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    body = f"--{boundary}\r\n".encode() + file_part_head()

    response = await client.post(url(member.code), headers=headers, content=body)

    assert response.status_code == 422, response.text
    assert error_fields(response) == ["file"]


async def test_upload_non_member_404(api: Api, member: Member) -> None:
    outsider = await api.create_user(country="VN")

    response = await api.client.post(
        url(member.code),
        headers=outsider.headers,
        files={"file": ("report.pdf", samples.pdf(), PDF)},
    )

    assert response.status_code == 404, response.text


async def test_upload_needs_token(client: httpx.AsyncClient, member: Member) -> None:
    response = await client.post(
        url(member.code), files={"file": ("report.pdf", samples.pdf(), PDF)}
    )

    assert response.status_code == 401, response.text


async def test_upload_closed_operation_409(api: Api, member: Member) -> None:
    assert api.admin is not None
    closed = await api.client.patch(
        f"/api/v1/operations/{member.code}",
        headers=api.admin.headers,
        json={"status": "closed"},
    )
    assert closed.status_code == 200, closed.text

    response = await upload(api.client, member, samples.pdf(), filename="late.pdf")

    assert response.status_code == 409, response.text


HOSTILE_NAMES = [
    ("../../x.pdf", "x.pdf"),
    ("/etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\boot.ini", "boot.ini"),
    ("C:\\Users\\lan\\scan.pdf", "scan.pdf"),
    ("C:scan.pdf", "scan.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),
    ("\u2067report\u2069.pdf", "report.pdf"),
    ("re\x01po\x7frt\x1b.pdf", "report.pdf"),
    ("tab\there.pdf", "tabhere.pdf"),
    ("Ca\u0300 Mau.pdf", "C\u00e0 Mau.pdf"),
    ("Biên bản thu giữ tàu.pdf", "Biên bản thu giữ tàu.pdf"),
    ("รายงาน การยึด.pdf", "รายงาน การยึด.pdf"),
    ("查获 报告 2024.pdf", "查获 报告 2024.pdf"),
    ('say "hi".pdf', 'say "hi".pdf'),
    ("say %22hi%22.pdf", 'say "hi".pdf'),
    ("line%0Abreak%0d.pdf", "linebreak.pdf"),
    ("100%25 %2522 %20.pdf", "100%25 %2522 %20.pdf"),
    ("  padded.pdf  ", "padded.pdf"),
    ("", "file"),
    ("../..", "file"),
    ("\u202e", "file"),
]


async def test_upload_stores_safe_names(
    client: httpx.AsyncClient, member: Member
) -> None:
    # One test for the whole table, because the fixtures of each test hash
    # passwords four times.
    for sent, stored in HOSTILE_NAMES:
        # Escaped as an HTTP quoted-string, which the multipart parser unescapes.
        quoted = sent.replace("\\", "\\\\").replace('"', '\\"').encode()
        body = multipart_body(quoted, samples.pdf())

        response = await upload_raw(client, member, body)

        assert response.status_code == 201, (sent, response.text)
        assert response.json()["filename"] == stored, sent


async def test_upload_reads_browser_escapes(
    client: httpx.AsyncClient, member: Member
) -> None:
    # httpx escapes `"` as %22, as browsers do.
    response = await upload(client, member, samples.pdf(), filename='say "hi".pdf')

    assert response.status_code == 201, response.text
    assert response.json()["filename"] == 'say "hi".pdf'


async def test_upload_cuts_long_name(client: httpx.AsyncClient, member: Member) -> None:
    response = await upload(client, member, samples.pdf(), filename="ก" * 200 + ".pdf")

    assert response.status_code == 201, response.text
    filename = response.json()["filename"]
    assert len(filename.encode()) <= 255
    assert filename.endswith(".pdf")
    assert filename.startswith("ก" * 80)


async def test_upload_skips_other_parts(
    client: httpx.AsyncClient, member: Member
) -> None:
    note = multipart_body(b"note.txt", b"not this one", field=b"note")
    # Drop the first body's closing delimiter, so both parts form one body.
    first = note[: note.rindex(b"--" + BOUNDARY.encode() + b"--")]
    body = first + multipart_body(b"report.pdf", samples.pdf())

    response = await upload_raw(client, member, body)

    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "report.pdf"
    assert response.json()["sha256"] == hashlib.sha256(samples.pdf()).hexdigest()
