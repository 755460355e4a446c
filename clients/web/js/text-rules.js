// The server's text rules for subjects and bodies (app/messages/text.py),
// so that what the counter allows the server accepts.
//
// A text body: line breaks become LF (CRLF and a lone CR are one line break),
// then NFC; the limit counts Unicode code points. An HTML body: line breaks
// become LF, the HTML is sanitized and serialized, ">" followed by U+0338 is
// escaped, the serialized HTML is put in NFC, and the limit counts the code
// points of its text content, with character references decoded and each
// <br> counted as one line break.

import { copyAllowed, parseFragment } from "./safe-html.js";

// C0 controls other than tab and line feed, and lone surrogates.
// With the u flag a surrogate pair is one code point, so only lone ones match.
const INVALID_CHARACTER = /[\x00-\x08\x0b-\x1f\ud800-\udfff]/u;

export function normalizeNewlines(text) {
  return text.replace(/\r\n?/g, "\n");
}

/** Count Unicode code points; String.length counts UTF-16 code units. */
export function countCodePoints(text) {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** Count the characters of a text body as the server's limit does. */
export function countTextBody(value) {
  return countCodePoints(normalizeNewlines(value).normalize("NFC"));
}

/** Return the text of HTML: every text node, and "\n" for each <br>. */
export function htmlTextContent(html) {
  const parts = [];
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        parts.push(child.data);
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        if (child.tagName === "BR") parts.push("\n");
        walk(child);
      }
    }
  };
  walk(parseFragment(html));
  return parts.join("");
}

/** Sanitize and serialize HTML the way the server stores it, before NFC. */
export function serializeSanitized(html) {
  const container = document.createElement("div");
  copyAllowed(parseFragment(html), container);
  return container.innerHTML;
}

/** Count the characters of an HTML body as the server's limit does. */
export function countHtmlBody(html) {
  const serialized = serializeSanitized(normalizeNewlines(html));
  const composed = serialized.replace(/>\u0338/g, ">&#x338;").normalize("NFC");
  return countCodePoints(htmlTextContent(composed));
}

export function countBody(body, format) {
  return format === "html" ? countHtmlBody(body) : countTextBody(body);
}

/** Count the characters of a subject: code points after NFC. */
export function countSubject(subject) {
  return countCodePoints(subject.normalize("NFC"));
}

/**
 * Describe the first character the server rejects in `text`, or return null.
 * Positions count code points from 1, like the server's messages.
 */
export function invalidCharacterMessage(text, field) {
  const match = INVALID_CHARACTER.exec(text);
  if (match === null) return null;
  const codePoint = `U+${match[0].codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  const position = countCodePoints(text.slice(0, match.index)) + 1;
  if (match[0] >= "\ud800") {
    return `${field} contains the lone surrogate ${codePoint} at position ${position}; text must be valid Unicode`;
  }
  return (
    `${field} contains the control character ${codePoint} at position ${position}; ` +
    "the only control characters allowed are line feed and tab"
  );
}
