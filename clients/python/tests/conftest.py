"""Fixtures: a real cencomm server in a subprocess, an admin and a team."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator

import pytest
from support import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    Person,
    Server,
    Team,
    create_person,
    make_client,
)

from cencomm_client import CencommClient


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("cencomm-server"))
    running.cencomm("create-admin", ADMIN_USERNAME, stdin=ADMIN_PASSWORD + "\n")
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
async def admin(server: Server) -> AsyncIterator[CencommClient]:
    async with make_client(server) as client:
        await client.login(ADMIN_USERNAME, ADMIN_PASSWORD)
        yield client


@pytest.fixture(scope="session")
async def people(server: Server, admin: CencommClient) -> AsyncIterator[list[Person]]:
    """Four accounts, created once because password hashing is slow on purpose."""
    created = [
        await create_person(server, admin, "ocu", "TH", "ocu"),
        await create_person(server, admin, "ncp", "VN", "ncp"),
        await create_person(server, admin, "alice", "VN", "user"),
        await create_person(server, admin, "bob", "VN", "user"),
    ]
    yield created
    for person in created:
        await person.client.aclose()


@pytest.fixture
async def team(admin: CencommClient, people: list[Person]) -> Team:
    """A new operation with the four people as members."""
    code = f"op-{secrets.token_hex(4)}"
    await admin.create_operation(code, f"Operation {code}")
    for person in people:
        await admin.put_member(code, person.id, person.role)
    return Team.of(code, people)
