// The login: the access token in memory, the refresh token in sessionStorage.
//
// sessionStorage lives as long as the browser tab, so a reload keeps the user
// logged in and closing the tab ends it. Neither token ever goes into a URL.

const REFRESH_TOKEN_KEY = "cencomm.refresh_token";
// Refresh the access token when this share of its lifetime has passed.
const REFRESH_AT_SHARE = 0.8;

export class SessionExpired extends Error {
  constructor() {
    super("Your login has expired; log in again.");
    this.name = "SessionExpired";
  }
}

export class Session extends EventTarget {
  #accessToken = null;
  #expiresAt = 0;
  #refreshing = null;
  #timer = null;

  get loggedIn() {
    return this.#accessToken !== null || this.refreshToken !== null;
  }

  get refreshToken() {
    return window.sessionStorage.getItem(REFRESH_TOKEN_KEY);
  }

  /** Log in with the OAuth2 password form; throws the failed Response's problem. */
  async login(username, password) {
    const form = new URLSearchParams({ username, password });
    const response = await fetch("/api/v1/auth/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form,
    });
    if (!response.ok) {
      const problem = await readProblem(response);
      const error = new Error(problem.detail || `Login failed (HTTP ${response.status}).`);
      error.status = response.status;
      error.retryAfter = Number(response.headers.get("Retry-After")) || null;
      throw error;
    }
    this.#store(await response.json());
  }

  /** Return a valid access token, refreshing it first when it is about to expire. */
  async accessToken() {
    if (this.#accessToken !== null && Date.now() < this.#expiresAt - 5000) {
      return this.#accessToken;
    }
    await this.refresh();
    return this.#accessToken;
  }

  /** Exchange the refresh token for a new pair; one exchange at a time. */
  refresh() {
    if (this.#refreshing === null) {
      this.#refreshing = this.#exchange().finally(() => {
        this.#refreshing = null;
      });
    }
    return this.#refreshing;
  }

  async #exchange() {
    const refreshToken = this.refreshToken;
    if (refreshToken === null) {
      this.#clear();
      throw new SessionExpired();
    }
    let response;
    try {
      response = await fetch("/api/v1/auth/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: refreshToken }),
      });
    } catch (error) {
      // The server is unreachable: keep the refresh token for a later try.
      throw new TypeError(`The server could not be reached: ${error.message}`);
    }
    if (response.status === 401) {
      this.#clear();
      this.dispatchEvent(new Event("expired"));
      throw new SessionExpired();
    }
    if (!response.ok) {
      throw new Error(`Refreshing the login failed (HTTP ${response.status}).`);
    }
    this.#store(await response.json());
  }

  /** Revoke the refresh token on the server and forget both tokens. */
  async logout() {
    const refreshToken = this.refreshToken;
    this.#clear();
    if (refreshToken === null) return;
    try {
      await fetch("/api/v1/auth/logout", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: refreshToken }),
      });
    } catch {
      // The tokens are gone from this tab; the server expires the login later.
    }
  }

  #store(pair) {
    this.#accessToken = pair.access_token;
    this.#expiresAt = Date.now() + pair.expires_in * 1000;
    window.sessionStorage.setItem(REFRESH_TOKEN_KEY, pair.refresh_token);
    window.clearTimeout(this.#timer);
    this.#timer = window.setTimeout(() => {
      this.refresh().catch(() => {});
    }, pair.expires_in * 1000 * REFRESH_AT_SHARE);
    this.dispatchEvent(new Event("token"));
  }

  #clear() {
    this.#accessToken = null;
    this.#expiresAt = 0;
    window.clearTimeout(this.#timer);
    window.sessionStorage.removeItem(REFRESH_TOKEN_KEY);
  }
}

/** Read an RFC 9457 problem body, or describe the response when it has none. */
export async function readProblem(response) {
  try {
    const problem = await response.json();
    if (problem && typeof problem === "object") return problem;
  } catch {
    // Not JSON: fall through.
  }
  return { status: response.status, title: response.statusText, detail: "" };
}
