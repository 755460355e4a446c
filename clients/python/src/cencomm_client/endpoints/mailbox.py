"""Mailbox folders, item changes and bulk actions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from cencomm_client.endpoints.base import (
    DEFAULT_PAGE_SIZE,
    BaseClient,
    api_path,
    iterate_pages,
    page_params,
)
from cencomm_client.models import BulkResult, MailboxItem, MailboxPage


class MailboxEndpoints(BaseClient):
    async def list_mailbox(
        self,
        code: str,
        *,
        folder: str = "inbox",
        unread: bool = False,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> MailboxPage:
        """Return one page of a folder, newest first, with the folder's unread count."""
        params = page_params(limit, cursor, folder=folder, unread=unread or None)
        return await self._get_model(
            MailboxPage, api_path("operations", code, "mailbox"), params
        )

    def iter_mailbox(
        self,
        code: str,
        *,
        folder: str = "inbox",
        unread: bool = False,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[MailboxItem]:
        """Iterate over every item of a folder, newest first."""
        return iterate_pages(
            lambda cursor: self.list_mailbox(
                code, folder=folder, unread=unread, limit=page_size, cursor=cursor
            )
        )

    async def update_mailbox_item(
        self,
        code: str,
        item_id: str,
        *,
        read: bool | None = None,
        folder: str | None = None,
    ) -> MailboxItem:
        """Mark an item read or unread, or move it (`archive`, `trash`, `restore`)."""
        body: dict[str, Any] = {}
        if read is not None:
            body["read"] = read
        if folder is not None:
            body["folder"] = folder
        path = api_path("operations", code, "mailbox", item_id)
        return await self._json_model(MailboxItem, "PATCH", path, body)

    async def bulk_mailbox(
        self, code: str, item_ids: Sequence[str], action: str
    ) -> BulkResult:
        """Apply one action to up to 500 items, all or nothing.

        `action` is `read`, `unread`, `archive`, `trash` or `restore`.
        """
        body = {"item_ids": list(item_ids), "action": action}
        path = api_path("operations", code, "mailbox", "bulk")
        return await self._json_model(BulkResult, "POST", path, body)
