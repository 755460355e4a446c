"""Subjects of replies and forwards, and the quote a forward carries."""

from __future__ import annotations

import html

from app.errors import InvalidInput
from app.messages.text import count_characters, html_text_content
from app.models import Message
from app.timefmt import format_utc

MAX_SUBJECT_CHARS = 255
FORWARD_HEADER = "---------- Forwarded message ----------"
CUT_MARK = "\n[…]"


def prefixed_subject(prefix: str, original: str) -> str:
    """Return `prefix` + `original` unless it already starts with that prefix."""
    if original.casefold().startswith(prefix.strip().casefold()):
        subject = original
    else:
        subject = prefix + original
    return subject[:MAX_SUBJECT_CHARS]


def _quote_lines(original: Message, sender_name: str) -> list[str]:
    return [
        FORWARD_HEADER,
        f"From: {sender_name} ({original.sender_country})",
        f"Date: {format_utc(original.created_at)}",
        f"Subject: {original.subject}",
    ]


def quote_forward(
    body: str, body_format: str, original: Message, sender_name: str, *, max_chars: int
) -> str:
    """Put the forwarded message, with who sent it when, below the sender's text.

    The quoted original body is cut (ending in "[…]") when the whole would
    exceed the body limit, so a forward of a long message can still be sent.
    Raises InvalidInput naming `body` when the sender's own text leaves no room
    for the quote's header and that mark.
    """
    original_text = (
        html_text_content(original.body)
        if original.body_format == "html"
        else original.body
    )
    lines = _quote_lines(original, sender_name)
    header = "\n".join(lines)
    own_text = html_text_content(body) if body_format == "html" else body
    separator = "\n\n" if own_text else ""
    if body_format == "html":
        # Each line becomes a paragraph, and paragraphs add no characters of text.
        quote_overhead = sum(len(line) for line in lines)
    else:
        quote_overhead = len(separator) + len(header) + 2
    own_chars = count_characters(own_text)
    room = max_chars - own_chars - quote_overhead
    if room < count_characters(original_text):
        if room < len(CUT_MARK):
            allowed = max_chars - quote_overhead - len(CUT_MARK)
            raise InvalidInput.single(
                "body",
                f"body has {own_chars:,} characters; a forward allows at most "
                f"{max(0, allowed):,}, so that the forwarded message's header fits "
                f"within the {max_chars:,} characters of a body",
            )
        original_text = original_text[: room - len(CUT_MARK)] + CUT_MARK
    if body_format == "html":
        quoted = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
        paragraphs = "".join(
            f"<p>{html.escape(p)}</p>" for p in original_text.split("\n") if p
        )
        return body + quoted + paragraphs
    return f"{body}{separator}{header}\n\n{original_text}"
