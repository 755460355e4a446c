"""Normalization, sanitizing and length limits of message subjects and bodies."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

import nh3

from app.errors import InvalidInput

BODY_FORMATS = ("text", "html")
MAX_SUBJECT_CHARS = 255
MAX_BODY_CHARS = 20_000

ALLOWED_TAGS = frozenset(
    {"p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li", "a"}
)
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

# Tags removed together with their content, because a browser does not show that
# content as text. Other tags outside ALLOWED_TAGS are removed and keep their text.
TAGS_REMOVED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "title", "iframe", "noscript"}
)

# nh3 adds rel="noopener noreferrer" to every link by default. Relative URLs are
# denied, so an href survives only with one of ALLOWED_URL_SCHEMES.
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(TAGS_REMOVED_WITH_CONTENT),
    attributes={"a": {"href"}, "*": set()},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    url_relative="deny",
)

# C0 controls other than tab (U+0009) and line feed (U+000A), and lone surrogates,
# which Python's JSON decoder accepts from "\ud800" escapes but UTF-8 cannot encode.
_INVALID_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff]")

# Unicode NFC composes U+0338 with a preceding "<", "=" or ">" (into U+226E, U+2260,
# U+226F) and no other combining character with any of them. Escaping U+0338 after
# the ">" that ends a tag keeps NFC from merging text into the markup.
_COMBINING_AFTER_TAG = re.compile(">\u0338")

_MAX_SANITIZE_PASSES = 3


def quote_value(value: str, max_chars: int = 60) -> str:
    """Quote a value for an error message, shortened to at most `max_chars`."""
    if len(value) > max_chars:
        value = value[: max_chars - 1] + "\u2026"
    return f"'{value}'"


def normalize_newlines(text: str) -> str:
    """Replace CRLF and lone CR line breaks with LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def count_characters(text: str) -> int:
    """Count the Unicode code points of a normalized text, as the length limits do."""
    return len(text)


def invalid_character_message(text: str, field: str) -> str | None:
    """Describe the first disallowed character of `text`, or return None if none.

    Positions count code points from 1.
    """
    match = _INVALID_CHARACTER.search(text)
    if match is None:
        return None

    code_point = f"U+{ord(match.group()):04X}"
    position = f"{match.start() + 1:,}"
    if "\ud800" <= match.group() <= "\udfff":
        return (
            f"{field} contains the lone surrogate {code_point} at position "
            f"{position}; text must be valid Unicode"
        )
    return (
        f"{field} contains the control character {code_point} at position "
        f"{position}; the only control characters allowed are line feed and tab"
    )


def _raise_for_invalid_characters(text: str, field: str) -> None:
    message = invalid_character_message(text, field)
    if message is not None:
        raise InvalidInput.single(field, message)


def _raise_for_length(field: str, count: int, max_chars: int, unit: str) -> None:
    if count > max_chars:
        raise InvalidInput.single(
            field,
            f"{field} has {count:,} {unit}; at most {max_chars:,} are allowed",
        )


def normalize_subject(value: str, field: str = "subject") -> str:
    """Return the subject in NFC, raising InvalidInput naming `field` if invalid.

    Allowed are 1 to 255 code points after NFC and no C0 control characters except
    line feed and tab, and at least one character must be visible (neither
    whitespace nor a format character such as U+200B). Line breaks are not
    converted and whitespace is not stripped.
    """
    _raise_for_invalid_characters(value, field)
    subject = unicodedata.normalize("NFC", value)

    if not subject:
        raise InvalidInput.single(
            field,
            f"{field} is empty; it must have 1 to {MAX_SUBJECT_CHARS:,} characters",
        )
    _raise_for_length(field, count_characters(subject), MAX_SUBJECT_CHARS, "characters")
    if all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in subject):
        raise InvalidInput.single(
            field, f"{field} has no visible character; write a subject"
        )
    return subject


def normalize_plain_text(value: str, field: str, max_chars: int) -> str:
    """Convert line breaks to LF and apply NFC, raising InvalidInput if invalid.

    The text is invalid if it contains a C0 control character other than line feed
    and tab, or has more than `max_chars` code points after normalization. Error
    positions are counted in the text after the line break conversion.
    """
    text = normalize_newlines(value)
    _raise_for_invalid_characters(text, field)
    text = unicodedata.normalize("NFC", text)
    _raise_for_length(field, count_characters(text), max_chars, "characters")
    return text


def sanitize_html(html: str) -> str:
    """Sanitize an HTML fragment to the allowed tags and links, in NFC.

    The result is a fixed point: sanitizing it again and applying NFC to it both
    leave it unchanged.
    """
    result = html
    for _ in range(_MAX_SANITIZE_PASSES):
        cleaned = _CLEANER.clean(result)
        cleaned = _COMBINING_AFTER_TAG.sub(">&#x338;", cleaned)
        cleaned = unicodedata.normalize("NFC", cleaned)
        if cleaned == result:
            return cleaned
        result = cleaned
    # NOTE: every input in the tests reaches the fixed point within two passes.
    # Reaching this line means the sanitizer and NFC keep undoing each other.
    raise ValueError("HTML did not reach a stable sanitized NFC form")


class _TextContentParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text_content(html: str) -> str:
    """Return the text of sanitized HTML, which the body length limit counts.

    The text is every text node in document order with character references decoded
    (`&amp;` is one "&", `&nbsp;` one U+00A0), plus one "\\n" for each `<br>`. Tags,
    attributes and comments add nothing, so closing a `p` or `li` adds no line break.
    Whitespace counts as written, including line breaks between tags. A web frontend
    counts the same way by taking the DOM `textContent` of the sanitized HTML after
    replacing every `<br>` element with a "\\n" text node, and counting code points
    (`Array.from(text).length`), because `String.length` counts UTF-16 code units.
    The HTML must be output of `sanitize_html`. For other HTML, such as text inside
    `script`, this function and a browser may disagree.
    """
    parser = _TextContentParser()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def normalize_body(
    value: str, body_format: str, field: str = "body", max_chars: int = MAX_BODY_CHARS
) -> str:
    """Return the body as stored, raising InvalidInput naming `field` if invalid.

    Line breaks become LF, and C0 control characters other than line feed and tab
    are invalid. A `text` body is then put in NFC. An `html` body is sanitized to
    ALLOWED_TAGS and put in NFC, and a control character that a character
    reference such as `&#7;` produced is invalid too. The limit counts code points
    of the normalized text, which for HTML is `html_text_content`. An empty body is
    valid.
    """
    if body_format not in BODY_FORMATS:
        raise InvalidInput.single(
            "body_format",
            f"{quote_value(body_format)} is not a body format; use text or html",
        )
    if body_format == "text":
        return normalize_plain_text(value, field, max_chars)

    html = normalize_newlines(value)
    _raise_for_invalid_characters(html, field)
    html = sanitize_html(html)
    match = _INVALID_CHARACTER.search(html)
    if match is not None:
        raise InvalidInput.single(
            field,
            f"{field} contains a character reference to U+{ord(match.group()):04X}; "
            "the only control characters allowed are line feed and tab",
        )

    count = count_characters(html_text_content(html))
    _raise_for_length(field, count, max_chars, "characters of text")
    return html
