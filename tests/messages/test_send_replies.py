"""Replies and forwards: subject defaults, references and what a forward reveals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.config import Settings
from app.messages.text import html_text_content
from tests.conftest import Account
from tests.messages.sending import (
    OMIT,
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


@pytest.fixture(scope="module")
async def env(migrated: Settings) -> AsyncIterator[Env]:
    async with running_app(migrated) as shared:
        yield shared


@pytest.fixture
async def cug(env: Env) -> Cug:
    return await build_cug(env)


async def original(cug: Cug, subject: str = "Cashew nuts", **extra: Any) -> str:
    """Send a message from the Vietnamese to the Thai user; return its id."""
    message = await send_ok(
        cug.client,
        cug.code,
        cug.user_vn,
        subject=subject,
        recipients=to_users(cug.user_th),
        **extra,
    )
    return str(message["id"])


async def respond(
    cug: Cug, how: str, message_id: str, sender: Account | None = None, **extra: Any
) -> Any:
    """Reply (`in_reply_to`) or forward (`forward_of`) without a type or subject."""
    body: dict[str, Any] = {
        "type": OMIT,
        "subject": OMIT,
        "recipients": to_users(cug.user_vn, cug.ncp_kh),
        how: message_id,
    }
    body.update(extra)
    return await send(cug.client, cug.code, sender or cug.user_th, **body)


@pytest.mark.parametrize(
    ("how", "prefix"), [("in_reply_to", "re: "), ("forward_of", "fwd: ")]
)
async def test_subject_defaults_to_prefix(cug: Cug, how: str, prefix: str) -> None:
    message_id = await original(cug, "Cashew nuts")

    response = await respond(cug, how, message_id)

    assert response.status_code == 201, response.text
    assert response.json()["subject"] == prefix + "Cashew nuts"


@pytest.mark.parametrize("how", ["in_reply_to", "forward_of"])
async def test_null_subject_gets_default(cug: Cug, how: str) -> None:
    message_id = await original(cug, "Cashew nuts")

    response = await respond(cug, how, message_id, subject=None)

    assert response.status_code == 201, response.text
    assert response.json()["subject"].endswith(": Cashew nuts")


@pytest.mark.parametrize(
    ("how", "subject"),
    [
        ("in_reply_to", "re: Cashew nuts"),
        ("in_reply_to", "RE: Cashew nuts"),
        ("in_reply_to", "Re: Cashew nuts"),
        ("forward_of", "fwd: Cashew nuts"),
        ("forward_of", "FWD: Cashew nuts"),
        ("forward_of", "Fwd: Cashew nuts"),
    ],
)
async def test_prefix_not_doubled(cug: Cug, how: str, subject: str) -> None:
    message_id = await original(cug, subject)

    response = await respond(cug, how, message_id)

    assert response.json()["subject"] == subject


async def test_reply_to_forward_prefixed(cug: Cug) -> None:
    message_id = await original(cug, "fwd: Cashew nuts")

    response = await respond(cug, "in_reply_to", message_id)

    assert response.json()["subject"] == "re: fwd: Cashew nuts"


async def test_reply_chain_keeps_one_prefix(cug: Cug) -> None:
    first = await original(cug, "Cashew nuts")
    reply = await respond(cug, "in_reply_to", first)

    again = await respond(cug, "in_reply_to", reply.json()["id"], sender=cug.user_vn)

    assert again.json()["subject"] == "re: Cashew nuts"


@pytest.mark.parametrize(
    ("how", "prefix"), [("in_reply_to", "re: "), ("forward_of", "fwd: ")]
)
async def test_long_subject_cut(cug: Cug, how: str, prefix: str) -> None:
    long_subject = "\u0e01" * 254 + "Z"
    message_id = await original(cug, long_subject)

    response = await respond(cug, how, message_id)

    subject = response.json()["subject"]
    assert response.status_code == 201, response.text
    assert len(subject) == 255
    assert subject == (prefix + long_subject)[:255]


async def test_given_subject_kept(cug: Cug) -> None:
    message_id = await original(cug, "Cashew nuts")

    response = await respond(cug, "in_reply_to", message_id, subject="Checked")

    assert response.json()["subject"] == "Checked"


async def test_reply_type_defaults_message(cug: Cug) -> None:
    fields = {"commodity": "timber", "description": "Rosewood declared as teak."}
    message_id = await original(cug, type="warning", fields=fields)

    response = await respond(cug, "in_reply_to", message_id)

    assert response.status_code == 201, response.text
    assert response.json()["type"] == "message"
    assert response.json()["fields"] is None


async def test_reply_records_reference(cug: Cug) -> None:
    message_id = await original(cug)

    response = await respond(cug, "in_reply_to", message_id)

    assert response.json()["in_reply_to"] == message_id
    assert response.json()["forward_of"] is None


async def test_forward_records_reference(cug: Cug) -> None:
    message_id = await original(cug)

    response = await respond(cug, "forward_of", message_id)

    assert response.json()["forward_of"] == message_id
    assert response.json()["in_reply_to"] is None


async def test_both_references_rejected(cug: Cug) -> None:
    message_id = await original(cug)

    response = await respond(
        cug, "in_reply_to", message_id, forward_of=message_id, subject="Both"
    )

    assert response.status_code == 422
    assert "forward_of" in field_errors(response)


# References the sender cannot see get the message of a missing one.


async def reference_error(cug: Cug, how: str, message_id: str) -> str:
    response = await respond(cug, how, message_id, sender=cug.user_kh)
    assert response.status_code == 422, response.text
    errors = field_errors(response)
    assert list(errors) == [how]
    return errors[how]


@pytest.mark.parametrize("how", ["in_reply_to", "forward_of"])
async def test_hidden_reference_like_missing(cug: Cug, how: str) -> None:
    hidden = await original(cug)
    hidden_read = await read_message(cug.client, cug.code, cug.user_kh, hidden)
    assert hidden_read.status_code == 404

    missing_message = await reference_error(cug, how, "0" * 32)
    hidden_message = await reference_error(cug, how, hidden)

    assert hidden_message == missing_message


@pytest.mark.parametrize("how", ["in_reply_to", "forward_of"])
async def test_other_operation_reference_rejected(cug: Cug, how: str) -> None:
    other = await cug.api.create_operation()
    await cug.api.add_member(other, cug.user_vn)
    await cug.api.add_member(other, cug.user_kh)
    elsewhere = await send_ok(
        cug.client, other, cug.user_vn, recipients=to_users(cug.user_kh)
    )
    missing_message = await reference_error(cug, how, "0" * 32)

    other_message = await reference_error(cug, how, elsewhere["id"])

    assert other_message == missing_message


# A forward opens itself to its recipients, never the original.


async def test_forward_recipient_reads_forward(cug: Cug) -> None:
    message_id = await original(cug)
    forward = await respond(
        cug, "forward_of", message_id, recipients=to_users(cug.user_kh)
    )

    response = await read_message(
        cug.client, cug.code, cug.user_kh, forward.json()["id"]
    )

    assert response.status_code == 200


async def test_forward_recipient_not_original(cug: Cug) -> None:
    message_id = await original(cug)
    await respond(cug, "forward_of", message_id, recipients=to_users(cug.user_kh))

    response = await read_message(cug.client, cug.code, cug.user_kh, message_id)

    assert response.status_code == 404


async def test_forward_quotes_original(cug: Cug) -> None:
    message_id = await original(cug, body="Container on the night ferry.")

    forward = await respond(
        cug,
        "forward_of",
        message_id,
        body="For your attention.",
        recipients=to_users(cug.user_kh),
    )

    body = forward.json()["body"]
    assert body.startswith("For your attention.")
    assert "Container on the night ferry." in body


async def test_forward_carries_attachments(cug: Cug, env: Env) -> None:
    carried = await add_upload(env.app, cug.code, cug.user_vn)
    own = await add_upload(env.app, cug.code, cug.user_th)
    message_id = await original(cug, attachment_ids=[carried])

    forward = await respond(
        cug,
        "forward_of",
        message_id,
        attachment_ids=[own],
        recipients=to_users(cug.user_kh),
    )

    ids = [a["id"] for a in forward.json()["attachments"]]
    assert forward.status_code == 201, forward.text
    assert ids == [carried, own]


async def test_reply_carries_no_attachments(cug: Cug, env: Env) -> None:
    upload = await add_upload(env.app, cug.code, cug.user_vn)
    message_id = await original(cug, attachment_ids=[upload])

    reply = await respond(cug, "in_reply_to", message_id)

    assert reply.json()["attachments"] == []


async def test_forwarder_cannot_attach_original_upload(cug: Cug, env: Env) -> None:
    # The original's files travel with the forward, not through attachment_ids.
    upload = await add_upload(env.app, cug.code, cug.user_vn)
    message_id = await original(cug, attachment_ids=[upload])

    response = await respond(cug, "forward_of", message_id, attachment_ids=[upload])

    assert response.status_code == 422
    assert list(field_errors(response)) == ["attachment_ids[0]"]


async def test_reply_by_ncp_who_sees_it(cug: Cug) -> None:
    # The NCP of the sender's country sees the message without holding a copy.
    message_id = await original(cug)

    response = await respond(
        cug,
        "in_reply_to",
        message_id,
        sender=cug.ncp_vn,
        recipients=to_users(cug.user_vn),
    )

    assert response.status_code == 201, response.text


# The quote of a forward keeps the body within the 20,000 character limit.


async def test_forward_of_long_message_cut(cug: Cug) -> None:
    message_id = await original(cug, body="y" * 20_000)

    forward = await respond(cug, "forward_of", message_id, body="See below.")

    body = forward.json()["body"]
    assert forward.status_code == 201, forward.text
    assert len(body) == 20_000
    assert body.endswith("\n[…]")


async def test_forward_long_own_text_rejected(cug: Cug) -> None:
    message_id = await original(cug, body="Short original.")

    response = await respond(cug, "forward_of", message_id, body="x" * 20_000)

    assert response.status_code == 422
    assert list(field_errors(response)) == ["body"]


async def test_forward_long_html_rejected(cug: Cug) -> None:
    message_id = await original(cug, body="y" * 20_000)
    body = "<p>" + "x" * 19_990 + "</p>"

    response = await respond(
        cug, "forward_of", message_id, body=body, body_format="html"
    )

    assert response.status_code == 422
    assert list(field_errors(response)) == ["body"]


async def test_forward_html_within_limit(cug: Cug) -> None:
    message_id = await original(cug, body="y" * 20_000)
    body = "<p>" + "x" * 19_000 + "</p>"

    forward = await respond(
        cug, "forward_of", message_id, body=body, body_format="html"
    )

    assert forward.status_code == 201, forward.text
    assert len(html_text_content(forward.json()["body"])) <= 20_000


async def test_closed_long_forward_unprocessable(cug: Cug) -> None:
    message_id = await original(cug, body="Short original.")
    await cug.api.set_status(cug.code, "closed")

    response = await respond(cug, "forward_of", message_id, body="x" * 20_000)

    assert response.status_code == 422
