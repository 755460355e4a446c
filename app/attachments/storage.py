"""Content-addressed storage of uploaded files under one root folder.

A blob lives at `root/ab/cd/<sha256>`, so equal content is stored once. An
upload is first written to a temporary file in `root/tmp/`, and only a complete,
fsynced file is renamed to its final name, so no name ever shows a partial file.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, NoReturn, TypeVar

import anyio.to_thread
import structlog

logger = structlog.get_logger(__name__)

T = TypeVar("T")

HEAD_BYTES = 8 * 1024
# Chunks are gathered into writes of about this size, each done in a worker thread.
WRITE_BATCH_BYTES = 1024 * 1024
# How far past the limit a stream is still read and thrown away, so that an HTTP
# client that is still sending gets the error response instead of a reset.
DRAIN_BYTES = 64 * 1024 * 1024

_TEMP_DIR_NAME = "tmp"
_TEMP_PREFIX = "upload-"
_TEMP_SUFFIX = ".part"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class BlobTooLarge(Exception):
    """Error for a stream with more bytes than allowed, none of which were kept."""

    def __init__(self, limit: int, received: int, *, complete: bool) -> None:
        self.limit = limit
        self.received = received
        self.complete = complete
        amount = f"{received:,}" if complete else f"at least {received:,}"
        super().__init__(f"file has {amount} bytes; at most {limit:,} are allowed")


@dataclass(frozen=True, slots=True)
class StoredBlob:
    """A blob under its final name, with the first `HEAD_BYTES` of its content."""

    sha256: str
    size: int
    path: Path
    head: bytes


class PendingBlob:
    """A completely received stream in a temporary file, not yet stored.

    `keep` moves it to its final name. `discard`, which `BlobStore.receive` calls
    on leaving its block, deletes it unless it was kept.
    """

    def __init__(
        self,
        store: BlobStore,
        file: BinaryIO,
        temp_path: Path,
        *,
        sha256: str,
        size: int,
        head: bytes,
    ) -> None:
        self.temp_path = temp_path
        self.sha256 = sha256
        self.size = size
        self.head = head
        self._store = store
        self._file: BinaryIO | None = file
        self._stored: StoredBlob | None = None

    async def inspect(self, function: Callable[[bytes, Path], T]) -> T:
        """Run `function(head, temp_path)` in a worker thread and return its result."""
        return await anyio.to_thread.run_sync(function, self.head, self.temp_path)

    async def keep(self) -> StoredBlob:
        """Fsync the temporary file and rename it to its content address."""
        if self._stored is not None:
            return self._stored
        file = self._file
        if file is None:
            raise RuntimeError(
                f"upload {self.sha256} was discarded, so it cannot be kept"
            )

        target = self._store.path_for(self.sha256)
        await anyio.to_thread.run_sync(_move_into_place, file, self.temp_path, target)
        self._file = None
        self._stored = StoredBlob(self.sha256, self.size, target, self.head)
        return self._stored

    def discard(self) -> None:
        """Close and delete the temporary file, unless it was kept."""
        if self._file is None:
            return
        _remove_temp(self._file, self.temp_path)
        self._file = None


class BlobStore:
    """Blobs named by the SHA-256 of their content, under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.temp_dir = root / _TEMP_DIR_NAME

    def path_for(self, sha256: str) -> Path:
        """Return where the blob with this lowercase hex SHA-256 is stored."""
        if not _SHA256_HEX.fullmatch(sha256):
            raise ValueError(
                f"{sha256!r} is not a SHA-256 digest; 64 lowercase hex digits "
                "are expected"
            )
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def open(self, sha256: str) -> BinaryIO:
        """Open a stored blob for reading. Raises FileNotFoundError if it is missing."""
        return self.path_for(sha256).open("rb")

    def delete(self, sha256: str) -> bool:
        """Delete a stored blob and return whether it was there.

        Equal uploads share one blob, so the caller checks that no other upload
        refers to this digest first.
        """
        try:
            self.path_for(sha256).unlink()
        except FileNotFoundError:
            return False
        return True

    @asynccontextmanager
    async def receive(
        self,
        chunks: AsyncIterable[bytes],
        max_bytes: int,
        *,
        drain_bytes: int = DRAIN_BYTES,
    ) -> AsyncIterator[PendingBlob]:
        """Write a stream to a temporary file and yield it, to inspect and keep.

        Raises BlobTooLarge, with no file left behind, once the stream has more
        than `max_bytes`. The rest of it is still read, up to `drain_bytes` more.
        The temporary file is deleted on leaving the block unless it was kept.
        """
        pending = await self._write_temp(chunks, max_bytes, drain_bytes)
        try:
            yield pending
        finally:
            pending.discard()

    async def save_stream(
        self,
        chunks: AsyncIterable[bytes],
        max_bytes: int,
        *,
        drain_bytes: int = DRAIN_BYTES,
    ) -> StoredBlob:
        """Store a whole stream without inspecting it, with the limits of `receive`."""
        async with self.receive(chunks, max_bytes, drain_bytes=drain_bytes) as pending:
            return await pending.keep()

    def discard_temp_files(self, older_than: timedelta) -> int:
        """Delete temporary files last written before `older_than` ago.

        These are left over from uploads that a crash interrupted. Returns the
        number deleted.
        """
        cutoff = time.time() - older_than.total_seconds()
        deleted = 0
        for path in self.temp_dir.glob(f"{_TEMP_PREFIX}*{_TEMP_SUFFIX}"):
            try:
                if path.stat().st_mtime >= cutoff:
                    continue
                path.unlink()
            except FileNotFoundError:
                continue
            deleted += 1
        if deleted:
            logger.info("attachments.temp_files_discarded", count=deleted)
        return deleted

    async def _write_temp(
        self, chunks: AsyncIterable[bytes], max_bytes: int, drain_bytes: int
    ) -> PendingBlob:
        if max_bytes < 0:
            raise ValueError(f"max_bytes is {max_bytes}; it must be 0 or more")

        file, temp_path = await anyio.to_thread.run_sync(self._create_temp)
        digest = hashlib.sha256()
        head = bytearray()
        batch = bytearray()
        size = 0
        iterator = aiter(chunks)
        try:
            async for chunk in iterator:
                size += len(chunk)
                if size > max_bytes:
                    _remove_temp(file, temp_path)
                    await _drain(iterator, size, max_bytes, drain_bytes)
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                batch += chunk
                if len(batch) >= WRITE_BATCH_BYTES:
                    data, batch = batch, bytearray()
                    await anyio.to_thread.run_sync(_write, file, digest, data)
            # Flush, so that code reading the temporary file reads every byte.
            await anyio.to_thread.run_sync(_write, file, digest, batch, True)
        except BaseException:
            # Also on cancellation or a failed stream, so that nothing is kept.
            _remove_temp(file, temp_path)
            raise

        return PendingBlob(
            self,
            file,
            temp_path,
            sha256=digest.hexdigest(),
            size=size,
            head=bytes(head),
        )

    def _create_temp(self) -> tuple[BinaryIO, Path]:
        self.temp_dir.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(
            prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX, dir=self.temp_dir
        )
        return os.fdopen(descriptor, "wb"), Path(name)


async def _drain(
    iterator: AsyncIterator[bytes], received: int, max_bytes: int, drain_bytes: int
) -> NoReturn:
    """Read and drop the rest of a stream that is too large, then raise."""
    bound = max_bytes + drain_bytes
    complete = True
    async for chunk in iterator:
        received += len(chunk)
        if received > bound:
            complete = False
            break
    raise BlobTooLarge(max_bytes, received, complete=complete)


def _write(
    file: BinaryIO, digest: hashlib._Hash, data: bytearray, flush: bool = False
) -> None:
    digest.update(data)
    file.write(data)
    if flush:
        file.flush()


def _move_into_place(file: BinaryIO, temp_path: Path, target: Path) -> None:
    """Rename a finished temporary file to `target`, or drop it if already there."""
    try:
        file.flush()
        if target.exists():
            file.close()
            temp_path.unlink()
            return
        os.fsync(file.fileno())
        file.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp_path, target)
    except BaseException:
        _remove_temp(file, temp_path)
        raise
    _fsync_directory(target.parent)


def _fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` survive a crash."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_temp(file: BinaryIO, temp_path: Path) -> None:
    """Close and delete a temporary file, two calls fast enough for the event loop."""
    try:
        file.close()
    finally:
        temp_path.unlink(missing_ok=True)
