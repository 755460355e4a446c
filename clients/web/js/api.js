// Calls to the REST API under /api/v1 with the access token in the
// Authorization header, and problem details turned into ApiError.

import { readProblem } from "./session.js";

export const API_BASE = "/api/v1";

export class ApiError extends Error {
  constructor(status, problem) {
    const detail = problem.detail || problem.title || `The request failed (HTTP ${status}).`;
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }
}

export class Api {
  constructor(session) {
    this.session = session;
  }

  /**
   * Send a request and return the decoded JSON (null for 204), or the Response
   * itself with `raw: true`. A 401 is retried once after refreshing the token.
   */
  async request(method, path, { json, form, query, raw = false } = {}) {
    const url = buildUrl(path, query);
    let response = await this.#send(method, url, json, form);
    if (response.status === 401 && this.session.refreshToken !== null) {
      await this.session.refresh();
      response = await this.#send(method, url, json, form);
    }
    if (!response.ok) {
      throw new ApiError(response.status, await readProblem(response));
    }
    if (raw) return response;
    if (response.status === 204) return null;
    return response.json();
  }

  get(path, query) {
    return this.request("GET", path, { query });
  }

  post(path, json) {
    return this.request("POST", path, { json });
  }

  patch(path, json) {
    return this.request("PATCH", path, { json });
  }

  delete(path) {
    return this.request("DELETE", path);
  }

  /** Fetch every page of a list endpoint, up to `maxItems` items. */
  async getAll(path, query = {}, maxItems = 5000) {
    const items = [];
    let cursor = null;
    do {
      const page = await this.get(path, { ...query, limit: 200, cursor });
      items.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor && items.length < maxItems);
    return items;
  }

  async #send(method, url, json, form) {
    const token = await this.session.accessToken();
    const headers = { Authorization: `Bearer ${token}` };
    let body;
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    } else if (form !== undefined) {
      body = form;
    }
    try {
      return await fetch(url, { method, headers, body });
    } catch (error) {
      throw new ApiError(0, {
        title: "Network error",
        detail: `The server could not be reached (${error.message}). Check the connection and try again.`,
      });
    }
  }
}

/** Return the path under /api/v1 with the query's non-empty values. */
export function buildUrl(path, query) {
  const url = new URL(API_BASE + path, window.location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value === undefined || value === null || value === "" || value === false) continue;
    url.searchParams.set(name, String(value));
  }
  return url.pathname + url.search;
}

/** Encode one path segment of an operation code, id or container number. */
export function segment(value) {
  return encodeURIComponent(value);
}
