"""Validation of the `fields` of the formatted message types.

The checks are written by hand rather than as pydantic models, so that every
message names the rejected value and the rule, and all errors of one request are
collected with paths such as `fields.container_numbers[1]`.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pycountry

from app.errors import FieldError, InvalidInput
from app.messages.containers import ContainerNumberError, normalize_container
from app.messages.field_specs import (
    FIELD_SPECS,
    FORMATTED_TYPES,
    MAX_COUNT,
    MAX_LIST_ENTRIES,
    MAX_NUMBER,
    MAX_REFERENCE_CHARS,
    MESSAGE_TYPES,
    REQUIRED_FIELDS,
    TEXT_LIMITS,
    TYPE_FIELDS,
    FieldSpec,
)
from app.messages.text import (
    invalid_character_message,
    normalize_plain_text,
    quote_value,
)

# "Not in the future" means not after today's date in the easternmost time zone.
EASTERNMOST_ZONE = timezone(timedelta(hours=14))

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def today_in_easternmost_zone() -> date:
    """Return today's date in UTC+14, the latest date anywhere on Earth."""
    return datetime.now(EASTERNMOST_ZONE).date()


def _json_type(value: Any) -> str:
    """Name the JSON type of a decoded JSON value, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class _Invalid(Exception):
    """Raised for a rejected value after its errors were recorded."""


class _FieldChecker:
    """Checks field values one by one and collects every error."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.errors: list[FieldError] = []

    def reject(self, path: str, message: str) -> _Invalid:
        """Record an error and return the exception that the caller raises."""
        self.errors.append(FieldError(path, message))
        return _Invalid()

    def check(self, spec: FieldSpec, value: Any, path: str) -> Any:
        """Return the normalized value, or raise _Invalid after recording errors."""
        if spec.kind in TEXT_LIMITS:
            return self.text(value, path, TEXT_LIMITS[spec.kind])
        if spec.kind == "reference":
            return self.reference(value, path)
        if spec.kind == "enum":
            return self.enum(value, path, spec.choices)
        if spec.kind == "country":
            return self.country(value, path)
        if spec.kind == "currency":
            return self.currency(value, path)
        if spec.kind == "date":
            return self.date(value, path)
        if spec.kind == "past_date":
            return self.past_date(value, path)
        if spec.kind in ("positive_number", "non_negative_number"):
            return self.number(value, path, positive=spec.kind == "positive_number")
        if spec.kind == "count":
            return self.count(value, path)
        if spec.kind == "country_list":
            return self.list_of(value, path, self.country)
        if spec.kind == "container_list":
            return self.list_of(value, path, self.container)
        raise AssertionError(f"unknown field kind {spec.kind}")

    def string(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise self.reject(path, f"must be a string, got {_json_type(value)}")
        return value

    def text(self, value: Any, path: str, max_chars: int) -> str:
        text = self.string(value, path)
        try:
            return normalize_plain_text(text, path, max_chars)
        except InvalidInput as error:
            self.errors.extend(error.errors)
            raise _Invalid() from error

    def reference(self, value: Any, path: str) -> str:
        reference = self.string(value, path)
        if not reference:
            raise self.reject(path, "must not be empty")
        if len(reference) > MAX_REFERENCE_CHARS:
            raise self.reject(
                path,
                f"has {len(reference):,} characters; at most "
                f"{MAX_REFERENCE_CHARS} are allowed",
            )
        message = invalid_character_message(reference, path)
        if message is not None:
            raise self.reject(path, message)
        return reference

    def enum(self, value: Any, path: str, choices: tuple[str, ...]) -> str:
        choice = self.string(value, path)
        if choice not in choices:
            raise self.reject(
                path,
                f"{quote_value(choice)} is not allowed; use one of "
                f"{', '.join(choices)}",
            )
        return choice

    def country(self, value: Any, path: str) -> str:
        code = self.string(value, path)
        upper = code.upper()
        is_code = len(upper) == 2 and upper.isascii() and upper.isalpha()
        if not is_code or pycountry.countries.get(alpha_2=upper) is None:
            raise self.reject(
                path, f"{quote_value(code)} is not an ISO 3166-1 alpha-2 country code"
            )
        return upper

    def currency(self, value: Any, path: str) -> str:
        code = self.string(value, path)
        upper = code.upper()
        is_code = len(upper) == 3 and upper.isascii() and upper.isalpha()
        if not is_code or pycountry.currencies.get(alpha_3=upper) is None:
            raise self.reject(
                path, f"{quote_value(code)} is not an ISO 4217 currency code"
            )
        return upper

    def container(self, value: Any, path: str) -> str:
        number = self.string(value, path)
        try:
            return normalize_container(number)
        except ContainerNumberError as error:
            raise self.reject(path, str(error)) from error

    def date(self, value: Any, path: str) -> str:
        text = self.string(value, path)
        try:
            if not _ISO_DATE.fullmatch(text):
                raise ValueError(text)
            date.fromisoformat(text)
        except ValueError as error:
            raise self.reject(
                path, f"{quote_value(text)} is not a date of the form YYYY-MM-DD"
            ) from error
        return text

    def past_date(self, value: Any, path: str) -> str:
        text = self.date(value, path)
        if date.fromisoformat(text) > self.today:
            raise self.reject(
                path,
                f"{text} is in the future; the latest allowed date is "
                f"{self.today.isoformat()} (today in UTC+14)",
            )
        return text

    def number(self, value: Any, path: str, *, positive: bool) -> int | float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.reject(path, f"must be a number, got {_json_type(value)}")
        if isinstance(value, int) and value < -MAX_NUMBER:
            raise self.reject(path, "must be 0 or greater; got a negative number")
        if isinstance(value, int) and value > MAX_NUMBER:
            raise self.reject(
                path, f"must be at most {MAX_NUMBER:,}; got a larger number"
            )
        if not math.isfinite(value):
            raise self.reject(path, f"must be a finite number, got {value}")
        if value > MAX_NUMBER:
            raise self.reject(
                path, f"must be at most {MAX_NUMBER:,}; got a larger number"
            )
        if positive and value <= 0:
            raise self.reject(path, f"must be greater than 0, got {value}")
        if value < 0:
            raise self.reject(path, f"must be 0 or greater, got {value}")
        return value

    def count(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.reject(path, f"must be a whole number, got {_json_type(value)}")
        if isinstance(value, float) and not (
            math.isfinite(value) and value.is_integer()
        ):
            raise self.reject(path, f"must be a whole number, got {value}")
        if value < 0:
            raise self.reject(path, f"must be 0 or greater, got {value}")
        if value > MAX_COUNT:
            raise self.reject(
                path, f"must be at most {MAX_COUNT:,}; got a larger number"
            )
        return int(value)

    def list_of(
        self, value: Any, path: str, check_entry: Callable[[Any, str], str]
    ) -> list[str]:
        if not isinstance(value, list):
            raise self.reject(path, f"must be an array, got {_json_type(value)}")
        if len(value) > MAX_LIST_ENTRIES:
            raise self.reject(
                path,
                f"has {len(value):,} entries; at most {MAX_LIST_ENTRIES} are allowed",
            )

        entries: list[str] = []
        failed = False
        for index, entry in enumerate(value):
            try:
                entries.append(check_entry(entry, f"{path}[{index}]"))
            except _Invalid:
                failed = True
        if failed:
            raise _Invalid()
        return entries


def _unknown_field_message(name: str, message_type: str) -> str:
    known = TYPE_FIELDS[message_type]
    message = f"is not a field of a {message_type} message"
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"{message}; did you mean {close[0]}?"
    return f"{message}; the fields are {', '.join(known)}"


def _check_message_type(message_type: str) -> None:
    if message_type not in MESSAGE_TYPES:
        raise InvalidInput.single(
            "type",
            f"{quote_value(str(message_type))} is not a message type; use one of "
            f"{', '.join(MESSAGE_TYPES)}",
        )


def _check_required(
    message_type: str, normalized: Mapping[str, Any], checker: _FieldChecker
) -> None:
    rejected = {error.field.split("[", 1)[0] for error in checker.errors}
    for name in REQUIRED_FIELDS[message_type]:
        path = f"fields.{name}"
        if path in rejected:
            continue
        if name not in normalized:
            checker.reject(path, f"is required for a {message_type} message")
        elif isinstance(normalized[name], str) and not normalized[name].strip():
            checker.reject(path, f"must not be blank in a {message_type} message")

    has_value = "estimated_value" in normalized
    if has_value and "currency" not in normalized and "fields.currency" not in rejected:
        checker.reject("fields.currency", "is required when estimated_value is given")


def validate_fields(
    message_type: str,
    fields: Mapping[str, Any] | None,
    *,
    complete: bool,
    today: date | None = None,
) -> dict[str, Any] | None:
    """Return the normalized `fields` of a message, or raise InvalidInput.

    `fields` must be None for a `message` and, when `complete` is true, an object
    for the formatted types. A field whose value is None counts as absent and is
    left out of the result. With `complete` false, as for a draft, only the fields
    present are checked, and required fields are not. Container numbers come back
    normalized and country and currency codes in capitals. Other values are
    returned as given, except that text has LF line breaks and is in NFC. The error
    lists every invalid field. `today` defaults to today's date in UTC+14, the
    latest date a `seizure_date` may have. A `warning_id` or `seizure_id` is only
    checked to be a non-empty string, because whether it names a visible message
    needs the database.
    """
    _check_message_type(message_type)
    if message_type == "message":
        if fields is not None:
            raise InvalidInput.single(
                "fields",
                "is not allowed for a message of type message; use one of "
                f"{', '.join(FORMATTED_TYPES)} or leave fields out",
            )
        return None
    if fields is None:
        if complete:
            raise InvalidInput.single(
                "fields", f"is required for a {message_type} message"
            )
        return None
    if not isinstance(fields, Mapping):
        raise InvalidInput.single(
            "fields", f"must be an object, got {_json_type(fields)}"
        )

    checker = _FieldChecker(today or today_in_easternmost_zone())
    known = TYPE_FIELDS[message_type]
    normalized: dict[str, Any] = {}
    for name, value in fields.items():
        path = f"fields.{name}"
        if name not in known:
            checker.reject(path, _unknown_field_message(name, message_type))
            continue
        if value is None:
            continue
        # A rejected value is left out, and its errors are in checker.errors.
        with suppress(_Invalid):
            normalized[name] = checker.check(FIELD_SPECS[name], value, path)

    if complete:
        _check_required(message_type, normalized, checker)
    if checker.errors:
        raise InvalidInput(checker.errors)
    return normalized


def container_numbers_of(fields: Mapping[str, Any] | None) -> list[str]:
    """Return the container numbers of validated fields, without duplicates."""
    if not fields:
        return []
    numbers = fields.get("container_numbers") or []
    return list(dict.fromkeys(numbers))


def text_fields_of(fields: Mapping[str, Any] | None) -> list[str]:
    """Return the free-text values and container numbers of validated fields.

    These are the values that a free-text search matches, in the order of `fields`.
    Enum values, codes, dates and ids are left out.
    """
    if not fields:
        return []
    texts: list[str] = []
    for name, value in fields.items():
        spec = FIELD_SPECS.get(name)
        if spec is None:
            continue
        if spec.kind in TEXT_LIMITS and isinstance(value, str):
            texts.append(value)
        elif spec.kind == "container_list" and isinstance(value, list):
            texts.extend(entry for entry in value if isinstance(entry, str))
    return texts
