"""`app.web`: where the frontend's files are found and how they are served."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.web import REPOSITORY_WEB_DIR, WEB_DIR_VARIABLE, find_web_dir, install_web


# Synchronous on purpose: the TestClient runs the app in a thread of its own,
# which works while the package's Playwright loop is marked as running.
@pytest.fixture
def web_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.delenv(WEB_DIR_VARIABLE, raising=False)
    app = FastAPI()
    install_web(app)
    with TestClient(app) as client:
        yield client


def test_repository_folder_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WEB_DIR_VARIABLE, raising=False)
    assert find_web_dir() == REPOSITORY_WEB_DIR


def test_setting_names_another_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>other</title>")
    monkeypatch.setenv(WEB_DIR_VARIABLE, str(tmp_path))
    assert find_web_dir() == tmp_path


def test_setting_without_index_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(WEB_DIR_VARIABLE, str(tmp_path))
    with pytest.raises(RuntimeError, match="has no index.html"):
        find_web_dir()


def test_missing_folder_serves_no_page(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(WEB_DIR_VARIABLE, raising=False)
    monkeypatch.setattr("app.web.REPOSITORY_WEB_DIR", tmp_path / "absent")
    app = FastAPI()
    install_web(app)
    assert [route.path for route in app.routes if route.path in ("/", "/web")] == []


def test_page_at_root(web_client: TestClient) -> None:
    response = web_client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/web/js/main.js">' in response.text
    assert response.headers["cache-control"] == "no-cache"


def test_modules_served_as_javascript(web_client: TestClient) -> None:
    response = web_client.get("/web/js/main.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert response.headers["cache-control"] == "no-cache"


def test_unknown_file_is_404(web_client: TestClient) -> None:
    response = web_client.get("/web/js/absent.js")
    assert response.status_code == 404
