"""`CencommClient`: every endpoint of the API, and the live mailbox."""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator
from types import TracebackType

from cencomm_client.endpoints.accounts import AccountsEndpoints
from cencomm_client.endpoints.attachments import AttachmentsEndpoints
from cencomm_client.endpoints.drafts import DraftsEndpoints
from cencomm_client.endpoints.mailbox import MailboxEndpoints
from cencomm_client.endpoints.messages import MessagesEndpoints
from cencomm_client.endpoints.operations import OperationsEndpoints
from cencomm_client.events import WatchEvent
from cencomm_client.models import ServiceStatus
from cencomm_client.retry import DEFAULT_RECONNECT, RetryPolicy


class CencommClient(
    AccountsEndpoints,
    OperationsEndpoints,
    AttachmentsEndpoints,
    MessagesEndpoints,
    MailboxEndpoints,
    DraftsEndpoints,
):
    """An async client of one server; use it as `async with CencommClient(url)`.

    Log in with `login()`, or pass the `refresh_token` of an earlier login.
    Tokens are refreshed before they expire, and a `token_store` receives
    each new refresh token.
    """

    async def __aenter__(self) -> CencommClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def healthz(self) -> ServiceStatus:
        """Return the server's liveness (the process is up)."""
        return await self._get_model(ServiceStatus, "/healthz", authenticate=False)

    async def readyz(self) -> ServiceStatus:
        """Return the server's readiness; a database that is down raises 503."""
        return await self._get_model(ServiceStatus, "/readyz", authenticate=False)

    def watch(
        self,
        since: str | None = None,
        cursor_file: str | os.PathLike[str] | None = None,
        *,
        reconnect: RetryPolicy = DEFAULT_RECONNECT,
    ) -> AsyncGenerator[WatchEvent, None]:
        """Iterate over the caller's mailbox events, live, across reconnects.

        Yields `MailboxEvent`, `CaughtUp` and `ResyncRequired`. The watch
        resumes from the cursor of the last event it yielded, kept in memory
        or in `cursor_file` (which wins over `since` when it contains a cursor).
        It raises AuthenticationError when the login cannot be renewed and
        AccountDeactivated when the account is deactivated. `aclose()` closes
        the socket.
        """
        # Imported here so that commands that never watch skip loading websockets.
        from cencomm_client.watch import Watcher

        watcher = Watcher(
            self,
            since=since,
            cursor_file=os.fspath(cursor_file) if cursor_file else None,
            reconnect=reconnect,
        )
        return watcher.events()
