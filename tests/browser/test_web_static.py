"""The frontend's files follow the page's rules without a browser: no inline
script, no event handler attributes, no server text turned into markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from app.web import REPOSITORY_WEB_DIR

# Assignments and calls that parse a string as HTML. Reading innerHTML (to
# serialize a tree built from nodes) is allowed.
MARKUP_SINKS = re.compile(
    r"\.(innerHTML|outerHTML)\s*\+?=|insertAdjacentHTML|document\.write|"
    r"createContextualFragment|\beval\(|new Function\("
)
# Every JavaScript and CSS file the page loads must be in the folder, because
# the Content-Security-Policy allows only the server's own origin.
REMOTE_URL = re.compile(r"""["'(]\s*(https?:)?//""")


class _PageAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts = 0
        self.handler_attributes: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        self.handler_attributes += [name for name in names if name.startswith("on")]
        if tag == "script" and names.get("src") is None:
            self.inline_scripts += 1
        for name in ("src", "href"):
            if names.get(name):
                self.sources.append(str(names[name]))


def test_index_has_no_inline_script() -> None:
    audit = _PageAudit()
    audit.feed((REPOSITORY_WEB_DIR / "index.html").read_text(encoding="utf-8"))
    assert audit.inline_scripts == 0
    assert audit.handler_attributes == []
    assert all(source.startswith(("/web/", "#")) for source in audit.sources)


def test_scripts_have_no_markup_sinks() -> None:
    scripts = sorted(REPOSITORY_WEB_DIR.rglob("*.js"))
    assert scripts, "no JavaScript files found"
    for script in scripts:
        text = script.read_text(encoding="utf-8")
        assert MARKUP_SINKS.search(text) is None, script.name


def test_assets_name_no_remote_url() -> None:
    for asset in [
        *REPOSITORY_WEB_DIR.rglob("*.js"),
        *REPOSITORY_WEB_DIR.rglob("*.css"),
    ]:
        text = asset.read_text(encoding="utf-8")
        assert REMOTE_URL.search(text) is None, asset.name
