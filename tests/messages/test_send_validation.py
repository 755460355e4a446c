"""Send validation through the API: limits at the edge, types, fields, references."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.config import Settings
from tests.messages.sending import (
    OMIT,
    VALID_CONTAINER,
    Cug,
    Env,
    add_upload,
    build_cug,
    field_errors,
    read_message,
    running_app,
    send,
    send_ok,
    to_users,
)

LIMIT = 20_000
INVALID_CONTAINER = VALID_CONTAINER[:-1] + "4"


@pytest.fixture(scope="module")
async def env(migrated: Settings) -> AsyncIterator[Env]:
    async with running_app(migrated) as shared:
        yield shared


@pytest.fixture
async def cug(env: Env) -> Cug:
    return await build_cug(env)


def seizure_fields(**overrides: Any) -> dict[str, Any]:
    fields = {
        "seizure_date": "2024-05-01",
        "country": "VN",
        "commodity": "wildlife",
        "description": "Pangolin scales in a container declared as cashew nuts.",
        "quantity": 120,
        "unit": "kg",
    }
    fields.update(overrides)
    return fields


def warning_fields() -> dict[str, Any]:
    return {"commodity": "timber", "description": "Rosewood logs declared as teak."}


async def post(cug: Cug, **overrides: Any) -> Any:
    """Send as the Vietnamese user to the Thai user."""
    overrides.setdefault("recipients", to_users(cug.user_th))
    return await send(cug.client, cug.code, cug.user_vn, **overrides)


# Body length, counted in code points after normalization.


@pytest.mark.parametrize(
    ("unit", "stored"),
    [
        ("a", "a"),
        ("\U0001f600", "\U0001f600"),
        ("e\u0301", "\u00e9"),
        ("\r\n", "\n"),
    ],
    ids=["ascii", "emoji", "combining", "crlf"],
)
async def test_body_at_limit_accepted(cug: Cug, unit: str, stored: str) -> None:
    response = await post(cug, body=unit * LIMIT)

    assert response.status_code == 201, response.text
    assert response.json()["body"] == stored * LIMIT


@pytest.mark.parametrize(
    "unit",
    ["a", "\U0001f600", "e\u0301", "\r\n"],
    ids=["ascii", "emoji", "combining", "crlf"],
)
async def test_body_over_limit_rejected(cug: Cug, unit: str) -> None:
    response = await post(cug, body=unit * (LIMIT + 1))

    assert response.status_code == 422
    assert field_errors(response) == {
        "body": "body has 20,001 characters; at most 20,000 are allowed"
    }


async def test_html_body_counts_text(cug: Cug) -> None:
    # Tags add nothing and `&amp;` is one character of text.
    body = "<p><b>" + "&amp;" * LIMIT + "</b></p>"

    response = await post(cug, body=body, body_format="html")

    assert response.status_code == 201, response.text


async def test_html_body_over_limit_rejected(cug: Cug) -> None:
    body = "<p>" + "&amp;" * (LIMIT + 1) + "</p>"

    response = await post(cug, body=body, body_format="html")

    assert response.status_code == 422
    assert "body" in field_errors(response)


async def test_empty_body_accepted(cug: Cug) -> None:
    response = await post(cug, body="")

    assert response.status_code == 201


async def test_body_keeps_tab_and_newline(cug: Cug) -> None:
    message = await send_ok(
        cug.client,
        cug.code,
        cug.user_vn,
        body="a\tb\nc",
        recipients=to_users(cug.user_th),
    )

    assert message["body"] == "a\tb\nc"


# Subject.


@pytest.mark.parametrize(
    "unit",
    ["\u0e01", "e\u0301", "\U0001f600"],
    ids=["thai", "combining", "emoji"],
)
async def test_subject_at_limit_accepted(cug: Cug, unit: str) -> None:
    response = await post(cug, subject=unit * 255)

    assert response.status_code == 201, response.text
    assert len(response.json()["subject"]) == 255


@pytest.mark.parametrize("unit", ["s", "e\u0301"], ids=["ascii", "combining"])
async def test_subject_over_limit_rejected(cug: Cug, unit: str) -> None:
    response = await post(cug, subject=unit * 256)

    assert response.status_code == 422
    assert field_errors(response) == {
        "subject": "subject has 256 characters; at most 255 are allowed"
    }


async def test_empty_subject_rejected(cug: Cug) -> None:
    response = await post(cug, subject="")

    assert response.status_code == 422
    assert list(field_errors(response)) == ["subject"]


@pytest.mark.parametrize("subject", [OMIT, None])
async def test_missing_subject_rejected(cug: Cug, subject: Any) -> None:
    response = await post(cug, subject=subject)

    assert response.status_code == 422
    assert list(field_errors(response)) == ["subject"]


# Control characters.


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x1f"])
async def test_subject_control_rejected(cug: Cug, character: str) -> None:
    response = await post(cug, subject=f"Seizure{character}report")

    assert response.status_code == 422
    assert list(field_errors(response)) == ["subject"]


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x0c"])
async def test_body_control_rejected(cug: Cug, character: str) -> None:
    response = await post(cug, body=f"line one{character}line two")

    assert response.status_code == 422
    assert list(field_errors(response)) == ["body"]


async def test_html_control_reference_rejected(cug: Cug) -> None:
    response = await post(cug, body="<p>bell &#7; here</p>", body_format="html")

    assert response.status_code == 422
    assert list(field_errors(response)) == ["body"]


async def test_every_invalid_field_named(cug: Cug) -> None:
    response = await post(cug, subject="", body="\x00", type="memo")

    assert response.status_code == 422
    assert set(field_errors(response)) == {"subject", "body", "type"}


# HTML.


async def test_html_sanitized_in_answer(cug: Cug) -> None:
    body = (
        '<p onclick="x()">Hi <script>alert(1)</script><b>bold</b>'
        '<a href="javascript:alert(2)">bad</a> <a href="https://wco.example">ok</a>'
        '<img src="x.png"></p>'
    )

    response = await post(cug, body=body, body_format="html")

    stored = response.json()["body"]
    assert response.status_code == 201
    assert "<script" not in stored
    assert "alert(1)" not in stored
    assert "onclick" not in stored
    assert "javascript:" not in stored
    assert "<img" not in stored
    assert "<b>bold</b>" in stored
    assert 'href="https://wco.example"' in stored


async def test_html_sanitized_when_read(cug: Cug) -> None:
    response = await post(
        cug, body="<p>x<script>alert(1)</script></p>", body_format="html"
    )
    message_id = response.json()["id"]

    read = await read_message(cug.client, cug.code, cug.user_th, message_id)

    assert read.json()["body"] == "<p>x</p>"


async def test_unknown_body_format_rejected(cug: Cug) -> None:
    response = await post(cug, body_format="markdown")

    assert response.status_code == 422
    assert list(field_errors(response)) == ["body_format"]


# Type and fields.


@pytest.mark.parametrize("message_type", [OMIT, None])
async def test_type_required(cug: Cug, message_type: Any) -> None:
    response = await post(cug, type=message_type)

    assert response.status_code == 422
    assert list(field_errors(response)) == ["type"]


async def test_unknown_type_rejected(cug: Cug) -> None:
    response = await post(cug, type="intelligence")

    assert response.status_code == 422
    assert list(field_errors(response)) == ["type"]


@pytest.mark.parametrize("message_type", ["warning", "feedback", "seizure"])
async def test_formatted_type_needs_fields(cug: Cug, message_type: str) -> None:
    response = await post(cug, type=message_type)

    assert response.status_code == 422
    assert list(field_errors(response)) == ["fields"]


@pytest.mark.parametrize("fields", [{}, {"commodity": "drugs"}])
async def test_message_refuses_fields(cug: Cug, fields: dict[str, Any]) -> None:
    response = await post(cug, type="message", fields=fields)

    assert response.status_code == 422
    assert list(field_errors(response)) == ["fields"]


async def test_seizure_accepted(cug: Cug) -> None:
    fields = seizure_fields(container_numbers=["csqu 305438 3"])

    response = await post(cug, type="seizure", fields=fields)

    assert response.status_code == 201, response.text
    assert response.json()["type"] == "seizure"
    assert response.json()["fields"]["container_numbers"] == [VALID_CONTAINER]


async def test_seizure_required_field_named(cug: Cug) -> None:
    fields = seizure_fields()
    del fields["quantity"]

    response = await post(cug, type="seizure", fields=fields)

    assert response.status_code == 422
    assert list(field_errors(response)) == ["fields.quantity"]


async def test_unknown_field_rejected(cug: Cug) -> None:
    response = await post(cug, type="seizure", fields=seizure_fields(colour="red"))

    assert response.status_code == 422
    assert list(field_errors(response)) == ["fields.colour"]


async def test_bad_check_digit_named(cug: Cug) -> None:
    fields = seizure_fields(container_numbers=[VALID_CONTAINER, INVALID_CONTAINER])

    response = await post(cug, type="seizure", fields=fields)

    assert response.status_code == 422
    assert list(field_errors(response)) == ["fields.container_numbers[1]"]


async def test_future_seizure_date_rejected(cug: Cug) -> None:
    future = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()

    response = await post(
        cug, type="seizure", fields=seizure_fields(seizure_date=future)
    )

    assert response.status_code == 422
    assert list(field_errors(response)) == ["fields.seizure_date"]


async def test_today_seizure_date_accepted(cug: Cug) -> None:
    today = datetime.now(UTC).date().isoformat()

    response = await post(
        cug, type="seizure", fields=seizure_fields(seizure_date=today)
    )

    assert response.status_code == 201, response.text


# Feedback references: the same message for a missing, hidden or wrong-kind id.


async def feedback_error(cug: Cug, warning_id: str) -> str:
    fields = {"warning_id": warning_id, "result": "negative"}
    response = await post(cug, type="feedback", fields=fields)
    assert response.status_code == 422, response.text
    errors = field_errors(response)
    assert list(errors) == ["fields.warning_id"]
    return errors["fields.warning_id"]


async def test_feedback_to_visible_warning(cug: Cug) -> None:
    warning = await send_ok(
        cug.client,
        cug.code,
        cug.user_th,
        type="warning",
        fields=warning_fields(),
        recipients=to_users(cug.user_vn),
    )
    fields = {"warning_id": warning["id"], "result": "positive"}

    response = await post(cug, type="feedback", fields=fields)

    assert response.status_code == 201, response.text
    assert response.json()["fields"]["warning_id"] == warning["id"]


async def test_feedback_reference_errors_alike(cug: Cug) -> None:
    hidden_warning = await send_ok(
        cug.client,
        cug.code,
        cug.user_th,
        type="warning",
        fields=warning_fields(),
        recipients=to_users(cug.ocu),
    )
    seizure = await send_ok(
        cug.client,
        cug.code,
        cug.user_th,
        type="seizure",
        fields=seizure_fields(),
        recipients=to_users(cug.user_vn),
    )
    hidden = await read_message(cug.client, cug.code, cug.user_vn, hidden_warning["id"])
    assert hidden.status_code == 404

    missing = await feedback_error(cug, "0" * 32)
    invisible = await feedback_error(cug, hidden_warning["id"])
    wrong_kind = await feedback_error(cug, seizure["id"])

    assert invisible == missing
    assert wrong_kind == missing


async def test_feedback_warning_of_other_operation(cug: Cug) -> None:
    other = await cug.api.create_operation()
    await cug.api.add_member(other, cug.user_vn)
    await cug.api.add_member(other, cug.user_th)
    warning = await send_ok(
        cug.client,
        other,
        cug.user_th,
        type="warning",
        fields=warning_fields(),
        recipients=to_users(cug.user_vn),
    )
    missing = await feedback_error(cug, "0" * 32)

    elsewhere = await feedback_error(cug, warning["id"])

    assert elsewhere == missing


async def test_feedback_seizure_id_of_warning(cug: Cug) -> None:
    warning = await send_ok(
        cug.client,
        cug.code,
        cug.user_th,
        type="warning",
        fields=warning_fields(),
        recipients=to_users(cug.user_vn),
    )
    fields = {"warning_id": warning["id"], "result": "positive"}
    fields["seizure_id"] = warning["id"]

    response = await post(cug, type="feedback", fields=fields)

    assert response.status_code == 422
    assert list(field_errors(response)) == ["fields.seizure_id"]


# Attachments must be the sender's uploads in this operation.


async def test_own_upload_attached(cug: Cug, env: Env) -> None:
    upload_id = await add_upload(env.app, cug.code, cug.user_vn)

    response = await post(cug, attachment_ids=[upload_id])

    assert response.status_code == 201, response.text
    assert response.json()["attachments"] == [
        {
            "id": upload_id,
            "filename": "report.pdf",
            "size": 4,
            "content_type": "application/pdf",
            "sha256": "0" * 64,
        }
    ]


async def test_attachment_errors_alike(cug: Cug, env: Env) -> None:
    other = await cug.api.create_operation()
    await cug.api.add_member(other, cug.user_vn)
    foreign = await add_upload(env.app, cug.code, cug.user_th)
    elsewhere = await add_upload(env.app, other, cug.user_vn)
    messages = []

    for attachment_id in (foreign, elsewhere, "0" * 32):
        response = await post(cug, attachment_ids=[attachment_id])
        assert response.status_code == 422
        errors = field_errors(response)
        assert list(errors) == ["attachment_ids[0]"]
        messages.append(errors["attachment_ids[0]"])

    assert messages[1] == messages[0]
    assert messages[2] == messages[0]


async def test_attachment_index_named(cug: Cug, env: Env) -> None:
    own = await add_upload(env.app, cug.code, cug.user_vn)
    foreign = await add_upload(env.app, cug.code, cug.user_th)

    response = await post(cug, attachment_ids=[own, foreign, own])

    assert response.status_code == 422
    assert list(field_errors(response)) == ["attachment_ids[1]"]


async def test_too_many_attachments_rejected(cug: Cug, env: Env) -> None:
    limit = env.app.state.lifespan_state["context"].settings.max_attachments
    uploads = [await add_upload(env.app, cug.code, cug.user_vn) for _ in range(limit)]

    at_limit = await post(cug, attachment_ids=uploads)
    uploads.append(await add_upload(env.app, cug.code, cug.user_vn))
    over_limit = await post(cug, attachment_ids=uploads)

    assert at_limit.status_code == 201, at_limit.text
    assert over_limit.status_code == 422
    assert list(field_errors(over_limit)) == ["attachment_ids"]
