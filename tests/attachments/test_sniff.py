from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

import pytest

from app.attachments import sniff
from app.attachments.sniff import ALLOWED_CONTENT_TYPES, detect_content_type
from tests.attachments import samples

HEAD_BYTES = 8192


def detect_file(tmp_path: Path, data: bytes) -> str | None:
    """Detect as the upload route does: the head plus the stored file."""
    path = tmp_path / "upload.part"
    path.write_bytes(data)
    return detect_content_type(data[:HEAD_BYTES], path)


ALLOWED_SAMPLES = [
    ("png", samples.png(), sniff.PNG),
    ("gif", samples.gif(), sniff.GIF),
    ("jpeg", samples.jpeg(), sniff.JPEG),
    ("webp", samples.webp(), sniff.WEBP),
    ("tiff", samples.tiff(), sniff.TIFF),
    ("pdf", samples.pdf(), sniff.PDF),
    ("pdf-ascii", samples.pdf(binary_comment=False), sniff.PDF),
    ("docx", samples.ooxml("docx"), sniff.DOCX),
    ("xlsx", samples.ooxml("xlsx"), sniff.XLSX),
    ("pptx", samples.ooxml("pptx"), sniff.PPTX),
    ("odt", samples.odf("odt"), sniff.ODT),
    ("ods", samples.odf("ods"), sniff.ODS),
    ("odp", samples.odf("odp"), sniff.ODP),
    ("doc", samples.ole(["1Table", "WordDocument"]), sniff.DOC),
    ("xls", samples.ole(["Workbook"]), sniff.XLS),
    ("xls-excel95", samples.ole(["Book"]), sniff.XLS),
    ("ppt", samples.ole(["Current User", "PowerPoint Document"]), sniff.PPT),
]


@pytest.mark.parametrize(
    ("data", "expected"),
    [(data, expected) for _, data, expected in ALLOWED_SAMPLES],
    ids=[name for name, _, _ in ALLOWED_SAMPLES],
)
def test_allowed_type_detected(tmp_path: Path, data: bytes, expected: str) -> None:
    assert detect_file(tmp_path, data) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [(data, expected) for _, data, expected in ALLOWED_SAMPLES],
    ids=[name for name, _, _ in ALLOWED_SAMPLES],
)
def test_allowed_type_from_bytes_alone(data: bytes, expected: str) -> None:
    assert detect_content_type(data) == expected


def test_detected_types_are_in_allow_list() -> None:
    for _, _, expected in ALLOWED_SAMPLES:
        assert expected in ALLOWED_CONTENT_TYPES
    assert sniff.TEXT in ALLOWED_CONTENT_TYPES
    assert sniff.CSV in ALLOWED_CONTENT_TYPES


def test_narrower_allow_list_rejects_png() -> None:
    assert detect_content_type(samples.png(), allowed={sniff.PDF}) is None


def test_narrower_allow_list_keeps_pdf() -> None:
    assert detect_content_type(samples.pdf(), allowed={sniff.PDF}) == sniff.PDF


def test_docx_parts_in_libreoffice_order(tmp_path: Path) -> None:
    entries = list(reversed(samples.ooxml_entries("docx")))
    assert detect_file(tmp_path, samples.zip_archive(entries)) == sniff.DOCX


def test_docx_main_part_beyond_head(tmp_path: Path) -> None:
    thumbnail = ("docProps/thumbnail.jpeg", bytes(range(256)) * 64)
    entries = [thumbnail, *samples.ooxml_entries("docx")]
    data = samples.zip_archive(entries, stored=frozenset({thumbnail[0]}))

    assert len(data) > 2 * HEAD_BYTES
    assert detect_file(tmp_path, data) == sniff.DOCX


def test_docx_truncated_to_head_rejected() -> None:
    thumbnail = ("docProps/thumbnail.jpeg", bytes(range(256)) * 64)
    entries = [thumbnail, *samples.ooxml_entries("docx")]
    data = samples.zip_archive(entries, stored=frozenset({thumbnail[0]}))

    assert detect_content_type(data[:HEAD_BYTES]) is None


VBA_PROJECT = b"\xd0\xcf\x11\xe0" + bytes(60)
DOCX_PARTS = samples.ooxml_entries("docx")
XLSX_PARTS = samples.ooxml_entries("xlsx")
ODT_PARTS = samples.odf_entries(sniff.ODT)
ODG_PARTS = samples.odf_entries("application/vnd.oasis.opendocument.graphics")
zip_archive = samples.zip_archive

DISALLOWED_SAMPLES = [
    ("html", b"<!DOCTYPE html><html><body>hi</body></html>"),
    ("html-lowercase", b"<html><script>alert(1)</script></html>"),
    ("html-leading-space", b"\n\n   <body onload=alert(1)>"),
    ("html-with-bom", b"\xef\xbb\xbf<!doctype html><p>x</p>"),
    ("html-comment", b"<!-- saved from url --><html></html>"),
    ("svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
    ("svg-with-prolog", b'<?xml version="1.0"?>\n<svg xmlns="x"/>'),
    ("xml", b'<?xml version="1.0"?><note>x</note>'),
    ("shell-script", b"#!/bin/sh\nrm -rf /\n"),
    ("python-script", b"#!/usr/bin/env python3\nprint('x')\n"),
    ("rtf", b"{\\rtf1\\ansi Seizure report}"),
    ("postscript", b"%!PS-Adobe-3.0\n%%Pages: 1\n"),
    ("elf", samples.elf()),
    ("exe", samples.dos_executable()),
    ("plain-zip", zip_archive([("report.txt", b"hello")])),
    ("empty-zip", zip_archive([])),
    ("epub", zip_archive([("mimetype", b"application/epub+zip")])),
    ("odf-drawing", zip_archive(ODG_PARTS)),
    ("content-types-only", zip_archive([("[Content_Types].xml", b"<Types/>")])),
    ("docx-and-xlsx-parts", zip_archive(DOCX_PARTS + XLSX_PARTS[2:])),
    ("docm", zip_archive([*DOCX_PARTS, ("word/vbaProject.bin", VBA_PROJECT)])),
    ("xlsm", zip_archive([*XLSX_PARTS, ("xl/vbaProject.bin", VBA_PROJECT)])),
    (
        "odt-with-basic",
        zip_archive([*ODT_PARTS, ("Basic/Standard/Module1.xml", b"<x/>")]),
    ),
    ("gzip", gzip.compress(b"hello world")),
    ("doc-with-macros", samples.ole(["WordDocument"], storages=["Macros"])),
    ("xls-with-macros", samples.ole(["Workbook"], storages=["_VBA_PROJECT_CUR"])),
    ("msi-like-ole", samples.ole(["\x05SummaryInformation", "Binary.Icon"])),
    ("encrypted-office", samples.ole(["EncryptionInfo", "EncryptedPackage"])),
    ("ole-header-only", samples.ole(["WordDocument"])[:512]),
    ("truncated-zip", samples.ooxml("docx")[:40]),
    ("invalid-utf8-latin1", "café, 12\nthé, 3\n".encode("latin-1")),
    ("invalid-utf8-surrogate", b"abc\xed\xa0\x80def"),
    ("invalid-utf8-overlong", b"abc\xc0\xafdef"),
    ("utf16", "report".encode("utf-16")),
    ("nul-byte", b"seizure\x00report"),
    ("escape-control", b"text with \x1b[31m colour"),
    ("ctrl-z", b"old dos text\x1a"),
]


@pytest.mark.parametrize(
    "data",
    [data for _, data in DISALLOWED_SAMPLES],
    ids=[name for name, _ in DISALLOWED_SAMPLES],
)
def test_disallowed_type_rejected(tmp_path: Path, data: bytes) -> None:
    assert detect_file(tmp_path, data) is None


def test_tar_archive_rejected(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("report.txt")
        info.size = 5
        archive.addfile(info, io.BytesIO(b"hello"))

    assert detect_file(tmp_path, buffer.getvalue()) is None


TEXT_SAMPLES = [
    ("thai", "รายงานการยึดเกล็ดตัวนิ่ม\nท่าเรือแหลมฉบัง\n", sniff.TEXT),
    ("vietnamese", "Báo cáo thu giữ vảy tê tê tại cảng Hải Phòng.\n", sniff.TEXT),
    ("chinese", "缉获报告：穿山甲鳞片\n", sniff.TEXT),
    ("with-bom", "\ufeffBáo cáo\n", sniff.TEXT),
    ("tab-form-feed-crlf", "page 1\tok\r\n\fpage 2\r\n", sniff.TEXT),
    ("empty", "", sniff.TEXT),
    ("one-line-with-commas", "Pangolin scales, ivory, rhino horn\n", sniff.TEXT),
    ("single-column", "container\nMSCU1234565\nTGHU7654321\n", sniff.TEXT),
    ("ragged-rows", "a,b,c\n1,2\n3,4,5\n", sniff.TEXT),
    ("tab-separated", "a\tb\n1\t2\n", sniff.TEXT),
    ("markup-inside", "Found a tag: <script> in the log\n", sniff.TEXT),
    ("starts-with-gif", "GIF89a is the format of the scans\n", sniff.TEXT),
    ("csv", "container,weight_kg\nMSCU1234565,120\nTGHU7654321,80\n", sniff.CSV),
    ("csv-bmw-weak-signature", "BMW,Audi\nX5,Q7\n", sniff.CSV),
    ("csv-mz-weak-signature", "MZ,count\nA,1\n", sniff.CSV),
    ("csv-thai", "ชื่อ,จำนวน\nเกล็ดตัวนิ่ม,120\nงาช้าง,3\n", sniff.CSV),
    ("csv-vietnamese", "tên,số lượng\nvảy tê tê,120\nngà voi,3\n", sniff.CSV),
    ("csv-semicolon", "tên;khối lượng\nvảy;1,5\nngà;2,25\n", sniff.CSV),
    (
        "csv-quoted",
        'name,note\n"Lee, J.","said ""no""\nthen left"\nKim,ok\n',
        sniff.CSV,
    ),
    ("csv-crlf-bom", "\ufeffa,b\r\n1,2\r\n", sniff.CSV),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, expected) for _, text, expected in TEXT_SAMPLES],
    ids=[name for name, _, _ in TEXT_SAMPLES],
)
def test_text_classified(tmp_path: Path, text: str, expected: str) -> None:
    assert detect_file(tmp_path, text.encode()) == expected


def test_multibyte_character_across_head(tmp_path: Path) -> None:
    data = ("a" * (HEAD_BYTES - 1) + "ก" + "\n").encode()
    assert data[:HEAD_BYTES].decode(errors="replace").endswith("\ufffd")
    assert detect_file(tmp_path, data) == sniff.TEXT


def test_invalid_byte_after_head(tmp_path: Path) -> None:
    data = b"plain text\n" * 2000 + b"\xff"
    assert len(data) > HEAD_BYTES
    assert detect_file(tmp_path, data) is None


def test_nul_after_first_read_block(tmp_path: Path) -> None:
    data = b"x" * (sniff._TEXT_READ_BYTES + 10) + b"\x00"
    assert detect_file(tmp_path, data) is None


def test_long_csv_sample_cut_mid_row(tmp_path: Path) -> None:
    row = "MSCU1234565," + "x" * 500 + ",pangolin\n"
    data = ("container,note,goods\n" + row * 40).encode()
    last_line_in_head = data[:HEAD_BYTES].decode().rsplit("\n", 1)[1]

    assert last_line_in_head.count(",") < 2
    assert detect_file(tmp_path, data) == sniff.CSV
