import sys
import unicodedata

import nh3
import pytest

from app.errors import InvalidInput
from app.messages.text import (
    count_characters,
    html_text_content,
    normalize_body,
    normalize_plain_text,
    normalize_subject,
    sanitize_html,
)

EMOJI = "\U0001f9a3"  # one code point outside the BMP, two UTF-16 code units
E_ACUTE_DECOMPOSED = "e\u0301"  # NFC composes this into one code point, "é"


def error_of(excinfo: pytest.ExceptionInfo[InvalidInput]) -> tuple[str, str]:
    [error] = excinfo.value.errors
    return error.field, error.message


# Subject


def test_subject_at_limit() -> None:
    assert normalize_subject("s" * 255) == "s" * 255


def test_subject_over_limit() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_subject("s" * 256)
    field, message = error_of(excinfo)
    assert field == "subject"
    assert message == "subject has 256 characters; at most 255 are allowed"


def test_subject_counted_after_nfc() -> None:
    subject = E_ACUTE_DECOMPOSED * 255
    result = normalize_subject(subject)
    assert len(subject) == 510
    assert result == "\u00e9" * 255


def test_subject_emoji_at_limit() -> None:
    assert normalize_subject(EMOJI * 255) == EMOJI * 255


def test_subject_emoji_over_limit() -> None:
    with pytest.raises(InvalidInput):
        normalize_subject(EMOJI * 256)


def test_subject_empty() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_subject("")
    field, message = error_of(excinfo)
    assert field == "subject"
    assert "1 to 255" in message


def test_subject_one_character() -> None:
    assert normalize_subject("x") == "x"


def test_subject_keeps_whitespace() -> None:
    assert normalize_subject("  a\tb\n ") == "  a\tb\n "


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\r", "\x1f"])
def test_subject_rejects_control(control: str) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_subject(f"ab{control}c")
    field, message = error_of(excinfo)
    assert field == "subject"
    assert f"U+{ord(control):04X}" in message
    assert "position 3" in message


def test_subject_error_names_given_field() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_subject("a\x00", field="draft.subject")
    field, message = error_of(excinfo)
    assert field == "draft.subject"
    assert message.startswith("draft.subject contains")


def test_subject_rejects_lone_surrogate() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_subject("a\ud800")
    assert "U+D800" in error_of(excinfo)[1]


# Text body


def test_text_body_at_limit() -> None:
    assert count_characters(normalize_body("b" * 20_000, "text")) == 20_000


def test_text_body_over_limit() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_body("b" * 20_001, "text")
    field, message = error_of(excinfo)
    assert field == "body"
    assert message == "body has 20,001 characters; at most 20,000 are allowed"


def test_text_body_emoji_at_limit() -> None:
    body = EMOJI * 20_000
    assert len(body.encode("utf-16-le")) // 2 == 40_000
    assert normalize_body(body, "text") == body


def test_text_body_emoji_over_limit() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_body(EMOJI * 20_001, "text")
    assert "20,001 characters" in error_of(excinfo)[1]


def test_text_body_nfc_at_limit() -> None:
    body = normalize_body(E_ACUTE_DECOMPOSED * 20_000, "text")
    assert body == "\u00e9" * 20_000


def test_text_body_nfc_over_limit() -> None:
    with pytest.raises(InvalidInput):
        normalize_body(E_ACUTE_DECOMPOSED * 20_001, "text")


def test_text_body_crlf_counts_once() -> None:
    body = normalize_body("a\r\n" * 10_000, "text")
    assert body == "a\n" * 10_000
    assert count_characters(body) == 20_000


def test_text_body_crlf_over_limit() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_body("a\r\n" * 10_000 + "a", "text")
    assert "20,001 characters" in error_of(excinfo)[1]


def test_text_body_lone_cr_becomes_lf() -> None:
    assert normalize_body("a\rb\r\rc", "text") == "a\nb\n\nc"


def test_text_body_empty() -> None:
    assert normalize_body("", "text") == ""


def test_text_body_keeps_markup_as_text() -> None:
    assert normalize_body("<b>x</b>", "text") == "<b>x</b>"


def test_text_body_control_position() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_body("ab\r\ncd\x00", "text")
    field, message = error_of(excinfo)
    assert field == "body"
    assert message == (
        "body contains the control character U+0000 at position 6; "
        "the only control characters allowed are line feed and tab"
    )


def test_text_body_allows_tab_and_lf() -> None:
    assert normalize_body("a\tb\nc", "text") == "a\tb\nc"


def test_body_custom_limit() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_body("abc", "text", field="fields.remarks", max_chars=2)
    field, message = error_of(excinfo)
    assert field == "fields.remarks"
    assert message == "fields.remarks has 3 characters; at most 2 are allowed"


def test_body_unknown_format() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_body("x", "markdown")
    field, message = error_of(excinfo)
    assert field == "body_format"
    assert message == "'markdown' is not a body format; use text or html"


def test_plain_text_limit() -> None:
    assert normalize_plain_text("ab", "fields.place", 2) == "ab"


# HTML body


def test_html_keeps_allowed_tags() -> None:
    html = (
        "<p>a<br>b</p><b>c</b><strong>d</strong><i>e</i><em>f</em><u>g</u>"
        "<ul><li>h</li></ul><ol><li>i</li></ol>"
    )
    assert normalize_body(html, "html") == html


def test_html_removes_script_with_content() -> None:
    body = normalize_body("<p>ok</p><script>alert('x')</script>", "html")
    assert body == "<p>ok</p>"


def test_html_removes_style_with_content() -> None:
    body = normalize_body("<style>p { color: red }</style>ok", "html")
    assert body == "ok"


def test_html_removes_event_attributes() -> None:
    body = normalize_body('<p onclick="steal()">x</p>', "html")
    assert body == "<p>x</p>"


def test_html_removes_other_attributes() -> None:
    body = normalize_body('<b class="c" style="color:red" title="t">x</b>', "html")
    assert body == "<b>x</b>"


def test_html_removes_unknown_tag_keeps_text() -> None:
    body = normalize_body("<div><span>x</span></div><img src=x onerror=y>", "html")
    assert body == "x"


def test_html_removes_javascript_href() -> None:
    body = normalize_body('<a href="javascript:alert(1)">x</a>', "html")
    assert "href" not in body
    assert "javascript" not in body


def test_html_removes_obfuscated_javascript_href() -> None:
    body = normalize_body('<a href="jav&#x09;ascript:alert(1)">x</a>', "html")
    assert "href" not in body


def test_html_removes_relative_href() -> None:
    body = normalize_body('<a href="//example.com/x">x</a>', "html")
    assert "href" not in body


@pytest.mark.parametrize(
    "href", ["http://example.com/", "https://example.com/a?b=c", "mailto:a@b.example"]
)
def test_html_keeps_allowed_href(href: str) -> None:
    body = normalize_body(f'<a href="{href}">x</a>', "html")
    assert f'href="{href}"' in body
    assert 'rel="noopener noreferrer"' in body


def test_html_removes_data_href() -> None:
    body = normalize_body('<a href="data:text/html,x">x</a>', "html")
    assert "href" not in body


def test_html_entities_counted_decoded() -> None:
    html = "&amp;" * 20_000
    assert normalize_body(html, "html") == html


def test_html_entities_over_limit() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_body("&lt;" * 20_001, "html")
    field, message = error_of(excinfo)
    assert field == "body"
    assert message == ("body has 20,001 characters of text; at most 20,000 are allowed")


def test_html_tags_not_counted() -> None:
    html = "<p><b>" + "x" * 20_000 + "</b></p>"
    assert normalize_body(html, "html") == html


def test_html_br_counts_one() -> None:
    with pytest.raises(InvalidInput):
        normalize_body("x" * 20_000 + "<br>", "html")


def test_html_script_not_counted() -> None:
    body = normalize_body("x" * 20_000 + "<script>" + "y" * 50 + "</script>", "html")
    assert body == "x" * 20_000


def test_html_nfc() -> None:
    body = normalize_body(f"<p>caf{E_ACUTE_DECOMPOSED}</p>", "html")
    assert body == "<p>caf\u00e9</p>"


def test_html_crlf() -> None:
    assert normalize_body("<p>a\r\nb\rc</p>", "html") == "<p>a\nb\nc</p>"


def test_html_raw_control_rejected() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_body("<p>a\x07</p>", "html")
    assert "U+0007 at position 5" in error_of(excinfo)[1]


def test_html_control_reference_rejected() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_body("<p>a&#7;</p>", "html")
    field, message = error_of(excinfo)
    assert field == "body"
    assert "character reference to U+0007" in message


def test_html_empty() -> None:
    assert normalize_body("", "html") == ""


def test_html_only_script_becomes_empty() -> None:
    assert normalize_body("<script>x</script>", "html") == ""


def test_html_combining_mark_after_tag() -> None:
    body = normalize_body("<b>\u0338x</b>", "html")
    assert unicodedata.is_normalized("NFC", body)
    assert html_text_content(body) == "\u0338x"
    assert "<b>" in body


# Sanitizer details


def composes_with(base: str, character: str) -> bool:
    alone = unicodedata.normalize("NFC", character)
    return unicodedata.normalize("NFC", base + character) != base + alone


def test_only_u0338_composes_with_markup() -> None:
    composing = [
        chr(code)
        for code in range(sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF
        and any(composes_with(base, chr(code)) for base in "<>=")
    ]
    assert composing == ["\u0338"]


@pytest.mark.parametrize(
    "html",
    [
        "<b>x</b>\u0338y",
        "x<br>\u0338",
        "e<script>x</script>\u0301",
        "a<!--x-->\u0301",
        "&lt;\u0338",
        '<a href="https://example.com/a\u0301">l\u0301</a>',
    ],
)
def test_sanitize_reaches_fixed_point(html: str) -> None:
    result = sanitize_html(html)
    assert unicodedata.is_normalized("NFC", result)
    assert sanitize_html(result) == result


def test_sanitize_matches_nh3_on_plain_input() -> None:
    html = "<p>one</p><ul><li>two</li></ul>"
    assert sanitize_html(html) == nh3.clean(html)


# Text content


def test_text_content_br() -> None:
    assert html_text_content("a<br>b<br/>c") == "a\nb\nc"


def test_text_content_blocks_add_nothing() -> None:
    assert html_text_content("<p>a</p><p>b</p><ul><li>c</li></ul>") == "abc"


def test_text_content_keeps_whitespace() -> None:
    assert html_text_content("<p>a</p>\n<p> b  c</p>") == "a\n b  c"


def test_text_content_decodes_entities() -> None:
    assert html_text_content("&amp;&lt;&gt;&nbsp;&#x1F9A3;&quot;") == (
        "&<>\u00a0" + EMOJI + '"'
    )


def test_text_content_ignores_attributes() -> None:
    html = '<a href="https://example.com/" rel="noopener noreferrer">x</a>'
    assert html_text_content(html) == "x"


@pytest.mark.parametrize("subject", [" ", "\t\n", "\u200b\ufeff", "\u3000"])
def test_subject_without_visible_character(subject: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_subject(subject)

    assert caught.value.errors[0].field == "subject"
