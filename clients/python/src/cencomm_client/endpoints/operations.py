"""Operations, their members and their audit trail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from cencomm_client.endpoints.base import (
    DEFAULT_PAGE_SIZE,
    BaseClient,
    api_path,
    iterate_pages,
    page_params,
)
from cencomm_client.inputs import Phases
from cencomm_client.models import AuditEvent, Member, Operation, Page


class OperationsEndpoints(BaseClient):
    async def create_operation(
        self,
        code: str,
        name: str,
        *,
        description: str | None = None,
        phases: Phases | None = None,
        retry: bool | None = None,
    ) -> Operation:
        """Create an operation (admin)."""
        body: dict[str, Any] = {"code": code, "name": name}
        if description is not None:
            body["description"] = description
        if phases is not None:
            body["phases"] = phases.to_json()
        return await self._json_model(
            Operation, "POST", api_path("operations"), body, retry=retry
        )

    async def list_operations(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> Page[Operation]:
        """Return one page of the caller's operations (an admin's: all), by code."""
        return await self._get_model(
            Page[Operation], api_path("operations"), page_params(limit, cursor)
        )

    def iter_operations(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[Operation]:
        """Iterate over the caller's operations."""
        return iterate_pages(
            lambda cursor: self.list_operations(limit=page_size, cursor=cursor)
        )

    async def get_operation(self, code: str) -> Operation:
        """Return an operation with its phases, status and member count."""
        return await self._get_model(Operation, api_path("operations", code))

    async def update_operation(
        self,
        code: str,
        *,
        name: str | None = None,
        description: str | None = None,
        phases: Phases | None = None,
        status: str | None = None,
    ) -> Operation:
        """Change the given fields of an operation, or close or reopen it."""
        body: dict[str, Any] = {}
        if name is not None:
            body["name"] = name
        if description is not None:
            body["description"] = description
        if phases is not None:
            body["phases"] = phases.to_json()
        if status is not None:
            body["status"] = status
        return await self._json_model(
            Operation, "PATCH", api_path("operations", code), body
        )

    async def list_members(
        self, code: str, *, limit: int | None = None, cursor: str | None = None
    ) -> Page[Member]:
        """Return one page of the operation's members."""
        return await self._get_model(
            Page[Member],
            api_path("operations", code, "members"),
            page_params(limit, cursor),
        )

    def iter_members(
        self, code: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[Member]:
        """Iterate over the operation's members."""
        return iterate_pages(
            lambda cursor: self.list_members(code, limit=page_size, cursor=cursor)
        )

    async def put_member(
        self, code: str, user_id: str, role: str, country: str | None = None
    ) -> Member:
        """Add a member or change a member's role or country.

        `country` defaults, on the server, to the user's account country.
        """
        body: dict[str, Any] = {"role": role}
        if country is not None:
            body["country"] = country
        path = api_path("operations", code, "members", user_id)
        return await self._json_model(Member, "PUT", path, body)

    async def remove_member(self, code: str, user_id: str) -> None:
        """Remove a member from the operation."""
        await self._no_content(
            "DELETE", api_path("operations", code, "members", user_id)
        )

    async def list_audit(
        self,
        code: str,
        *,
        action: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[AuditEvent]:
        """Return one page of the operation's audit events, newest first."""
        return await self._get_model(
            Page[AuditEvent],
            api_path("operations", code, "audit"),
            page_params(limit, cursor, action=action),
        )

    def iter_audit(
        self,
        code: str,
        *,
        action: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[AuditEvent]:
        """Iterate over the operation's audit events, newest first."""
        return iterate_pages(
            lambda cursor: self.list_audit(
                code, action=action, limit=page_size, cursor=cursor
            )
        )
