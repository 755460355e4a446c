import string

import pytest

from app.messages.containers import (
    ContainerCheckDigitError,
    ContainerFormatError,
    ContainerNumberError,
    normalize_container,
)


def letter_values() -> dict[str, int]:
    """Map A to Z to 10, 12, 13, ... as ISO 6346 does, skipping 11, 22 and 33."""
    values: dict[str, int] = {}
    value = 10
    for letter in string.ascii_uppercase:
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    return values


def weighted_sum(first_ten: str) -> int:
    """Sum the ISO 6346 values of the first ten characters, weighted by 2**position."""
    values = letter_values()
    return sum(
        (values[c] if c.isalpha() else int(c)) * 2**position
        for position, c in enumerate(first_ten)
    )


def check_digit(first_ten: str) -> str:
    """Compute the ISO 6346 check digit independently of python-stdnum."""
    return str(weighted_sum(first_ten) % 11 % 10)


def test_letter_values_skip_multiples_of_eleven() -> None:
    values = letter_values()
    assert values["A"] == 10
    assert values["B"] == 12
    assert values["L"] == 23
    assert values["V"] == 34
    assert values["Z"] == 38


def test_published_example_valid() -> None:
    # The example number of the ISO 6346 article on Wikipedia.
    assert normalize_container("CSQU3054383") == "CSQU3054383"


def test_independent_check_digit_agrees() -> None:
    assert check_digit("CSQU305438") == "3"


@pytest.mark.parametrize(
    "first_ten",
    ["MSCU123456", "MAEU987654", "TGHU000001", "OOLU555555", "CMAU424242"],
)
def test_computed_numbers_valid(first_ten: str) -> None:
    number = first_ten + check_digit(first_ten)
    assert normalize_container(number) == number


@pytest.mark.parametrize(
    "first_ten",
    ["MSCU123456", "MAEU987654", "TGHU000001", "OOLU555555", "CMAU424242"],
)
def test_computed_numbers_wrong_digit(first_ten: str) -> None:
    right = check_digit(first_ten)
    wrong = str((int(right) + 1) % 10)
    with pytest.raises(ContainerCheckDigitError):
        normalize_container(first_ten + wrong)


def test_remainder_ten_maps_to_zero() -> None:
    serial = next(
        f"{n:06d}" for n in range(1_000_000) if weighted_sum(f"CSQU{n:06d}") % 11 == 10
    )
    assert normalize_container(f"CSQU{serial}0") == f"CSQU{serial}0"


def test_spaces_and_lowercase_normalized() -> None:
    assert normalize_container(" csqu 305438 3 ") == "CSQU3054383"


def test_tab_and_no_break_space_removed() -> None:
    assert normalize_container("CSQU\t305438\u00a03") == "CSQU3054383"


def test_wrong_check_digit_message() -> None:
    with pytest.raises(ContainerCheckDigitError) as excinfo:
        normalize_container("csqu 305438 4")
    assert str(excinfo.value) == (
        "'CSQU3054384' has check digit 4; ISO 6346 requires 3"
    )


def test_errors_are_value_errors() -> None:
    assert issubclass(ContainerCheckDigitError, ValueError)
    assert issubclass(ContainerFormatError, ContainerNumberError)


def test_short_number() -> None:
    with pytest.raises(ContainerFormatError) as excinfo:
        normalize_container("CSQU305438")
    assert "has 10 characters" in str(excinfo.value)


def test_long_number() -> None:
    with pytest.raises(ContainerFormatError) as excinfo:
        normalize_container("CSQU30543831")
    assert "has 12 characters" in str(excinfo.value)


def test_digit_in_owner_code() -> None:
    with pytest.raises(ContainerFormatError) as excinfo:
        normalize_container("C5QU3054383")
    assert "owner code C5Q" in str(excinfo.value)


def test_bad_category_letter() -> None:
    with pytest.raises(ContainerFormatError) as excinfo:
        normalize_container("CSQX3054383")
    assert "category letter X" in str(excinfo.value)


@pytest.mark.parametrize("category", ["U", "J", "Z", "R"])
def test_allowed_category_letters(category: str) -> None:
    first_ten = f"CSQ{category}305438"
    number = first_ten + check_digit(first_ten)
    assert normalize_container(number) == number


def test_letter_in_serial() -> None:
    with pytest.raises(ContainerFormatError) as excinfo:
        normalize_container("CSQU30543A3")
    assert "serial number 30543A" in str(excinfo.value)


def test_letter_as_check_digit() -> None:
    with pytest.raises(ContainerFormatError) as excinfo:
        normalize_container("CSQU305438X")
    assert "check digit X" in str(excinfo.value)


def test_non_ascii_letters_rejected() -> None:
    # "ı".upper() is "I", so a check after upper() would accept this.
    with pytest.raises(ContainerFormatError):
        normalize_container("\u0131SQU3054383")


def test_non_ascii_digits_rejected() -> None:
    with pytest.raises(ContainerFormatError):
        normalize_container("CSQU\u0663054383")


def test_hyphen_rejected() -> None:
    with pytest.raises(ContainerFormatError):
        normalize_container("CSQU-305438-3")


def test_empty_rejected() -> None:
    with pytest.raises(ContainerFormatError):
        normalize_container("")


def test_long_value_shortened_in_message() -> None:
    with pytest.raises(ContainerFormatError) as excinfo:
        normalize_container("X" * 1_000)
    assert len(str(excinfo.value)) < 300
