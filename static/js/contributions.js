// Sharing game rounds, with consent: off until the person says yes, remembered in this browser, and sent
// with every round ("consent": true), which the server requires.
// A round to share is queued in localStorage first and removed only once the server has stored it, so a
// drawing survives a database that is briefly down, a lost connection, a full day's share, or a closed tab.
// After a refusal that may pass, the queue waits as long as the server's Retry-After asks (RETRY_MS at least).

const CONSENT_KEY = "inkling.share.v1";
const CLIENT_ID_KEY = "inkling.client-id.v1";
const QUEUE_KEY = "inkling.pending-contributions.v1";
const RETRY_MS = 30000;

function read(key, fallback) {
  try {
    return JSON.parse(localStorage.getItem(key)) ?? fallback;
  } catch {
    return fallback;
  }
}

function write(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

// crypto.randomUUID exists only in secure contexts; a LAN address over http is not one.
function randomId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class Contributions {
  constructor(url, onStatus) {
    this.url = url;
    this.onStatus = onStatus; // called with a sentence for the person after every change
    this.sending = false;
    this.timer = null;
    this.shared = 0; // rounds stored since this page opened
  }

  get consented() {
    return read(CONSENT_KEY, false) === true;
  }

  set consented(yes) {
    write(CONSENT_KEY, yes);
    if (yes && !read(CLIENT_ID_KEY, null)) this.resetId();
  }

  get pending() {
    return read(QUEUE_KEY, []);
  }

  resetId() {
    write(CLIENT_ID_KEY, randomId());
  }

  // Queue one round (only with consent) and try to send everything queued.
  add(round) {
    if (!this.consented) return;
    const queue = this.pending;
    queue.push({ ...round, consent: true, client_id: read(CLIENT_ID_KEY, null) ?? undefined });
    if (!write(QUEUE_KEY, queue)) this.onStatus("This browser cannot keep drawings to share (storage is full or off).");
    this.flush();
  }

  async flush() {
    if (this.sending) return;
    this.sending = true;
    clearTimeout(this.timer);
    let queue = this.pending;
    let stored = 0;
    let problem = null;
    let waitMs = RETRY_MS;
    while (queue.length) {
      let response;
      try {
        response = await fetch(this.url, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(queue[0]),
        });
      } catch {
        problem = "The server cannot be reached";
        break;
      }
      if (response.status === 201) {
        stored += 1;
      } else if (response.status === 429 || response.status >= 500) {
        const body = await response.json().catch(() => ({}));
        problem =
          response.status === 429
            ? "Inkling has all the drawings it can take from here for now"
            : (body.error ?? `The server could not store it (HTTP ${response.status})`);
        waitMs = Math.max(RETRY_MS, 1000 * (Number(response.headers.get("Retry-After")) || 0));
        break;
      } else {
        // Refused for what it holds: sending it again cannot help, so it leaves the queue, and the person is told.
        const reason = (await response.json().catch(() => ({}))).error ?? `HTTP ${response.status}`;
        this.onStatus(`A drawing was not accepted: ${reason}.`);
      }
      queue = this.pending.slice(1);
      write(QUEUE_KEY, queue);
    }
    this.sending = false;
    if (problem) {
      this.onStatus(
        `${problem}: ${queue.length} drawing${queue.length === 1 ? " is" : "s are"} kept here and sent again soon.`,
      );
      this.timer = setTimeout(() => this.flush(), waitMs);
    } else if (stored) {
      this.shared += stored;
      this.onStatus(`Thank you: ${this.shared} drawing${this.shared === 1 ? "" : "s"} shared.`);
    }
  }
}
