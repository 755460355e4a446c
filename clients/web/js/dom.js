// DOM helpers. Every string given to them becomes a text node or an attribute
// value, never markup, so user content cannot turn into elements or scripts.

/**
 * Create an element. `props` are attributes, except: `class`, `text`
 * (textContent), `dataset`, and `on<event>` (a listener). `false`, `null` and
 * `undefined` values are skipped; `true` sets an empty attribute.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") {
      element.className = value;
    } else if (name === "text") {
      element.textContent = value;
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  appendChildren(element, children);
  return element;
}

/** Append nodes and strings (as text nodes), skipping null, undefined and false. */
export function appendChildren(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replace the children of `parent` with `children`. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  return appendChildren(parent, children);
}

/** Create a span that screen readers read but the page does not show. */
export function hiddenLabel(text) {
  return h("span", { class: "visually-hidden", text });
}

let uniqueCounter = 0;

/** Return an id no other element of the page uses. */
export function uniqueId(prefix) {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}

const localTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "short",
});
const localDate = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** Format an RFC 3339 time as "2024-11-02 10:15 UTC". */
export function utcText(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Create a <time> with the local time, and the UTC time as its tooltip. */
export function timeElement(iso) {
  const date = new Date(iso);
  const local = Number.isNaN(date.getTime()) ? iso : localTime.format(date);
  return h("time", { datetime: iso, title: utcText(iso) }, local);
}

/** Format a YYYY-MM-DD date for reading, keeping the date as written. */
export function dateText(isoDate) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return isoDate;
  const [, year, month, day] = match.map(Number);
  return localDate.format(new Date(year, month - 1, day));
}

const numberFormat = new Intl.NumberFormat();

/** Format a number with the reader's digit grouping. */
export function formatNumber(value) {
  return numberFormat.format(value);
}

const KIB = 1024;
const MIB = 1024 * 1024;

/** Format a byte count as "512 bytes", "12.5 KiB" or "20 MiB". */
export function formatBytes(size) {
  if (size < KIB) return `${formatNumber(size)} bytes`;
  const [value, unit] = size < MIB ? [size / KIB, "KiB"] : [size / MIB, "MiB"];
  const digits = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${digits} ${unit}`;
}

/** Move keyboard focus to `element` (made focusable for this) without scrolling away. */
export function focusElement(element) {
  if (!element) return;
  if (!element.hasAttribute("tabindex") && element.tabIndex < 0) {
    element.setAttribute("tabindex", "-1");
  }
  element.focus({ preventScroll: false });
}

/** Tell screen readers about a change through the page's polite live region. */
export function announce(text) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  // A new text node in a later task is announced even when the text repeats.
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}
