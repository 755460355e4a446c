// Attachments of the message being composed: each chosen file is uploaded at
// once (POST attachments, multipart field `file`) and sent by its id.

import { segment } from "../api.js";
import { formatBytes, formatNumber, h, replaceChildren, uniqueId } from "../dom.js";

// Names and sizes of this tab's uploads, so a reopened draft (which stores
// only attachment ids) can show them.
const UPLOADS_KEY = "cencomm.uploads";

function rememberUpload(upload) {
  const known = knownUploads();
  known[upload.id] = { filename: upload.filename, size: upload.size, content_type: upload.content_type };
  window.sessionStorage.setItem(UPLOADS_KEY, JSON.stringify(known));
}

function knownUploads() {
  try {
    return JSON.parse(window.sessionStorage.getItem(UPLOADS_KEY) || "{}");
  } catch {
    return {};
  }
}

export class AttachmentPicker {
  constructor(app, { carried = [] } = {}) {
    this.app = app;
    this.code = app.operation.code;
    this.uploads = [];
    this.carried = carried;
    this.busy = 0;
    this.element = this.#build();
  }

  ids() {
    return this.uploads.map((upload) => upload.id);
  }

  get uploading() {
    return this.busy > 0;
  }

  /** Show the attachments of a draft, with names where this tab uploaded them. */
  setIds(ids) {
    const known = knownUploads();
    this.uploads = ids.map((id) => ({ id, ...(known[id] || { filename: null, size: null }) }));
    this.#render();
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = false;
  }

  clearError() {
    this.error.hidden = true;
    this.error.textContent = "";
  }

  focus() {
    this.input.focus();
  }

  #build() {
    const inputId = uniqueId("attach");
    this.error = h("p", { class: "field-error", id: uniqueId("error"), hidden: true, role: "alert" });
    this.hint = h("p", { class: "hint", id: uniqueId("hint") });
    this.inputLabel = h("label", { for: inputId, class: "button-like" }, "Attach files");
    this.input = h("input", {
      type: "file",
      id: inputId,
      multiple: true,
      class: "file-input visually-hidden",
      "aria-describedby": `${this.hint.id} ${this.error.id}`,
      onchange: () => this.#chosen(),
    });
    this.resetButton = h("button", { type: "button", hidden: true, onclick: () => this.#reset() }, "Remove all attachments");
    this.list = h("ul", { class: "attachment-list" });
    this.status = h("p", { class: "upload-status", role: "status", "aria-live": "polite" });
    const limits = this.app.data.limits;
    this.hint.textContent =
      `At most ${formatNumber(limits.max_attachments)} files of up to ${formatBytes(limits.max_attachment_bytes)} each: ` +
      "PDF, images, Office and OpenDocument files, plain text and CSV.";
    const carried = this.carried.length
      ? h(
          "p",
          { class: "hint" },
          `The forwarded message's ${formatNumber(this.carried.length)} attachment(s) are sent along: `,
          this.carried.map((attachment) => attachment.filename).join(", "),
        )
      : null;
    return h(
      "fieldset",
      { class: "attachments" },
      h("legend", {}, "Attachments"),
      carried,
      this.list,
      h("div", { class: "attach-tools" }, this.input, this.inputLabel, this.resetButton),
      this.hint,
      this.status,
      this.error,
    );
  }

  async #chosen() {
    const files = [...this.input.files];
    this.input.value = "";
    this.clearError();
    const limits = this.app.data.limits;
    const problems = [];
    for (const file of files) {
      if (this.uploads.length + this.carried.length + this.busy >= limits.max_attachments) {
        problems.push(`${file.name}: a message has at most ${formatNumber(limits.max_attachments)} attachments`);
        continue;
      }
      if (file.size > limits.max_attachment_bytes) {
        problems.push(
          `${file.name}: the file has ${formatNumber(file.size)} bytes; at most ${formatNumber(limits.max_attachment_bytes)} are allowed`,
        );
        continue;
      }
      this.busy += 1;
      this.status.textContent = `Uploading ${file.name}…`;
      try {
        const upload = await this.#upload(file);
        rememberUpload(upload);
        this.uploads.push(upload);
        this.status.textContent = `Attached ${upload.filename}.`;
      } catch (error) {
        problems.push(`${file.name}: ${error.message}`);
        this.status.textContent = "";
      } finally {
        this.busy -= 1;
      }
      this.#render();
    }
    if (problems.length) this.showError(problems.join(" "));
    this.#render();
  }

  #upload(file) {
    const form = new FormData();
    form.append("file", file, file.name);
    return this.app.api.request("POST", `/operations/${segment(this.code)}/attachments`, { form });
  }

  #reset() {
    this.uploads = [];
    this.clearError();
    this.status.textContent = "All attachments removed.";
    this.#render();
    this.input.focus();
  }

  #remove(upload) {
    this.uploads = this.uploads.filter((other) => other !== upload);
    this.status.textContent = `Removed ${upload.filename || "the attachment"}.`;
    this.#render();
    this.input.focus();
  }

  #render() {
    replaceChildren(
      this.list,
      this.uploads.map((upload) => {
        const name = upload.filename || "Attachment saved with the draft";
        const size = upload.size === null || upload.size === undefined ? "" : ` (${formatBytes(upload.size)})`;
        return h(
          "li",
          {},
          h("span", { class: "file-name" }, name),
          size,
          " ",
          h("button", { type: "button", class: "link-button", "aria-label": `Remove ${name}`, onclick: () => this.#remove(upload) }, "Remove"),
        );
      }),
    );
    this.inputLabel.textContent = this.uploads.length ? "Attach more files" : "Attach files";
    this.resetButton.hidden = this.uploads.length === 0;
  }
}
