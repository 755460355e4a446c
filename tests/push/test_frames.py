"""Parsing of the client's frames and of the Authorization header."""

from __future__ import annotations

import pytest

from app.push.frames import (
    MAX_CLIENT_FRAME_CHARS,
    AuthFrame,
    bearer_token,
    parse_auth_frame,
    parse_client_frame,
)


@pytest.mark.parametrize(
    "text",
    ["", "not json", "[1, 2]", '"auth"', "null", " " * (MAX_CLIENT_FRAME_CHARS + 1)],
)
def test_non_object_frames_rejected(text: str) -> None:
    assert parse_client_frame(text) is None


def test_object_frame_parsed() -> None:
    assert parse_client_frame('{"type": "auth"}') == {"type": "auth"}


def test_auth_frame_with_since() -> None:
    frame = {"type": "auth", "token": "abc", "since": "000000000000001_x"}

    assert parse_auth_frame(frame) == AuthFrame("abc", "000000000000001_x")


def test_auth_frame_without_since() -> None:
    assert parse_auth_frame({"type": "auth", "token": "abc"}) == AuthFrame("abc", None)


def test_auth_frame_empty_since_means_none() -> None:
    frame = {"type": "auth", "token": "abc", "since": ""}

    assert parse_auth_frame(frame) == AuthFrame("abc", None)


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "hello", "token": "abc"},
        {"type": "auth"},
        {"type": "auth", "token": ""},
        {"type": "auth", "token": 5},
        {"type": "auth", "token": "abc", "since": 7},
    ],
)
def test_malformed_auth_frames(frame: dict[str, object]) -> None:
    assert parse_auth_frame(frame) is None


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer  abc ", "abc"),
        ("Basic abc", None),
        ("Bearer", None),
        ("Bearer   ", None),
        ("", None),
        (None, None),
    ],
)
def test_bearer_token(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token
