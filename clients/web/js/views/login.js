// The login form and the choice of operation.

import { segment } from "../api.js";
import { h, replaceChildren } from "../dom.js";
import { ROLE_LABELS } from "../data.js";

export function loginView(app) {
  const title = h("h2", { tabindex: "-1" }, "Log in");
  const username = h("input", { id: "login-username", name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false" });
  const password = h("input", { id: "login-password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const error = h("p", { class: "notice error", role: "alert", hidden: true, id: "login-error" });
  const button = h("button", { type: "submit", class: "primary" }, "Log in");
  const form = h(
    "form",
    { class: "login-form", novalidate: true, "aria-describedby": "login-error" },
    h("div", { class: "field" }, h("label", { for: "login-username" }, "Username"), username),
    h("div", { class: "field" }, h("label", { for: "login-password" }, "Password"), password),
    error,
    h("div", { class: "form-actions" }, button),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    if (!username.value.trim() || !password.value) {
      error.textContent = "Enter your username and password.";
      error.hidden = false;
      (username.value.trim() ? password : username).focus();
      return;
    }
    button.disabled = true;
    try {
      await app.session.login(username.value.trim(), password.value);
    } catch (failure) {
      button.disabled = false;
      error.textContent = loginFailureText(failure);
      error.hidden = false;
      password.select();
      return;
    }
    password.value = "";
    await app.loggedIn();
  });
  return {
    element: h("section", { class: "login" }, title, form),
    focusTarget: () => username,
  };
}

function loginFailureText(failure) {
  if (failure.status === 401) return "The username or password is wrong.";
  if (failure.status === 429) {
    const minutes = failure.retryAfter ? Math.ceil(failure.retryAfter / 60) : null;
    return minutes
      ? `Too many failed logins for this username. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`
      : "Too many failed logins for this username. Try again later.";
  }
  if (failure instanceof TypeError) return "The server could not be reached. Check the connection and try again.";
  return failure.message;
}

export function operationsView(app) {
  const title = h("h2", { tabindex: "-1" }, "Choose an operation");
  const list = h("ul", { class: "operation-list" });
  const memberships = app.me.memberships;
  if (memberships.length === 0) {
    list.append(h("li", {}, "You are not a member of any operation. An OCU of the operation, or an administrator, can add you."));
  }
  for (const membership of memberships) {
    const operation = membership.operation;
    list.append(
      h(
        "li",
        {},
        h(
          "a",
          { class: "operation-choice", href: `#/op/${segment(operation.code)}/mailbox/inbox` },
          h("span", { class: "operation-name" }, operation.name),
          h("span", { class: "operation-code" }, operation.code),
          h(
            "span",
            { class: "operation-role" },
            `Your role: ${ROLE_LABELS[membership.role] || membership.role}, country ${membership.country}`,
            operation.status === "closed" ? " (closed)" : "",
          ),
        ),
      ),
    );
  }
  const element = h("section", { class: "operations" }, title, list);
  return { element, focusTarget: () => title };
}

/** Show the page-level error of a failed start, with a way to retry. */
export function startFailureView(message, retry) {
  const element = h("section", { class: "start-failure" });
  replaceChildren(
    element,
    h("h2", { tabindex: "-1" }, "The application could not start"),
    h("p", { class: "notice error" }, message),
    h("button", { type: "button", onclick: retry }, "Try again"),
  );
  return { element, focusTarget: () => element.querySelector("h2") };
}
