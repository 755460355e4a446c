from typing import Any

import pytest

from tests.accounts.helpers import field_errors
from tests.drafts.conftest import Team

DRAFT_KEYS = {
    "id",
    "type",
    "subject",
    "body",
    "body_format",
    "fields",
    "recipients",
    "attachment_ids",
    "in_reply_to",
    "forward_of",
    "created_at",
    "updated_at",
}


async def test_create_empty(team: Team) -> None:
    draft = await team.create({})
    assert set(draft) == DRAFT_KEYS
    assert draft["id"]
    for key in ("type", "subject", "body", "body_format", "fields", "recipients"):
        assert draft[key] is None, key
    assert draft["attachment_ids"] == []
    assert draft["in_reply_to"] is None
    assert draft["forward_of"] is None
    assert draft["created_at"].endswith("Z")
    assert draft["updated_at"] == draft["created_at"]


async def test_create_then_read(team: Team) -> None:
    draft = await team.create(
        {
            "type": "message",
            "subject": "Container check",
            "body": "Line one\r\nline two",
            "recipients": {"countries": ["th"]},
        }
    )
    response = await team.get(draft["id"])
    assert response.status_code == 200
    assert response.json() == draft
    assert draft["body"] == "Line one\nline two"
    assert draft["recipients"]["countries"] == ["TH"]


async def test_edit_many_times(team: Team) -> None:
    draft = await team.create({"subject": "v0"})
    previous = draft["updated_at"]
    for n in range(1, 6):
        response = await team.patch(draft["id"], {"subject": f"v{n}", "body": f"b{n}"})
        assert response.status_code == 200, response.text
        assert response.json()["subject"] == f"v{n}"
        assert response.json()["updated_at"] > previous
        previous = response.json()["updated_at"]
    stored = (await team.get(draft["id"])).json()
    assert stored["subject"] == "v5"
    assert stored["body"] == "b5"
    assert stored["created_at"] == draft["created_at"]
    assert stored["updated_at"] == previous


async def test_null_clears_field(team: Team) -> None:
    draft = await team.create({"subject": "s", "body": "b", "body_format": "text"})
    response = await team.patch(draft["id"], {"subject": None, "body_format": None})
    assert response.status_code == 200, response.text
    assert response.json()["subject"] is None
    assert response.json()["body_format"] is None
    assert response.json()["body"] == "b"


async def test_null_clears_list(team: Team) -> None:
    draft = await team.create({"subject": "s", "recipients": {"roles": ["ncp"]}})
    response = await team.patch(draft["id"], {"recipients": None})
    assert response.status_code == 200, response.text
    assert response.json()["recipients"] is None


async def test_nested_fields_merge(team: Team) -> None:
    draft = await team.create(
        {
            "type": "seizure",
            "fields": {"country": "vn", "place": "Hai Phong", "commodity": "timber"},
        }
    )
    response = await team.patch(
        draft["id"], {"fields": {"place": None, "commodity": "wildlife", "unit": "kg"}}
    )
    assert response.status_code == 200, response.text
    assert response.json()["fields"] == {
        "country": "VN",
        "commodity": "wildlife",
        "unit": "kg",
    }


async def test_nested_recipients_merge(team: Team) -> None:
    draft = await team.create({"recipients": {"roles": ["ocu"], "my_country": True}})
    response = await team.patch(
        draft["id"], {"recipients": {"countries": ["TH"], "my_country": None}}
    )
    assert response.status_code == 200, response.text
    recipients = response.json()["recipients"]
    assert recipients["roles"] == ["ocu"]
    assert recipients["countries"] == ["TH"]
    assert recipients["my_country"] is False


async def test_patch_arrays_replace(team: Team) -> None:
    draft = await team.create({"recipients": {"roles": ["ocu", "ncp"]}})
    response = await team.patch(draft["id"], {"recipients": {"roles": ["user"]}})
    assert response.status_code == 200, response.text
    assert response.json()["recipients"]["roles"] == ["user"]


async def test_patch_over_body_limit(team: Team) -> None:
    draft = await team.create({"subject": "s", "body": "a" * 19_990})
    response = await team.patch(draft["id"], {"body": "a" * 20_001})
    assert response.status_code == 422
    errors = field_errors(response)
    assert list(errors) == ["body"]
    assert "20,001" in errors["body"]
    assert "20,000" in errors["body"]
    stored = (await team.get(draft["id"])).json()
    assert stored == draft


async def test_format_change_resanitizes(team: Team) -> None:
    draft = await team.create({"body": "<script>x()</script>hi & bye"})
    response = await team.patch(draft["id"], {"body_format": "html"})
    assert response.status_code == 200, response.text
    assert response.json()["body"] == "hi &amp; bye"


async def test_format_change_over_limit(team: Team) -> None:
    # As HTML the limit counts the text content, one "&" per "&amp;", but as
    # plain text the same 20,005 characters of markup are over the limit.
    draft = await team.create({"body": "&amp;" * 4001, "body_format": "html"})
    response = await team.patch(draft["id"], {"body_format": "text"})
    assert response.status_code == 422
    errors = field_errors(response)
    assert list(errors) == ["body"]
    assert "20,005" in errors["body"]
    assert (await team.get(draft["id"])).json() == draft


async def test_html_body_sanitized(team: Team) -> None:
    draft = await team.create(
        {"body": "<p onclick='x()'>Hi<script>bad()</script></p>", "body_format": "html"}
    )
    assert draft["body"] == "<p>Hi</p>"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "memo"}, "type"),
        ({"body_format": "rtf"}, "body_format"),
        ({"subject": "x" * 256}, "subject"),
        ({"subject": ""}, "subject"),
        ({"body": "a\x00b"}, "body"),
        ({"body": "a" * 20_001}, "body"),
        ({"type": "seizure", "fields": {"quantity": 0}}, "fields.quantity"),
        (
            {"type": "seizure", "fields": {"container_numbers": ["CSQU3054384"]}},
            "fields.container_numbers[0]",
        ),
        ({"type": "seizure", "fields": {"colour": "red"}}, "fields.colour"),
        ({"type": "message", "fields": {"place": "x"}}, "fields"),
        ({"fields": {"place": "x"}}, "fields"),
        ({"recipients": {"roles": ["boss"]}}, "recipients.roles[0]"),
        ({"recipients": {"countries": ["XX"]}}, "recipients.countries[0]"),
        ({"recipients": {"teams": ["a"]}}, "recipients.teams"),
        ({"attachment_ids": ["not-an-upload"]}, "attachment_ids[0]"),
        ({"in_reply_to": "no-such-message"}, "in_reply_to"),
        ({"forward_of": "no-such-message"}, "forward_of"),
        ({"urgent": True}, "urgent"),
        ({"subject": 5}, "subject"),
    ],
)
async def test_create_invalid_field(
    team: Team, body: dict[str, Any], field: str
) -> None:
    response = await team.client.post(
        team.drafts_url, json=body, headers=team.author.headers
    )
    assert response.status_code == 422, response.text
    assert field in field_errors(response)
    listed = await team.client.get(team.drafts_url, headers=team.author.headers)
    assert listed.json()["count"] == 0


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"urgent": True}, "urgent"),
        ({"type": "memo"}, "type"),
        ({"fields": {"quantity": -1}}, "fields.quantity"),
        ({"recipients": {"roles": ["boss"]}}, "recipients.roles[0]"),
        ({"attachment_ids": "abc"}, "attachment_ids"),
        ({"body": "\x07"}, "body"),
    ],
)
async def test_patch_invalid_field(
    team: Team, patch: dict[str, Any], field: str
) -> None:
    draft = await team.create({"type": "seizure", "subject": "s"})
    response = await team.patch(draft["id"], patch)
    assert response.status_code == 422, response.text
    assert field in field_errors(response)
    assert (await team.get(draft["id"])).json() == draft


@pytest.mark.parametrize(
    ("patch", "kind"),
    [
        (["subject"], "an array"),
        ("subject", "a string"),
        (3, "a number"),
        (None, "null"),
    ],
)
async def test_patch_not_object(team: Team, patch: Any, kind: str) -> None:
    draft = await team.create({"subject": "s"})
    response = await team.patch(draft["id"], patch)
    errors = field_errors(response)
    assert list(errors) == ["body"]
    assert errors["body"].endswith(f"got {kind}")


async def test_patch_plain_json_accepted(team: Team) -> None:
    draft = await team.create({"subject": "s"})
    response = await team.client.patch(
        team.draft_url(draft["id"]), json={"body": "b"}, headers=team.author.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["body"] == "b"


async def test_unchanged_patch_keeps_time(team: Team) -> None:
    draft = await team.create({"subject": "s", "body": "b"})
    response = await team.patch(draft["id"], {"subject": "s"})
    assert response.status_code == 200, response.text
    assert response.json()["updated_at"] == draft["updated_at"]


async def test_type_change_needs_fields_cleared(team: Team) -> None:
    draft = await team.create({"type": "seizure", "fields": {"unit": "kg"}})
    refused = await team.patch(draft["id"], {"type": "message"})
    assert refused.status_code == 422
    assert list(field_errors(refused)) == ["fields"]
    accepted = await team.patch(draft["id"], {"type": "message", "fields": None})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["fields"] is None


async def test_own_upload_accepted(team: Team) -> None:
    upload = await team.client.post(
        f"/api/v1/operations/{team.code}/attachments",
        files={"file": ("notes.txt", b"container list\n", "text/plain")},
        headers=team.author.headers,
    )
    assert upload.status_code == 201, upload.text
    attachment_id = upload.json()["id"]
    draft = await team.create({"attachment_ids": [attachment_id]})
    assert draft["attachment_ids"] == [attachment_id]


async def test_others_upload_rejected(team: Team) -> None:
    upload = await team.client.post(
        f"/api/v1/operations/{team.code}/attachments",
        files={"file": ("notes.txt", b"container list\n", "text/plain")},
        headers=team.other.headers,
    )
    assert upload.status_code == 201, upload.text
    response = await team.client.post(
        team.drafts_url,
        json={"attachment_ids": [upload.json()["id"]]},
        headers=team.author.headers,
    )
    assert response.status_code == 422
    assert list(field_errors(response)) == ["attachment_ids[0]"]


async def test_delete(team: Team) -> None:
    draft = await team.create({"subject": "s"})
    response = await team.client.delete(
        team.draft_url(draft["id"]), headers=team.author.headers
    )
    assert response.status_code == 204
    assert (await team.get(draft["id"])).status_code == 404
    again = await team.client.delete(
        team.draft_url(draft["id"]), headers=team.author.headers
    )
    assert again.status_code == 404


async def test_no_token(team: Team) -> None:
    response = await team.client.get(team.drafts_url)
    assert response.status_code == 401
