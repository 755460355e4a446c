"""Filters of the messages database and the 422 responses to invalid ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.search.conftest import (
    OTHER_CONTAINER,
    VALID_CONTAINER,
    Cug,
    field_errors,
    found_ids,
    post,
    search,
    seizure_fields,
    set_created_at,
    warning_fields,
)

MARCH_1 = datetime(2025, 3, 1, tzinfo=UTC)
APRIL_1 = datetime(2025, 4, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)


async def warning(cug: Cug, sender_key: str = "user_vn", **fields: object) -> str:
    sender = getattr(cug, sender_key)
    return await post(
        cug,
        sender,
        cug.ocu,
        type="warning",
        subject="Warning",
        body="See fields.",
        fields=warning_fields(**fields),
    )


async def test_type_filter(cug: Cug) -> None:
    plain = await post(cug, cug.user_vn, cug.ocu)
    alert = await warning(cug)

    assert await found_ids(cug, cug.ocu, type_="warning") == {alert}
    assert await found_ids(cug, cug.ocu, type_="message") == {plain}


async def test_country_filter(cug: Cug) -> None:
    await post(cug, cug.user_vn, cug.ocu)
    thai = await post(cug, cug.user_th, cug.ocu)

    assert await found_ids(cug, cug.ocu, country="TH") == {thai}


async def test_country_lowercase(cug: Cug) -> None:
    thai = await post(cug, cug.user_th, cug.ocu)

    assert await found_ids(cug, cug.ocu, country="th") == {thai}


async def test_country_is_senders(cug: Cug) -> None:
    # Sent by Vietnam to Thailand: the country filter names the sender's country.
    to_thailand = await post(cug, cug.user_vn, cug.user_th)

    assert await found_ids(cug, cug.ocu, country="TH") == set()
    assert await found_ids(cug, cug.ocu, country="VN") == {to_thailand}


async def test_sender_filter(cug: Cug) -> None:
    await post(cug, cug.user_vn, cug.ocu)
    mine = await post(cug, cug.user_vn2, cug.ocu)

    assert await found_ids(cug, cug.ocu, sender_id=cug.user_vn2.id) == {mine}


async def test_unknown_sender_finds_nothing(cug: Cug) -> None:
    await post(cug, cug.user_vn, cug.ocu)

    assert await found_ids(cug, cug.ocu, sender_id="0" * 32) == set()


async def test_commodity_filter(cug: Cug) -> None:
    await warning(cug, commodity="wildlife")
    timber = await warning(cug, commodity="timber")

    assert await found_ids(cug, cug.ocu, commodity="timber") == {timber}


async def test_container_filter(cug: Cug) -> None:
    named = await warning(cug, container_numbers=[VALID_CONTAINER])
    await warning(cug, container_numbers=[OTHER_CONTAINER])
    await post(cug, cug.user_vn, cug.ocu, body=f"about {VALID_CONTAINER}")

    assert await found_ids(cug, cug.ocu, container="csqu 305438 3") == {named}


async def test_since_until_inclusive(cug: Cug) -> None:
    first_instant = await post(cug, cug.user_vn, cug.ocu)
    last_instant = await post(cug, cug.user_vn, cug.ocu)
    before = await post(cug, cug.user_vn, cug.ocu)
    after = await post(cug, cug.user_vn, cug.ocu)
    await set_created_at(cug.app, first_instant, MARCH_1)
    await set_created_at(cug.app, last_instant, APRIL_1 - ONE_MICROSECOND)
    await set_created_at(cug.app, before, MARCH_1 - ONE_MICROSECOND)
    await set_created_at(cug.app, after, APRIL_1)

    found = await found_ids(cug, cug.ocu, since="2025-03-01", until="2025-03-31")

    assert first_instant in found
    assert last_instant in found
    assert before not in found
    assert after not in found


async def test_since_alone(cug: Cug) -> None:
    old = await post(cug, cug.user_vn, cug.ocu)
    new = await post(cug, cug.user_vn, cug.ocu)
    await set_created_at(cug.app, old, MARCH_1 - ONE_MICROSECOND)
    await set_created_at(cug.app, new, MARCH_1)

    assert await found_ids(cug, cug.ocu, since="2025-03-01") == {new}


async def test_until_alone(cug: Cug) -> None:
    old = await post(cug, cug.user_vn, cug.ocu)
    new = await post(cug, cug.user_vn, cug.ocu)
    await set_created_at(cug.app, old, MARCH_1 - ONE_MICROSECOND)
    await set_created_at(cug.app, new, MARCH_1)

    assert await found_ids(cug, cug.ocu, until="2025-02-28") == {old}


async def test_same_day_since_until(cug: Cug) -> None:
    noon = await post(cug, cug.user_vn, cug.ocu)
    await set_created_at(cug.app, noon, MARCH_1 + timedelta(hours=12))

    assert await found_ids(cug, cug.ocu, since="2025-03-01", until="2025-03-01") == {
        noon
    }


async def test_filters_combined(cug: Cug) -> None:
    match = await warning(cug, "user_th", description="ivory tusks")
    wrong_type = await post(cug, cug.user_th, cug.ocu, body="ivory tusks")
    wrong_country = await warning(cug, "user_vn", description="ivory tusks")
    wrong_date = await warning(cug, "user_th", description="ivory tusks")
    wrong_text = await warning(cug, "user_th", description="rhino horn")
    for message_id in (match, wrong_type, wrong_country, wrong_text):
        await set_created_at(cug.app, message_id, MARCH_1 + timedelta(days=3))
    await set_created_at(cug.app, wrong_date, APRIL_1)

    found = await found_ids(
        cug,
        cug.ocu,
        q="ivory",
        type_="warning",
        country="TH",
        since="2025-03-01",
        until="2025-03-31",
    )

    assert found == {match}


async def test_seizure_commodity_and_container(cug: Cug) -> None:
    seizure = await post(
        cug,
        cug.user_vn,
        cug.ocu,
        type="seizure",
        subject="Seizure",
        body="See fields.",
        fields=seizure_fields(commodity="drugs", container_numbers=[VALID_CONTAINER]),
    )
    await warning(cug, commodity="drugs", container_numbers=[OTHER_CONTAINER])

    found = await found_ids(cug, cug.ocu, commodity="drugs", container=VALID_CONTAINER)

    assert found == {seizure}


async def test_empty_parameter_ignored(cug: Cug) -> None:
    plain = await post(cug, cug.user_vn, cug.ocu)

    assert await found_ids(cug, cug.ocu, type_="", country="", q="") == {plain}


async def test_invalid_type(cug: Cug) -> None:
    response = await search(cug.client, cug.code, cug.ocu, type_="memo")

    assert response.status_code == 422
    assert "'memo' is not one of message, warning" in field_errors(response)["type"]


async def test_invalid_country(cug: Cug) -> None:
    response = await search(cug.client, cug.code, cug.ocu, country="XX")

    assert response.status_code == 422
    assert "ISO 3166-1 alpha-2" in field_errors(response)["country"]


async def test_invalid_commodity(cug: Cug) -> None:
    response = await search(cug.client, cug.code, cug.ocu, commodity="ivory")

    assert response.status_code == 422
    assert "'ivory' is not one of drugs" in field_errors(response)["commodity"]


async def test_container_check_digit(cug: Cug) -> None:
    response = await search(cug.client, cug.code, cug.ocu, container="CSQU3054384")

    assert response.status_code == 422
    assert "check digit 4" in field_errors(response)["container"]


async def test_container_shape(cug: Cug) -> None:
    response = await search(cug.client, cug.code, cug.ocu, container="CSQU30")

    assert response.status_code == 422
    assert "container" in field_errors(response)


async def test_invalid_since(cug: Cug) -> None:
    response = await search(cug.client, cug.code, cug.ocu, since="2025-02-30")

    assert response.status_code == 422
    assert "YYYY-MM-DD" in field_errors(response)["since"]


async def test_until_not_a_date(cug: Cug) -> None:
    response = await search(cug.client, cug.code, cug.ocu, until="20250301")

    assert response.status_code == 422
    assert "until" in field_errors(response)


async def test_since_after_until(cug: Cug) -> None:
    response = await search(
        cug.client, cug.code, cug.ocu, since="2025-03-02", until="2025-03-01"
    )

    assert response.status_code == 422
    assert "on or before until" in field_errors(response)["since"]


async def test_query_too_long(cug: Cug) -> None:
    response = await search(cug.client, cug.code, cug.ocu, q="a" * 201)

    assert response.status_code == 422
    assert field_errors(response)["q"] == (
        "has 201 characters; at most 200 are allowed"
    )


async def test_query_longest_allowed(cug: Cug) -> None:
    response = await search(cug.client, cug.code, cug.ocu, q="a" * 200)

    assert response.status_code == 200


async def test_too_many_terms(cug: Cug) -> None:
    response = await search(cug.client, cug.code, cug.ocu, q=" ".join("abcdefghijk"))

    assert response.status_code == 422
    assert field_errors(response)["q"] == "has 11 terms; at most 10 are allowed"


async def test_ten_terms_allowed(cug: Cug) -> None:
    response = await search(cug.client, cug.code, cug.ocu, q=" ".join("abcdefghij"))

    assert response.status_code == 200


async def test_sender_id_too_long(cug: Cug) -> None:
    response = await search(cug.client, cug.code, cug.ocu, sender_id="x" * 65)

    assert response.status_code == 422
    assert "sender_id" in field_errors(response)


async def test_every_invalid_filter_named(cug: Cug) -> None:
    response = await search(
        cug.client, cug.code, cug.ocu, type_="memo", country="XX", since="soon"
    )

    assert response.status_code == 422
    assert set(field_errors(response)) == {"type", "country", "since"}


async def test_limit_out_of_range(cug: Cug) -> None:
    response = await search(cug.client, cug.code, cug.ocu, limit=201)

    assert response.status_code == 422
    assert "limit" in field_errors(response)
