"""Sending and reading messages, the messages database and container lookups."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

from cencomm_client.endpoints.base import (
    DEFAULT_PAGE_SIZE,
    BaseClient,
    api_path,
    iterate_pages,
    page_params,
)
from cencomm_client.inputs import NewMessage, Recipients
from cencomm_client.models import ContainerPage, Message, Page, Receipt, Resolution


class MessagesEndpoints(BaseClient):
    async def resolve_recipients(self, code: str, recipients: Recipients) -> Resolution:
        """Return whom a send with this selection would reach, each person once."""
        path = api_path("operations", code, "recipients", "resolve")
        body = {"recipients": recipients.to_json()}
        return await self._json_model(Resolution, "POST", path, body, retry=True)

    async def send_message(
        self, code: str, message: NewMessage, *, retry: bool | None = None
    ) -> Message:
        """Send a message to the selected recipients.

        After a connection error the send is repeated only with `retry=True`:
        a send whose connection broke after the request left may have been
        stored, so repeating it could deliver the message twice.
        """
        path = api_path("operations", code, "messages")
        return await self._json_model(
            Message, "POST", path, message.to_json(), retry=retry
        )

    async def get_message(self, code: str, message_id: str) -> Message:
        """Return a message the caller may see."""
        return await self._get_model(
            Message, api_path("operations", code, "messages", message_id)
        )

    async def list_thread(
        self,
        code: str,
        message_id: str,
        *,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[Message]:
        """Return one page of the message's conversation, oldest first."""
        return await self._get_model(
            Page[Message],
            api_path("operations", code, "messages", message_id, "thread"),
            page_params(limit, cursor),
        )

    def iter_thread(
        self, code: str, message_id: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[Message]:
        """Iterate over the visible messages of the conversation, oldest first."""
        return iterate_pages(
            lambda cursor: self.list_thread(
                code, message_id, limit=page_size, cursor=cursor
            )
        )

    async def list_receipts(
        self,
        code: str,
        message_id: str,
        *,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[Receipt]:
        """Return one page of read receipts (to the sender and the OCU)."""
        return await self._get_model(
            Page[Receipt],
            api_path("operations", code, "messages", message_id, "receipts"),
            page_params(limit, cursor),
        )

    def iter_receipts(
        self, code: str, message_id: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[Receipt]:
        """Iterate over the read receipts, one per recipient."""
        return iterate_pages(
            lambda cursor: self.list_receipts(
                code, message_id, limit=page_size, cursor=cursor
            )
        )

    async def search_messages(
        self,
        code: str,
        *,
        q: str | None = None,
        type: str | None = None,
        country: str | None = None,
        sender_id: str | None = None,
        commodity: str | None = None,
        container: str | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[Message]:
        """Return one page of the messages database, newest first.

        `country` is the sender's; `since` and `until` are inclusive UTC dates.
        """
        params = page_params(
            limit,
            cursor,
            q=q,
            type=type,
            country=country,
            sender_id=sender_id,
            commodity=commodity,
            container=container,
            since=_date_text(since),
            until=_date_text(until),
        )
        return await self._get_model(
            Page[Message], api_path("operations", code, "messages"), params
        )

    def iter_messages(
        self,
        code: str,
        *,
        q: str | None = None,
        type: str | None = None,
        country: str | None = None,
        sender_id: str | None = None,
        commodity: str | None = None,
        container: str | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[Message]:
        """Iterate over every message of the search, newest first."""
        return iterate_pages(
            lambda cursor: self.search_messages(
                code,
                q=q,
                type=type,
                country=country,
                sender_id=sender_id,
                commodity=commodity,
                container=container,
                since=since,
                until=until,
                limit=page_size,
                cursor=cursor,
            )
        )

    async def lookup_container(
        self,
        code: str,
        container_number: str,
        *,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> ContainerPage:
        """Return one page of the visible messages that name a container."""
        return await self._get_model(
            ContainerPage,
            api_path("operations", code, "containers", container_number),
            page_params(limit, cursor),
        )

    def iter_container(
        self, code: str, container_number: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[Message]:
        """Iterate over every visible message that names a container."""
        return iterate_pages(
            lambda cursor: self.lookup_container(
                code, container_number, limit=page_size, cursor=cursor
            )
        )


def _date_text(value: date | str | None) -> str | None:
    if isinstance(value, date):
        return value.isoformat()
    return value
