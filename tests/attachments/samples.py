"""Builders of small real files of each format, for the sniffing tests."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SECTOR = 512
_FREE_SECTOR = 0xFFFFFFFF
_END_OF_CHAIN = 0xFFFFFFFE
_FAT_SECTOR = 0xFFFFFFFD
_NO_STREAM = 0xFFFFFFFF
# Streams of this size or more live in normal sectors, so no mini stream is needed.
_OLE_STREAM_BYTES = 4096


def png() -> bytes:
    """Return a 1x1 RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def gif() -> bytes:
    """Return a 1x1 GIF89a with a two-color palette."""
    screen = struct.pack("<HHBBB", 1, 1, 0x80, 0, 0)
    palette = b"\xff\xff\xff\x00\x00\x00"
    image = b"," + struct.pack("<HHHHB", 0, 0, 1, 1, 0)
    pixels = b"\x02\x02\x44\x01\x00"
    return b"GIF89a" + screen + palette + image + pixels + b";"


def jpeg() -> bytes:
    """Return a JPEG start: SOI, a JFIF APP0 segment and EOI, with no image data."""
    app0 = b"JFIF\x00" + struct.pack(">BBBHHBB", 1, 1, 0, 72, 72, 0, 0)
    return (
        b"\xff\xd8"
        + b"\xff\xe0"
        + struct.pack(">H", len(app0) + 2)
        + app0
        + b"\xff\xd9"
    )


def webp() -> bytes:
    """Return a RIFF WEBP container with a VP8L header for 1x1 and no image data."""
    # VP8L: signature 0x2f, then 14 bits width-1, 14 bits height-1, alpha, version.
    vp8l = b"\x2f" + struct.pack("<I", 0) + b"\x00\x00\x00"
    chunk = b"VP8L" + struct.pack("<I", len(vp8l)) + vp8l
    body = b"WEBP" + chunk
    return b"RIFF" + struct.pack("<I", len(body)) + body


def tiff() -> bytes:
    """Return a little-endian 1x1 bilevel TIFF with one uncompressed strip."""
    entries = [
        (256, 3, 1, 1),  # ImageWidth
        (257, 3, 1, 1),  # ImageLength
        (259, 3, 1, 1),  # Compression: none
        (262, 3, 1, 1),  # PhotometricInterpretation: BlackIsZero
        (273, 4, 1, 0),  # StripOffsets, set below
        (278, 3, 1, 1),  # RowsPerStrip
        (279, 4, 1, 1),  # StripByteCounts
    ]
    ifd_size = 2 + 12 * len(entries) + 4
    strip_offset = 8 + ifd_size
    ifd = struct.pack("<H", len(entries))
    for tag, field_type, count, value in entries:
        if tag == 273:
            value = strip_offset
        if field_type == 3:
            ifd += struct.pack("<HHIHH", tag, field_type, count, value, 0)
        else:
            ifd += struct.pack("<HHII", tag, field_type, count, value)
    ifd += struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x80"


def pdf(*, binary_comment: bool = True) -> bytes:
    """Return a one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = b"%PDF-1.4\n"
    if binary_comment:
        out += b"%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_offset = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return out


def zip_archive(
    entries: list[tuple[str, bytes]], *, stored: frozenset[str] = frozenset()
) -> bytes:
    """Return a ZIP archive of the entries in order, those in `stored` uncompressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            compression = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOCUMENT_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
_OOXML_MAIN_PARTS = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
        ".document.main+xml",
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml'
        b'/2006/main"><w:body><w:p><w:r><w:t>Seizure</w:t></w:r></w:p>'
        b"</w:body></w:document>",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>',
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml"
        ".presentation.main+xml",
        b'<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml'
        b'/2006/main"/>',
    ),
}


def ooxml_entries(kind: str) -> list[tuple[str, bytes]]:
    """Return the parts of a minimal Office Open XML package: docx, xlsx or pptx."""
    main_name, main_type, main_xml = _OOXML_MAIN_PARTS[kind]
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_name}" ContentType="{main_type}"/>'
        "</Types>"
    ).encode()
    relationships = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Relationships xmlns="{_RELS_NS}">'
        f'<Relationship Id="rId1" Type="{_OFFICE_DOCUMENT_REL}" Target="{main_name}"/>'
        "</Relationships>"
    ).encode()
    return [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", relationships),
        (main_name, main_xml),
    ]


def ooxml(kind: str) -> bytes:
    """Return a minimal Office Open XML file: docx, xlsx or pptx."""
    return zip_archive(ooxml_entries(kind))


_ODF_MIMETYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}


def odf_entries(mimetype: str) -> list[tuple[str, bytes]]:
    """Return the entries of a minimal OpenDocument file with this mimetype."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
        'manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        f'manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" '
        'manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    ).encode()
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
        b'xmlns:office:1.0" office:version="1.2"><office:body/>'
        b"</office:document-content>"
    )
    return [
        ("mimetype", mimetype.encode()),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content),
    ]


def odf(kind: str) -> bytes:
    """Return a minimal OpenDocument file: odt, ods or odp."""
    return zip_archive(
        odf_entries(_ODF_MIMETYPES[kind]), stored=frozenset({"mimetype"})
    )


def ole(streams: Sequence[str], storages: Sequence[str] = ()) -> bytes:
    """Return an OLE compound file (version 3) with these top-level entries.

    Each stream contains 4,096 bytes. All entries hang off the root in one chain of
    right siblings, which readers accept though it is no balanced tree.
    """
    children = [(name, 2) for name in streams] + [(name, 1) for name in storages]
    entry_count = 1 + len(children)
    directory_sectors = -(-entry_count // 4)
    sectors_per_stream = _OLE_STREAM_BYTES // _SECTOR

    fat = [_FAT_SECTOR]
    directory_start = len(fat)
    fat += _chain(directory_start, directory_sectors)
    stream_starts = []
    for _ in streams:
        stream_starts.append(len(fat))
        fat += _chain(len(fat), sectors_per_stream)
    if len(fat) > _SECTOR // 4:
        raise ValueError("too many entries for one FAT sector")
    fat += [_FREE_SECTOR] * (_SECTOR // 4 - len(fat))

    header = OLE_SIGNATURE + bytes(16)
    header += struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<III", 0, 1, directory_start)
    header += struct.pack("<III", 0, _OLE_STREAM_BYTES, _END_OF_CHAIN)
    header += struct.pack("<III", 0, _END_OF_CHAIN, 0)
    header += struct.pack("<109I", 0, *([_FREE_SECTOR] * 108))

    root_child = 1 if children else _NO_STREAM
    entries = [
        _directory_entry("Root Entry", 5, _NO_STREAM, root_child, _END_OF_CHAIN, 0)
    ]
    starts = iter(stream_starts)
    for index, (name, object_type) in enumerate(children, start=1):
        right = index + 1 if index < len(children) else _NO_STREAM
        if object_type == 2:
            entries.append(
                _directory_entry(
                    name, 2, right, _NO_STREAM, next(starts), _OLE_STREAM_BYTES
                )
            )
        else:
            entries.append(_directory_entry(name, 1, right, _NO_STREAM, 0, 0))
    while len(entries) % 4:
        entries.append(_directory_entry("", 0, _NO_STREAM, _NO_STREAM, 0, 0))

    body = struct.pack(f"<{_SECTOR // 4}I", *fat) + b"".join(entries)
    for index, _ in enumerate(streams):
        body += bytes([index + 1]) * _OLE_STREAM_BYTES
    return header + body


def _chain(start: int, length: int) -> list[int]:
    return [start + offset + 1 for offset in range(length - 1)] + [_END_OF_CHAIN]


def _directory_entry(
    name: str, object_type: int, right: int, child: int, start: int, size: int
) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded,
        len(encoded),
        object_type,
        1,
        _NO_STREAM,
        right,
        child,
        bytes(16),
        0,
        0,
        0,
        start,
        size,
    )


def elf() -> bytes:
    """Return a 64-bit little-endian ELF header of an x86-64 executable."""
    identification = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    rest = struct.pack(
        "<HHIQQQIHHHHHH", 2, 62, 1, 0x401000, 64, 0, 0, 64, 56, 0, 64, 0, 0
    )
    return identification + rest


def dos_executable() -> bytes:
    """Return a DOS MZ header pointing to a PE signature, as in a Windows .exe."""
    header = bytearray(128)
    header[0:2] = b"MZ"
    struct.pack_into("<HH", header, 2, 0x90, 3)
    struct.pack_into("<I", header, 0x3C, 0x80)
    return bytes(header) + b"PE\x00\x00" + bytes(20)
