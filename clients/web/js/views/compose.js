// The compose screen: type, recipients, subject, the fields of a formatted
// type, body, attachments; save as draft and send. Opened empty, as a reply,
// forward or feedback to a message, or on a saved draft.

import { ApiError, segment } from "../api.js";
import { announce, focusElement, formatNumber, h, replaceChildren } from "../dom.js";
import { AttachmentPicker } from "../compose/attachments.js";
import { BodyEditor } from "../compose/editor.js";
import { FieldsForm } from "../compose/fields-form.js";
import { FormField } from "../compose/form-field.js";
import { RecipientPicker } from "../compose/recipients.js";
import { countSubject, invalidCharacterMessage, normalizeNewlines } from "../text-rules.js";

const SUBJECT_PREFIX = { reply: "re: ", forward: "fwd: " };

/** Return the reply or forward subject the server would make, cut at 255 code points. */
export function prefixedSubject(prefix, subject) {
  if (subject.toLowerCase().startsWith(prefix.toLowerCase())) return subject;
  return Array.from(prefix + subject).slice(0, 255).join("");
}

/**
 * Word a field error for display under its labelled field. The server's
 * messages either name the field ("body has 20,013 characters…") or start
 * with the verb ("must be greater than 0"); the label completes the latter.
 */
function errorText(label, path, message) {
  const name = path.replace(/^fields\./, "").replace(/[[.].*$/, "");
  if (message.startsWith(path) || message.startsWith(name) || !/^[a-z]/.test(message)) return message;
  return `${label} ${message}`;
}

export async function composeView(app, params) {
  const view = new ComposeScreen(app, params);
  await view.load();
  return view;
}

class ComposeScreen {
  constructor(app, params) {
    this.app = app;
    this.params = params;
    this.code = app.operation.code;
    this.base = `/operations/${segment(this.code)}`;
    this.draftId = params.get("draft");
    this.inReplyTo = null;
    this.forwardOf = null;
    this.original = null;
    this.element = h("section", { class: "compose", "aria-labelledby": "compose-title" });
  }

  async load() {
    let draft = null;
    const relatedId = this.params.get("reply") || this.params.get("forward") || this.params.get("feedback");
    try {
      if (this.draftId) draft = await this.app.api.get(`${this.base}/drafts/${segment(this.draftId)}`);
      const originalId = draft ? draft.in_reply_to || draft.forward_of : relatedId;
      if (originalId) this.original = await this.app.api.get(`${this.base}/messages/${segment(originalId)}`);
    } catch (error) {
      replaceChildren(this.element, h("h2", { id: "compose-title", tabindex: "-1" }, "New message"), h("p", { class: "notice error" }, error.message));
      return;
    }
    if (draft) {
      this.inReplyTo = draft.in_reply_to;
      this.forwardOf = draft.forward_of;
    }
    this.#build();
    if (draft) this.#fillFromDraft(draft);
    else this.#fillFromOriginal();
  }

  focusTarget() {
    return this.title;
  }

  #build() {
    const app = this.app;
    const closed = app.operation.status === "closed";
    this.title = h("h2", { id: "compose-title", tabindex: "-1" }, this.#titleText());
    this.summary = h("div", { class: "error-summary", role: "alert", tabindex: "-1", hidden: true });

    const typeSelect = h("select", { name: "type" });
    for (const [type, spec] of Object.entries(app.data.specs.types)) {
      typeSelect.append(h("option", { value: type }, spec.label));
    }
    typeSelect.addEventListener("change", () => this.#changeType(typeSelect.value));
    this.typeField = new FormField({ label: "Type", control: typeSelect });
    this.typeSelect = typeSelect;

    this.recipients = new RecipientPicker(app);
    this.subjectInput = h("input", { type: "text", name: "subject", autocomplete: "off" });
    this.subjectField = new FormField({ label: "Subject", control: this.subjectInput, required: true });
    this.fieldsSlot = h("div", { class: "fields-slot" });
    this.fieldsForm = null;
    this.editor = new BodyEditor({ maxChars: app.data.limits.body });
    this.attachments = new AttachmentPicker(app, {
      carried: this.forwardOriginal() ? this.original.attachments : [],
    });

    this.status = h("p", { class: "form-status", role: "status", "aria-live": "polite" });
    this.sendButton = h("button", { type: "submit", class: "primary", disabled: closed }, "Send");
    this.saveButton = h("button", { type: "button", disabled: closed, onclick: () => this.#saveDraft() }, "Save as draft");
    this.deleteButton = h("button", { type: "button", class: "danger", hidden: !this.draftId, onclick: () => this.#deleteDraft() }, "Delete draft");
    const form = h(
      "form",
      { class: "compose-form", novalidate: true },
      this.summary,
      closed ? h("p", { class: "notice" }, "This operation is closed: messages can be read but not sent.") : null,
      this.#relatedNotice(),
      this.typeField.finish(),
      this.recipients.element,
      this.subjectField.finish(),
      this.fieldsSlot,
      this.editor.element,
      this.attachments.element,
      h("div", { class: "form-actions" }, this.sendButton, this.saveButton, this.deleteButton),
      this.status,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#send();
    });
    replaceChildren(this.element, this.title, form);
  }

  #titleText() {
    if (this.draftId) return "Draft";
    if (this.params.get("reply")) return "Reply";
    if (this.params.get("forward")) return "Forward";
    if (this.params.get("feedback")) return "Feedback on a warning";
    return "New message";
  }

  forwardOriginal() {
    return this.original !== null && (this.params.get("forward") !== null || this.forwardOf !== null);
  }

  #relatedNotice() {
    if (this.original === null) return null;
    const kind = this.forwardOriginal() ? "Forwarding" : "Replying to";
    return h(
      "p",
      { class: "notice" },
      `${kind}: `,
      h("a", { href: `#/op/${segment(this.code)}/message/${segment(this.original.id)}` }, this.original.subject),
      ` from ${this.original.sender.display_name} (${this.original.sender.country})`,
    );
  }

  #fillFromOriginal() {
    const original = this.original;
    const reply = this.params.get("reply");
    const forward = this.params.get("forward");
    const feedback = this.params.get("feedback");
    this.#changeType(feedback ? "feedback" : "message");
    if (original === null) return;
    if (forward) {
      this.forwardOf = original.id;
      this.subjectInput.value = prefixedSubject(SUBJECT_PREFIX.forward, original.subject);
      return;
    }
    if (reply || feedback) {
      this.inReplyTo = original.id;
      this.subjectInput.value = prefixedSubject(SUBJECT_PREFIX.reply, original.subject);
      if (original.sender.id !== this.app.me.id) this.recipients.setSelection({ users: [original.sender.id] });
    }
    if (feedback) this.fieldsForm.setValues({ warning_id: original.id });
  }

  #fillFromDraft(draft) {
    this.#changeType(draft.type || "message");
    if (this.fieldsForm && draft.fields) this.fieldsForm.setValues(draft.fields);
    this.subjectInput.value = draft.subject || "";
    this.editor.setBody(draft.body || "", draft.body_format || "text");
    this.recipients.setSelection(draft.recipients);
    this.attachments.setIds(draft.attachment_ids || []);
  }

  #changeType(type) {
    this.typeSelect.value = type;
    const previous = this.fieldsForm;
    const carried = previous ? previous.collect().values : {};
    this.fieldsForm = type === "message" ? null : new FieldsForm(this.app, type);
    if (this.fieldsForm) this.fieldsForm.setValues(carried);
    replaceChildren(this.fieldsSlot, this.fieldsForm ? this.fieldsForm.element : null);
  }

  /** Gather the message as the API takes it, with the errors the browser finds. */
  #collect({ complete }) {
    const errors = [];
    const type = this.typeSelect.value;
    const subject = this.subjectInput.value;
    if (subject === "") {
      if (complete && !this.inReplyTo && !this.forwardOf) {
        errors.push({ field: "subject", message: "subject is empty; it must have 1 to 255 characters" });
      }
    } else {
      const invalid = invalidCharacterMessage(subject, "subject");
      const count = countSubject(subject);
      if (invalid) errors.push({ field: "subject", message: invalid });
      else if (count > 255) errors.push({ field: "subject", message: `subject has ${formatNumber(count)} characters; at most 255 are allowed` });
    }

    const body = this.editor.value;
    const bodyInvalid = invalidCharacterMessage(normalizeNewlines(body), "body");
    const bodyCount = this.editor.count();
    const maxBody = this.app.data.limits.body;
    if (bodyInvalid) {
      errors.push({ field: "body", message: bodyInvalid });
    } else if (bodyCount > maxBody) {
      const unit = this.editor.format === "html" ? "characters of text" : "characters";
      errors.push({ field: "body", message: `body has ${bodyCount.toLocaleString("en")} ${unit}; at most ${maxBody.toLocaleString("en")} are allowed` });
    }

    let fields = null;
    if (this.fieldsForm) {
      const collected = this.fieldsForm.collect();
      fields = collected.values;
      const formatErrors = complete ? collected.errors : collected.errors.filter((error) => !/^(is required|must not be blank)/.test(error.message));
      errors.push(...formatErrors);
    }

    errors.push(...this.recipients.check());
    if (complete && this.recipients.isEmpty()) {
      errors.push({ field: "recipients", message: "Choose at least one recipient: a group, a country or members by hand." });
    }
    const content = {
      type,
      subject: subject === "" ? null : subject,
      body,
      body_format: this.editor.format,
      fields: type === "message" ? null : fields,
      recipients: this.recipients.isEmpty() ? null : this.recipients.selection(),
      attachment_ids: this.attachments.ids(),
      in_reply_to: this.inReplyTo,
      forward_of: this.forwardOf,
    };
    return { content, errors };
  }

  #targetFor(path) {
    if (path === "subject") return { field: this.subjectField, label: "Subject" };
    if (path === "type") return { field: this.typeField, label: "Type" };
    if (path === "body" || path === "body_format") return { field: this.editor, label: "Body" };
    if (path.startsWith("recipients")) return { field: this.recipients, label: "Recipients" };
    if (path.startsWith("attachment_ids") || path === "file") return { field: this.attachments, label: "Attachments" };
    if (path.startsWith("fields") && this.fieldsForm) {
      const field = this.fieldsForm.fieldFor(path);
      if (field) {
        const name = path.replace(/^fields\./, "").replace(/[[.].*$/, "");
        const label = this.app.data.specs.fields[name]?.label || name;
        const entry = /\[(\d+)\]/.exec(path);
        return { field, label: entry ? `${label}, entry ${Number(entry[1]) + 1}:` : label };
      }
      return { field: { showError: (message) => this.fieldsForm.showGeneralError(message), focus: () => focusElement(this.fieldsForm.element) }, label: "Fields" };
    }
    return null;
  }

  #clearErrors() {
    this.summary.hidden = true;
    this.summary.replaceChildren();
    for (const field of [this.subjectField, this.typeField, this.editor, this.recipients, this.attachments]) field.clearError();
    if (this.fieldsForm) this.fieldsForm.clearErrors();
  }

  /** Show each error next to its field, and all of them in the summary. */
  #showErrors(errors, detail = "") {
    const grouped = new Map();
    const items = [];
    for (const error of errors) {
      const target = this.#targetFor(error.field || "");
      const text = target ? errorText(target.label, error.field || "", error.message) : `${error.field}: ${error.message}`;
      if (target) {
        const texts = grouped.get(target.field) || [];
        texts.push(text);
        grouped.set(target.field, texts);
      }
      items.push(
        h(
          "li",
          {},
          target
            ? h("a", { href: "#", onclick: (event) => { event.preventDefault(); target.field.focus(); } }, text)
            : text,
        ),
      );
    }
    for (const [field, texts] of grouped) field.showError(texts.join(" "));
    replaceChildren(
      this.summary,
      h("h3", {}, items.length === 1 ? "There is a problem" : `There are ${items.length} problems`),
      detail && items.length === 0 ? h("p", {}, detail) : null,
      items.length ? h("ul", {}, items) : null,
    );
    this.summary.hidden = false;
    this.summary.focus();
  }

  #showFailure(error) {
    if (error instanceof ApiError && error.errors.length) {
      this.#showErrors(error.errors);
    } else {
      this.#showErrors([], error.message);
    }
  }

  #busy(busy, text = "") {
    const closed = this.app.operation.status === "closed";
    this.sendButton.disabled = busy || closed;
    this.saveButton.disabled = busy || closed;
    this.status.textContent = text;
  }

  async #send() {
    this.#clearErrors();
    const { content, errors } = this.#collect({ complete: true });
    if (this.attachments.uploading) errors.push({ field: "attachment_ids", message: "Wait until the uploads have finished." });
    if (errors.length) {
      this.#showErrors(errors);
      return;
    }
    this.#busy(true, "Sending…");
    // The count shown is the one of the selection being sent.
    await this.recipients.resolveNow();
    let message;
    try {
      if (this.draftId) {
        await this.app.api.patch(`${this.base}/drafts/${segment(this.draftId)}`, content);
        message = await this.app.api.post(`${this.base}/drafts/${segment(this.draftId)}/send`, {});
      } else {
        message = await this.app.api.post(`${this.base}/messages`, content);
      }
    } catch (error) {
      this.#busy(false, "");
      this.#showFailure(error);
      return;
    }
    this.#busy(false, "");
    announce(`Sent to ${message.recipient_count} recipients.`);
    this.app.navigate(`#/op/${segment(this.code)}/message/${segment(message.id)}?sent=1`);
  }

  async #saveDraft() {
    this.#clearErrors();
    const { content, errors } = this.#collect({ complete: false });
    if (errors.length) {
      this.#showErrors(errors);
      return;
    }
    this.#busy(true, "Saving…");
    try {
      let draft;
      if (this.draftId) {
        draft = await this.app.api.patch(`${this.base}/drafts/${segment(this.draftId)}`, content);
      } else {
        draft = await this.app.api.post(`${this.base}/drafts`, content);
        this.draftId = draft.id;
        // Later saves update this draft; replaceState does not re-open the screen.
        window.history.replaceState(null, "", `#/op/${segment(this.code)}/compose?draft=${segment(draft.id)}`);
        this.deleteButton.hidden = false;
      }
      const time = new Date(draft.updated_at).toLocaleTimeString();
      this.#busy(false, `Draft saved at ${time}.`);
      this.app.refreshCounts();
    } catch (error) {
      this.#busy(false, "");
      this.#showFailure(error);
    }
  }

  async #deleteDraft() {
    if (!this.draftId || !window.confirm("Delete this draft?")) return;
    try {
      await this.app.api.delete(`${this.base}/drafts/${segment(this.draftId)}`);
    } catch (error) {
      this.#showFailure(error);
      return;
    }
    announce("Draft deleted.");
    this.app.navigate(`#/op/${segment(this.code)}/drafts`);
  }
}
