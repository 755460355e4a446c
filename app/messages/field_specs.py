"""The fields of each formatted message type and how each field is checked."""

from __future__ import annotations

from dataclasses import dataclass

MESSAGE_TYPES = ("message", "warning", "feedback", "seizure")
FORMATTED_TYPES = ("warning", "feedback", "seizure")

PLACE_TYPES = ("seaport", "airport", "land_border", "inland", "postal", "other")
COMMODITIES = (
    "drugs",
    "wildlife",
    "timber",
    "tobacco",
    "weapons",
    "currency",
    "ipr",
    "other",
)
UNITS = ("kg", "g", "t", "l", "m3", "pieces")
TRANSPORT_MODES = ("sea", "air", "road", "rail", "postal", "pedestrian", "other")
FEEDBACK_RESULTS = ("positive", "negative", "not_controlled")

MAX_TEXT_CHARS = 2_000
MAX_LONG_TEXT_CHARS = 20_000
MAX_REFERENCE_CHARS = 255
MAX_LIST_ENTRIES = 100
# Bounds far above any real seizure, which keep numbers exact and comparable.
MAX_NUMBER = 10**15
MAX_COUNT = 1_000_000


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """The check of one field: its kind and, for an enum, the allowed values."""

    # One of: text, long_text, reference, enum, country, currency, date, past_date,
    # positive_number, non_negative_number, count, country_list, container_list.
    kind: str
    choices: tuple[str, ...] = ()


_TEXT = FieldSpec("text")
_LONG_TEXT = FieldSpec("long_text")
_COUNTRY = FieldSpec("country")
_COUNTRIES = FieldSpec("country_list")

# A field name has the same kind in every type that uses it.
FIELD_SPECS: dict[str, FieldSpec] = {
    "seizure_date": FieldSpec("past_date"),
    "country": _COUNTRY,
    "place": _TEXT,
    "place_type": FieldSpec("enum", PLACE_TYPES),
    "commodity": FieldSpec("enum", COMMODITIES),
    "description": _LONG_TEXT,
    "species": _TEXT,
    "quantity": FieldSpec("positive_number"),
    "unit": FieldSpec("enum", UNITS),
    "estimated_value": FieldSpec("non_negative_number"),
    "currency": FieldSpec("currency"),
    "concealment": _TEXT,
    "transport_mode": FieldSpec("enum", TRANSPORT_MODES),
    "container_numbers": FieldSpec("container_list"),
    "conveyance": _TEXT,
    "departure_country": _COUNTRY,
    "destination_country": _COUNTRY,
    "transit_countries": _COUNTRIES,
    "suspects_arrested": FieldSpec("count"),
    "suspect_nationalities": _COUNTRIES,
    "seizing_agency": _TEXT,
    "case_reference": _TEXT,
    "expected_arrival": FieldSpec("date"),
    "risk_indicators": _LONG_TEXT,
    "warning_id": FieldSpec("reference"),
    "result": FieldSpec("enum", FEEDBACK_RESULTS),
    "seizure_id": FieldSpec("reference"),
    "remarks": _LONG_TEXT,
}

TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "seizure": (
        "seizure_date",
        "country",
        "place",
        "place_type",
        "commodity",
        "description",
        "species",
        "quantity",
        "unit",
        "estimated_value",
        "currency",
        "concealment",
        "transport_mode",
        "container_numbers",
        "conveyance",
        "departure_country",
        "destination_country",
        "transit_countries",
        "suspects_arrested",
        "suspect_nationalities",
        "seizing_agency",
        "case_reference",
    ),
    "warning": (
        "commodity",
        "description",
        "container_numbers",
        "conveyance",
        "transport_mode",
        "departure_country",
        "destination_country",
        "transit_countries",
        "expected_arrival",
        "risk_indicators",
    ),
    "feedback": ("warning_id", "result", "seizure_id", "remarks"),
}

REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "seizure": (
        "seizure_date",
        "country",
        "commodity",
        "description",
        "quantity",
        "unit",
    ),
    "warning": ("commodity", "description"),
    "feedback": ("warning_id", "result"),
}

# Maximum code points of a value of each text kind.
TEXT_LIMITS = {"text": MAX_TEXT_CHARS, "long_text": MAX_LONG_TEXT_CHARS}
