"""Stream the `file` part of a multipart/form-data request body.

FastAPI's `UploadFile` spools the whole body before the handler runs, so the
size limit could only be checked afterwards. This reader feeds the request
stream to python-multipart's push parser and yields the file's bytes as they
arrive, so the store can stop writing the moment the limit is passed.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

from app.errors import InvalidInput

FILE_FIELD = "file"
# Browsers send LF, CR and `"` in a file name as %0A, %0D and %22, as the WHATWG
# HTML standard's multipart/form-data encoding requires, and escape nothing
# else, not even `%`. So a literal "%22" sent by another client is read as `"`.
_FORM_NAME_ESCAPES = re.compile(r"%22|%0[aAdD]")
_FORM_NAME_UNESCAPED = {"%22": '"', "%0a": "\n", "%0d": "\r"}


class FilePartReader:
    """Yields the bytes of the form field `file`; other fields are skipped."""

    def __init__(self, request: Request) -> None:
        self._request = request
        content_type = request.headers.get("content-type", "")
        kind, options = parse_options_header(content_type)
        boundary = options.get(b"boundary")
        if kind != b"multipart/form-data" or not boundary:
            raise InvalidInput.single(
                "file",
                "send the file as multipart/form-data with a part named 'file'",
            )
        self.filename: str | None = None
        self.found = False
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._part_headers: dict[bytes, bytes] = {}
        self._in_file = False
        self._file_done = False
        self._pending: list[bytes] = []
        try:
            self._parser = MultipartParser(
                boundary,
                callbacks={
                    "on_part_begin": self._on_part_begin,
                    "on_header_field": self._on_header_field,
                    "on_header_value": self._on_header_value,
                    "on_header_end": self._on_header_end,
                    "on_headers_finished": self._on_headers_finished,
                    "on_part_data": self._on_part_data,
                    "on_part_end": self._on_part_end,
                },
            )
        except FormParserError as exc:
            raise _malformed(exc) from None

    def _on_part_begin(self) -> None:
        self._part_headers = {}

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _on_header_end(self) -> None:
        name = bytes(self._header_name).lower()
        self._part_headers[name] = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def _on_headers_finished(self) -> None:
        disposition = self._part_headers.get(b"content-disposition", b"")
        _, options = parse_options_header(disposition)
        is_file = options.get(b"name") == FILE_FIELD.encode() and not self.found
        self._in_file = is_file
        if is_file:
            self.found = True
            raw_name = options.get(b"filename", b"")
            self.filename = _unescape_form_name(
                raw_name.decode("utf-8", errors="replace")
            )

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self._pending.append(data[start:end])

    def _on_part_end(self) -> None:
        if self._in_file:
            self._file_done = True
        self._in_file = False

    async def chunks(self) -> AsyncIterator[bytes]:
        """Yield the file's bytes; the rest of the body is parsed and dropped."""
        async for chunk in self._request.stream():
            if not chunk:
                continue
            try:
                self._parser.write(chunk)
            except FormParserError as exc:
                raise _malformed(exc) from None
            if self._pending:
                data = b"".join(self._pending)
                self._pending.clear()
                yield data
        self._parser.finalize()
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            yield data
        if not self.found:
            raise InvalidInput.single(
                "file", "is missing: the form has no part named 'file'"
            )
        if not self._file_done:
            # python-multipart's finalize() (0.0.34) accepts a body that stops in a
            # part, so without this check a cut-off upload would be stored.
            raise InvalidInput.single(
                "file",
                "is incomplete: the request body ended before the closing "
                "boundary of the 'file' part",
            )


def _malformed(exc: FormParserError) -> InvalidInput:
    return InvalidInput.single(
        "file", f"is unreadable: the multipart/form-data body is malformed ({exc})"
    )


def _unescape_form_name(name: str) -> str:
    """Undo the browsers' %22, %0A and %0D escapes in one pass over the name."""
    return _FORM_NAME_ESCAPES.sub(
        lambda match: _FORM_NAME_UNESCAPED[match.group().lower()], name
    )
