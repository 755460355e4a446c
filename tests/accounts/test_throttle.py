"""The 429 response after too many failed logins for one username."""

import httpx
import pytest

from app.config import Settings
from tests.accounts.helpers import assert_problem
from tests.conftest import USER_PASSWORD, Api

TOKEN_URL = "/api/v1/auth/token"
MAX_FAILURES = 3
WINDOW_MINUTES = 15


@pytest.fixture
def migrated(migrated: Settings) -> Settings:
    """The migrated database, with a small CENCOMM_LOGIN_MAX_FAILURES."""
    return migrated.model_copy(
        update={
            "login_max_failures": MAX_FAILURES,
            "login_failure_window_minutes": WINDOW_MINUTES,
        }
    )


async def _login(api: Api, username: str, password: str) -> httpx.Response:
    return await api.client.post(
        TOKEN_URL, data={"username": username, "password": password}
    )


async def _fail(api: Api, username: str, times: int) -> None:
    for _ in range(times):
        response = await _login(api, username, "wrong-password")
        assert response.status_code == 401


async def test_throttle_after_max_failures(api: Api) -> None:
    await api.create_user("mali", country="TH")
    await _fail(api, "mali", MAX_FAILURES)

    response = await _login(api, "mali", "wrong-password")

    problem = assert_problem(response, 429)
    assert f"{MAX_FAILURES} in the last {WINDOW_MINUTES} minutes" in problem["detail"]
    retry_after = int(response.headers["retry-after"])
    assert 0 < retry_after <= WINDOW_MINUTES * 60


async def test_throttle_blocks_right_password(api: Api) -> None:
    await api.create_user("niran", country="TH")
    await _fail(api, "niran", MAX_FAILURES)

    response = await _login(api, "niran", USER_PASSWORD)

    assert_problem(response, 429)
    assert "retry-after" in response.headers


async def test_throttle_below_max_allows_login(api: Api) -> None:
    await api.create_user("ploy", country="TH")
    await _fail(api, "ploy", MAX_FAILURES - 1)

    response = await _login(api, "ploy", USER_PASSWORD)

    assert response.status_code == 200


async def test_throttle_ignores_successes(api: Api) -> None:
    await api.create_user("kanya", country="TH")
    for _ in range(MAX_FAILURES + 1):
        assert (await _login(api, "kanya", USER_PASSWORD)).status_code == 200
    await _fail(api, "kanya", MAX_FAILURES - 1)

    still_open = await _login(api, "kanya", USER_PASSWORD)
    await _fail(api, "kanya", 1)
    closed = await _login(api, "kanya", USER_PASSWORD)

    assert still_open.status_code == 200
    assert_problem(closed, 429)


async def test_throttle_counts_any_case(api: Api) -> None:
    await api.create_user("arun", country="TH")
    for username in ("arun", "ARUN", "Arun"):
        await _fail(api, username, 1)

    response = await _login(api, "aRuN", USER_PASSWORD)

    assert_problem(response, 429)


async def test_throttle_is_per_username(api: Api) -> None:
    await api.create_user("chai", country="TH")
    await api.create_user("dao", country="TH")
    await _fail(api, "chai", MAX_FAILURES)

    response = await _login(api, "dao", USER_PASSWORD)

    assert response.status_code == 200


async def test_throttle_unknown_username(api: Api) -> None:
    await _fail(api, "ghost", MAX_FAILURES)

    response = await _login(api, "ghost", "wrong-password")

    assert_problem(response, 429)
