// The application shell: login state, the chosen operation, navigation, the
// hash router and the live mailbox connection shared by the screens.

import { Api, segment } from "./api.js";
import { FOLDER_LABELS, loadData } from "./data.js";
import { announce, focusElement, formatNumber, h, hiddenLabel, replaceChildren } from "./dom.js";
import { LiveMailbox } from "./live.js";
import { Session } from "./session.js";
import { composeView } from "./views/compose.js";
import { containersView } from "./views/containers.js";
import { draftsView } from "./views/drafts.js";
import { loginView, operationsView, startFailureView } from "./views/login.js";
import { mailboxView } from "./views/mailbox.js";
import { messageView } from "./views/message.js";
import { searchView } from "./views/search.js";

const FOLDERS = ["inbox", "sent", "archive", "trash"];
const COUNTS_DELAY_MS = 300;
const LIVE_STATUS_TEXT = {
  offline: "Offline",
  connecting: "Connecting…",
  "catching-up": "Catching up…",
  live: "Live",
};

class App {
  constructor() {
    this.session = new Session();
    this.api = new Api(this.session);
    this.live = new LiveMailbox(this.session);
    this.data = null;
    this.me = null;
    this.operation = null;
    this.view = null;
    this.routeSequence = 0;
    this.itemCache = new Map();
    this.counts = {};
    this.countsTimer = null;
    this.main = document.getElementById("main");
    this.nav = document.getElementById("nav");
    this.header = {
      operation: document.getElementById("operation-info"),
      user: document.getElementById("user-info"),
      liveStatus: document.getElementById("live-status"),
      logout: document.getElementById("logout"),
    };
  }

  async start() {
    try {
      this.data = await loadData();
    } catch (error) {
      this.#mount(startFailureView(error.message, () => window.location.reload()));
      return;
    }
    this.header.logout.addEventListener("click", () => this.logout());
    this.session.addEventListener("expired", () => this.#expired());
    this.live.addEventListener("status", (event) => this.#showLiveStatus(event.detail));
    this.live.addEventListener("event", (event) => this.#liveEvent(event.detail));
    this.live.addEventListener("resync", () => this.#resync());
    this.live.addEventListener("ended", () => this.#expired());
    window.addEventListener("hashchange", () => this.route());
    document.getElementById("skip-link").addEventListener("click", (event) => {
      event.preventDefault();
      focusElement(this.main);
    });
    if (this.session.refreshToken !== null) {
      try {
        await this.loggedIn();
        return;
      } catch {
        // The stored login is no longer valid: show the login form.
      }
    }
    this.route();
  }

  /** Load the caller and open the first screen after a login. */
  async loggedIn() {
    this.me = await this.api.get("/me");
    replaceChildren(this.header.user, this.me.display_name, hiddenLabel(` (${this.me.username})`));
    this.header.logout.hidden = false;
    this.live.start();
    const hash = window.location.hash;
    if (!hash.startsWith("#/op/")) {
      const memberships = this.me.memberships;
      const next = memberships.length === 1 ? `#/op/${segment(memberships[0].operation.code)}/mailbox/inbox` : "#/operations";
      this.navigate(next);
      return;
    }
    this.route();
  }

  async logout() {
    this.live.stop();
    await this.session.logout();
    this.#forget();
    announce("Logged out.");
    this.navigate("#/login");
  }

  navigate(hash) {
    if (window.location.hash === hash) this.route();
    else window.location.hash = hash;
  }

  /** Show the screen of the current address. */
  async route() {
    const sequence = ++this.routeSequence;
    const { parts, params } = parseHash(window.location.hash);

    if (this.me === null) {
      this.#setOperation(null);
      if (parts[0] !== "login" && parts.length) window.history.replaceState(null, "", "#/login");
      this.#mount(loginView(this));
      return;
    }

    if (parts[0] !== "op") {
      this.#setOperation(null);
      this.#mount(operationsView(this));
      return;
    }
    const membership = this.me.memberships.find((entry) => entry.operation.code === parts[1]);
    if (!membership) {
      this.#setOperation(null);
      this.#mount(operationsView(this));
      return;
    }

    this.#setOperation(membership);
    const [, , screen, argument] = parts;
    this.#markNav(screen === "mailbox" ? `mailbox/${argument}` : screen);
    let view;
    if (screen === "mailbox" && FOLDERS.includes(argument)) {
      view = mailboxView(this, argument);
    } else if (screen === "message" && argument) {
      this.#mount({ element: h("p", { class: "loading" }, "Loading the message…") });
      view = await messageView(this, argument, params);
    } else if (screen === "compose") {
      this.#mount({ element: h("p", { class: "loading" }, "Loading…") });
      view = await composeView(this, params);
    } else if (screen === "drafts") {
      view = draftsView(this);
    } else if (screen === "search") {
      view = searchView(this, params);
    } else if (screen === "containers") {
      view = containersView(this, argument || "");
    } else {
      this.navigate(`#/op/${segment(membership.operation.code)}/mailbox/inbox`);
      return;
    }

    if (sequence !== this.routeSequence) return;
    this.#mount(view);
  }

  /** Fetch the unread count of each folder and the draft count, soon. */
  refreshCounts() {
    window.clearTimeout(this.countsTimer);
    this.countsTimer = window.setTimeout(() => this.#loadCounts(), COUNTS_DELAY_MS);
  }

  async #loadCounts() {
    if (this.operation === null) return;
    const code = this.operation.code;
    const base = `/operations/${segment(code)}`;
    try {
      const pages = await Promise.all(FOLDERS.map((folder) => this.api.get(`${base}/mailbox`, { folder, limit: 1 })));
      const drafts = await this.api.get(`${base}/drafts`, { limit: 1 });
      if (this.operation === null || this.operation.code !== code) return;
      FOLDERS.forEach((folder, index) => {
        this.counts[folder] = pages[index].unread_count;
      });
      this.counts.drafts = drafts.count;
    } catch {
      return;
    }
    this.#renderCounts();
    if (this.view && typeof this.view.setCounts === "function") this.view.setCounts(this.counts);
  }

  #setOperation(membership) {
    const code = membership ? membership.operation.code : null;
    if (code === (this.operation && this.operation.code)) return;
    this.operation = membership
      ? { code, name: membership.operation.name, status: membership.operation.status, role: membership.role, country: membership.country }
      : null;
    this.counts = {};
    this.#renderHeader();
    this.#renderNav();
    if (membership) this.refreshCounts();
  }

  #renderHeader() {
    const operation = this.operation;
    if (operation === null) {
      replaceChildren(this.header.operation);
      return;
    }
    const change = this.me.memberships.length > 1 ? h("a", { href: "#/operations", class: "change-operation" }, "Change operation") : null;
    replaceChildren(
      this.header.operation,
      h("span", { class: "operation-name" }, operation.name),
      " ",
      h("span", { class: "operation-role" }, `${roleText(operation.role)} · ${operation.country}`),
      operation.status === "closed" ? h("span", { class: "badge" }, "closed") : null,
      change ? [" ", change] : null,
    );
  }

  #renderNav() {
    if (this.operation === null) {
      replaceChildren(this.nav);
      this.nav.hidden = true;
      return;
    }
    const base = `#/op/${segment(this.operation.code)}`;
    const link = (key, href, label, counted = false) =>
      h(
        "li",
        {},
        h("a", { href, dataset: { nav: key } }, label, counted ? h("span", { class: "count", dataset: { count: key } }) : null),
      );
    const folderLinks = FOLDERS.map((folder) => link(`mailbox/${folder}`, `${base}/mailbox/${folder}`, FOLDER_LABELS[folder], true));
    replaceChildren(
      this.nav,
      h("ul", { class: "nav-folders", "aria-label": "Folders" }, folderLinks),
      h(
        "ul",
        { class: "nav-tools", "aria-label": "Tools" },
        link("compose", `${base}/compose`, "Compose"),
        link("drafts", `${base}/drafts`, "Drafts", true),
        link("search", `${base}/search`, "Search"),
        link("containers", `${base}/containers`, "Containers"),
      ),
    );
    this.nav.hidden = false;
  }

  #renderCounts() {
    for (const element of this.nav.querySelectorAll("[data-count]")) {
      const key = element.dataset.count.replace("mailbox/", "");
      const count = this.counts[key];
      if (!count) {
        replaceChildren(element);
        continue;
      }
      const noun = key === "drafts" ? "" : " unread";
      replaceChildren(element, formatNumber(count), hiddenLabel(noun));
    }
  }

  #markNav(key) {
    for (const anchor of this.nav.querySelectorAll("a[data-nav]")) {
      if (anchor.dataset.nav === key) anchor.setAttribute("aria-current", "page");
      else anchor.removeAttribute("aria-current");
    }
  }

  #mount(view) {
    if (this.view && typeof this.view.destroy === "function") this.view.destroy();
    this.view = view;
    replaceChildren(this.main, view.element);
    const target = typeof view.focusTarget === "function" ? view.focusTarget() : null;
    if (target) focusElement(target);
    else focusElement(this.main);
  }

  #liveEvent(frame) {
    if (frame.item) this.itemCache.set(frame.item.id, frame.item);
    if (this.view && typeof this.view.onLive === "function") this.view.onLive(frame);
    if (this.operation && frame.operation === this.operation.code) this.refreshCounts();
  }

  #resync() {
    if (this.view && typeof this.view.onResync === "function") this.view.onResync();
    this.refreshCounts();
  }

  #showLiveStatus({ state, retryInSeconds }) {
    const element = this.header.liveStatus;
    element.dataset.state = state;
    element.textContent =
      state === "reconnecting" ? `Offline: reconnecting in ${retryInSeconds} s` : LIVE_STATUS_TEXT[state] || state;
  }

  #expired() {
    if (this.me === null) return;
    this.live.stop();
    this.#forget();
    this.navigate("#/login");
    announce("Your login has ended; log in again.");
  }

  #forget() {
    this.me = null;
    this.itemCache.clear();
    this.#setOperation(null);
    replaceChildren(this.header.user);
    this.header.logout.hidden = true;
  }
}

function roleText(role) {
  return { ocu: "OCU", ncp: "NCP", user: "User" }[role] || role;
}

/** Split "#/op/code/message/id?item=x" into decoded path parts and parameters. */
export function parseHash(hash) {
  const text = hash.replace(/^#\/?/, "");
  const question = text.indexOf("?");
  const path = question >= 0 ? text.slice(0, question) : text;
  const query = question >= 0 ? text.slice(question + 1) : "";
  const parts = path
    .split("/")
    .filter(Boolean)
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  return { parts, params: new URLSearchParams(query) };
}

new App().start();
