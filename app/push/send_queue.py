"""The bounded queue of frames waiting to be written to one socket."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OutgoingFrame:
    """A serialized frame. Event frames also carry their operation and read.

    `read_number` counts the connection's event reads, so that a member
    removal can tell which queued frames were read before it.
    """

    text: str
    operation_id: str | None = None
    read_number: int = 0


class SendQueueFull(Exception):
    """The client has not read the frames already queued for it."""


class SendQueue:
    """A FIFO of frames with one consumer, the connection's sender task."""

    def __init__(self, max_frames: int) -> None:
        self._frames: deque[OutgoingFrame] = deque()
        self._max_frames = max_frames
        self._not_empty = asyncio.Event()
        self._not_full = asyncio.Event()
        self._not_full.set()

    def __len__(self) -> int:
        return len(self._frames)

    def full(self) -> bool:
        return len(self._frames) >= self._max_frames

    def put_nowait(self, frame: OutgoingFrame, *, over_limit: bool = False) -> None:
        """Append a frame, or raise SendQueueFull when the queue is full.

        `over_limit` appends anyway, for the few protocol frames that open a
        connection, so that they fit even with a queue size of one.
        """
        if self.full() and not over_limit:
            raise SendQueueFull
        self._append(frame)

    async def put(self, frame: OutgoingFrame) -> None:
        """Append a frame, waiting for the sender to make room."""
        while self.full():
            self._not_full.clear()
            await self._not_full.wait()
        self._append(frame)

    async def get(self) -> OutgoingFrame:
        while not self._frames:
            self._not_empty.clear()
            await self._not_empty.wait()
        frame = self._frames.popleft()
        self._not_full.set()
        return frame

    def discard_operation(self, operation_id: str) -> int:
        """Remove the queued event frames of one operation and return their count."""
        remaining = deque(f for f in self._frames if f.operation_id != operation_id)
        removed = len(self._frames) - len(remaining)
        self._frames = remaining
        if removed:
            self._not_full.set()
        return removed

    def _append(self, frame: OutgoingFrame) -> None:
        self._frames.append(frame)
        self._not_empty.set()
