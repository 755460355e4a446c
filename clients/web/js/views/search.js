// The messages database: search with q, type, country, since, until and
// container over every message the user may see.

import { ApiError, segment } from "../api.js";
import { h, uniqueId } from "../dom.js";
import { MEKONG_COUNTRIES, TYPE_LABELS } from "../data.js";
import { isRealDate } from "../compose/field-checks.js";
import { FormField } from "../compose/form-field.js";
import { checkContainer } from "../iso6346.js";
import { MessageTable } from "./message-table.js";

const FILTERS = ["q", "type", "country", "since", "until", "container"];

export function searchView(app, params) {
  return new SearchScreen(app, params);
}

class SearchScreen {
  constructor(app, params) {
    this.app = app;
    this.code = app.operation.code;
    this.title = h("h2", { tabindex: "-1", id: uniqueId("search-title") }, "Messages database");
    this.fields = {};
    const data = app.data;

    const typeSelect = h("select", { name: "type" }, h("option", { value: "" }, "Any type"));
    for (const [type, label] of Object.entries(TYPE_LABELS)) typeSelect.append(h("option", { value: type }, label));
    const countrySelect = h("select", { name: "country" }, h("option", { value: "" }, "Any country"));
    const mekong = h("optgroup", { label: "Mekong countries" });
    for (const code of MEKONG_COUNTRIES) mekong.append(h("option", { value: code }, `${code} – ${data.countryNames.get(code)}`));
    const all = h("optgroup", { label: "All countries" });
    for (const country of data.countries) all.append(h("option", { value: country.code }, `${country.code} – ${country.name}`));
    countrySelect.append(mekong, all);

    this.fields.q = new FormField({
      label: "Words",
      control: h("input", { type: "search", name: "q", autocomplete: "off" }),
      hint: "Finds messages whose subject, body or fields contain every word, in any script.",
    });
    this.fields.type = new FormField({ label: "Type", control: typeSelect });
    this.fields.country = new FormField({ label: "Sender's country", control: countrySelect });
    this.fields.since = new FormField({ label: "From (UTC date)", control: h("input", { type: "date", name: "since" }) });
    this.fields.until = new FormField({ label: "Until (UTC date)", control: h("input", { type: "date", name: "until" }) });
    this.fields.container = new FormField({
      label: "Container number",
      control: h("input", { type: "text", name: "container", autocomplete: "off", spellcheck: "false" }),
    });
    for (const name of FILTERS) {
      const value = params.get(name);
      if (value) this.fields[name].control.value = value;
    }
    const form = h(
      "form",
      { class: "search-form", role: "search", novalidate: true },
      h("div", { class: "field-grid" }, FILTERS.map((name) => this.fields[name].finish())),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, "Search"), h("button", { type: "reset" }, "Clear")),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#search();
    });
    this.results = new MessageTable(app, {
      caption: "Search results",
      loadPage: (cursor) => app.api.get(`/operations/${segment(this.code)}/messages`, { ...this.query, limit: 50, cursor }),
    });
    this.element = h("section", { class: "search" }, this.title, form, this.results.element);
    if (FILTERS.some((name) => params.get(name))) this.#search();
  }

  focusTarget() {
    return this.title;
  }

  #collect() {
    const query = {};
    const errors = [];
    for (const name of FILTERS) {
      const value = this.fields[name].control.value.trim();
      if (value) query[name] = value;
    }
    for (const name of ["since", "until"]) {
      if (query[name] && !isRealDate(query[name])) errors.push([name, `'${query[name]}' is not a date of the form YYYY-MM-DD`]);
    }
    if (query.since && query.until && query.since > query.until) {
      errors.push(["until", `is before the start date ${query.since}`]);
    }
    if (query.container) {
      const result = checkContainer(query.container);
      if (result.error) errors.push(["container", result.error]);
      else query.container = result.number;
    }
    return { query, errors };
  }

  async #search() {
    for (const field of Object.values(this.fields)) field.clearError();
    const { query, errors } = this.#collect();
    if (errors.length) {
      for (const [name, message] of errors) this.fields[name].showError(message);
      this.fields[errors[0][0]].focus();
      return;
    }
    this.query = query;
    // Keep the filters in the address, so Back returns to these results.
    const search = new URLSearchParams(query).toString();
    window.history.replaceState(null, "", `#/op/${segment(this.code)}/search${search ? `?${search}` : ""}`);
    const page = await this.results.start();
    if (page === null) this.#showServerErrors();
  }

  #showServerErrors() {
    const error = this.results.lastError;
    if (!(error instanceof ApiError)) return;
    for (const entry of error.errors) {
      const field = this.fields[entry.field];
      if (field) field.showError(entry.message);
    }
  }
}
