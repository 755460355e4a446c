// The body editor: a plain textarea (body_format text) or a contenteditable
// box with bold, italic and underline (body_format html), and the counter of
// the characters left, counted as the server counts them.

import { formatNumber, h, uniqueId } from "../dom.js";
import { cleanEditorHtml, copyAllowed, parseFragment } from "../safe-html.js";
import { countBody } from "../text-rules.js";

const STYLES = [
  ["bold", "B", "Bold", "Ctrl+B"],
  ["italic", "I", "Italic", "Ctrl+I"],
  ["underline", "U", "Underline", "Ctrl+U"],
];

export class BodyEditor {
  constructor({ maxChars, onInput = () => {} }) {
    this.maxChars = maxChars;
    this.onInput = onInput;
    this.countTimer = null;
    this.element = this.#build();
    this.#setFormat("text");
    this.#updateCounter();
  }

  get format() {
    return this.htmlRadio.checked ? "html" : "text";
  }

  get value() {
    return this.format === "html" ? cleanEditorHtml(this.rich) : this.plain.value;
  }

  count() {
    return countBody(this.value, this.format);
  }

  /** Fill the editor from a draft or a stored body. */
  setBody(body, format) {
    if (format === "html") {
      this.htmlRadio.checked = true;
      this.rich.replaceChildren();
      copyAllowed(parseFragment(body || ""), this.rich);
    } else {
      this.textRadio.checked = true;
      this.plain.value = body || "";
    }
    this.#setFormat(this.format);
    this.#updateCounter();
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = false;
    this.element.classList.add("has-error");
    this.#activeControl().setAttribute("aria-invalid", "true");
  }

  clearError() {
    this.error.hidden = true;
    this.error.textContent = "";
    this.element.classList.remove("has-error");
    this.plain.removeAttribute("aria-invalid");
    this.rich.removeAttribute("aria-invalid");
  }

  focus() {
    this.#activeControl().focus();
  }

  #activeControl() {
    return this.format === "html" ? this.rich : this.plain;
  }

  #build() {
    const labelId = uniqueId("body-label");
    this.counter = h("p", { class: "counter", id: uniqueId("counter") });
    this.error = h("p", { class: "field-error", id: uniqueId("error"), hidden: true });
    const describedBy = `${this.counter.id} ${this.error.id}`;
    const formatName = uniqueId("body-format");
    this.textRadio = h("input", { type: "radio", name: formatName, value: "text", checked: true });
    this.htmlRadio = h("input", { type: "radio", name: formatName, value: "html" });
    for (const radio of [this.textRadio, this.htmlRadio]) {
      radio.addEventListener("change", () => this.#switchFormat());
    }
    this.plain = h("textarea", {
      id: uniqueId("body"),
      name: "body",
      rows: 12,
      "aria-labelledby": labelId,
      "aria-describedby": describedBy,
    });
    this.plain.addEventListener("input", () => this.#changed());
    this.rich = h("div", {
      class: "rich-editor",
      contenteditable: "true",
      role: "textbox",
      "aria-multiline": "true",
      "aria-labelledby": labelId,
      "aria-describedby": describedBy,
      tabindex: "0",
    });
    this.rich.addEventListener("input", () => this.#changed());
    this.rich.addEventListener("keyup", () => this.#updateToolbar());
    this.rich.addEventListener("mouseup", () => this.#updateToolbar());
    this.rich.addEventListener("focus", () => {
      // Enter then makes <p> paragraphs, which the server keeps, not <div>s.
      document.execCommand("defaultParagraphSeparator", false, "p");
    });
    this.rich.addEventListener("paste", (event) => this.#pastePlainText(event));
    this.rich.addEventListener("drop", (event) => event.preventDefault());
    this.styleButtons = STYLES.map(([command, letter, label, shortcut]) => {
      const button = h(
        "button",
        { type: "button", class: `style-${command}`, "aria-pressed": "false", title: `${label} (${shortcut})`, "aria-label": label },
        letter,
      );
      // Keep the selection in the editor when the button is pressed.
      button.addEventListener("mousedown", (event) => event.preventDefault());
      button.addEventListener("click", () => {
        this.rich.focus();
        document.execCommand(command, false);
        this.#updateToolbar();
        this.#changed();
      });
      button.dataset.command = command;
      return button;
    });
    this.toolbar = h("div", { class: "format-toolbar", role: "toolbar", "aria-label": "Text style" }, this.styleButtons);
    return h(
      "div",
      { class: "field body-field" },
      h("span", { class: "label", id: labelId }, "Body"),
      h(
        "fieldset",
        { class: "inline-choice" },
        h("legend", { class: "visually-hidden" }, "Body format"),
        h("label", { class: "check" }, this.textRadio, " Plain text"),
        h("label", { class: "check" }, this.htmlRadio, " Formatted (bold, italic, underline)"),
      ),
      this.toolbar,
      this.plain,
      this.rich,
      this.counter,
      this.error,
    );
  }

  #switchFormat() {
    if (this.format === "html") {
      // Carry the plain text over, each line break as a <br>.
      const lines = this.plain.value.replace(/\r\n?/g, "\n").split("\n");
      this.rich.replaceChildren();
      lines.forEach((line, index) => {
        if (index > 0) this.rich.append(document.createElement("br"));
        this.rich.append(document.createTextNode(line));
      });
    } else {
      this.plain.value = textOfEditor(this.rich);
    }
    this.#setFormat(this.format);
    this.#changed();
  }

  #setFormat(format) {
    const html = format === "html";
    this.plain.hidden = html;
    this.rich.hidden = !html;
    this.toolbar.hidden = !html;
  }

  #pastePlainText(event) {
    event.preventDefault();
    const text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
    document.execCommand("insertText", false, text);
  }

  #updateToolbar() {
    for (const button of this.styleButtons) {
      let active = false;
      try {
        active = document.queryCommandState(button.dataset.command);
      } catch {
        active = false;
      }
      button.setAttribute("aria-pressed", String(active));
    }
  }

  #changed() {
    this.onInput();
    // Counting 20,000 characters of HTML takes a few milliseconds; wait for
    // a pause in typing.
    window.clearTimeout(this.countTimer);
    this.countTimer = window.setTimeout(() => this.#updateCounter(), 60);
  }

  #updateCounter() {
    const count = this.count();
    const left = this.maxChars - count;
    this.element.dataset.count = String(count);
    if (left >= 0) {
      this.counter.textContent = `${formatNumber(left)} ${left === 1 ? "character" : "characters"} remaining`;
      this.counter.classList.remove("over");
    } else {
      this.counter.textContent = `${formatNumber(-left)} ${left === -1 ? "character" : "characters"} too many (at most ${formatNumber(this.maxChars)})`;
      this.counter.classList.add("over");
    }
  }
}

const BLOCK_TAGS = new Set(["P", "DIV", "LI", "UL", "OL"]);

/** Return the editor's content as plain text: blocks and <br> end lines. */
function textOfEditor(editor) {
  const parts = [];
  const endLine = () => {
    if (parts.length && !parts[parts.length - 1].endsWith("\n")) parts.push("\n");
  };
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        parts.push(child.data);
      } else if (child.nodeType === Node.ELEMENT_NODE && child.tagName === "BR") {
        parts.push("\n");
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        const block = BLOCK_TAGS.has(child.tagName);
        if (block) endLine();
        walk(child);
        if (block) endLine();
      }
    }
  };
  walk(editor);
  return parts.join("").replace(/\n$/, "");
}
