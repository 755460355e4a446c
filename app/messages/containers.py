"""ISO 6346 container numbers: normalization and validation."""

from __future__ import annotations

import re

from stdnum import iso6346

from app.messages.text import quote_value

# python-stdnum 2.2 accepts the category letters U, J, Z and R, so this module does.
CATEGORY_LETTERS = "UJZR"

_SHAPE = (
    "an ISO 6346 container number is a 3-letter owner code, a category letter "
    "(U, J, Z or R), a 6-digit serial number and a check digit, like CSQU3054383"
)
_OWNER_CODE = re.compile(r"[A-Z]{3}")
_DIGITS = re.compile(r"[0-9]+")


class ContainerNumberError(ValueError):
    """A value that is not a valid ISO 6346 container number."""


class ContainerFormatError(ContainerNumberError):
    """A value that does not have the shape of an ISO 6346 container number."""


class ContainerCheckDigitError(ContainerNumberError):
    """A container number whose check digit does not match the rest of it."""


def _check_format(number: str, value: str) -> None:
    quoted = quote_value(value)
    if len(number) != 11:
        raise ContainerFormatError(
            f"{quoted} has {len(number)} characters without spaces, not 11; {_SHAPE}"
        )

    owner, category, serial, check = number[:3], number[3], number[4:10], number[10]
    if not _OWNER_CODE.fullmatch(owner):
        raise ContainerFormatError(
            f"{quoted} has the owner code {owner}; an ISO 6346 owner code is "
            "3 letters A to Z"
        )
    if category not in CATEGORY_LETTERS:
        raise ContainerFormatError(
            f"{quoted} has the category letter {category}; the category letter "
            "must be U, J, Z or R"
        )
    if not _DIGITS.fullmatch(serial):
        raise ContainerFormatError(
            f"{quoted} has the serial number {serial}; an ISO 6346 serial number "
            "is 6 digits"
        )
    if not _DIGITS.fullmatch(check):
        raise ContainerFormatError(
            f"{quoted} has the check digit {check}; the check digit must be a "
            "digit 0 to 9"
        )


def normalize_container(value: str) -> str:
    """Return the container number without whitespace and in capitals.

    Raises ContainerFormatError for a value of the wrong shape and
    ContainerCheckDigitError for a wrong check digit.
    """
    compact = "".join(value.split())
    # Checked before upper(), which turns some non-ASCII letters such as "ı" into
    # ASCII ones.
    if not compact.isascii():
        raise ContainerFormatError(
            f"{quote_value(value)} contains characters other than letters A to Z "
            f"and digits; {_SHAPE}"
        )
    number = compact.upper()
    _check_format(number, value)

    expected = iso6346.calc_check_digit(number[:10])
    if number[10] != expected:
        raise ContainerCheckDigitError(
            f"'{number}' has check digit {number[10]}; ISO 6346 requires {expected}"
        )
    return number
