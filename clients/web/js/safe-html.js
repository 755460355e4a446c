// Message bodies in HTML: the allow-list of the server's sanitizer (nh3, in
// app/messages/text.py), applied again in the browser by rebuilding nodes.
//
// The server already sanitized every stored HTML body. The page still never
// assigns server HTML to innerHTML: it parses the HTML with DOMParser into an
// inert document and copies only allowed elements, their text and checked
// links into new nodes.

export const ALLOWED_TAGS = new Set(["P", "BR", "B", "STRONG", "I", "EM", "U", "UL", "OL", "LI", "A"]);
// Removed together with their content, as the server does, because a browser
// does not show that content as text. Other elements are unwrapped.
const REMOVED_WITH_CONTENT = new Set(["SCRIPT", "STYLE", "TEMPLATE", "TITLE", "IFRAME", "NOSCRIPT"]);
const ALLOWED_URL_SCHEMES = new Set(["http:", "https:", "mailto:"]);

/** Parse an HTML fragment into the body of a new inert document. */
export function parseFragment(html) {
  // The explicit <body> keeps leading whitespace inside the body, as parsing
  // a fragment in body context does on the server.
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${html}`, "text/html");
  return parsed.body;
}

/** Return the href if it is an absolute http, https or mailto URL, else null. */
export function allowedHref(href) {
  if (typeof href !== "string") return null;
  let url;
  try {
    // No base URL: a relative href throws and is dropped, like on the server.
    url = new URL(href.trim());
  } catch {
    return null;
  }
  return ALLOWED_URL_SCHEMES.has(url.protocol) ? url.href : null;
}

/**
 * Copy the allowed content of `source` into `target`, created in the page's
 * document. With `blockDivs`, a DIV becomes a P, which keeps the line breaks
 * that a contenteditable editor makes with DIVs.
 */
export function copyAllowed(source, target, { blockDivs = false, linkTarget = false } = {}) {
  for (const node of source.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      target.append(document.createTextNode(node.data));
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) continue;
    const tag = node.tagName;
    if (REMOVED_WITH_CONTENT.has(tag)) continue;
    let copy = null;
    if (ALLOWED_TAGS.has(tag)) {
      copy = document.createElement(tag.toLowerCase());
      if (tag === "A") addLink(node, copy, linkTarget);
    } else if (blockDivs && tag === "DIV") {
      copy = document.createElement("p");
    }
    if (copy === null) {
      copyAllowed(node, target, { blockDivs, linkTarget });
    } else {
      copyAllowed(node, copy, { blockDivs, linkTarget });
      target.append(copy);
    }
  }
  return target;
}

function addLink(source, copy, linkTarget) {
  const href = allowedHref(source.getAttribute("href"));
  if (href === null) return;
  copy.setAttribute("href", href);
  copy.setAttribute("rel", "noopener noreferrer");
  if (linkTarget) copy.setAttribute("target", "_blank");
}

/** Build the display nodes of a sanitized HTML body. */
export function renderSanitizedHtml(html) {
  const fragment = document.createDocumentFragment();
  return copyAllowed(parseFragment(html), fragment, { linkTarget: true });
}

/** Return the allowed HTML of an editor's content, as it is sent to the server. */
export function cleanEditorHtml(editor) {
  const container = document.createElement("div");
  copyAllowed(editor, container, { blockDivs: true });
  return container.innerHTML;
}
