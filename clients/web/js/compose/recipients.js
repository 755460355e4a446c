// The recipient picker: groups by role, "my country", countries, and members
// chosen by hand, resolved by the server (POST recipients/resolve) to the
// people a send would reach.

import { segment } from "../api.js";
import { formatNumber, h, replaceChildren, uniqueId } from "../dom.js";
import { MEKONG_COUNTRIES, ROLE_LABELS } from "../data.js";
import { splitList } from "./field-checks.js";

const RESOLVE_DELAY_MS = 250;
const GROUPS = [
  ["ocu", "All OCU"],
  ["ncp", "NCPs"],
  ["user", "Plain users"],
];

export class RecipientPicker {
  constructor(app) {
    this.app = app;
    this.code = app.operation.code;
    this.roleBoxes = new Map();
    this.countryBoxes = new Map();
    this.memberBoxes = new Map();
    this.pendingUsers = new Set();
    this.resolveTimer = null;
    this.resolveSequence = 0;
    this.resolvedCount = null;
    this.element = this.#build();
    this.membersLoaded = this.#loadMembers();
  }

  /** Return the selection as the API takes it. */
  selection() {
    const roles = [...this.roleBoxes].filter(([, box]) => box.checked).map(([role]) => role);
    const countries = [...this.countryBoxes].filter(([, box]) => box.checked).map(([code]) => code);
    for (const code of splitList(this.otherCountries.value, { spaces: true })) {
      const upper = code.toUpperCase();
      if (!countries.includes(upper)) countries.push(upper);
    }
    const users = [...this.memberBoxes].filter(([, box]) => box.checked).map(([id]) => id);
    for (const id of this.pendingUsers) if (!users.includes(id)) users.push(id);
    return { roles, my_country: this.myCountry.checked, countries, users };
  }

  isEmpty() {
    const selection = this.selection();
    return !selection.roles.length && !selection.my_country && !selection.countries.length && !selection.users.length;
  }

  /** Check what the browser can: the typed country codes. */
  check() {
    const errors = [];
    for (const code of splitList(this.otherCountries.value, { spaces: true })) {
      if (!this.app.data.countryNames.has(code.toUpperCase())) {
        errors.push({ field: "recipients.countries", message: `'${code}' is not an ISO 3166-1 alpha-2 country code` });
      }
    }
    return errors;
  }

  setSelection(selection) {
    if (!selection) return;
    for (const [role, box] of this.roleBoxes) box.checked = (selection.roles || []).includes(role);
    this.myCountry.checked = Boolean(selection.my_country);
    const others = [];
    for (const code of selection.countries || []) {
      const box = this.countryBoxes.get(code);
      if (box) box.checked = true;
      else others.push(code);
    }
    this.otherCountries.value = others.join(", ");
    for (const id of selection.users || []) {
      const box = this.memberBoxes.get(id);
      if (box) box.checked = true;
      else this.pendingUsers.add(id);
    }
    this.#changed();
  }

  /** Resolve the selection now instead of after the typing pause. */
  async resolveNow() {
    window.clearTimeout(this.resolveTimer);
    await this.#resolve();
    return this.resolvedCount;
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = false;
    this.element.classList.add("has-error");
  }

  clearError() {
    this.error.hidden = true;
    this.error.textContent = "";
    this.element.classList.remove("has-error");
  }

  focus() {
    this.roleBoxes.get("ocu").focus();
  }

  #build() {
    this.error = h("p", { class: "field-error", id: uniqueId("error"), hidden: true });
    this.status = h("p", { class: "resolved", role: "status", "aria-live": "polite" }, "No recipients chosen yet.");
    this.resolvedList = h("ul", { class: "resolved-list" });
    this.resolvedDetails = h(
      "details",
      { class: "resolved-details", hidden: true },
      h("summary", {}, "Show who"),
      this.resolvedList,
    );
    const membership = this.app.operation;
    const groupBoxes = GROUPS.map(([role, label]) => {
      const box = h("input", { type: "checkbox", name: "recipient-role", value: role, onchange: () => this.#changed() });
      this.roleBoxes.set(role, box);
      return h("label", { class: "check" }, box, ` ${label}`);
    });
    this.myCountry = h("input", { type: "checkbox", name: "recipient-my-country", onchange: () => this.#changed() });
    const countryBoxes = MEKONG_COUNTRIES.map((code) => {
      const box = h("input", { type: "checkbox", name: "recipient-country", value: code, onchange: () => this.#changed() });
      this.countryBoxes.set(code, box);
      return h("label", { class: "check", title: this.app.data.countryNames.get(code) }, box, ` ${code}`);
    });
    const otherId = uniqueId("other-countries");
    this.otherCountries = h("input", {
      id: otherId,
      type: "text",
      class: "short",
      autocomplete: "off",
      spellcheck: "false",
      placeholder: "e.g. FR, BE",
      oninput: () => this.#changed(),
    });
    this.memberList = h("ul", { class: "member-list" }, h("li", {}, "Loading the members…"));
    this.memberFilter = h("input", {
      type: "search",
      id: uniqueId("member-filter"),
      autocomplete: "off",
      oninput: () => this.#filterMembers(),
    });
    this.manualSummary = h("summary", {}, "Choose manually");
    const manual = h(
      "details",
      { class: "manual" },
      this.manualSummary,
      h(
        "div",
        { class: "manual-tools" },
        h("label", { for: this.memberFilter.id }, "Filter by name, role or country"),
        this.memberFilter,
        h("button", { type: "button", onclick: () => this.#selectMembers(true) }, "Select all"),
        h("button", { type: "button", onclick: () => this.#selectMembers(false) }, "Select none"),
      ),
      this.memberList,
    );
    const fieldset = h(
      "fieldset",
      { class: "recipients", "aria-describedby": `${this.error.id}` },
      h("legend", {}, "Recipients ", h("span", { class: "required" }, "(required)")),
      h("div", { class: "check-row", role: "group", "aria-label": "Groups" }, groupBoxes),
      h("div", { class: "check-row" }, h("label", { class: "check" }, this.myCountry, ` All users in my country (${membership.country})`)),
      h(
        "fieldset",
        { class: "countries" },
        h("legend", {}, "Countries"),
        h("div", { class: "check-row" }, countryBoxes),
        h("label", { for: otherId }, "Other countries (ISO codes)"),
        this.otherCountries,
      ),
      manual,
      this.status,
      this.resolvedDetails,
      this.error,
    );
    return fieldset;
  }

  async #loadMembers() {
    let members;
    try {
      members = await this.app.api.getAll(`/operations/${segment(this.code)}/members`);
    } catch (error) {
      replaceChildren(this.memberList, h("li", {}, `The member list could not be loaded: ${error.message}`));
      return;
    }
    const others = members
      .filter((member) => member.user.id !== this.app.me.id)
      .sort((a, b) => a.country.localeCompare(b.country) || a.user.display_name.localeCompare(b.user.display_name));
    replaceChildren(this.memberList);
    for (const member of others) {
      const box = h("input", {
        type: "checkbox",
        name: "recipient-user",
        value: member.user.id,
        onchange: () => this.#changed(),
      });
      if (this.pendingUsers.has(member.user.id)) {
        box.checked = true;
        this.pendingUsers.delete(member.user.id);
      }
      this.memberBoxes.set(member.user.id, box);
      const item = h(
        "li",
        { dataset: { search: `${member.user.display_name} ${member.user.username} ${member.role} ${member.country}`.toLowerCase() } },
        h("label", { class: "check" }, box, " ", h("span", { class: "member-country" }, member.country), " ", member.user.display_name, h("span", { class: "member-role" }, ` ${ROLE_LABELS[member.role] || member.role}`)),
      );
      this.memberList.append(item);
    }
    this.#changed();
  }

  #filterMembers() {
    const filter = this.memberFilter.value.trim().toLowerCase();
    for (const item of this.memberList.children) {
      item.hidden = filter !== "" && !(item.dataset.search || "").includes(filter);
    }
  }

  #selectMembers(checked) {
    for (const item of this.memberList.children) {
      if (item.hidden) continue;
      const box = item.querySelector("input[type=checkbox]");
      if (box) box.checked = checked;
    }
    if (!checked) this.pendingUsers.clear();
    this.#changed();
  }

  #changed() {
    const chosen = [...this.memberBoxes.values()].filter((box) => box.checked).length;
    this.manualSummary.textContent = chosen ? `Choose manually (${formatNumber(chosen)} chosen)` : "Choose manually";
    this.clearError();
    window.clearTimeout(this.resolveTimer);
    this.resolveTimer = window.setTimeout(() => this.#resolve(), RESOLVE_DELAY_MS);
  }

  async #resolve() {
    const sequence = ++this.resolveSequence;
    if (this.isEmpty()) {
      this.resolvedCount = null;
      this.status.textContent = "No recipients chosen yet.";
      this.resolvedDetails.hidden = true;
      return;
    }
    if (this.check().length > 0) {
      this.status.textContent = "Correct the country codes to see who this reaches.";
      this.resolvedDetails.hidden = true;
      return;
    }
    let result;
    try {
      result = await this.app.api.post(`/operations/${segment(this.code)}/recipients/resolve`, {
        recipients: this.selection(),
      });
    } catch (error) {
      if (sequence === this.resolveSequence) this.status.textContent = `The selection could not be checked: ${error.message}`;
      return;
    }
    if (sequence !== this.resolveSequence) return;
    this.resolvedCount = result.count;
    this.element.dataset.resolvedCount = String(result.count);
    this.status.textContent =
      result.count === 0
        ? "This selection reaches nobody."
        : `This selection reaches ${formatNumber(result.count)} ${result.count === 1 ? "person" : "people"}.`;
    replaceChildren(
      this.resolvedList,
      result.users.map((user) => h("li", {}, `${user.display_name} (${ROLE_LABELS[user.role] || user.role}, ${user.country})`)),
    );
    this.resolvedDetails.hidden = result.count === 0;
  }
}
