"""Uploading and downloading attachments."""

from __future__ import annotations

import asyncio
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote

import httpx

from cencomm_client.endpoints.base import BaseClient, api_path
from cencomm_client.models import Attachment, Download

DEFAULT_FILENAME = "file"
# Bidirectional formatting characters, which can make a name display with
# another extension than it has ("invoice\u202efdp.exe").
BIDI_FORMATTING = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
# One `; name=value` parameter, the value a token or a quoted string.
_DISPOSITION_PARAM = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')
FileSource = str | os.PathLike[str] | bytes | IO[bytes]


class AttachmentsEndpoints(BaseClient):
    async def upload_attachment(
        self,
        code: str,
        source: FileSource,
        filename: str | None = None,
        *,
        retry: bool | None = None,
    ) -> Attachment:
        """Upload a file from a path, bytes or a binary file object.

        `filename` defaults to the base name of a path; bytes and file objects
        without a name are sent as `file`. The server detects the content type
        from the bytes.
        """
        path = api_path("operations", code, "attachments")
        name = filename or _source_name(source)
        if isinstance(source, str | os.PathLike):
            handle = await asyncio.to_thread(open, source, "rb")
            try:
                return await self._upload(path, name, handle, retry)
            finally:
                handle.close()
        if isinstance(source, bytes):
            return await self._upload(path, name, io.BytesIO(source), retry)
        if not source.seekable():
            # A pipe cannot be read twice, and a retry needs the bytes again.
            return await self._upload(path, name, io.BytesIO(source.read()), retry)
        return await self._upload(path, name, source, retry)

    async def _upload(
        self, path: str, name: str, handle: IO[bytes], retry: bool | None
    ) -> Attachment:
        start = handle.tell()

        def options() -> Mapping[str, Any]:
            # Each attempt sends the file from its start again.
            handle.seek(start)
            return {"files": {"file": (name, handle, "application/octet-stream")}}

        response = await self._send("POST", path, options, retry=retry)
        return Attachment.model_validate(response.json())

    async def download_attachment(self, code: str, attachment_id: str) -> Download:
        """Download an attachment into memory."""
        path = api_path("operations", code, "attachments", attachment_id)
        response = await self._send("GET", path, {}, retry=None)
        return Download(
            filename=filename_from_disposition(
                response.headers.get("content-disposition")
            ),
            content_type=response.headers.get("content-type", ""),
            size=len(response.content),
            content=response.content,
        )

    async def download_attachment_to(
        self,
        code: str,
        attachment_id: str,
        destination: str | os.PathLike[str],
        *,
        overwrite: bool = False,
    ) -> Download:
        """Download an attachment into a file, streaming it.

        When `destination` is a directory, the file gets the attachment's
        stored name there. An existing file raises FileExistsError unless
        `overwrite` is set. The file appears whole or not at all.
        """
        path = api_path("operations", code, "attachments", attachment_id)

        async def attempt() -> Download:
            response = await self._send_once("GET", path, {}, True, stream=True)
            try:
                return await _save(response, Path(destination), overwrite)
            finally:
                await response.aclose()

        return await self._with_retries("GET", None, attempt)


async def _save(
    response: httpx.Response, destination: Path, overwrite: bool
) -> Download:
    filename = filename_from_disposition(response.headers.get("content-disposition"))
    target = _target_path(destination, filename, overwrite)
    descriptor, partial = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
    )
    size = 0
    try:
        with os.fdopen(descriptor, "wb") as output:
            async for chunk in response.aiter_bytes():
                output.write(chunk)
                size += len(chunk)
        os.replace(partial, target)
    except BaseException:
        os.unlink(partial)
        raise
    return Download(
        filename=filename,
        content_type=response.headers.get("content-type", ""),
        size=size,
        path=target,
    )


def _target_path(destination: Path, filename: str, overwrite: bool) -> Path:
    target = destination / filename if destination.is_dir() else destination
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} exists; pass overwrite=True to replace it")
    return target


def filename_from_disposition(header: str | None) -> str:
    """Return the safe base name of a Content-Disposition header.

    Per RFC 6266 the `filename*` parameter (RFC 8187, percent-encoded with a
    charset) wins over the plain `filename`, which may be an ASCII stand-in.
    """
    params = {
        name.lower(): _unquote(value)
        for name, value in _DISPOSITION_PARAM.findall(header or "")
    }
    extended = params.get("filename*")
    if extended is not None:
        charset, _, rest = extended.partition("'")
        _language, _, encoded = rest.partition("'")
        try:
            decoded = unquote(encoded, encoding=charset or "utf-8", errors="strict")
        except (LookupError, UnicodeDecodeError):
            decoded = ""
        if decoded:
            return safe_basename(decoded)
    return safe_basename(params.get("filename", ""))


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value.strip()


def safe_basename(name: str) -> str:
    """Reduce a name from the server to a base name that cannot leave a directory."""
    cleaned = "".join(
        char
        for char in name
        if char not in BIDI_FORMATTING and unicodedata.category(char) != "Cc"
    )
    base = cleaned.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if base in ("", ".", ".."):
        return DEFAULT_FILENAME
    return base


def _source_name(source: FileSource) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name or DEFAULT_FILENAME
    name = getattr(source, "name", None)
    if isinstance(name, str) and name:
        return Path(name).name
    return DEFAULT_FILENAME
