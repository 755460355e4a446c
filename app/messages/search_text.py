"""Folding of text for search without regard to case or diacritics.

Stored text and query terms must both be folded by `fold_for_search`, and a term
matches when the folded text contains it as a substring.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Latin letters with a stroke or without a dot have no Unicode decomposition, so
# removing combining marks leaves them as they are. Vietnamese typed without marks
# writes "đ" as "d".
_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans(
    {"đ": "d", "ł": "l", "ø": "o", "ħ": "h", "ŧ": "t", "ı": "i"}
)

# Invisible characters that only hint at line breaking or joining (soft hyphen,
# zero width space, word joiner, zero width no-break space). Thai, Lao, Khmer and
# Burmese text may carry them between words, and a typed query never does. The
# zero width joiner and non-joiner are kept because they change how text renders.
_IGNORABLE = frozenset({"\u00ad", "\u200b", "\u2060", "\ufeff"})

# Scripts whose combining marks are diacritics that search ignores. In Thai, Lao,
# Khmer, Burmese and other scripts the marks are vowels and tones that belong to the
# word, so they are kept.
_SCRIPTS_WITH_REMOVABLE_MARKS = frozenset({"LATIN", "GREEK", "CYRILLIC"})


@lru_cache(maxsize=4096)
def _has_removable_marks(character: str) -> bool:
    """Return whether combining marks after this base character are diacritics."""
    script = unicodedata.name(character, "").split(" ", 1)[0]
    return script in _SCRIPTS_WITH_REMOVABLE_MARKS


def fold_for_search(text: str) -> str:
    """Fold text for search: casefold, remove diacritics, collapse whitespace.

    Compatibility forms are unified (NFKD, so full-width "Ａ" becomes "a"), and
    combining marks (category Mn) are removed only after a Latin, Greek or Cyrillic
    base character, so "Hải Phòng" becomes "hai phong" and Thai keeps its vowel and
    tone marks. The result is in NFC, and whitespace runs become single spaces.
    """
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    decomposed = decomposed.translate(_LETTERS_WITHOUT_DECOMPOSITION)

    kept_characters: list[str] = []
    remove_marks = False
    for character in decomposed:
        if character in _IGNORABLE:
            continue
        if unicodedata.category(character) == "Mn":
            if remove_marks:
                continue
        else:
            remove_marks = _has_removable_marks(character)
        kept_characters.append(character)

    folded = unicodedata.normalize("NFC", "".join(kept_characters))
    return " ".join(folded.split())


def search_terms(query: str) -> list[str]:
    """Split a query on whitespace and fold each term, dropping empty ones."""
    terms: list[str] = []
    for word in query.split():
        term = fold_for_search(word)
        if term:
            terms.append(term)
    return terms
