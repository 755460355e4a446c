// A mailbox folder: a table of items with a check box each, bulk actions,
// paging, and live updates from the WebSocket.

import { segment } from "../api.js";
import { announce, formatNumber, h, hiddenLabel, replaceChildren, timeElement } from "../dom.js";
import { FOLDER_LABELS, TYPE_LABELS } from "../data.js";

const PAGE_SIZE = 50;
const MAX_BULK_IDS = 500;
const ACTIONS = [
  ["read", "Mark read"],
  ["unread", "Mark unread"],
  ["archive", "Archive"],
  ["trash", "Move to trash"],
  ["restore", "Restore"],
];
// The actions each folder offers: an item moves from inbox and sent to
// archive or trash, and from those back (restore) or to the other one.
const FOLDER_ACTIONS = {
  inbox: ["read", "unread", "archive", "trash"],
  sent: ["archive", "trash"],
  archive: ["read", "unread", "trash", "restore"],
  trash: ["read", "unread", "archive", "restore"],
};
const LEAVES_FOLDER = new Set(["archive", "trash", "restore"]);

export function mailboxView(app, folder) {
  return new MailboxScreen(app, folder);
}

class MailboxScreen {
  constructor(app, folder) {
    this.app = app;
    this.folder = folder;
    this.code = app.operation.code;
    this.items = [];
    this.selected = new Set();
    this.nextCursor = null;
    this.loading = false;
    this.queued = [];
    this.unreadCount = 0;
    this.element = this.#build();
    this.load();
  }

  focusTarget() {
    return this.title;
  }

  /** Handle a live event of this user's mailbox. */
  onLive(frame) {
    if (frame.operation !== this.code) return;
    if (this.loading) {
      this.queued.push(frame);
      return;
    }
    this.#apply(frame);
  }

  onResync() {
    this.load();
  }

  #build() {
    const label = FOLDER_LABELS[this.folder];
    this.title = h("h2", { tabindex: "-1", id: "mailbox-title" }, label);
    this.unreadNote = h("p", { class: "unread-note" });
    this.selectedNote = h("span", { class: "selected-note", role: "status", "aria-live": "polite" }, "None selected");
    this.actionButtons = FOLDER_ACTIONS[this.folder].map((action) => {
      const text = ACTIONS.find(([name]) => name === action)[1];
      return h("button", { type: "button", dataset: { action }, disabled: true, onclick: () => this.#bulk(action) }, text);
    });
    this.headerBox = h("input", {
      type: "checkbox",
      "aria-label": "Select all messages shown",
      onchange: () => this.#selectAll(this.headerBox.checked),
    });
    this.body = h("tbody");
    this.table = h(
      "table",
      { class: "mailbox-table", "aria-labelledby": "mailbox-title", "aria-describedby": "mailbox-unread" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col", class: "col-select" }, this.headerBox),
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
    this.unreadNote.id = "mailbox-unread";
    this.empty = h("p", { class: "empty", hidden: true }, `No messages in ${label.toLowerCase()}.`);
    this.moreButton = h("button", { type: "button", class: "more", hidden: true, onclick: () => this.#loadMore() }, "Load more");
    this.status = h("p", { class: "list-status", role: "status", "aria-live": "polite" });
    return h(
      "section",
      { class: "mailbox", dataset: { folder: this.folder } },
      h("div", { class: "heading-row" }, this.title, this.unreadNote),
      h(
        "div",
        { class: "bulk-toolbar", role: "toolbar", "aria-label": "Selected messages" },
        h("button", { type: "button", onclick: () => this.#selectAll(true) }, "Select all"),
        h("button", { type: "button", onclick: () => this.#selectAll(false) }, "Select none"),
        this.selectedNote,
        h("span", { class: "toolbar-gap" }),
        this.actionButtons,
      ),
      h("div", { class: "table-scroll" }, this.table),
      this.empty,
      this.moreButton,
      this.status,
    );
  }

  async load() {
    this.loading = true;
    this.status.textContent = "Loading…";
    let page;
    try {
      page = await this.#page(null);
    } catch (error) {
      this.loading = false;
      this.status.textContent = `The mailbox could not be loaded: ${error.message}`;
      return;
    }
    this.items = page.items;
    this.nextCursor = page.next_cursor;
    for (const item of this.items) this.app.itemCache.set(item.id, item);
    const present = new Set(this.items.map((item) => item.id));
    this.selected = new Set([...this.selected].filter((id) => present.has(id)));
    this.#setUnread(page.unread_count);
    this.#renderAll();
    this.status.textContent = "";
    this.loading = false;
    this.#flushQueue();
  }

  #page(cursor) {
    return this.app.api.get(`/operations/${segment(this.code)}/mailbox`, {
      folder: this.folder,
      limit: PAGE_SIZE,
      cursor,
    });
  }

  async #loadMore() {
    if (!this.nextCursor) return;
    this.loading = true;
    this.moreButton.disabled = true;
    try {
      const page = await this.#page(this.nextCursor);
      const present = new Set(this.items.map((item) => item.id));
      const added = page.items.filter((item) => !present.has(item.id));
      for (const item of added) this.app.itemCache.set(item.id, item);
      this.items.push(...added);
      this.nextCursor = page.next_cursor;
      for (const item of added) this.body.append(this.#row(item));
      this.status.textContent = `${formatNumber(added.length)} more loaded.`;
    } catch (error) {
      this.status.textContent = `More could not be loaded: ${error.message}`;
    } finally {
      this.moreButton.disabled = false;
      this.moreButton.hidden = !this.nextCursor;
      this.loading = false;
      this.#flushQueue();
    }
  }

  #flushQueue() {
    const queued = this.queued;
    this.queued = [];
    for (const frame of queued) this.#apply(frame);
  }

  #apply(frame) {
    const item = frame.item;
    this.app.itemCache.set(item.id, item);
    const index = this.items.findIndex((other) => other.id === item.id);
    if (item.folder !== this.folder) {
      if (index >= 0) this.#removeItems(new Set([item.id]));
      this.app.refreshCounts();
      return;
    }
    if (index >= 0) {
      this.items[index] = item;
      this.#replaceRow(item);
    } else {
      this.#insert(item);
      if (frame.type === "mailbox.item" && this.folder === "inbox") {
        announce(`New ${TYPE_LABELS[item.type] || item.type} from ${item.sender.display_name}: ${item.subject}`);
      }
    }
    this.app.refreshCounts();
  }

  /** Insert an item at its place by time; one older than every loaded item waits for paging. */
  #insert(item) {
    const position = this.items.findIndex((other) => other.created_at < item.created_at);
    if (position < 0 && this.nextCursor) return;
    const at = position < 0 ? this.items.length : position;
    this.items.splice(at, 0, item);
    const row = this.#row(item);
    row.classList.add("arrived");
    const before = this.body.children[at] || null;
    this.body.insertBefore(row, before);
    this.#updateChrome();
  }

  #renderAll() {
    replaceChildren(this.body, this.items.map((item) => this.#row(item)));
    this.#updateChrome();
  }

  #row(item) {
    const open = `#/op/${segment(this.code)}/message/${segment(item.message_id)}?item=${segment(item.id)}`;
    const box = h("input", {
      type: "checkbox",
      checked: this.selected.has(item.id),
      "aria-label": `Select: ${item.subject}`,
      onchange: () => {
        if (box.checked) this.selected.add(item.id);
        else this.selected.delete(item.id);
        row.classList.toggle("selected", box.checked);
        this.#updateChrome();
      },
    });
    const row = h(
      "tr",
      { class: item.read ? "read" : "unread", dataset: { itemId: item.id, messageId: item.message_id } },
      h("td", { class: "col-select" }, box),
      h("td", { class: "col-country", title: this.app.data.countryNames.get(item.sender.country) || "" }, item.sender.country),
      h("td", { class: "col-sender" }, item.sender.display_name),
      h("td", { class: "col-subject" }, h("a", { href: open }, item.subject, item.read ? null : hiddenLabel(" (unread)"))),
      h("td", { class: "col-type" }, TYPE_LABELS[item.type] || item.type),
      h(
        "td",
        { class: "col-attachments" },
        item.has_attachments ? [h("span", { class: "icon-attachment", "aria-hidden": "true" }), hiddenLabel("Has attachments")] : null,
      ),
      h("td", { class: "col-time" }, timeElement(item.created_at)),
    );
    row.classList.toggle("selected", this.selected.has(item.id));
    return row;
  }

  #replaceRow(item) {
    const old = this.body.querySelector(`tr[data-item-id="${CSS.escape(item.id)}"]`);
    if (old) old.replaceWith(this.#row(item));
  }

  #removeItems(ids) {
    this.items = this.items.filter((item) => !ids.has(item.id));
    for (const id of ids) {
      this.selected.delete(id);
      const row = this.body.querySelector(`tr[data-item-id="${CSS.escape(id)}"]`);
      if (row) row.remove();
    }
    this.#updateChrome();
  }

  #selectAll(checked) {
    this.selected = checked ? new Set(this.items.map((item) => item.id)) : new Set();
    for (const row of this.body.rows) {
      const box = row.querySelector("input[type=checkbox]");
      box.checked = checked;
      row.classList.toggle("selected", checked);
    }
    this.#updateChrome();
  }

  #setUnread(count) {
    this.unreadCount = count;
    this.unreadNote.textContent = count ? `${formatNumber(count)} unread` : "All read";
  }

  #updateChrome() {
    const count = this.selected.size;
    this.selectedNote.textContent = count ? `${formatNumber(count)} selected` : "None selected";
    for (const button of this.actionButtons) button.disabled = count === 0;
    this.headerBox.checked = count > 0 && count === this.items.length;
    this.headerBox.indeterminate = count > 0 && count < this.items.length;
    this.empty.hidden = this.items.length > 0;
    this.table.hidden = this.items.length === 0;
    this.moreButton.hidden = !this.nextCursor;
  }

  async #bulk(action) {
    const ids = [...this.selected];
    if (ids.length === 0) return;
    for (const button of this.actionButtons) button.disabled = true;
    let updated = 0;
    try {
      for (let start = 0; start < ids.length; start += MAX_BULK_IDS) {
        const chunk = ids.slice(start, start + MAX_BULK_IDS);
        const result = await this.app.api.post(`/operations/${segment(this.code)}/mailbox/bulk`, {
          item_ids: chunk,
          action,
        });
        updated += result.updated;
      }
    } catch (error) {
      this.status.textContent = `The action failed: ${error.message}`;
      this.#updateChrome();
      return;
    }
    if (LEAVES_FOLDER.has(action)) {
      this.#removeItems(new Set(ids));
    } else {
      const read = action === "read";
      for (const item of this.items) {
        if (this.selected.has(item.id)) {
          item.read = read;
          this.#replaceRow(item);
        }
      }
      this.#updateChrome();
    }
    const label = ACTIONS.find(([name]) => name === action)[1].toLowerCase();
    this.status.textContent = `${label[0].toUpperCase()}${label.slice(1)}: ${formatNumber(updated)} changed.`;
    this.app.refreshCounts();
  }

  /** Update the unread note from the counts the app fetched. */
  setCounts(counts) {
    if (counts[this.folder] !== undefined) this.#setUnread(counts[this.folder]);
  }
}
