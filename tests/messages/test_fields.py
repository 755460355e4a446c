from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from app.errors import FieldError, InvalidInput
from app.messages.fields import (
    container_numbers_of,
    text_fields_of,
    today_in_easternmost_zone,
    validate_fields,
)

TODAY = date(2026, 12, 4)


def seizure(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "seizure_date": "2018-10-02",
        "country": "VN",
        "commodity": "wildlife",
        "description": "Pangolin scales in a container declared as cashew nuts.",
        "quantity": 3.2,
        "unit": "t",
    }
    fields.update(changes)
    return fields


def warning(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"commodity": "drugs", "description": "Expected load."}
    fields.update(changes)
    return fields


def feedback(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"warning_id": "w-1", "result": "positive"}
    fields.update(changes)
    return fields


def errors_of(
    message_type: str,
    fields: Any,
    *,
    complete: bool = True,
    today: date = TODAY,
) -> list[FieldError]:
    with pytest.raises(InvalidInput) as excinfo:
        validate_fields(message_type, fields, complete=complete, today=today)
    return excinfo.value.errors


def only_error(message_type: str, fields: Any, **options: Any) -> FieldError:
    [error] = errors_of(message_type, fields, **options)
    return error


def valid(message_type: str, fields: Any, **options: Any) -> dict[str, Any]:
    result = validate_fields(message_type, fields, today=TODAY, **options)
    assert result is not None
    return result


# Presence of fields


def test_message_without_fields() -> None:
    assert validate_fields("message", None, complete=True) is None


def test_message_with_fields() -> None:
    error = only_error("message", {})
    assert error.field == "fields"
    assert "not allowed" in error.message


def test_message_draft_with_fields() -> None:
    assert only_error("message", {"place": "x"}, complete=False).field == "fields"


@pytest.mark.parametrize("message_type", ["warning", "feedback", "seizure"])
def test_formatted_type_requires_fields(message_type: str) -> None:
    error = only_error(message_type, None)
    assert error.field == "fields"
    assert error.message == f"is required for a {message_type} message"


def test_draft_without_fields() -> None:
    assert validate_fields("seizure", None, complete=False) is None


def test_fields_not_an_object() -> None:
    error = only_error("seizure", ["seizure_date"])
    assert error.field == "fields"
    assert error.message == "must be an object, got an array"


def test_unknown_type() -> None:
    error = only_error("report", {})
    assert error.field == "type"
    assert "'report' is not a message type" in error.message


# Complete messages


def test_valid_seizure_unchanged() -> None:
    assert valid("seizure", seizure(), complete=True) == seizure()


def test_valid_warning() -> None:
    assert valid("warning", warning(), complete=True) == warning()


def test_valid_feedback() -> None:
    fields = feedback(seizure_id="s-9", remarks="Found as warned.")
    assert valid("feedback", fields, complete=True) == fields


def test_full_seizure() -> None:
    fields = seizure(
        place="Cat Lai port",
        place_type="seaport",
        species="Manis javanica",
        estimated_value=250_000,
        currency="usd",
        concealment="Behind cashew nut sacks",
        transport_mode="sea",
        container_numbers=["csqu 305438 3"],
        conveyance="MV Example",
        departure_country="ng",
        destination_country="VN",
        transit_countries=["my", "SG"],
        suspects_arrested=2,
        suspect_nationalities=["VN", "cn"],
        seizing_agency="Customs",
        case_reference="HCM-2018-17",
    )
    result = valid("seizure", fields, complete=True)
    assert result["container_numbers"] == ["CSQU3054383"]
    assert result["currency"] == "USD"
    assert result["departure_country"] == "NG"
    assert result["transit_countries"] == ["MY", "SG"]
    assert result["suspect_nationalities"] == ["VN", "CN"]
    assert result["estimated_value"] == 250_000


@pytest.mark.parametrize(
    "name", ["seizure_date", "country", "commodity", "description", "quantity", "unit"]
)
def test_seizure_required(name: str) -> None:
    fields = seizure()
    del fields[name]
    error = only_error("seizure", fields)
    assert error.field == f"fields.{name}"
    assert error.message == "is required for a seizure message"


def test_null_counts_as_missing() -> None:
    error = only_error("seizure", seizure(country=None))
    assert error.field == "fields.country"


def test_null_optional_left_out() -> None:
    assert "place" not in valid("seizure", seizure(place=None), complete=True)


@pytest.mark.parametrize("name", ["commodity", "description"])
def test_warning_required(name: str) -> None:
    fields = warning()
    del fields[name]
    assert only_error("warning", fields).field == f"fields.{name}"


@pytest.mark.parametrize("name", ["warning_id", "result"])
def test_feedback_required(name: str) -> None:
    fields = feedback()
    del fields[name]
    assert only_error("feedback", fields).field == f"fields.{name}"


def test_blank_description() -> None:
    error = only_error("seizure", seizure(description=" \n "))
    assert error.field == "fields.description"
    assert error.message == "must not be blank in a seizure message"


def test_invalid_required_reported_once() -> None:
    error = only_error("seizure", seizure(country="XX"))
    assert error.field == "fields.country"
    assert "ISO 3166-1" in error.message


def test_all_errors_collected() -> None:
    fields = seizure(
        country="XX",
        quantity=-5,
        container_numbers=["CSQU3054383", "CSQU3054384"],
        seizure_date="2031-01-01",
        colour="red",
    )
    del fields["unit"]
    paths = [error.field for error in errors_of("seizure", fields)]
    assert sorted(paths) == [
        "fields.colour",
        "fields.container_numbers[1]",
        "fields.country",
        "fields.quantity",
        "fields.seizure_date",
        "fields.unit",
    ]


# Drafts


def test_draft_skips_required() -> None:
    assert valid("seizure", {"place": "Cat Lai"}, complete=False) == {
        "place": "Cat Lai"
    }


def test_draft_empty_fields() -> None:
    assert valid("warning", {}, complete=False) == {}


def test_draft_checks_format() -> None:
    error = only_error("seizure", {"country": "XX"}, complete=False)
    assert error.field == "fields.country"


def test_draft_checks_future_date() -> None:
    error = only_error("seizure", {"seizure_date": "2026-12-05"}, complete=False)
    assert error.field == "fields.seizure_date"


def test_draft_value_without_currency() -> None:
    fields = {"estimated_value": 10}
    assert valid("seizure", fields, complete=False) == fields


def test_draft_rejects_unknown_field() -> None:
    error = only_error("warning", {"quantity": 3}, complete=False)
    assert error.field == "fields.quantity"


# Unknown fields


def test_unknown_field_suggestion() -> None:
    error = only_error("seizure", seizure(quantty=3))
    assert error.field == "fields.quantty"
    assert error.message == (
        "is not a field of a seizure message; did you mean quantity?"
    )


def test_unknown_field_lists_fields() -> None:
    error = only_error("feedback", feedback(zzz=1))
    assert error.message == (
        "is not a field of a feedback message; the fields are "
        "warning_id, result, seizure_id, remarks"
    )


def test_field_of_other_type_unknown() -> None:
    error = only_error("warning", warning(seizure_date="2018-10-02"))
    assert error.field == "fields.seizure_date"


# Dates


def test_seizure_date_today() -> None:
    result = valid("seizure", seizure(seizure_date="2026-12-04"), complete=True)
    assert result["seizure_date"] == "2026-12-04"


def test_seizure_date_tomorrow() -> None:
    error = only_error("seizure", seizure(seizure_date="2026-12-05"))
    assert error.field == "fields.seizure_date"
    assert error.message == (
        "2026-12-05 is in the future; the latest allowed date is 2026-12-04 "
        "(today in UTC+14)"
    )


def test_seizure_date_far_future() -> None:
    error = only_error("seizure", seizure(seizure_date="2031-01-01"))
    assert error.message.startswith("2031-01-01 is in the future")


def test_today_is_utc_plus_14() -> None:
    before = (datetime.now(UTC) + timedelta(hours=14)).date()
    today = today_in_easternmost_zone()
    after = (datetime.now(UTC) + timedelta(hours=14)).date()
    assert today in (before, after)


def test_default_today_allows_utc_plus_14_date() -> None:
    today = today_in_easternmost_zone().isoformat()
    fields = validate_fields("seizure", seizure(seizure_date=today), complete=True)
    assert fields is not None
    assert fields["seizure_date"] == today


@pytest.mark.parametrize(
    "text",
    ["2018-02-30", "2018-13-01", "18-10-02", "2018-10-2", "20181002", "2018-10-02T00"],
)
def test_invalid_dates(text: str) -> None:
    error = only_error("seizure", seizure(seizure_date=text))
    assert error.field == "fields.seizure_date"
    assert error.message == f"'{text}' is not a date of the form YYYY-MM-DD"


def test_non_ascii_digits_in_date() -> None:
    error = only_error("seizure", seizure(seizure_date="٢٠١٨-10-02"))
    assert error.field == "fields.seizure_date"


def test_leap_day() -> None:
    assert valid("seizure", seizure(seizure_date="2024-02-29"), complete=True)


def test_expected_arrival_future() -> None:
    result = valid("warning", warning(expected_arrival="2031-01-01"), complete=True)
    assert result["expected_arrival"] == "2031-01-01"


def test_expected_arrival_invalid() -> None:
    error = only_error("warning", warning(expected_arrival="soon"))
    assert error.field == "fields.expected_arrival"


def test_date_must_be_string() -> None:
    error = only_error("seizure", seizure(seizure_date=20181002))
    assert error.message == "must be a string, got a number"


# Numbers


@pytest.mark.parametrize("quantity", [1, 0.001, 3.5, 10**12])
def test_quantity_positive(quantity: int | float) -> None:
    result = valid("seizure", seizure(quantity=quantity), complete=True)
    assert result["quantity"] == quantity
    assert type(result["quantity"]) is type(quantity)


@pytest.mark.parametrize("quantity", [0, 0.0, -5])
def test_quantity_not_positive(quantity: int | float) -> None:
    error = only_error("seizure", seizure(quantity=quantity))
    assert error.field == "fields.quantity"
    assert error.message == f"must be greater than 0, got {quantity}"


@pytest.mark.parametrize(
    ("quantity", "got"), [(True, "a boolean"), ("5", "a string"), ([5], "an array")]
)
def test_quantity_not_a_number(quantity: Any, got: str) -> None:
    error = only_error("seizure", seizure(quantity=quantity))
    assert error.message == f"must be a number, got {got}"


@pytest.mark.parametrize("quantity", [float("nan"), float("inf")])
def test_quantity_not_finite(quantity: float) -> None:
    error = only_error("seizure", seizure(quantity=quantity))
    assert error.message.startswith("must be a finite number")


def test_estimated_value_zero() -> None:
    fields = seizure(estimated_value=0, currency="VND")
    assert valid("seizure", fields, complete=True)["estimated_value"] == 0


def test_estimated_value_negative() -> None:
    error = only_error("seizure", seizure(estimated_value=-0.5, currency="USD"))
    assert error.field == "fields.estimated_value"
    assert error.message == "must be 0 or greater, got -0.5"


def test_estimated_value_needs_currency() -> None:
    error = only_error("seizure", seizure(estimated_value=10))
    assert error.field == "fields.currency"
    assert error.message == "is required when estimated_value is given"


def test_currency_without_value() -> None:
    assert valid("seizure", seizure(currency="thb"), complete=True)["currency"] == "THB"


def test_invalid_currency_reported_once() -> None:
    error = only_error("seizure", seizure(estimated_value=10, currency="XYZ"))
    assert error.field == "fields.currency"
    assert error.message == "'XYZ' is not an ISO 4217 currency code"


@pytest.mark.parametrize("currency", ["US", "USDT", "U$D", ""])
def test_currency_wrong_shape(currency: str) -> None:
    error = only_error("seizure", seizure(currency=currency))
    assert error.field == "fields.currency"


@pytest.mark.parametrize("count", [0, 1, 250])
def test_suspects_arrested_valid(count: int) -> None:
    result = valid("seizure", seizure(suspects_arrested=count), complete=True)
    assert result["suspects_arrested"] == count


def test_suspects_arrested_whole_float() -> None:
    result = valid("seizure", seizure(suspects_arrested=2.0), complete=True)
    assert type(result["suspects_arrested"]) is int


def test_suspects_arrested_negative() -> None:
    error = only_error("seizure", seizure(suspects_arrested=-1))
    assert error.field == "fields.suspects_arrested"
    assert error.message == "must be 0 or greater, got -1"


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (2.5, "must be a whole number, got 2.5"),
        (False, "must be a whole number, got a boolean"),
        ("2", "must be a whole number, got a string"),
    ],
)
def test_suspects_arrested_not_whole(count: Any, message: str) -> None:
    assert only_error("seizure", seizure(suspects_arrested=count)).message == message


# Codes and enums


def test_country_uppercased() -> None:
    assert valid("seizure", seizure(country="th"), complete=True)["country"] == "TH"


@pytest.mark.parametrize("country", ["XX", "UK", "VNM", "V", "", "1A", "ÄB"])
def test_country_invalid(country: str) -> None:
    error = only_error("seizure", seizure(country=country))
    assert error.field == "fields.country"
    assert error.message == f"'{country}' is not an ISO 3166-1 alpha-2 country code"


def test_country_list_entry_path() -> None:
    error = only_error("seizure", seizure(transit_countries=["TH", "ZZ", "LA"]))
    assert error.field == "fields.transit_countries[1]"
    assert error.message == "'ZZ' is not an ISO 3166-1 alpha-2 country code"


def test_country_list_not_a_list() -> None:
    error = only_error("seizure", seizure(suspect_nationalities="VN"))
    assert error.field == "fields.suspect_nationalities"
    assert error.message == "must be an array, got a string"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("place_type", "seaport"),
        ("place_type", "land_border"),
        ("unit", "m3"),
        ("unit", "pieces"),
        ("transport_mode", "pedestrian"),
        ("commodity", "ipr"),
    ],
)
def test_enum_valid(name: str, value: str) -> None:
    assert valid("seizure", seizure(**{name: value}), complete=True)[name] == value


def test_enum_invalid() -> None:
    error = only_error("seizure", seizure(unit="KG"))
    assert error.field == "fields.unit"
    assert error.message == "'KG' is not allowed; use one of kg, g, t, l, m3, pieces"


def test_feedback_result_invalid() -> None:
    error = only_error("feedback", feedback(result="maybe"))
    assert error.field == "fields.result"
    assert "positive, negative, not_controlled" in error.message


def test_enum_not_a_string() -> None:
    error = only_error("warning", warning(transport_mode=1))
    assert error.message == "must be a string, got a number"


# Container numbers


def test_containers_normalized() -> None:
    fields = warning(container_numbers=["csqu 305438 3", "CSQU3054383"])
    result = valid("warning", fields, complete=True)
    assert result["container_numbers"] == ["CSQU3054383", "CSQU3054383"]


def test_container_check_digit_error() -> None:
    fields = warning(container_numbers=["CSQU3054383", "CSQU3054384"])
    error = only_error("warning", fields)
    assert error.field == "fields.container_numbers[1]"
    assert error.message == "'CSQU3054384' has check digit 4; ISO 6346 requires 3"


def test_container_format_error() -> None:
    error = only_error("warning", warning(container_numbers=["CSQ3054383"]))
    assert error.field == "fields.container_numbers[0]"
    assert "has 10 characters" in error.message


def test_container_not_a_string() -> None:
    error = only_error("warning", warning(container_numbers=[3054383]))
    assert error.message == "must be a string, got a number"


def test_every_bad_entry_reported() -> None:
    errors = errors_of("warning", warning(container_numbers=["a", "CSQU3054383", 1]))
    paths = [error.field for error in errors]
    assert paths == ["fields.container_numbers[0]", "fields.container_numbers[2]"]


def test_list_at_limit() -> None:
    fields = warning(transit_countries=["TH"] * 100)
    assert len(valid("warning", fields, complete=True)["transit_countries"]) == 100


def test_list_over_limit() -> None:
    error = only_error("warning", warning(transit_countries=["TH"] * 101))
    assert error.field == "fields.transit_countries"
    assert error.message == "has 101 entries; at most 100 are allowed"


def test_empty_list() -> None:
    assert (
        valid("warning", warning(container_numbers=[]), complete=True)[
            "container_numbers"
        ]
        == []
    )


# Text fields


def test_text_at_limit() -> None:
    result = valid("seizure", seizure(place="p" * 2_000), complete=True)
    assert len(result["place"]) == 2_000


def test_text_over_limit() -> None:
    error = only_error("seizure", seizure(place="p" * 2_001))
    assert error.field == "fields.place"
    assert (
        error.message == "fields.place has 2,001 characters; at most 2,000 are allowed"
    )


@pytest.mark.parametrize("name", ["description", "risk_indicators"])
def test_long_text_at_limit(name: str) -> None:
    result = valid("warning", warning(**{name: "d" * 20_000}), complete=True)
    assert len(result[name]) == 20_000


@pytest.mark.parametrize("name", ["description", "risk_indicators"])
def test_long_text_over_limit(name: str) -> None:
    error = only_error("warning", warning(**{name: "d" * 20_001}))
    assert error.field == f"fields.{name}"
    assert "20,001 characters" in error.message


def test_remarks_over_limit() -> None:
    error = only_error("feedback", feedback(remarks="r" * 20_001))
    assert error.field == "fields.remarks"


def test_text_counted_after_nfc() -> None:
    result = valid("seizure", seizure(place="e\u0301" * 2_000), complete=True)
    assert result["place"] == "\u00e9" * 2_000


def test_text_crlf_normalized() -> None:
    result = valid("seizure", seizure(description="a\r\nb\rc"), complete=True)
    assert result["description"] == "a\nb\nc"


def test_text_control_rejected() -> None:
    error = only_error("seizure", seizure(species="Manis\x00"))
    assert error.field == "fields.species"
    assert "U+0000 at position 6" in error.message


def test_text_tab_allowed() -> None:
    result = valid("seizure", seizure(species="a\tb"), complete=True)
    assert result["species"] == "a\tb"


def test_text_not_a_string() -> None:
    error = only_error("seizure", seizure(place=12))
    assert error.field == "fields.place"
    assert error.message == "must be a string, got a number"


def test_optional_text_may_be_empty() -> None:
    assert valid("seizure", seizure(place=""), complete=True)["place"] == ""


# Feedback references


def test_empty_warning_id() -> None:
    error = only_error("feedback", feedback(warning_id=""))
    assert error.field == "fields.warning_id"
    assert error.message == "must not be empty"


def test_warning_id_not_a_string() -> None:
    error = only_error("feedback", feedback(warning_id=17))
    assert error.message == "must be a string, got a number"


def test_seizure_id_too_long() -> None:
    error = only_error("feedback", feedback(seizure_id="s" * 256))
    assert error.field == "fields.seizure_id"


def test_warning_id_control() -> None:
    error = only_error("feedback", feedback(warning_id="w\x1b"))
    assert error.field == "fields.warning_id"


# Indexing helpers


def test_container_numbers_of() -> None:
    fields = valid(
        "seizure",
        seizure(container_numbers=["CSQU3054383", "tasu 117000 0", "CSQU3054383"]),
        complete=True,
    )
    assert container_numbers_of(fields) == ["CSQU3054383", "TASU1170000"]


def test_container_numbers_of_none() -> None:
    assert container_numbers_of(None) == []
    assert container_numbers_of(feedback()) == []


def test_text_fields_of() -> None:
    fields = valid(
        "seizure",
        seizure(place="Cat Lai", species="Manis", container_numbers=["CSQU3054383"]),
        complete=True,
    )
    assert text_fields_of(fields) == [
        "Pangolin scales in a container declared as cashew nuts.",
        "Cat Lai",
        "Manis",
        "CSQU3054383",
    ]


def test_text_fields_skip_codes() -> None:
    texts = text_fields_of(feedback(remarks="Found."))
    assert texts == ["Found."]


def test_text_fields_of_none() -> None:
    assert text_fields_of(None) == []


def test_huge_integer_quantity_rejected() -> None:
    error = only_error("seizure", seizure(quantity=10**400))

    assert error.field == "fields.quantity"
    assert "at most" in error.message


def test_suspects_arrested_upper_bound() -> None:
    valid("seizure", seizure(suspects_arrested=1_000_000), complete=True)
    error = only_error("seizure", seizure(suspects_arrested=1_000_001))

    assert error.field == "fields.suspects_arrested"
