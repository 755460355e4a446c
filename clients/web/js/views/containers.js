// The container number search: every message the user may see whose fields
// name an ISO 6346 container number.

import { ApiError, segment } from "../api.js";
import { h } from "../dom.js";
import { FormField } from "../compose/form-field.js";
import { checkContainer } from "../iso6346.js";
import { MessageTable } from "./message-table.js";

export function containersView(app, number) {
  return new ContainersScreen(app, number);
}

class ContainersScreen {
  constructor(app, number) {
    this.app = app;
    this.code = app.operation.code;
    this.title = h("h2", { tabindex: "-1" }, "Container number search");
    this.input = h("input", {
      type: "text",
      name: "container",
      autocomplete: "off",
      spellcheck: "false",
      placeholder: "MSCU6634879",
    });
    this.field = new FormField({
      label: "Container number",
      control: this.input,
      hint: "ISO 6346: owner code, category letter, 6 digits and the check digit. Spaces and case do not matter.",
    });
    this.heading = h("h3", { hidden: true });
    this.results = new MessageTable(app, {
      caption: "Messages naming the container",
      loadPage: (cursor) =>
        app.api.get(`/operations/${segment(this.code)}/containers/${segment(this.number)}`, { limit: 50, cursor }),
    });
    const form = h(
      "form",
      { class: "container-form", role: "search", novalidate: true },
      this.field.finish(),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, "Search")),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#search();
    });
    this.element = h("section", { class: "containers" }, this.title, form, this.heading, this.results.element);
    if (number) {
      this.input.value = number;
      this.#search();
    }
  }

  focusTarget() {
    return this.title;
  }

  async #search() {
    this.field.clearError();
    const result = checkContainer(this.input.value);
    if (result.error) {
      this.field.showError(result.error);
      this.input.focus();
      return;
    }
    this.number = result.number;
    this.input.value = result.number;
    window.history.replaceState(null, "", `#/op/${segment(this.code)}/containers/${segment(result.number)}`);
    this.heading.textContent = `Messages naming ${result.number}`;
    this.heading.hidden = false;
    const page = await this.results.start();
    const error = this.results.lastError;
    if (page === null && error instanceof ApiError) {
      const entry = error.errors.find((item) => item.field === "container_number");
      if (entry) this.field.showError(entry.message);
    }
  }
}
