// A table of messages (search results, container matches) with paging.

import { segment } from "../api.js";
import { formatNumber, h, hiddenLabel, replaceChildren, timeElement } from "../dom.js";
import { TYPE_LABELS } from "../data.js";

export class MessageTable {
  /** `loadPage(cursor)` returns {items, next_cursor}. */
  constructor(app, { caption, loadPage }) {
    this.app = app;
    this.code = app.operation.code;
    this.loadPage = loadPage;
    this.count = 0;
    this.nextCursor = null;
    this.body = h("tbody");
    this.table = h(
      "table",
      { class: "message-table", hidden: true },
      h("caption", { class: "visually-hidden" }, caption),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col", class: "col-country" }, "Country"),
          h("th", { scope: "col", class: "col-sender" }, "Sender"),
          h("th", { scope: "col", class: "col-subject" }, "Subject"),
          h("th", { scope: "col", class: "col-type" }, "Type"),
          h("th", { scope: "col", class: "col-attachments" }, hiddenLabel("Attachments"), h("span", { class: "icon-attachment", "aria-hidden": "true" })),
          h("th", { scope: "col", class: "col-time" }, "Time"),
        ),
      ),
      this.body,
    );
    this.status = h("p", { class: "list-status", role: "status", "aria-live": "polite" });
    this.moreButton = h("button", { type: "button", class: "more", hidden: true, onclick: () => this.more() }, "More results");
    this.element = h("div", { class: "results" }, this.status, h("div", { class: "table-scroll" }, this.table), this.moreButton);
  }

  /** Load the first page; returns the page, or null after showing the error. */
  async start() {
    replaceChildren(this.body);
    this.count = 0;
    this.status.textContent = "Searching…";
    return this.#load(null);
  }

  async more() {
    if (this.nextCursor) await this.#load(this.nextCursor);
  }

  async #load(cursor) {
    let page;
    this.moreButton.disabled = true;
    this.lastError = null;
    try {
      page = await this.loadPage(cursor);
    } catch (error) {
      this.lastError = error;
      this.status.textContent = error.message;
      this.moreButton.disabled = false;
      return null;
    }
    for (const message of page.items) this.body.append(this.#row(message));
    this.count += page.items.length;
    this.nextCursor = page.next_cursor;
    this.table.hidden = this.count === 0;
    this.moreButton.hidden = !this.nextCursor;
    this.moreButton.disabled = false;
    const more = this.nextCursor ? " so far; more follow" : "";
    this.status.textContent =
      this.count === 0 ? "No messages found." : `${formatNumber(this.count)} ${this.count === 1 ? "message" : "messages"}${more}.`;
    return page;
  }

  #row(message) {
    const href = `#/op/${segment(this.code)}/message/${segment(message.id)}`;
    return h(
      "tr",
      { dataset: { messageId: message.id } },
      h("td", { class: "col-country", title: this.app.data.countryNames.get(message.sender.country) || "" }, message.sender.country),
      h("td", { class: "col-sender" }, message.sender.display_name),
      h("td", { class: "col-subject" }, h("a", { href }, message.subject)),
      h("td", { class: "col-type" }, TYPE_LABELS[message.type] || message.type),
      h(
        "td",
        { class: "col-attachments" },
        message.attachments.length ? [h("span", { class: "icon-attachment", "aria-hidden": "true" }), hiddenLabel(`${message.attachments.length} attachments`)] : null,
      ),
      h("td", { class: "col-time" }, timeElement(message.created_at)),
    );
  }
}
