"""An in-memory socket for driving `Connection` without a network.

It plays the ASGI side that uvicorn plays in production: it hands client
frames to `receive()`, records what the connection sends, and can hold sends
back (`gate`) to act as a client that stops reading.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

WAIT_SECONDS = 5.0


class FakeSocket:
    def __init__(
        self,
        headers: Mapping[str, str] | None = None,
        query_params: Mapping[str, str] | None = None,
    ) -> None:
        self.headers: Mapping[str, str] = dict(headers or {})
        self.query_params: Mapping[str, str] = dict(query_params or {})
        self.incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent: list[dict[str, Any]] = []
        self.send_attempts = 0
        # While cleared, every send waits, as for a client that stopped reading.
        self.gate = asyncio.Event()
        self.gate.set()
        self.close_code: int | None = None
        self.close_reason: str | None = None
        self.closed = asyncio.Event()
        self._changed = asyncio.Event()

    # The socket side the connection uses.

    async def accept(self) -> None:
        return None

    async def receive(self) -> Mapping[str, Any]:
        return await self.incoming.get()

    async def send_text(self, data: str) -> None:
        self.send_attempts += 1
        self._changed.set()
        await self.gate.wait()
        self.sent.append(json.loads(data))
        self._changed.set()

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.close_code = code
        self.close_reason = reason
        self.closed.set()
        self._changed.set()

    # The client side the tests use.

    def client_sends(self, frame: dict[str, Any] | str) -> None:
        text = frame if isinstance(frame, str) else json.dumps(frame)
        self.incoming.put_nowait({"type": "websocket.receive", "text": text})

    def client_disconnects(self) -> None:
        self.incoming.put_nowait({"type": "websocket.disconnect", "code": 1000})

    async def wait_until(self, condition: Any) -> None:
        """Wait until `condition()` is true, checking after each send or close."""
        async with asyncio.timeout(WAIT_SECONDS):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    async def frames(self, count: int) -> list[dict[str, Any]]:
        """Wait until `count` frames were sent; return them all."""
        await self.wait_until(lambda: len(self.sent) >= count)
        return list(self.sent)

    def events(self) -> list[dict[str, Any]]:
        return [f for f in self.sent if f["type"].startswith("mailbox.")]
