// The form of a formatted type's fields (warning, feedback, seizure): one
// control per field, built from data/fields.json.

import { segment } from "../api.js";
import { h, uniqueId, utcText } from "../dom.js";
import { MEKONG_COUNTRIES, MEKONG_CURRENCIES, choiceLabel } from "../data.js";
import { checkField, checkFieldSet, todayInEasternmostZone } from "./field-checks.js";
import { FormField } from "./form-field.js";

const OTHER_REFERENCE = "__other";

export class FieldsForm {
  constructor(app, type) {
    this.app = app;
    this.type = type;
    this.data = app.data;
    this.typeSpec = this.data.specs.types[type];
    this.fields = new Map();
    this.readers = new Map();
    this.writers = new Map();
    this.element = h(
      "fieldset",
      { class: "fields-form" },
      h("legend", {}, `${this.typeSpec.label}: fields`),
    );
    this.error = h("p", { class: "field-error", id: uniqueId("error"), hidden: true });
    this.element.append(this.error);
    const grid = h("div", { class: "field-grid" });
    for (const name of this.typeSpec.fields) {
      grid.append(this.#buildField(name));
    }
    this.element.append(grid);
  }

  /** Return the checked field values, or the errors of every failed check. */
  collect() {
    const values = {};
    const errors = [];
    for (const name of this.typeSpec.fields) {
      const spec = this.data.specs.fields[name];
      const result = checkField(name, spec, this.readers.get(name)(), this.data);
      if (result.errors) errors.push(...result.errors);
      else if (result.value !== undefined) values[name] = result.value;
    }
    const failed = new Set(errors.map((error) => error.field.replace(/\[.*$/, "")));
    for (const error of checkFieldSet(this.type, values, this.data)) {
      if (!failed.has(error.field)) errors.push(error);
    }
    return { values, errors };
  }

  /** Fill the controls from a fields object (of a draft). */
  setValues(fields) {
    for (const [name, value] of Object.entries(fields || {})) {
      const write = this.writers.get(name);
      if (write) write(value);
    }
  }

  /** Return the FormField of a path such as `fields.container_numbers[1]`. */
  fieldFor(path) {
    const match = /^fields\.([a-z_]+)/.exec(path);
    return match ? this.fields.get(match[1]) || null : null;
  }

  showGeneralError(message) {
    this.error.textContent = message;
    this.error.hidden = false;
  }

  clearErrors() {
    this.error.hidden = true;
    this.error.textContent = "";
    for (const field of this.fields.values()) field.clearError();
  }

  #buildField(name) {
    const spec = this.data.specs.fields[name];
    const required = this.typeSpec.required.includes(name);
    const built = this.#buildControl(name, spec, required);
    const field = new FormField({
      label: spec.label,
      control: built.control,
      extraControls: built.extraControls || [],
      hint: built.hint || "",
      required,
    });
    field.element.dataset.field = name;
    this.fields.set(name, field);
    this.readers.set(name, built.read);
    this.writers.set(name, built.write);
    return field.finish();
  }

  #buildControl(name, spec, required) {
    // Container numbers are shown one per line, other lists comma-separated.
    const separator = spec.kind === "container_list" ? "\n" : ", ";
    const textValue = (control) => ({
      control,
      read: () => control.value,
      write: (value) => {
        control.value = Array.isArray(value) ? value.join(separator) : String(value);
      },
    });
    switch (spec.kind) {
      case "text":
        return textValue(h("input", { type: "text", name, autocomplete: "off" }));
      case "long_text":
        return textValue(h("textarea", { name, rows: 3 }));
      case "enum":
        return textValue(this.#select(name, required, spec.choices.map((value) => [value, choiceLabel(this.data, value)])));
      case "country":
        return textValue(this.#countrySelect(name, required));
      case "currency":
        return textValue(this.#currencySelect(name, required));
      case "date":
        return textValue(h("input", { type: "date", name }));
      case "past_date":
        return {
          ...textValue(h("input", { type: "date", name, max: todayInEasternmostZone() })),
          hint: "Not after today.",
        };
      case "positive_number":
        return { ...textValue(h("input", { type: "number", name, step: "any", min: "0", inputmode: "decimal" })), hint: "Greater than 0." };
      case "non_negative_number":
        return { ...textValue(h("input", { type: "number", name, step: "any", min: "0", inputmode: "decimal" })), hint: "0 or more; give the currency too." };
      case "count":
        return textValue(h("input", { type: "number", name, step: "1", min: "0", inputmode: "numeric" }));
      case "country_list":
        return {
          ...textValue(h("input", { type: "text", name, autocomplete: "off", spellcheck: "false" })),
          hint: "ISO country codes separated by commas, like LA, TH.",
        };
      case "container_list":
        return {
          ...textValue(h("textarea", { name, rows: 2, spellcheck: "false" })),
          hint: "ISO 6346 numbers, one per line or separated by commas, like MSCU6634879.",
        };
      case "reference":
        return this.#referenceControl(name, spec, required);
      default:
        return textValue(h("input", { type: "text", name }));
    }
  }

  #select(name, required, options, groups = null) {
    const select = h("select", { name });
    select.append(h("option", { value: "" }, required ? "Choose…" : "Not given"));
    if (groups) {
      for (const [label, entries] of groups) {
        const group = h("optgroup", { label });
        for (const [value, text] of entries) group.append(h("option", { value }, text));
        select.append(group);
      }
    } else {
      for (const [value, text] of options) select.append(h("option", { value }, text));
    }
    return select;
  }

  #countrySelect(name, required) {
    const entry = (code) => [code, `${code} – ${this.data.countryNames.get(code) || code}`];
    return this.#select(name, required, [], [
      ["Mekong countries", MEKONG_COUNTRIES.map(entry)],
      ["All countries", this.data.countries.map((country) => entry(country.code))],
    ]);
  }

  #currencySelect(name, required) {
    const entry = (code) => [code, `${code} – ${this.data.currencyNames.get(code) || code}`];
    return this.#select(name, required, [], [
      ["Common currencies", MEKONG_CURRENCIES.map(entry)],
      ["All currencies", this.data.currencies.map((currency) => entry(currency.code))],
    ]);
  }

  /** A select of the visible messages of the referred type, or a typed id. */
  #referenceControl(name, spec, required) {
    const select = h("select", { name });
    select.append(h("option", { value: "" }, required ? "Choose…" : "None"));
    const otherOption = h("option", { value: OTHER_REFERENCE }, "Another message: enter its id");
    select.append(otherOption);
    const input = h("input", {
      type: "text",
      name: `${name}_id`,
      autocomplete: "off",
      spellcheck: "false",
      "aria-label": `Message id of the ${spec.refers_to}`,
      hidden: true,
    });
    let pending = null;
    const showInput = () => {
      input.hidden = select.value !== OTHER_REFERENCE;
    };
    select.addEventListener("change", showInput);
    const write = (value) => {
      const id = String(value);
      if ([...select.options].some((option) => option.value === id)) {
        select.value = id;
      } else {
        pending = id;
        select.value = OTHER_REFERENCE;
        input.value = id;
      }
      showInput();
    };
    this.#loadReferences(spec.refers_to, select, otherOption).then(() => {
      if (pending !== null && [...select.options].some((option) => option.value === pending)) {
        select.value = pending;
        input.value = "";
        showInput();
      }
    });
    return {
      control: select,
      extraControls: [input],
      read: () => (select.value === OTHER_REFERENCE ? input.value : select.value),
      write,
      hint: `Choose one of the ${spec.refers_to} messages you can see.`,
    };
  }

  async #loadReferences(type, select, otherOption) {
    const code = this.app.operation.code;
    try {
      const page = await this.app.api.get(`/operations/${segment(code)}/messages`, { type, limit: 100 });
      for (const message of page.items) {
        const label = `${message.subject} (${message.sender.country}, ${utcText(message.created_at)})`;
        select.insertBefore(h("option", { value: message.id }, label), otherOption);
      }
    } catch {
      // The list is a convenience; an id can still be entered by hand.
    }
  }
}
