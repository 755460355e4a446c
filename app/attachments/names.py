"""Safe stored names for uploads and the Content-Disposition header that sends them."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

DEFAULT_FILENAME = "file"
MAX_FILENAME_BYTES = 255
# A final dot-part longer than this is taken as part of the name, not an extension.
MAX_EXTENSION_BYTES = 32

# Bidirectional formatting characters, which can make "invoice\u202efdp.exe"
# display as "invoiceexe.pdf": the embeddings and overrides U+202A-U+202E, the
# isolates U+2066-U+2069 and the marks U+200E, U+200F and U+061C.
_BIDI_FORMATTING = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
_PATH_SEPARATORS = re.compile(r"[/\\]")
_DRIVE_PREFIX = re.compile(r"^[A-Za-z]:")
# Printable ASCII that needs no filename* parameter. `"` and `\` need a
# quoted-pair, and some browsers percent-decode `%` in the plain filename.
_PLAIN_ASCII = re.compile(r"[\x20\x21\x23\x24\x26-\x5b\x5d-\x7e]*")
# attr-char of RFC 8187 beyond the letters, digits and "_.-~" that quote() keeps.
_ATTR_CHAR_SAFE = "!#$&+^`|"


def safe_filename(name: str | None) -> str:
    """Reduce a client's file name to a safe base name, `file` if nothing is left.

    Path parts, a drive letter, control characters and bidirectional formatting
    characters are removed, the rest is NFC-normalized, stripped of surrounding
    whitespace and cut to 255 UTF-8 bytes, keeping the extension.
    """
    if name is None:
        return DEFAULT_FILENAME

    cleaned = "".join(
        char
        for char in name
        if char not in _BIDI_FORMATTING and unicodedata.category(char) != "Cc"
    )
    base = _PATH_SEPARATORS.split(cleaned)[-1]
    base = _DRIVE_PREFIX.sub("", base)
    base = unicodedata.normalize("NFC", base).strip()
    if not base.strip("."):
        return DEFAULT_FILENAME
    return _truncate(base, MAX_FILENAME_BYTES) or DEFAULT_FILENAME


def _truncate(name: str, max_bytes: int) -> str:
    """Cut a name to `max_bytes` of UTF-8 at a code point boundary."""
    if len(name.encode()) <= max_bytes:
        return name

    stem, dot, extension = name.rpartition(".")
    suffix = dot + extension
    if not stem or len(suffix.encode()) > MAX_EXTENSION_BYTES:
        stem, suffix = name, ""
    budget = max_bytes - len(suffix.encode())
    # Cutting the bytes may split the last character, and "ignore" drops its rest.
    cut_stem = stem.encode()[:budget].decode("utf-8", errors="ignore")
    return cut_stem.rstrip() + suffix


def content_disposition(filename: str) -> str:
    """Build an RFC 6266 `attachment` value naming `filename`.

    The quoted `filename` is an ASCII fallback. `filename*` carries the exact
    name, percent-encoded UTF-8, unless the name is plain printable ASCII.
    """
    fallback = _ascii_fallback(filename)
    escaped = fallback.replace("\\", "\\\\").replace('"', '\\"')
    value = f'attachment; filename="{escaped}"'
    if not _PLAIN_ASCII.fullmatch(filename):
        value += "; filename*=UTF-8''" + quote(filename, safe=_ATTR_CHAR_SAFE)
    return value


def _ascii_fallback(filename: str) -> str:
    """Spell a name in printable ASCII: accents dropped, other characters `_`."""
    decomposed = unicodedata.normalize("NFKD", filename)
    characters = []
    for char in decomposed:
        if unicodedata.category(char) == "Mn":
            continue
        characters.append(char if " " <= char <= "~" else "_")
    return "".join(characters)
