// One labelled form field: its label, control, hint and error message, wired
// together with aria-describedby so that screen readers read hint and error.

import { h, uniqueId } from "../dom.js";

export class FormField {
  /**
   * `control` is an input, select or textarea; `extraControls` are more
   * controls of the same field (the free id input of a reference). A plain
   * field shows its label and then its controls. With `group`, the field is a
   * fieldset whose legend is the label, and the caller appends its content.
   * Call finish() after the content is in place.
   */
  constructor({ label, control, hint = "", required = false, extraControls = [], group = false }) {
    this.control = control;
    this.controls = [control, ...extraControls];
    if (!control.id) control.id = uniqueId("field");
    this.hint = hint ? h("p", { class: "hint", id: uniqueId("hint"), text: hint }) : null;
    this.error = h("p", { class: "field-error", id: uniqueId("error"), hidden: true });
    const labelText = [label, required ? h("span", { class: "required" }, " (required)") : null];
    if (group) {
      this.element = h("fieldset", { class: "field field-group" }, h("legend", {}, labelText));
    } else {
      this.element = h("div", { class: "field" }, h("label", { for: control.id }, labelText));
      this.element.append(...this.controls);
    }
    this.#describe();
  }

  /** Append the field's hint and error below its controls (call after placing them). */
  finish() {
    if (this.hint) this.element.append(this.hint);
    this.element.append(this.error);
    return this.element;
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = false;
    this.element.classList.add("has-error");
    for (const control of this.controls) control.setAttribute("aria-invalid", "true");
  }

  clearError() {
    this.error.textContent = "";
    this.error.hidden = true;
    this.element.classList.remove("has-error");
    for (const control of this.controls) control.removeAttribute("aria-invalid");
  }

  focus() {
    const visible = this.controls.find((control) => !control.hidden && !control.disabled);
    (visible || this.control).focus();
  }

  #describe() {
    const ids = [this.hint?.id, this.error.id].filter(Boolean).join(" ");
    for (const control of this.controls) control.setAttribute("aria-describedby", ids);
  }
}
