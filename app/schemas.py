"""Response shapes shared by every domain."""

from typing import Generic, TypeVar

from pydantic import BaseModel

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    """One page of a list; `next_cursor` is null exactly when no item follows."""

    items: list[ItemT]
    next_cursor: str | None
