"""The code lists of the web frontend (`clients/web/data/`), built from pycountry.

The frontend checks country and currency codes with the same lists as the
server, which takes them from pycountry. `test_web_data.py` compares the files
with these lists; after a pycountry upgrade, rewrite the files with

    .venv/bin/python -m tests.browser.web_data
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pycountry

WEB_DATA_DIR = Path(__file__).resolve().parents[2] / "clients" / "web" / "data"
COUNTRIES_FILE = WEB_DATA_DIR / "countries.json"
CURRENCIES_FILE = WEB_DATA_DIR / "currencies.json"


def country_list() -> list[dict[str, str]]:
    """Return every ISO 3166-1 country as {code, name}, sorted by code."""
    countries = [
        {"code": c.alpha_2, "name": getattr(c, "common_name", None) or c.name}
        for c in pycountry.countries
    ]
    return sorted(countries, key=lambda country: country["code"])


def currency_list() -> list[dict[str, str]]:
    """Return every ISO 4217 currency as {code, name}, sorted by code."""
    currencies = [{"code": c.alpha_3, "name": c.name} for c in pycountry.currencies]
    return sorted(currencies, key=lambda currency: currency["code"])


def encode(entries: list[dict[str, Any]]) -> str:
    """Encode a list as JSON with one entry per line."""
    lines = [json.dumps(entry, ensure_ascii=False) for entry in entries]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def main() -> None:
    COUNTRIES_FILE.write_text(encode(country_list()), encoding="utf-8")
    CURRENCIES_FILE.write_text(encode(currency_list()), encoding="utf-8")
    print(f"Wrote {COUNTRIES_FILE.name} and {CURRENCIES_FILE.name}.")


if __name__ == "__main__":
    main()
