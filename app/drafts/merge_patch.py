"""JSON merge patch (RFC 7396) applied to plain JSON values."""

from __future__ import annotations

from typing import Any


def apply_merge_patch(target: Any, patch: Any) -> Any:
    """Return `target` changed by `patch`, leaving both arguments unchanged.

    An object in the patch merges key by key into the target's object at the
    same place, and a null removes that key. Any other value, arrays included,
    replaces the target's value whole.
    """
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = apply_merge_patch(result.get(key), value)
    return result
