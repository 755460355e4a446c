// The live mailbox over the WebSocket /api/v1/ws.
//
// Protocol: after the socket opens, the client sends
// {"type": "auth", "token", "since"} and the server replies "ready". With
// `since` (the last cursor received) the server first replays the missed
// events and then sends "caught_up", or sends "resync_required" when it cannot
// resume from that cursor. Before the access token expires the client sends a
// new auth frame on the open socket. The server closes with 4401 for an
// invalid or expired token and with 4403 for a deactivated account.
//
// Events: "event" (detail: the frame), "resync" (reload the mailbox over
// REST), "status" (detail: {state, retryInSeconds}), "ended" (the login is no
// longer valid).

const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_DEACTIVATED = 4403;
const CLOSE_NORMAL = 1000;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 15000;

export class LiveMailbox extends EventTarget {
  #socket = null;
  #stopped = true;
  #attempts = 0;
  #retryTimer = null;
  #awaiting = null;
  #onToken = () => this.#reauthenticate();
  #onOnline = () => this.#reconnectNow();

  constructor(session) {
    super();
    this.session = session;
    this.cursor = null;
    this.state = "offline";
  }

  start() {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.session.addEventListener("token", this.#onToken);
    window.addEventListener("online", this.#onOnline);
    this.#connect();
  }

  stop() {
    this.#stopped = true;
    this.session.removeEventListener("token", this.#onToken);
    window.removeEventListener("online", this.#onOnline);
    window.clearTimeout(this.#retryTimer);
    if (this.#socket !== null) this.#socket.close(CLOSE_NORMAL, "logged out");
    this.#socket = null;
    this.cursor = null;
    this.#setState("offline");
  }

  #connect() {
    const url = new URL("/api/v1/ws", window.location.href);
    url.protocol = window.location.protocol === "https:" ? "wss:" : "ws:";
    this.#setState("connecting");
    const socket = new WebSocket(url.href);
    this.#socket = socket;
    socket.addEventListener("open", () => this.#authenticate(socket));
    socket.addEventListener("message", (event) => this.#receive(socket, event));
    socket.addEventListener("close", (event) => this.#closed(socket, event));
  }

  async #authenticate(socket) {
    let token;
    try {
      token = await this.session.accessToken();
    } catch (error) {
      if (error.name === "SessionExpired") {
        this.#end();
        return;
      }
      socket.close();
      return;
    }
    if (socket !== this.#socket || socket.readyState !== WebSocket.OPEN) return;
    const frame = { type: "auth", token };
    if (this.cursor !== null) frame.since = this.cursor;
    this.#awaiting = { resuming: this.cursor !== null, renewal: false };
    socket.send(JSON.stringify(frame));
  }

  async #reauthenticate() {
    const socket = this.#socket;
    const authenticated = this.state === "live" || this.state === "catching-up";
    if (socket === null || socket.readyState !== WebSocket.OPEN || !authenticated) return;
    const token = await this.session.accessToken();
    this.#awaiting = { resuming: false, renewal: true };
    socket.send(JSON.stringify({ type: "auth", token }));
  }

  #receive(socket, message) {
    if (socket !== this.#socket) return;
    let frame;
    try {
      frame = JSON.parse(message.data);
    } catch {
      return;
    }
    if (frame.type === "ready") {
      this.#ready();
    } else if (frame.type === "caught_up") {
      this.cursor = frame.cursor;
      this.#setState("live");
    } else if (frame.type === "resync_required") {
      this.cursor = null;
      this.#setState("live");
      this.dispatchEvent(new CustomEvent("resync", { detail: { reason: "resync_required" } }));
    } else if (frame.type === "mailbox.item" || frame.type === "mailbox.updated") {
      this.cursor = frame.cursor;
      this.dispatchEvent(new CustomEvent("event", { detail: frame }));
    }
  }

  #ready() {
    const awaiting = this.#awaiting || { resuming: false, renewal: false };
    this.#awaiting = null;
    this.#attempts = 0;
    if (awaiting.renewal) return;
    if (awaiting.resuming) {
      // Replayed events follow, then caught_up.
      this.#setState("catching-up");
      return;
    }
    // Without a cursor nothing is replayed, so anything that changed before
    // this connection is read over REST.
    this.#setState("live");
    this.dispatchEvent(new CustomEvent("resync", { detail: { reason: "connected" } }));
  }

  async #closed(socket, event) {
    if (socket !== this.#socket) return;
    this.#socket = null;
    if (this.#stopped) return;
    if (event.code === CLOSE_DEACTIVATED) {
      this.#end();
      return;
    }
    if (event.code === CLOSE_UNAUTHORIZED) {
      try {
        await this.session.refresh();
      } catch (error) {
        if (error.name === "SessionExpired") {
          this.#end();
          return;
        }
      }
    }
    this.#scheduleRetry();
  }

  #scheduleRetry() {
    const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.#attempts);
    // Jitter spreads the reconnects of many clients after a server restart.
    const delay = Math.round(base * (0.5 + Math.random() / 2));
    this.#attempts += 1;
    this.#setState("reconnecting", Math.ceil(delay / 1000));
    window.clearTimeout(this.#retryTimer);
    this.#retryTimer = window.setTimeout(() => this.#connect(), delay);
  }

  #reconnectNow() {
    if (this.#stopped || this.#socket !== null) return;
    window.clearTimeout(this.#retryTimer);
    this.#connect();
  }

  #end() {
    this.stop();
    this.dispatchEvent(new Event("ended"));
  }

  #setState(state, retryInSeconds = null) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("status", { detail: { state, retryInSeconds } }));
  }
}
