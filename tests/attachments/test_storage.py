from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections.abc import AsyncIterator, Iterable
from datetime import timedelta
from pathlib import Path

import pytest

from app.attachments.sniff import PNG, detect_content_type
from app.attachments.storage import (
    HEAD_BYTES,
    WRITE_BATCH_BYTES,
    BlobStore,
    BlobTooLarge,
)
from tests.attachments import samples


async def stream(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


def split(data: bytes, size: int) -> list[bytes]:
    return [data[start : start + size] for start in range(0, len(data), size)]


def files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs")


async def test_sha256_and_size(store: BlobStore) -> None:
    data = os.urandom(3 * WRITE_BATCH_BYTES + 12345)

    blob = await store.save_stream(stream(split(data, 65536)), max_bytes=len(data))

    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.size == len(data)
    assert blob.path == store.path_for(blob.sha256)
    assert blob.path.read_bytes() == data


async def test_blob_path_layout(store: BlobStore) -> None:
    blob = await store.save_stream(stream([b"hello"]), max_bytes=100)
    digest = hashlib.sha256(b"hello").hexdigest()

    assert blob.path == store.root / digest[:2] / digest[2:4] / digest


async def test_head_is_first_bytes(store: BlobStore) -> None:
    data = os.urandom(HEAD_BYTES * 3)
    blob = await store.save_stream(stream(split(data, 1000)), max_bytes=len(data))
    assert blob.head == data[:HEAD_BYTES]


async def test_head_of_small_file(store: BlobStore) -> None:
    blob = await store.save_stream(stream([b"ab", b"", b"c"]), max_bytes=10)
    assert blob.head == b"abc"


async def test_empty_stream_stored(store: BlobStore) -> None:
    blob = await store.save_stream(stream([]), max_bytes=10)

    assert blob.size == 0
    assert blob.sha256 == hashlib.sha256(b"").hexdigest()
    assert blob.path.read_bytes() == b""


async def test_exact_limit_passes(store: BlobStore) -> None:
    data = b"x" * 1000
    blob = await store.save_stream(stream(split(data, 300)), max_bytes=1000)
    assert blob.size == 1000


async def test_limit_exceeded_leaves_nothing(store: BlobStore) -> None:
    data = b"x" * 1001

    with pytest.raises(BlobTooLarge) as caught:
        await store.save_stream(stream(split(data, 300)), max_bytes=1000)

    assert caught.value.limit == 1000
    assert caught.value.received == 1001
    assert caught.value.complete
    assert files_under(store.root) == []
    assert list(store.temp_dir.iterdir()) == []


async def test_limit_error_message(store: BlobStore) -> None:
    with pytest.raises(BlobTooLarge) as caught:
        await store.save_stream(stream([b"x" * 20_013]), max_bytes=20_000)
    assert str(caught.value) == "file has 20,013 bytes; at most 20,000 are allowed"


async def test_limit_exceeded_drains_rest(store: BlobStore) -> None:
    consumed = []

    async def chunks() -> AsyncIterator[bytes]:
        for index in range(10):
            consumed.append(index)
            yield b"x" * 100

    with pytest.raises(BlobTooLarge) as caught:
        await store.save_stream(chunks(), max_bytes=250, drain_bytes=10_000)

    assert consumed == list(range(10))
    assert caught.value.received == 1000
    assert caught.value.complete


async def test_drain_stops_at_bound(store: BlobStore) -> None:
    consumed = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal consumed
        while True:
            consumed += 1
            yield b"x" * 100

    with pytest.raises(BlobTooLarge) as caught:
        await store.save_stream(endless(), max_bytes=250, drain_bytes=1000)

    assert consumed == 13
    assert caught.value.received == 1300
    assert not caught.value.complete
    assert "at least 1,300 bytes" in str(caught.value)
    assert files_under(store.root) == []


async def test_stream_error_leaves_nothing(store: BlobStore) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b"x" * WRITE_BATCH_BYTES
        yield b"y" * 10
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        await store.save_stream(broken(), max_bytes=10 * WRITE_BATCH_BYTES)

    assert files_under(store.root) == []


async def test_cancelled_upload_leaves_nothing(store: BlobStore) -> None:
    started = asyncio.Event()

    async def stalled() -> AsyncIterator[bytes]:
        yield b"x" * (WRITE_BATCH_BYTES + 1)
        started.set()
        await asyncio.Event().wait()
        yield b"never"

    task = asyncio.create_task(store.save_stream(stalled(), max_bytes=10**9))
    await started.wait()
    assert len(files_under(store.root)) == 1

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert files_under(store.root) == []


async def test_same_content_stored_once(store: BlobStore) -> None:
    first = await store.save_stream(stream([b"same ", b"bytes"]), max_bytes=100)
    second = await store.save_stream(stream([b"same bytes"]), max_bytes=100)

    assert first.sha256 == second.sha256
    assert first.path == second.path
    assert files_under(store.root) == [first.path]


async def test_existing_blob_not_rewritten(store: BlobStore) -> None:
    first = await store.save_stream(stream([b"same bytes"]), max_bytes=100)
    inode = first.path.stat().st_ino

    await store.save_stream(stream([b"same bytes"]), max_bytes=100)

    assert first.path.stat().st_ino == inode


async def test_receive_then_keep(store: BlobStore) -> None:
    data = samples.png()

    async with store.receive(stream([data]), max_bytes=1000) as pending:
        content_type = await pending.inspect(detect_content_type)
        assert pending.temp_path.parent == store.temp_dir
        assert pending.temp_path.read_bytes() == data
        assert files_under(store.root) == [pending.temp_path]
        blob = await pending.keep()

    assert content_type == PNG
    assert blob.path.read_bytes() == data
    assert files_under(store.root) == [blob.path]


async def test_receive_without_keep_discards(store: BlobStore) -> None:
    async with store.receive(stream([b"<html></html>"]), max_bytes=1000) as pending:
        content_type = await pending.inspect(detect_content_type)

    assert content_type is None
    assert files_under(store.root) == []
    assert not store.path_for(pending.sha256).exists()


async def test_receive_error_discards(store: BlobStore) -> None:
    with pytest.raises(LookupError):
        async with store.receive(stream([b"data"]), max_bytes=1000) as pending:
            raise LookupError("rejected")

    assert not pending.temp_path.exists()
    assert files_under(store.root) == []


async def test_keep_twice_same_blob(store: BlobStore) -> None:
    async with store.receive(stream([b"data"]), max_bytes=1000) as pending:
        first = await pending.keep()
        second = await pending.keep()
    assert first == second


async def test_keep_after_discard_fails(store: BlobStore) -> None:
    async with store.receive(stream([b"data"]), max_bytes=1000) as pending:
        pending.discard()
        with pytest.raises(RuntimeError):
            await pending.keep()


async def test_negative_limit_rejected(store: BlobStore) -> None:
    with pytest.raises(ValueError):
        await store.save_stream(stream([b"x"]), max_bytes=-1)


async def test_open_reads_blob(store: BlobStore) -> None:
    blob = await store.save_stream(stream([b"report"]), max_bytes=100)
    with store.open(blob.sha256) as file:
        assert file.read() == b"report"


def test_open_missing_blob(store: BlobStore) -> None:
    with pytest.raises(FileNotFoundError):
        store.open("0" * 64)


@pytest.mark.parametrize(
    "digest", ["../" + "a" * 61, "A" * 64, "a" * 63, "a" * 65, "g" * 64, ""]
)
def test_path_for_rejects_invalid_digest(store: BlobStore, digest: str) -> None:
    with pytest.raises(ValueError):
        store.path_for(digest)


async def test_delete_blob(store: BlobStore) -> None:
    blob = await store.save_stream(stream([b"report"]), max_bytes=100)

    assert store.delete(blob.sha256)
    assert not blob.path.exists()
    assert not store.delete(blob.sha256)


def test_discard_old_temp_files(store: BlobStore) -> None:
    store.temp_dir.mkdir(parents=True)
    old = store.temp_dir / "upload-old.part"
    fresh = store.temp_dir / "upload-fresh.part"
    unrelated = store.temp_dir / "notes.txt"
    for path in (old, fresh, unrelated):
        path.write_bytes(b"partial")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    os.utime(unrelated, (two_hours_ago, two_hours_ago))

    deleted = store.discard_temp_files(older_than=timedelta(hours=1))

    assert deleted == 1
    assert not old.exists()
    assert fresh.exists()
    assert unrelated.exists()


def test_discard_without_temp_dir(store: BlobStore) -> None:
    assert store.discard_temp_files(older_than=timedelta(hours=1)) == 0
