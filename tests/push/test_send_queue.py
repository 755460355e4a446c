"""The bounded send queue of one connection."""

from __future__ import annotations

import asyncio

import pytest

from app.push.send_queue import OutgoingFrame, SendQueue, SendQueueFull


def frame(text: str, operation_id: str | None = None) -> OutgoingFrame:
    return OutgoingFrame(text=text, operation_id=operation_id)


async def test_frames_leave_in_order() -> None:
    queue = SendQueue(3)
    for text in ("a", "b", "c"):
        queue.put_nowait(frame(text))

    texts = [(await queue.get()).text for _ in range(3)]

    assert texts == ["a", "b", "c"]


async def test_put_nowait_on_full_queue() -> None:
    queue = SendQueue(1)
    queue.put_nowait(frame("a"))

    with pytest.raises(SendQueueFull):
        queue.put_nowait(frame("b"))
    assert len(queue) == 1


async def test_over_limit_appends_anyway() -> None:
    queue = SendQueue(1)
    queue.put_nowait(frame("ready"))

    queue.put_nowait(frame("resync_required"), over_limit=True)

    assert len(queue) == 2


async def test_put_waits_for_room() -> None:
    queue = SendQueue(1)
    queue.put_nowait(frame("a"))
    waiting = asyncio.create_task(queue.put(frame("b")))
    await asyncio.sleep(0.01)
    assert not waiting.done()

    assert (await queue.get()).text == "a"
    await asyncio.wait_for(waiting, timeout=1)

    assert (await queue.get()).text == "b"


async def test_get_waits_for_a_frame() -> None:
    queue = SendQueue(2)
    getting = asyncio.create_task(queue.get())
    await asyncio.sleep(0.01)
    assert not getting.done()

    queue.put_nowait(frame("a"))

    assert (await asyncio.wait_for(getting, timeout=1)).text == "a"


async def test_discard_operation_keeps_others() -> None:
    queue = SendQueue(5)
    for text, operation_id in (("r", None), ("a1", "A"), ("b1", "B"), ("a2", "A")):
        queue.put_nowait(frame(text, operation_id))

    removed = queue.discard_operation("A")

    assert removed == 2
    assert [(await queue.get()).text for _ in range(2)] == ["r", "b1"]


async def test_discard_makes_room_for_waiting_put() -> None:
    queue = SendQueue(1)
    queue.put_nowait(frame("a1", "A"))
    waiting = asyncio.create_task(queue.put(frame("b1", "B")))
    await asyncio.sleep(0.01)

    queue.discard_operation("A")
    await asyncio.wait_for(waiting, timeout=1)

    assert (await queue.get()).text == "b1"
