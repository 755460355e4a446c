"""The frontend's copies of server rules, run in the browser and compared with
the server's own functions: body counting, HTML allow-list, ISO 6346."""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from stdnum import iso6346

from app.messages.text import count_characters, html_text_content, normalize_body
from tests.browser.conftest import Tab

TEXT_BODIES = [
    "",
    "plain",
    "a\r\nb\rc\nd",
    "e\u0301 and A\u030a",
    "😀👍🏽🇻🇳",
    "\n\n\n",
    "ไทย ລາວ ខ្មែរ မြန်မာ 中文",
    "tab\there",
]
HTML_BODIES = [
    "<p>a</p><p>b</p>",
    "a<br>b<br/>c",
    "&amp; &lt; &gt; &nbsp; &quot;",
    "<b>bold</b><i>it</i><u>u</u>",
    "<script>alert(1)</script>after",
    "<style>p{}</style><div>block</div>",
    "<img src=x onerror=alert(1)>text",
    "  leading\n  spaces\r\n",
    "<ul>\n<li>one</li>\n<li>two</li>\n</ul>",
    "<p>e\u0301</p><b>e</b>\u0301",
    "&lt;\u0338 and >\u0338",
    "<a href='https://example.org'>link</a><a href='javascript:x'>bad</a>",
    "&#x1F600;&#233;e&#x301;",
    "<table><tr><td>cell</td></tr></table>",
]


def server_count(body: str, body_format: str) -> int:
    stored = normalize_body(body, body_format, max_chars=10**9)
    if body_format == "html":
        return count_characters(html_text_content(stored))
    return count_characters(stored)


@pytest.fixture
def rules_page(open_tab: Callable[..., Tab]) -> Iterator[Any]:
    """The start page, for importing the frontend's modules.

    Chromium reports a `script-src-attr` violation whenever it parses an
    event handler attribute, even in a DOMParser document where the handler
    could never run. Those reports show the CSP blocking the test inputs'
    handlers, so they are taken out before the tab's own CSP check.
    """
    tab = open_tab()
    tab.open("/")
    tab.page.wait_for_selector("#login-username")
    yield tab.page
    reports = tab.page.evaluate("(window.__cspViolations || []).splice(0)")
    assert all(report.startswith("script-src-attr ") for report in reports)


def test_text_count_matches_server(rules_page: Any) -> None:
    counts = rules_page.evaluate(
        """async (bodies) => {
            const rules = await import("/web/js/text-rules.js");
            return bodies.map((body) => rules.countTextBody(body));
        }""",
        TEXT_BODIES,
    )
    for body, count in zip(TEXT_BODIES, counts, strict=True):
        assert count == server_count(body, "text"), body


def test_html_count_matches_server(rules_page: Any) -> None:
    counts = rules_page.evaluate(
        """async (bodies) => {
            const rules = await import("/web/js/text-rules.js");
            return bodies.map((body) => rules.countHtmlBody(body));
        }""",
        HTML_BODIES,
    )
    for body, count in zip(HTML_BODIES, counts, strict=True):
        assert count == server_count(body, "html"), body


def test_rendered_html_keeps_allow_list(rules_page: Any) -> None:
    rendered = rules_page.evaluate(
        """async (html) => {
            const safe = await import("/web/js/safe-html.js");
            const box = document.createElement("div");
            box.append(safe.renderSanitizedHtml(html));
            const tags = [...box.querySelectorAll("*")].map((node) => node.tagName);
            const attributes = [...box.querySelectorAll("*")].flatMap(
                (node) => [...node.attributes].map((a) => `${node.tagName}.${a.name}`));
            return { tags, attributes, text: box.textContent };
        }""",
        "<p onclick='x()'>Hi <b>there</b><img src=x onerror=alert(1)>"
        "<a href='javascript:alert(1)'>bad</a><a href='https://example.org'>ok</a>"
        "<script>alert(1)</script><svg><circle/></svg></p>",
    )
    assert rendered["tags"] == ["P", "B", "A", "A"]
    assert rendered["attributes"] == ["A.href", "A.rel", "A.target"]
    assert rendered["text"] == "Hi therebadok"


def test_check_digit_matches_stdnum(rules_page: Any) -> None:
    generator = random.Random(6346)
    prefixes = [
        "".join(generator.choices(string.ascii_uppercase, k=3))
        + generator.choice("UJZR")
        + "".join(generator.choices(string.digits, k=6))
        for _ in range(300)
    ]
    digits = rules_page.evaluate(
        """async (prefixes) => {
            const iso = await import("/web/js/iso6346.js");
            return prefixes.map((prefix) => iso.checkDigit(prefix));
        }""",
        prefixes,
    )
    expected = [iso6346.calc_check_digit(prefix) for prefix in prefixes]
    assert digits == expected


def test_container_check_messages(rules_page: Any) -> None:
    results = rules_page.evaluate(
        """async (values) => {
            const iso = await import("/web/js/iso6346.js");
            return values.map((value) => iso.checkContainer(value));
        }""",
        ["mscu 663487 9", "MSCU6634870", "MSCU663487", "MSCX6634879"],
    )
    assert results[0] == {"number": "MSCU6634879"}
    assert results[1] == {
        "error": "'MSCU6634870' has check digit 0; ISO 6346 requires 9"
    }
    assert "has 10 characters without spaces, not 11" in results[2]["error"]
    assert "category letter X" in results[3]["error"]
