"""Fixtures of the mailbox tests: one app per module and a fresh operation each test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.config import Settings
from tests.messages.sending import Cug, Env, build_cug, running_app


@pytest.fixture(scope="module")
async def env(migrated: Settings) -> AsyncIterator[Env]:
    async with running_app(migrated) as shared:
        yield shared


@pytest.fixture
async def cug(env: Env) -> Cug:
    return await build_cug(env)
