"""Fixtures of these tests."""

from tests.accounts.helpers import cheap_password_hashing

__all__ = ["cheap_password_hashing"]
