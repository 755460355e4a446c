"""Drafts: save, list, read, merge-patch, delete and send."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from cencomm_client.endpoints.base import (
    DEFAULT_PAGE_SIZE,
    BaseClient,
    api_path,
    iterate_pages,
    page_params,
)
from cencomm_client.inputs import DraftPatch, NewMessage
from cencomm_client.models import Draft, DraftPage, Message

MERGE_PATCH_TYPE = "application/merge-patch+json"


class DraftsEndpoints(BaseClient):
    async def create_draft(
        self, code: str, draft: NewMessage | None = None, *, retry: bool | None = None
    ) -> Draft:
        """Save a new draft; every field is optional."""
        body = (draft or NewMessage()).to_json()
        path = api_path("operations", code, "drafts")
        return await self._json_model(Draft, "POST", path, body, retry=retry)

    async def list_drafts(
        self, code: str, *, limit: int | None = None, cursor: str | None = None
    ) -> DraftPage:
        """Return one page of the caller's drafts, most recently changed first."""
        return await self._get_model(
            DraftPage,
            api_path("operations", code, "drafts"),
            page_params(limit, cursor),
        )

    def iter_drafts(
        self, code: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[Draft]:
        """Iterate over the caller's drafts."""
        return iterate_pages(
            lambda cursor: self.list_drafts(code, limit=page_size, cursor=cursor)
        )

    async def get_draft(self, code: str, draft_id: str) -> Draft:
        """Return one of the caller's drafts."""
        return await self._get_model(
            Draft, api_path("operations", code, "drafts", draft_id)
        )

    async def update_draft(
        self, code: str, draft_id: str, patch: DraftPatch | Mapping[str, Any]
    ) -> Draft:
        """Change a draft with a JSON merge patch: None (null) clears a field.

        Fields a `DraftPatch` leaves unset, or a mapping leaves out, stay as
        they are; a nested object such as `fields` is merged key by key.
        """
        body = patch.to_json() if isinstance(patch, DraftPatch) else dict(patch)
        return await self._json_model(
            Draft,
            "PATCH",
            api_path("operations", code, "drafts", draft_id),
            body,
            content_type=MERGE_PATCH_TYPE,
        )

    async def delete_draft(self, code: str, draft_id: str) -> None:
        """Delete one of the caller's drafts."""
        await self._no_content(
            "DELETE", api_path("operations", code, "drafts", draft_id)
        )

    async def send_draft(
        self, code: str, draft_id: str, *, retry: bool | None = None
    ) -> Message:
        """Send a draft as a message; the server deletes it, unless the send fails."""
        path = api_path("operations", code, "drafts", draft_id, "send")
        return await self._json_model(Message, "POST", path, None, retry=retry)
