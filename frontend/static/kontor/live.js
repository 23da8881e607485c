// The live socket of one browser tab: connects to /ws/, resumes after the highest event id seen,
// drops ids it already has, and hands every event to the page as a DOM event.
//
//   document.addEventListener("kontor:event", (e) => e.detail)            every event frame
//   document.addEventListener("kontor:event:company.updated", ...)        one kind
//   import { onEvent, send } from "./live.js"                             the same, as functions
//   document.addEventListener("kontor:frame", (e) => e.detail)            other frames (ack,
//   onFrame(type, fn)                                                     chat.typing, error)
//   document.addEventListener("kontor:access", (e) => e.detail)           the person's reach
//                                                                         changed: {companies, staff}
//
// When the reach no longer includes the company of a workspace page (body[data-company]), the page
// says so and the socket stops reconnecting; the home page (body[data-companies]) reloads when its
// set of companies changed. A credential that ended ("signed_out", close code 4401) leads to the
// sign-in page; 4503 ("reach could not be re-checked") is an ordinary reconnect.
//
// Protocol: docs/realtime.md. Ids normally increase, but an event that committed late can arrive
// after a higher one, and a resume replays a lookback window: hence the set of seen ids.

const SEEN_LIMIT = 5000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_CAP_MS = 30000;
const PING_EVERY_MS = 25000;
// No frame at all (not even a pong) for this long: the connection is dead without having said so.
const SILENCE_LIMIT_MS = 2 * PING_EVERY_MS + 5000;
const CLOSE_SIGNED_OUT = 4401;

const wordsElement = document.getElementById("live-i18n");
const words = wordsElement ? JSON.parse(wordsElement.textContent) : {};

const stateElement = document.getElementById("live-state");
let highest = Number.parseInt(document.body.dataset.lastEvent || "0", 10) || 0;
const seen = new Set(); // insertion order = age; the oldest id is evicted first
let socket = null;
let state = "connecting";
let failures = 0;
let retryTimer = null;
let pingTimer = null;
let lastFrameAt = 0;
// No reconnect any more: access to this page's company ended, or the person signed out.
let stopped = false;

function stateShow(next) {
  state = next;
  if (!stateElement) return;
  stateElement.dataset.state = next;
  const label = stateElement.dataset[`label${next[0].toUpperCase()}${next.slice(1)}`];
  if (label && stateElement.textContent !== label) stateElement.textContent = label;
}

function remember(id) {
  if (seen.has(id)) return false;
  seen.add(id);
  if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value);
  if (id > highest) highest = id;
  return true;
}

function socketUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws/?after=${highest}`;
}

function deliver(frame) {
  if (!Number.isInteger(frame.id) || !remember(frame.id)) return;
  document.dispatchEvent(new CustomEvent("kontor:event", { detail: frame }));
  document.dispatchEvent(new CustomEvent(`kontor:event:${frame.kind}`, { detail: frame }));
}

function receive(message) {
  lastFrameAt = Date.now();
  let frame;
  try {
    frame = JSON.parse(message.data);
  } catch {
    return;
  }
  if (frame.type === "event") deliver(frame);
  else if (frame.type === "reset") location.reload(); // too much missed: the page reloads its state
  else if (frame.type === "access") accessFollow(frame);
  else if (frame.type === "signed_out") signedOut();
  else {
    if (frame.type === "error") console.warn("kontor live:", frame.code, frame.message);
    if (frame.type !== "pong") document.dispatchEvent(new CustomEvent("kontor:frame", { detail: frame }));
  }
}

function accessFollow(frame) {
  document.dispatchEvent(new CustomEvent("kontor:access", { detail: frame }));
  const companies = (frame.companies ?? []).map(String);
  const here = document.body.dataset.company;
  if (here && !companies.includes(here)) {
    accessLostShow();
    return;
  }
  const rendered = document.body.dataset.companies;
  if (rendered === undefined) return;
  const before = rendered.split(",").filter(Boolean).sort().join(",");
  if (before !== [...companies].sort().join(",")) location.reload();
}

function accessLostShow() {
  stopped = true;
  if (document.getElementById("access-lost")) return;
  const banner = document.createElement("div");
  banner.id = "access-lost";
  banner.className = "access-lost";
  banner.setAttribute("role", "alert");
  const link = document.createElement("a");
  link.href = document.querySelector(".brand")?.getAttribute("href") || "/";
  link.textContent = words.home ?? "";
  banner.append(words.accessLost ?? "", link);
  const main = document.getElementById("main") ?? document.body;
  main.prepend(banner);
}

// The person pressed "Sign out" in this tab: the page that follows is the sign-in page anyway.
let signingOut = false;
document.addEventListener("submit", (event) => {
  if (event.target instanceof HTMLFormElement && event.target.matches(".account__signout")) {
    signingOut = true;
  }
});

function signedOut() {
  stopped = true;
  clearTimeout(retryTimer);
  if (signingOut) return;
  const here = location.pathname + location.search + location.hash;
  location.assign(`/signin/?next=${encodeURIComponent(here)}`);
}

function connect() {
  clearTimeout(retryTimer);
  retryTimer = null;
  if (navigator.onLine === false) {
    stateShow("offline");
    return; // the "online" listener below tries again
  }
  const current = new WebSocket(socketUrl());
  socket = current;
  current.addEventListener("open", () => {
    failures = 0; // a successful open resets the backoff
    lastFrameAt = Date.now();
    stateShow("live");
    pingTimer = setInterval(() => {
      if (Date.now() - lastFrameAt > SILENCE_LIMIT_MS) current.close();
      else send({ type: "ping" });
    }, PING_EVERY_MS);
  });
  current.addEventListener("message", receive);
  current.addEventListener("close", (event) => {
    if (socket !== current) return;
    clearInterval(pingTimer);
    socket = null;
    if (event.code === CLOSE_SIGNED_OUT) signedOut();
    else if (stopped) stateShow("offline");
    else retryLater(); // 4503 (the reach could not be checked again) included: as usual
  });
}

function retryLater() {
  if (retryTimer !== null) return;
  if (navigator.onLine === false) {
    stateShow("offline");
    return;
  }
  stateShow("reconnecting");
  // Exponential backoff with jitter: a server restart is not met by every tab at the same instant.
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_FIRST_MS * 2 ** failures);
  failures += 1;
  const delay = ceiling / 2 + Math.random() * (ceiling / 2);
  retryTimer = setTimeout(connect, delay);
}

window.addEventListener("online", () => {
  if (socket === null && !stopped) {
    failures = 0;
    connect();
  }
});
window.addEventListener("offline", () => {
  stateShow("offline");
  if (socket !== null) socket.close(); // reconnects with a fresh resume once back online
});
window.addEventListener("pagehide", () => {
  // Leaving the page: close quietly so that no reconnect is scheduled.
  const current = socket;
  socket = null;
  clearInterval(pingTimer);
  if (current) current.close(1000);
});
window.addEventListener("pageshow", (event) => {
  if (event.persisted && socket === null && !stopped) connect(); // back from the bfcache
});

/** Call `fn(frame)` for every event of `kind` ("*" for all); returns a function that stops it. */
export function onEvent(kind, fn) {
  const type = kind === "*" ? "kontor:event" : `kontor:event:${kind}`;
  const listener = (event) => fn(event.detail);
  document.addEventListener(type, listener);
  return () => document.removeEventListener(type, listener);
}

/** Call `fn(frame)` for every non-event frame of `type` (ack, chat.typing, error); returns a stop. */
export function onFrame(type, fn) {
  const listener = (event) => {
    if (event.detail?.type === type) fn(event.detail);
  };
  document.addEventListener("kontor:frame", listener);
  return () => document.removeEventListener("kontor:frame", listener);
}

/** Send a frame to the server; false when the socket is not open (the caller may retry). */
export function send(frame) {
  if (socket === null || socket.readyState !== WebSocket.OPEN) return false;
  socket.send(JSON.stringify(frame));
  return true;
}

/** The CSRF token for fetch() calls that change something (header X-CSRFToken). */
export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content ?? "";
}

export function liveState() {
  return state;
}

// For the console and the browser tests.
window.kontorLive = {
  get socket() {
    return socket;
  },
  get highest() {
    return highest;
  },
  get state() {
    return state;
  },
  get stopped() {
    return stopped;
  },
  onEvent,
  send,
};

connect();
