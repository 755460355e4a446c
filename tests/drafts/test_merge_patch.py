from typing import Any

import pytest

from app.drafts.merge_patch import apply_merge_patch

# The examples of RFC 7396, appendix A.
RFC_EXAMPLES: list[tuple[Any, Any, Any]] = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("target", "patch", "expected"), RFC_EXAMPLES)
def test_rfc_examples(target: Any, patch: Any, expected: Any) -> None:
    assert apply_merge_patch(target, patch) == expected


def test_target_left_unchanged() -> None:
    target = {"fields": {"place": "Hai Phong", "country": "VN"}, "subject": "s"}
    apply_merge_patch(target, {"fields": {"place": None}, "subject": None})
    assert target == {"fields": {"place": "Hai Phong", "country": "VN"}, "subject": "s"}


def test_untouched_keys_kept() -> None:
    target = {"fields": {"place": "Hai Phong"}, "subject": "s"}
    merged = apply_merge_patch(target, {"body": "text"})
    assert merged == {"fields": {"place": "Hai Phong"}, "subject": "s", "body": "text"}
