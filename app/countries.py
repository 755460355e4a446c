"""ISO 3166-1 alpha-2 country codes, checked with pycountry."""

from functools import lru_cache

import pycountry


@lru_cache(maxsize=512)
def is_country_code(code: str) -> bool:
    return len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None


def normalize_country(value: str) -> str:
    """Return the upper-case code, or raise ValueError naming the value."""
    code = value.strip().upper()
    if not is_country_code(code):
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
    return code
