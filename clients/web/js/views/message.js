// One message: subject, sender, recipients count, the fields of a formatted
// type as a table, the body, attachments, reply and forward, and receipts.

import { segment } from "../api.js";
import { announce, dateText, formatBytes, formatNumber, h, replaceChildren, timeElement } from "../dom.js";
import { ROLE_LABELS, TYPE_LABELS, choiceLabel, countryLabel } from "../data.js";
import { downloadAttachment } from "../download.js";
import { renderSanitizedHtml } from "../safe-html.js";

export async function messageView(app, messageId, params) {
  const view = new MessageScreen(app, messageId, params);
  await view.load();
  return view;
}

class MessageScreen {
  constructor(app, messageId, params) {
    this.app = app;
    this.code = app.operation.code;
    this.base = `/operations/${segment(this.code)}`;
    this.messageId = messageId;
    this.itemId = params.get("item");
    this.justSent = params.get("sent") === "1";
    this.element = h("article", { class: "message-view", "aria-labelledby": "message-title" });
    this.title = h("h2", { id: "message-title", tabindex: "-1" }, "Message");
  }

  focusTarget() {
    return this.title;
  }

  async load() {
    let message;
    try {
      message = await this.app.api.get(`${this.base}/messages/${segment(this.messageId)}`);
    } catch (error) {
      const text = error.status === 404 ? "This message does not exist, or you may not see it." : error.message;
      replaceChildren(this.element, this.title, h("p", { class: "notice error" }, text));
      return;
    }
    this.message = message;
    this.#render(message);
    this.#markRead();
  }

  async #markRead() {
    if (!this.itemId) return;
    const cached = this.app.itemCache.get(this.itemId);
    if (cached && cached.read) return;
    try {
      const item = await this.app.api.patch(`${this.base}/mailbox/${segment(this.itemId)}`, { read: true });
      this.app.itemCache.set(item.id, item);
      this.app.refreshCounts();
    } catch {
      // Reading still works; the item stays unread.
    }
  }

  #render(message) {
    const app = this.app;
    this.title.textContent = message.subject;
    const link = (id, text) => h("a", { href: `#/op/${segment(this.code)}/message/${segment(id)}` }, text);
    const sender = message.sender;
    const meta = h(
      "dl",
      { class: "message-meta" },
      h("dt", {}, "From"),
      h("dd", {}, h("span", { class: "sender-name" }, sender.display_name), ` (${ROLE_LABELS[sender.role] || sender.role}, ${countryLabel(app.data, sender.country)})`),
      h("dt", {}, "Sent"),
      h("dd", {}, timeElement(message.created_at)),
      h("dt", {}, "Type"),
      h("dd", {}, TYPE_LABELS[message.type] || message.type),
      h("dt", {}, "Recipients"),
      h("dd", { class: "recipient-count" }, `${formatNumber(message.recipient_count)} ${message.recipient_count === 1 ? "person" : "people"}`),
      message.in_reply_to ? [h("dt", {}, "In reply to"), h("dd", {}, link(message.in_reply_to, "the earlier message"))] : null,
      message.forward_of ? [h("dt", {}, "Forwarded from"), h("dd", {}, link(message.forward_of, "the original message"))] : null,
    );
    const compose = (kind) => `#/op/${segment(this.code)}/compose?${kind}=${segment(message.id)}`;
    const closed = app.operation.status === "closed";
    const actions = h(
      "div",
      { class: "message-actions" },
      closed ? null : h("a", { class: "button-like", href: compose("reply") }, "Reply"),
      closed ? null : h("a", { class: "button-like", href: compose("forward") }, "Forward"),
      !closed && message.type === "warning" ? h("a", { class: "button-like", href: compose("feedback") }, "Send feedback") : null,
      this.itemId ? h("button", { type: "button", onclick: () => this.#markUnread() }, "Mark unread") : null,
    );
    this.actionStatus = h("p", { class: "form-status", role: "status", "aria-live": "polite" });
    replaceChildren(
      this.element,
      this.justSent ? h("p", { class: "notice success", role: "status" }, `Sent to ${formatNumber(message.recipient_count)} recipients.`) : null,
      this.title,
      meta,
      actions,
      this.actionStatus,
      message.fields ? this.#fieldsTable(message) : null,
      h("section", { class: "message-body", "aria-label": "Body" }, this.#body(message)),
      message.attachments.length ? this.#attachments(message) : null,
    );
    if (sender.id === app.me.id || app.operation.role === "ocu") this.#loadReceipts(message);
  }

  #body(message) {
    if (message.body_format === "html") {
      return h("div", { class: "body-html" }, renderSanitizedHtml(message.body));
    }
    return h("div", { class: "body-text" }, message.body);
  }

  #fieldsTable(message) {
    const data = this.app.data;
    const spec = data.specs.types[message.type];
    const names = spec ? spec.fields.filter((name) => name in message.fields) : Object.keys(message.fields);
    for (const name of Object.keys(message.fields)) if (!names.includes(name)) names.push(name);
    const rows = names.map((name) =>
      h(
        "tr",
        { dataset: { field: name } },
        h("th", { scope: "row" }, data.specs.fields[name]?.label || name),
        h("td", {}, this.#fieldValue(name, message.fields[name])),
      ),
    );
    return h(
      "table",
      { class: "fields-table" },
      h("caption", {}, spec ? spec.label : "Fields"),
      h("tbody", {}, rows),
    );
  }

  #fieldValue(name, value) {
    const data = this.app.data;
    const kind = data.specs.fields[name]?.kind;
    if (kind === "reference") {
      return h("a", { href: `#/op/${segment(this.code)}/message/${segment(value)}` }, `Open the ${data.specs.fields[name].refers_to}`);
    }
    if (kind === "container_list" && Array.isArray(value)) {
      return value.flatMap((number, index) => [
        index ? ", " : null,
        h("a", { href: `#/op/${segment(this.code)}/containers/${segment(number)}` }, number),
      ]);
    }
    if (kind === "country") return countryLabel(data, value);
    if (kind === "country_list" && Array.isArray(value)) return value.map((code) => countryLabel(data, code)).join(", ");
    if (kind === "enum") return choiceLabel(data, value);
    if (kind === "date" || kind === "past_date") return h("time", { datetime: value }, dateText(value));
    if (typeof value === "number") return formatNumber(value);
    if (kind === "long_text") return h("span", { class: "pre-line" }, String(value));
    return Array.isArray(value) ? value.join(", ") : String(value);
  }

  #attachments(message) {
    const status = h("p", { class: "form-status", role: "status", "aria-live": "polite" });
    const items = message.attachments.map((attachment) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: "link-button download",
            onclick: async () => {
              status.textContent = `Downloading ${attachment.filename}…`;
              try {
                await downloadAttachment(this.app, this.code, attachment);
                status.textContent = `Downloaded ${attachment.filename}.`;
              } catch (error) {
                status.textContent = `The download failed: ${error.message}`;
              }
            },
          },
          h("span", { class: "file-name" }, attachment.filename),
        ),
        ` (${formatBytes(attachment.size)}, ${attachment.content_type})`,
      ),
    );
    return h("section", { class: "message-attachments" }, h("h3", {}, "Attachments"), h("ul", {}, items), status);
  }

  async #loadReceipts(message) {
    let receipts;
    try {
      receipts = await this.app.api.getAll(`${this.base}/messages/${segment(message.id)}/receipts`);
    } catch {
      return;
    }
    const read = receipts.filter((receipt) => receipt.read_at !== null).length;
    const rows = receipts.map((receipt) =>
      h(
        "tr",
        { class: receipt.read_at ? "read" : "unread" },
        h("td", {}, receipt.user.display_name),
        h("td", {}, receipt.user.country),
        h("td", {}, receipt.read_at ? timeElement(receipt.read_at) : "Not read yet"),
      ),
    );
    this.element.append(
      h(
        "section",
        { class: "receipts" },
        h("h3", {}, "Read receipts"),
        h("p", {}, `Read by ${formatNumber(read)} of ${formatNumber(receipts.length)}.`),
        h(
          "div",
          { class: "table-scroll" },
          h(
            "table",
            { class: "receipts-table" },
            h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Recipient"), h("th", { scope: "col" }, "Country"), h("th", { scope: "col" }, "Read"))),
            h("tbody", {}, rows),
          ),
        ),
      ),
    );
  }

  async #markUnread() {
    try {
      const item = await this.app.api.patch(`${this.base}/mailbox/${segment(this.itemId)}`, { read: false });
      this.app.itemCache.set(item.id, item);
      this.app.refreshCounts();
      this.actionStatus.textContent = "Marked unread.";
      announce("Marked unread.");
    } catch (error) {
      this.actionStatus.textContent = `The message could not be marked unread: ${error.message}`;
    }
  }
}
