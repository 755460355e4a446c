"""Builders of the demo's attachments: a one-page PDF, a CSV list and a PNG chart.

The files are generated rather than shipped so that their content follows the
demo data. Each builder returns the complete bytes of a valid file.
"""

from __future__ import annotations

import csv
import io
import struct
import zlib
from collections.abc import Callable

from app.demo.data import COUNTRIES, MOZAMBIQUE_CONTAINERS, seizure_counts_by_country

INSTRUCTIONS_TITLE = "Mekong Dragon II - Operational instructions"
INSTRUCTIONS_LINES = (
    "Joint operation of Cambodia, China, Lao PDR, Myanmar, Thailand and Viet Nam",
    "",
    "1. Warnings. Send a warning for every suspicious shipment before it arrives.",
    "   Name the container numbers (ISO 6346, with the check digit), the",
    "   conveyance, the route and the expected arrival.",
    "2. Feedback. Answer every warning once the control is done: positive,",
    "   negative or not controlled. Name the seizure message of a positive result.",
    "3. Seizures. Report every seizure as a seizure message numbered in its",
    "   subject (SEIZURE MESSAGE 1, 2, ...), with quantity, unit and value.",
    "4. Recipients. Send warnings to the OCU and to the countries on the route.",
    "5. Confidentiality. Messages and attachments stay inside the closed user",
    "   group of the operation.",
    "",
    "Demo document: the operation, its people and its cases are invented.",
)

# A4 in PDF points (1/72 inch).
_PAGE_WIDTH = 595
_PAGE_HEIGHT = 842


def _pdf_string(text: str) -> bytes:
    """Encode a PDF literal string; the standard fonts here take Latin-1 text."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1") + b")"


def _instructions_content() -> bytes:
    lines = [
        b"BT",
        b"/F2 16 Tf",
        b"56 770 Td",
        _pdf_string(INSTRUCTIONS_TITLE) + b" Tj",
    ]
    lines += [b"/F1 11 Tf", b"16 TL", b"0 -14 Td"]
    for line in INSTRUCTIONS_LINES:
        lines.append(b"T* " + _pdf_string(line) + b" Tj")
    lines.append(b"ET")
    return b"\n".join(lines) + b"\n"


def build_pdf(objects: list[bytes]) -> bytes:
    """Assemble numbered PDF objects, the first being the catalog, with an xref.

    The cross-reference table lists the byte offset of every object, so that
    readers open the file without repairing it.
    """
    output = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"

    xref_offset = len(output)
    output += f"xref\n0 {len(objects) + 1}\n".encode()
    # Each entry is exactly 20 bytes, its end of line being a space and a LF.
    output += b"0000000000 65535 f \n"
    for offset in offsets:
        output += f"{offset:010d} 00000 n \n".encode()
    output += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info "
        f"{len(objects)} 0 R >>\nstartxref\n{xref_offset}\n%%EOF\n"
    ).encode()
    return bytes(output)


def instructions_pdf() -> bytes:
    """Build the one-page operational instructions as a PDF 1.4 file."""
    content = _instructions_content()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_PAGE_WIDTH} "
            f"{_PAGE_HEIGHT}] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> "
            "/Contents 6 0 R >>"
        ).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
        b"/Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
        b"/Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"endstream",
        b"<< /Title " + _pdf_string(INSTRUCTIONS_TITLE) + b" /Producer "
        b"(cencomm-cug demo) >>",
    ]
    return build_pdf(objects)


def watch_list_csv() -> bytes:
    """Build the OCU's container watch list as UTF-8 CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["container_number", "destination_port", "destination_country", "declared"]
    )
    for number, port, country in MOZAMBIQUE_CONTAINERS:
        writer.writerow([number, port, country, "sawn timber / 锯材"])
    return buffer.getvalue().encode("utf-8")


_Color = tuple[int, int, int]
_WHITE: _Color = (255, 255, 255)
_GRID: _Color = (220, 220, 220)
_AXIS: _Color = (60, 60, 60)
_BAR_COLORS: dict[str, _Color] = {
    "CN": (200, 16, 46),
    "KH": (3, 46, 161),
    "LA": (206, 17, 38),
    "MM": (254, 203, 0),
    "TH": (45, 42, 74),
    "VN": (218, 37, 29),
}
_CHART_WIDTH = 360
_CHART_HEIGHT = 200
_BASELINE_Y = 180
_UNIT_HEIGHT = 50
_BAR_WIDTH = 40
_BAR_GAP = 16
_LEFT_MARGIN = 20


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_png(width: int, height: int, pixels: list[list[_Color]]) -> bytes:
    """Encode rows of RGB pixels as an 8-bit truecolor PNG."""
    raw = bytearray()
    for row in pixels:
        raw.append(0)  # Filter type 0: the row is stored as it is.
        for red, green, blue in row:
            raw += bytes((red, green, blue))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + _png_chunk(b"IEND", b"")
    )


def _bar_color(x: int, y: int, heights: dict[str, int]) -> _Color | None:
    for index, country in enumerate(COUNTRIES):
        left = _LEFT_MARGIN + index * (_BAR_WIDTH + _BAR_GAP)
        inside_column = left <= x < left + _BAR_WIDTH
        if inside_column and _BASELINE_Y - heights[country] <= y < _BASELINE_Y:
            return _BAR_COLORS[country]
    return None


def seizure_chart_png() -> bytes:
    """Draw the seizure reports per country as a bar chart, CN to VN left to right.

    Each grey grid line marks one more report.
    """
    counts = seizure_counts_by_country()
    heights = {country: count * _UNIT_HEIGHT for country, count in counts.items()}
    pixels: list[list[_Color]] = []
    for y in range(_CHART_HEIGHT):
        row: list[_Color] = []
        for x in range(_CHART_WIDTH):
            color = _bar_color(x, y, heights)
            if color is None and y == _BASELINE_Y:
                color = _AXIS
            elif (
                color is None
                and y < _BASELINE_Y
                and (_BASELINE_Y - y) % _UNIT_HEIGHT == 0
            ):
                color = _GRID
            row.append(color or _WHITE)
        pixels.append(row)
    return encode_png(_CHART_WIDTH, _CHART_HEIGHT, pixels)


BUILDERS: dict[str, Callable[[], bytes]] = {
    "instructions_pdf": instructions_pdf,
    "watch_list_csv": watch_list_csv,
    "seizure_chart_png": seizure_chart_png,
}
