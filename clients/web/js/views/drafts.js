// The drafts list: open one to continue writing, or delete it.

import { segment } from "../api.js";
import { announce, formatNumber, h, replaceChildren, timeElement } from "../dom.js";
import { TYPE_LABELS } from "../data.js";

export function draftsView(app) {
  return new DraftsScreen(app);
}

class DraftsScreen {
  constructor(app) {
    this.app = app;
    this.code = app.operation.code;
    this.base = `/operations/${segment(this.code)}/drafts`;
    this.title = h("h2", { tabindex: "-1", id: "drafts-title" }, "Drafts");
    this.status = h("p", { class: "list-status", role: "status", "aria-live": "polite" }, "Loading…");
    this.body = h("tbody");
    this.table = h(
      "table",
      { class: "drafts-table", "aria-labelledby": "drafts-title", hidden: true },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Subject"),
          h("th", { scope: "col" }, "Type"),
          h("th", { scope: "col" }, "Last saved"),
          h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")),
        ),
      ),
      this.body,
    );
    this.moreButton = h("button", { type: "button", class: "more", hidden: true, onclick: () => this.#load(this.nextCursor) }, "Load more");
    this.element = h("section", { class: "drafts" }, this.title, this.status, h("div", { class: "table-scroll" }, this.table), this.moreButton);
    this.rows = 0;
    this.#load(null);
  }

  focusTarget() {
    return this.title;
  }

  async #load(cursor) {
    let page;
    try {
      page = await this.app.api.get(this.base, { limit: 50, cursor });
    } catch (error) {
      this.status.textContent = `The drafts could not be loaded: ${error.message}`;
      return;
    }
    if (cursor === null) replaceChildren(this.body);
    for (const draft of page.items) this.body.append(this.#row(draft));
    this.rows += page.items.length;
    this.nextCursor = page.next_cursor;
    this.moreButton.hidden = !this.nextCursor;
    this.table.hidden = page.count === 0;
    this.status.textContent = page.count === 0 ? "No drafts." : `${formatNumber(page.count)} ${page.count === 1 ? "draft" : "drafts"}.`;
  }

  #row(draft) {
    const subject = draft.subject || "(no subject)";
    const open = `#/op/${segment(this.code)}/compose?draft=${segment(draft.id)}`;
    const row = h(
      "tr",
      { dataset: { draftId: draft.id } },
      h("td", {}, h("a", { href: open }, subject)),
      h("td", {}, TYPE_LABELS[draft.type] || draft.type || "Message"),
      h("td", {}, timeElement(draft.updated_at)),
      h(
        "td",
        {},
        h(
          "button",
          {
            type: "button",
            class: "link-button danger",
            "aria-label": `Delete draft: ${subject}`,
            onclick: () => this.#delete(draft, row),
          },
          "Delete",
        ),
      ),
    );
    return row;
  }

  async #delete(draft, row) {
    if (!window.confirm(`Delete the draft "${draft.subject || "(no subject)"}"?`)) return;
    try {
      await this.app.api.delete(`${this.base}/${segment(draft.id)}`);
    } catch (error) {
      this.status.textContent = `The draft could not be deleted: ${error.message}`;
      return;
    }
    row.remove();
    announce("Draft deleted.");
    this.app.refreshCounts();
    if (this.body.rows.length === 0) this.#load(null);
  }
}
