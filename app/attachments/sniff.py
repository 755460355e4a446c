"""Detection of an upload's content type from its bytes, against an allow-list."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype
import olefile

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
TIFF = "image/tiff"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
# Text is accepted only after it decoded as UTF-8, so the charset belongs to the
# type, and the download's Content-Type header carries it to the browser.
TEXT = "text/plain; charset=utf-8"
CSV = "text/csv; charset=utf-8"

# Every value that `detect_content_type` can return, exactly as returned.
ALLOWED_CONTENT_TYPES: frozenset[str] = frozenset(
    {PDF, PNG, JPEG, GIF, WEBP, TIFF, DOC, XLS, PPT, DOCX, XLSX, PPTX, ODT, ODS, ODP}
    | {TEXT, CSV}
)

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"

# filetype's matches that are kept as they are. `image/apng` is an animated PNG,
# which every PNG decoder reads as a still one.
_BINARY_TYPES = {
    "application/pdf": PDF,
    "image/png": PNG,
    "image/apng": PNG,
    "image/jpeg": JPEG,
    "image/gif": GIF,
    "image/webp": WEBP,
    "image/tiff": TIFF,
}
# Text-based formats that filetype recognizes and that are not plain text.
_TEXT_BASED_FORMATS = frozenset({"application/rtf", "application/postscript"})

# Top-level OLE streams that name the application, as written by Office 97-2003.
# `Book` is the stream name of Excel 5/95 workbooks.
_OLE_STREAMS = (
    ("WordDocument", DOC),
    ("Workbook", XLS),
    ("Book", XLS),
    ("PowerPoint Document", PPT),
)
# Storages that hold a VBA project: `Macros` in Word, `_VBA_PROJECT_CUR` in Excel.
# NOTE: PowerPoint 97-2003 keeps its VBA project inside the `PowerPoint Document`
# stream, so macros in a .ppt file are not detected.
_OLE_VBA_STORAGES = frozenset({"macros", "_vba_project_cur", "vba"})

# The folder of the main part in an Office Open XML package.
_OOXML_FOLDERS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_ODF_TYPES = frozenset({ODT, ODS, ODP})
# Folders in which LibreOffice and OpenOffice store a document's macros.
_ODF_MACRO_FOLDERS = ("Basic/", "Scripts/")
_ODF_MIMETYPE_MAX_BYTES = 128
# zipfile's failures on a damaged or unusual archive.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    zlib.error,
)

# C0 control characters other than tab, line feed, carriage return and form feed.
_FORBIDDEN_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
# Content that starts like HTML, SVG or other XML markup once whitespace is skipped.
_MARKUP_START = re.compile(r"\s*<[A-Za-z!?/]")
_TEXT_READ_BYTES = 1024 * 1024
_TEXT_SAMPLE_CHARS = 8192
_CSV_SAMPLE_ROWS = 20
_CSV_DELIMITERS = (",", ";")


@dataclass(frozen=True, slots=True)
class _TextSample:
    """The decoded start of a UTF-8 text, and whether that start is all of it."""

    text: str
    complete: bool


def detect_content_type(
    head: bytes,
    path: Path | None = None,
    *,
    allowed: Collection[str] = ALLOWED_CONTENT_TYPES,
) -> str | None:
    """Detect the content type of a file from its bytes, or None if not allowed.

    `head` is the start of the file (8 KiB are enough) and `path` the whole file,
    which ZIP-based and OLE documents need and text is checked against. Without a
    path, `head` is taken as the whole content. Files that carry VBA macros are
    rejected, and so is anything that is not one of `allowed`.
    """
    content_type = _detect(head, path)
    if content_type in allowed:
        return content_type
    return None


def _detect(head: bytes, path: Path | None) -> str | None:
    if head.startswith(OLE_SIGNATURE):
        return _detect_ole(head, path)
    if head.startswith(ZIP_SIGNATURE):
        return _detect_zip(head, path)

    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else None
    sample = _read_text(head, path)
    if sample is None:
        return _BINARY_TYPES.get(mime) if mime else None

    # BMP and EXE headers contain NUL bytes and GIF headers nearly always do, so
    # for clean text filetype's short signatures ("BM", "MZ", "GIF") matched a
    # word at its start. A PDF may be all ASCII, though.
    if mime == PDF:
        return PDF
    if mime in _TEXT_BASED_FORMATS:
        return None
    return _classify_text(sample)


def _open_source(head: bytes, path: Path | None) -> BinaryIO:
    if path is None:
        return io.BytesIO(head)
    return path.open("rb")


def _detect_ole(head: bytes, path: Path | None) -> str | None:
    """Tell Word, Excel and PowerPoint 97-2003 files from other OLE files."""
    try:
        with _open_source(head, path) as source, olefile.OleFileIO(source) as ole:
            entries = ole.listdir(streams=True, storages=True)
    except Exception:  # olefile raises many exception types on malformed input.
        return None

    if any(part.lower() in _OLE_VBA_STORAGES for entry in entries for part in entry):
        return None
    top_level = {entry[0] for entry in entries if len(entry) == 1}
    for stream, content_type in _OLE_STREAMS:
        if stream in top_level:
            return content_type
    # Installers (.msi), Outlook messages, encrypted Office files and the like.
    return None


def _detect_zip(head: bytes, path: Path | None) -> str | None:
    """Tell Office Open XML and OpenDocument files from other ZIP archives."""
    try:
        with _open_source(head, path) as source, zipfile.ZipFile(source) as archive:
            names = archive.namelist()
            odf_type = _read_odf_mimetype(archive, names)
    except _ZIP_ERRORS:
        return None

    if odf_type is not None:
        if any(name.startswith(_ODF_MACRO_FOLDERS) for name in names):
            return None
        return odf_type if odf_type in _ODF_TYPES else None

    if "[Content_Types].xml" not in names:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return None
    matches = [
        content_type
        for folder, content_type in _OOXML_FOLDERS
        if any(name.startswith(folder) for name in names)
    ]
    # A package with no main part, or with parts of two applications, is no
    # document that Office writes.
    return matches[0] if len(matches) == 1 else None


def _read_odf_mimetype(archive: zipfile.ZipFile, names: list[str]) -> str | None:
    if "mimetype" not in names:
        return None
    with archive.open("mimetype") as entry:
        raw = entry.read(_ODF_MIMETYPE_MAX_BYTES + 1)
    if len(raw) > _ODF_MIMETYPE_MAX_BYTES:
        return None
    return raw.decode("ascii", errors="replace").strip()


def _read_text(head: bytes, path: Path | None) -> _TextSample | None:
    """Decode the content as UTF-8 text without control characters, else None.

    With a path the whole file is checked, so a bad byte after the head counts.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        if path is None:
            text = decoder.decode(head, final=True)
            if _FORBIDDEN_CONTROLS.search(text):
                return None
            sample = text[:_TEXT_SAMPLE_CHARS]
            return _TextSample(sample, complete=len(sample) == len(text))

        sample = ""
        total_chars = 0
        with path.open("rb") as file:
            while chunk := file.read(_TEXT_READ_BYTES):
                text = decoder.decode(chunk)
                if _FORBIDDEN_CONTROLS.search(text):
                    return None
                if len(sample) < _TEXT_SAMPLE_CHARS:
                    sample += text[: _TEXT_SAMPLE_CHARS - len(sample)]
                total_chars += len(text)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return _TextSample(sample, complete=len(sample) == total_chars)


def _classify_text(sample: _TextSample) -> str | None:
    """Return the CSV or plain text type, or None for markup and scripts."""
    text = sample.text.removeprefix("\ufeff")
    if text.startswith("#!"):
        return None
    if _MARKUP_START.match(text):
        return None
    if _is_csv(text, complete=sample.complete):
        return CSV
    return TEXT


def _is_csv(text: str, *, complete: bool) -> bool:
    """Check that the first rows parse with one delimiter into equal columns > 1."""
    if not complete:
        # The sample ends inside the file, so its last line may be cut short.
        text = text[: text.rfind("\n") + 1]
    for delimiter in _CSV_DELIMITERS:
        widths = _csv_row_widths(text, delimiter)
        if widths is None or len(widths) < 2:
            continue
        if len(set(widths)) == 1 and widths[0] > 1:
            return True
    return False


def _csv_row_widths(text: str, delimiter: str) -> list[int] | None:
    """Return the column counts of the first non-empty rows, or None if invalid."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    widths: list[int] = []
    try:
        for row in reader:
            if row:
                widths.append(len(row))
            if len(widths) == _CSV_SAMPLE_ROWS:
                break
    except csv.Error:
        return None
    return widths
