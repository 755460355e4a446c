"""The frontend's data files agree with the server's field specs and code lists."""

from __future__ import annotations

import json
from typing import Any

from app.messages.field_specs import (
    FIELD_SPECS,
    MAX_LIST_ENTRIES,
    MAX_REFERENCE_CHARS,
    REQUIRED_FIELDS,
    TEXT_LIMITS,
    TYPE_FIELDS,
)
from app.messages.text import MAX_BODY_CHARS, MAX_SUBJECT_CHARS
from tests.browser.web_data import (
    COUNTRIES_FILE,
    CURRENCIES_FILE,
    WEB_DATA_DIR,
    country_list,
    currency_list,
)

REGENERATE = "rewrite them with: .venv/bin/python -m tests.browser.web_data"


def load(name: str) -> Any:
    return json.loads((WEB_DATA_DIR / name).read_text(encoding="utf-8"))


def test_countries_match_pycountry() -> None:
    written = json.loads(COUNTRIES_FILE.read_text(encoding="utf-8"))
    assert written == country_list(), REGENERATE


def test_currencies_match_pycountry() -> None:
    written = json.loads(CURRENCIES_FILE.read_text(encoding="utf-8"))
    assert written == currency_list(), REGENERATE


def test_type_fields_match_server() -> None:
    types = load("fields.json")["types"]
    formatted = {name: spec for name, spec in types.items() if name != "message"}
    assert {name: spec["fields"] for name, spec in formatted.items()} == {
        name: list(fields) for name, fields in TYPE_FIELDS.items()
    }
    assert {name: spec["required"] for name, spec in formatted.items()} == {
        name: list(fields) for name, fields in REQUIRED_FIELDS.items()
    }
    assert types["message"]["fields"] == []


def test_field_kinds_match_server() -> None:
    fields = load("fields.json")["fields"]
    assert set(fields) == set(FIELD_SPECS)
    for name, spec in FIELD_SPECS.items():
        assert fields[name]["kind"] == spec.kind, name
        assert tuple(fields[name].get("choices", ())) == spec.choices, name


def test_every_choice_has_a_label() -> None:
    specs = load("fields.json")
    choices = {choice for spec in FIELD_SPECS.values() for choice in spec.choices}
    assert choices <= set(specs["choice_labels"])


def test_limits_match_server() -> None:
    limits = load("fields.json")["limits"]
    assert limits["subject"] == MAX_SUBJECT_CHARS
    assert limits["body"] == MAX_BODY_CHARS
    assert limits["text"] == TEXT_LIMITS["text"]
    assert limits["long_text"] == TEXT_LIMITS["long_text"]
    assert limits["reference"] == MAX_REFERENCE_CHARS
    assert limits["list_entries"] == MAX_LIST_ENTRIES
