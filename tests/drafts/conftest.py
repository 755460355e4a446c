"""An operation with an author, a recipient, another member, an OCU and an outsider."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.conftest import Account, Api

__all__ = ["Team"]


@dataclass
class Team:
    api: Api
    code: str
    author: Account
    recipient: Account
    other: Account
    ocu: Account
    outsider: Account

    @property
    def client(self) -> httpx.AsyncClient:
        return self.api.client

    @property
    def drafts_url(self) -> str:
        return f"/api/v1/operations/{self.code}/drafts"

    def draft_url(self, draft_id: str) -> str:
        return f"{self.drafts_url}/{draft_id}"

    async def create(
        self, body: dict[str, Any], account: Account | None = None
    ) -> dict[str, Any]:
        response = await self.client.post(
            self.drafts_url, json=body, headers=(account or self.author).headers
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def patch(
        self, draft_id: str, patch: Any, account: Account | None = None
    ) -> httpx.Response:
        return await self.client.patch(
            self.draft_url(draft_id),
            json=patch,
            headers={
                **(account or self.author).headers,
                "Content-Type": "application/merge-patch+json",
            },
        )

    async def get(
        self, draft_id: str, account: Account | None = None
    ) -> httpx.Response:
        return await self.client.get(
            self.draft_url(draft_id), headers=(account or self.author).headers
        )

    async def send(
        self, draft_id: str, account: Account | None = None
    ) -> httpx.Response:
        return await self.client.post(
            f"{self.draft_url(draft_id)}/send",
            headers=(account or self.author).headers,
        )

    async def set_status(self, status: str) -> None:
        assert self.api.admin is not None
        response = await self.client.patch(
            f"/api/v1/operations/{self.code}",
            json={"status": status},
            headers=self.api.admin.headers,
        )
        assert response.status_code == 200, response.text


@pytest.fixture
async def team(api: Api) -> Team:
    code = await api.create_operation("drafts-op")
    author = await api.create_user("author", country="VN")
    recipient = await api.create_user("recipient", country="TH")
    other = await api.create_user("other", country="VN")
    ocu = await api.create_user("ocu", country="BE")
    outsider = await api.create_user("outsider", country="VN")
    await api.add_member(code, author, "user")
    await api.add_member(code, recipient, "ncp")
    await api.add_member(code, other, "user")
    await api.add_member(code, ocu, "ocu")
    return Team(api, code, author, recipient, other, ocu, outsider)
