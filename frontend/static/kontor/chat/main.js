// The Chat tab of a company's workspace. Loaded instead of pages.js (which it imports), so that
// the socket, the company header and this tab start as one module graph and no event is missed.
//
// Sending goes over the socket with a client_id: the message shows at once (pending), and the ack
// or the chat.message event, whichever comes first, turns it into the stored one. A frame the
// socket could not take is sent again with the same client_id, which the server stores only once.
import "../pages.js";
import { api, localPath, uploadSend } from "../api.js";
import { h, lang, readJson, timeShow, tr } from "../format.js";
import { onEvent, onFrame, send } from "../live.js";

const config = readJson("chat-config");
const strings = readJson("chat-i18n");
const t = (key, values) => tr(strings, key, values);

const RESEND_AFTER_MS = 4000;
const TYPING_EVERY_MS = 3000;
const TYPING_SHOWN_MS = 5000;
const PAGE_SIZE = 50;

const threads = new Map(config.threads.map((thread) => [thread.id, thread]));
const mentionable = config.people ?? [];
const people = new Map(mentionable.map((person) => [person.id, person.name]));
const messages = new Map(); // id -> message, the current thread's
const pending = new Map(); // client_id -> {frame, sentAt, element}
const readers = new Map(); // user -> {lastRead, at}, the current thread's
const typists = new Map(); // user -> timer
const counted = new Set(); // message ids already in an unread badge
const marked = new Map(); // thread -> the newest message id this page marked read
let current = null;
let older = null; // the cursor link to older messages
let replyTo = null;
let lastTypingSent = 0;
let showResolved = false;
let olderLoading = null; // the older page being fetched, shared by whoever asks meanwhile
const historyOpen = new Set(); // message ids whose earlier versions are shown

const el = (id) => document.getElementById(id);
const list = el("messages");
const wrap = el("messages-wrap");
const status = el("chat-status");
const body = el("composer-body");

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function nameOf(user) {
  return people.get(user) ?? `#${user}`;
}

// --- Threads -------------------------------------------------------------------------------------

function threadTitle(thread) {
  return thread.title || t("general");
}

function badgeShow(threadId) {
  const thread = threads.get(threadId);
  const item = document.querySelector(`#threads [data-thread-id="${threadId}"]`);
  if (!thread || !item) return;
  const badge = item.querySelector(".badge");
  badge.hidden = !thread.unread;
  badge.dataset.unread = String(thread.unread);
  badge.querySelector(".badge__count").textContent = String(thread.unread);
}

function threadItem(thread) {
  const link = h(
    "a",
    {
      href: `?thread=${thread.id}`,
      class: `thread-link${thread.audience === "internal" ? " thread-link--internal" : ""}`,
    },
    h("span", { class: "thread-link__title" }, threadTitle(thread)),
    thread.audience === "internal" ? h("span", { class: "tag tag--internal" }, t("officeOnly")) : null,
    h(
      "span",
      { class: "badge", hidden: !thread.unread, dataset: { unread: String(thread.unread) } },
      h("span", { class: "visually-hidden" }, `${t("unreadLabel")} `),
      h("span", { class: "badge__count" }, String(thread.unread)),
    ),
  );
  return h("li", { dataset: { threadId: String(thread.id) } }, link);
}

function threadAdd(thread) {
  if (threads.has(thread.id)) {
    Object.assign(threads.get(thread.id), { title: thread.title, resolved_at: thread.resolved_at ?? null });
  } else {
    threads.set(thread.id, { unread: 0, ...thread });
    el("threads").append(threadItem(threads.get(thread.id)));
  }
  threadStateShow(thread.id);
}

/** Resolved threads leave the list unless "Show resolved" is on; the open one says so. */
function threadStateShow(threadId) {
  const thread = threads.get(threadId);
  const item = document.querySelector(`#threads [data-thread-id="${threadId}"]`);
  if (!thread || !item) return;
  const resolved = Boolean(thread.resolved_at);
  item.hidden = resolved && !showResolved;
  item.querySelector(".thread-link__title").textContent = threadTitle(thread);
  let tag = item.querySelector(".tag--resolved");
  if (resolved && !tag) {
    tag = h("span", { class: "tag tag--resolved" }, t("resolved"));
    item.querySelector(".thread-link__title").after(tag);
  } else if (!resolved && tag) tag.remove();
  if (threadId === current) conversationStateShow();
}

function conversationStateShow() {
  const thread = threads.get(current);
  if (!thread) return;
  const resolved = Boolean(thread.resolved_at);
  const button = el("thread-resolve");
  button.hidden = thread.kind === "permanent";
  button.textContent = resolved ? t("reopen") : t("resolve");
  el("conversation-heading").textContent = threadTitle(thread);
  el("thread-resolved-note").hidden = !resolved;
  el("thread-resolved-note").textContent = resolved ? t("resolvedNote") : "";
  // A resolved conversation takes no new messages (the server refuses them too).
  for (const control of el("composer").querySelectorAll("textarea, button, input")) {
    if (control.id !== "reply-cancel") control.disabled = resolved;
  }
}

async function threadResolveToggle() {
  const thread = threads.get(current);
  if (!thread || thread.kind === "permanent") return;
  const button = el("thread-resolve");
  button.disabled = true;
  try {
    threadAdd(
      await api(`threads/${thread.id}/resolve/`, { method: "POST", json: { resolved: !thread.resolved_at } }),
    );
  } catch (error) {
    status.textContent = error.message || t("loadFailed");
  } finally {
    button.disabled = false;
  }
}

async function threadFetch(threadId) {
  if (threads.has(threadId)) return threads.get(threadId);
  try {
    threadAdd(await api(`threads/${threadId}/`));
  } catch {
    return null; // gone, or never ours: nothing to show
  }
  return threads.get(threadId) ?? null;
}

async function resolvedToggle(event) {
  showResolved = event.target.checked;
  if (showResolved) {
    try {
      for (const thread of await api(`companies/${config.company}/threads/`, { query: { resolved: 1 } })) {
        threadAdd(thread);
      }
    } catch (error) {
      status.textContent = error.message || t("loadFailed");
    }
  }
  for (const threadId of threads.keys()) threadStateShow(threadId);
}

function threadNewWire() {
  const form = el("thread-new");
  const opener = el("thread-new-open");
  const title = el("thread-new-title");
  const close = () => {
    form.hidden = true;
    opener.setAttribute("aria-expanded", "false");
    el("thread-new-error").textContent = "";
    opener.focus();
  };
  opener.addEventListener("click", () => {
    form.hidden = !form.hidden;
    opener.setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) title.focus();
  });
  el("thread-new-cancel").addEventListener("click", close);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = title.value.trim();
    if (!text) return;
    const submit = form.querySelector('button[type="submit"]');
    submit.disabled = true;
    try {
      const thread = await api(`companies/${config.company}/threads/`, {
        method: "POST",
        json: { title: text, internal: el("thread-new-internal")?.checked ?? false },
      });
      threadAdd(thread);
      title.value = "";
      if (el("thread-new-internal")) el("thread-new-internal").checked = false;
      close();
      await threadOpen(thread.id);
    } catch (error) {
      el("thread-new-error").textContent = t("threadCreateFailed", { reason: error.message || t("loadFailed") });
    } finally {
      submit.disabled = false;
    }
  });
}

function threadsWire() {
  el("threads").addEventListener("click", (event) => {
    const link = event.target.closest("a.thread-link");
    if (!link) return;
    event.preventDefault();
    threadOpen(Number(link.closest("li").dataset.threadId));
  });
}

// --- Messages ------------------------------------------------------------------------------------

function isMine(message) {
  return message.author === config.me;
}

function actionButton(label, onclick, extra = "") {
  return h("button", { type: "button", class: `button button--quiet ${extra}`, onclick }, label);
}

function messageDraw(message, { pendingState = null } = {}) {
  if (message.author_name) people.set(message.author, message.author_name);
  const deleted = Boolean(message.deleted_at);
  const classes = ["message"];
  if (isMine(message)) classes.push("message--mine");
  if (message.internal_note) classes.push("message--internal");
  if (deleted) classes.push("message--deleted");
  if (pendingState) classes.push(`message--${pendingState}`);
  const parts = [
    h(
      "p",
      { class: "message__meta" },
      h("strong", {}, message.author_name || nameOf(message.author)),
      " ",
      h("time", { datetime: message.created_at }, timeShow(message.created_at)),
      message.edited_at && !deleted ? " · " : null,
      message.edited_at && !deleted && message.id
        ? h(
            "button",
            {
              type: "button",
              class: "linklike message__edited",
              title: t("editedShow"),
              "aria-expanded": String(historyOpen.has(message.id)),
              onclick: (event) => historyToggle(message.id, event.currentTarget),
            },
            t("edited"),
          )
        : null,
      message.internal_note ? h("span", { class: "tag tag--internal" }, t("internalNote")) : null,
    ),
  ];
  if (message.reply_to) {
    const quoted = messages.get(message.reply_to);
    parts.push(
      h(
        "p",
        { class: "message__quote" },
        quoted ? `${quoted.author_name}: ${(quoted.body || t("deleted")).slice(0, 120)}` : "…",
      ),
    );
  }
  if (deleted) {
    parts.push(h("p", { class: "message__body message__tombstone" }, t("deleted")));
  } else {
    const content = h("div", { class: "message__body" });
    if (message.html) content.innerHTML = message.html; // safe Markdown rendered by the server
    else content.textContent = message.body;
    parts.push(content);
    if (message.attachments?.length) {
      parts.push(
        h(
          "ul",
          { class: "message__attachments" },
          message.attachments.map((file) =>
            h(
              "li",
              {},
              h(
                "a",
                { href: `/api/v1/documents/${file.id}/download/` },
                t("attachment", { name: file.name }),
              ),
            ),
          ),
        ),
      );
    }
  }
  if (pendingState) {
    parts.push(
      h("p", { class: "message__state muted" }, pendingState === "queued" ? t("notSent") : t("sending")),
    );
  } else if (!deleted && message.id) {
    const actions = [actionButton(t("reply"), () => replyStart(message))];
    if (isMine(message)) actions.push(actionButton(t("edit"), () => editStart(message)));
    if (isMine(message) || config.staff) {
      actions.push(actionButton(t("delete"), () => messageDelete(message), "button--danger-quiet"));
    }
    if (config.staff && !message.internal_note) {
      actions.push(actionButton(t("request"), () => requestStart(message)));
    }
    parts.push(h("div", { class: "message__actions" }, actions));
  }
  return h(
    "li",
    { class: classes.join(" "), dataset: { messageId: String(message.id ?? ""), clientId: message.client_id ?? "" } },
    parts,
  );
}

function nearBottom() {
  return wrap.scrollHeight - wrap.scrollTop - wrap.clientHeight < 80;
}

function messageShow(message) {
  if (message.thread !== current) return;
  const stick = nearBottom() || isMine(message);
  messages.set(message.id, message);
  const drawn = messageDraw(message);
  const existing =
    list.querySelector(`[data-message-id="${message.id}"]`) ??
    (message.client_id ? list.querySelector(`[data-client-id="${message.client_id}"]`) : null);
  if (message.client_id) pending.delete(message.client_id);
  if (historyOpen.has(message.id)) historyLoad(message.id, drawn);
  if (existing) existing.replaceWith(drawn);
  else {
    // In id order: a late event goes before later ones.
    const after = [...list.children].find(
      (item) => item.dataset.messageId && Number(item.dataset.messageId) > message.id,
    );
    list.insertBefore(drawn, after ?? list.querySelector(".message--sending, .message--queued"));
  }
  // Replies quote it: an edit or a delete shows in their quotes too.
  for (const reply of messages.values()) {
    if (reply.reply_to !== message.id) continue;
    list.querySelector(`[data-message-id="${reply.id}"]`)?.replaceWith(messageDraw(reply));
  }
  status.textContent = "";
  if (stick) wrap.scrollTop = wrap.scrollHeight;
  seenShow();
}

function olderLoad() {
  olderLoading ??= olderFetch().finally(() => {
    olderLoading = null;
  });
  return olderLoading;
}

async function olderFetch() {
  if (!older) return;
  const threadId = current;
  const button = el("older");
  button.hidden = true;
  const height = wrap.scrollHeight;
  try {
    const page = await api(localPath(older)); // the API links to itself absolutely
    if (current !== threadId) return;
    older = page.next;
    for (const message of page.results) messages.set(message.id, message);
    const fragment = document.createDocumentFragment();
    for (const message of [...page.results].reverse()) fragment.append(messageDraw(message));
    list.prepend(fragment);
    wrap.scrollTop += wrap.scrollHeight - height; // keep what was on screen where it was
  } catch (error) {
    status.textContent = error.message || t("loadFailed");
  }
  button.hidden = !older;
}

async function threadOpen(threadId, { focus = true } = {}) {
  if (!threads.has(threadId)) return;
  current = threadId;
  older = null;
  messages.clear();
  readers.clear();
  historyOpen.clear();
  list.replaceChildren();
  el("seen-by").textContent = "";
  el("typing").textContent = "";
  replyCancel();
  for (const item of document.querySelectorAll("#threads li")) {
    const link = item.querySelector("a");
    if (Number(item.dataset.threadId) === threadId) link.setAttribute("aria-current", "true");
    else link.removeAttribute("aria-current");
  }
  conversationStateShow();
  const params = new URLSearchParams(location.search);
  params.set("thread", threadId);
  params.delete("message");
  history.replaceState(history.state, "", `${location.pathname}?${params}`);
  document.getElementById("chat").classList.add("chat--open");
  status.textContent = t("loading");
  try {
    const [page, reads] = await Promise.all([
      api(`threads/${threadId}/messages/`, { query: { page_size: PAGE_SIZE } }),
      api(`threads/${threadId}/read/`),
    ]);
    if (current !== threadId) return;
    older = page.next;
    el("older").hidden = !older;
    // Events that came while this loaded are already shown: draw everything once, in id order.
    for (const message of page.results) if (!messages.has(message.id)) messages.set(message.id, message);
    const waiting = [...list.querySelectorAll(".message--sending, .message--queued")];
    list.replaceChildren(
      ...[...messages.values()].sort((a, b) => a.id - b.id).map((message) => messageDraw(message)),
      ...waiting,
    );
    readersSet(reads);
    status.textContent = page.results.length ? "" : t("noMessages");
    wrap.scrollTop = wrap.scrollHeight;
    seenShow();
    readMark();
    if (focus && !body.disabled) body.focus();
  } catch (error) {
    status.textContent = error.message || t("loadFailed");
  }
}

// --- Reading -------------------------------------------------------------------------------------

function readMark() {
  if (current === null || document.visibilityState !== "visible") return;
  const thread = threads.get(current);
  const newest = Math.max(0, ...messages.keys());
  if (!newest || (newest <= (marked.get(current) ?? 0) && !thread.unread)) return;
  marked.set(current, newest);
  if (!send({ type: "chat.read", thread: current, message: newest })) {
    api(`threads/${current}/read/`, { method: "POST", json: { message: newest } }).catch(() => {});
  }
  thread.unread = 0;
  badgeShow(current);
}

const clockFormat = new Intl.DateTimeFormat(lang, { timeStyle: "short" });

/** "14:02" today, else the date and the time. */
function clockShow(value) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  return date.toDateString() === new Date().toDateString() ? clockFormat.format(date) : timeShow(value);
}

function readersSet(states) {
  for (const state of states) {
    if (state.name) people.set(state.user, state.name);
    readers.set(state.user, { lastRead: state.last_read, at: state.at });
  }
}

/** "Seen by Anna at 14:02": the people (not me) who have read my newest message. */
function seenShow() {
  const newest = Math.max(0, ...[...messages.values()].filter(isMine).map((m) => m.id));
  const seen = [];
  if (newest) {
    for (const [user, { lastRead, at }] of readers) {
      if (user === config.me || lastRead < newest) continue;
      seen.push(at ? t("seenAt", { name: nameOf(user), time: clockShow(at) }) : nameOf(user));
    }
  }
  el("seen-by").textContent = seen.length ? t("seenBy", { names: seen.join(", ") }) : "";
}

/** A reader the page has no name for (a staff member who joined later): ask the server. */
async function readersReload(threadId) {
  try {
    const states = await api(`threads/${threadId}/read/`);
    if (current !== threadId) return;
    readersSet(states);
    seenShow();
  } catch {
    /* the id stays shown until the next load */
  }
}

// --- Sending -------------------------------------------------------------------------------------

function frameSend(clientId) {
  const entry = pending.get(clientId);
  if (!entry) return;
  entry.sentAt = Date.now();
  const sent = send(entry.frame);
  entry.element.classList.toggle("message--queued", !sent);
  entry.element.classList.toggle("message--sending", sent);
  entry.element.querySelector(".message__state").textContent = sent ? t("sending") : t("notSent");
}

function messageSend(text) {
  const clientId = uuid();
  const internal = el("composer-internal")?.checked ?? false;
  const frame = { type: "chat.send", thread: current, body: text, client_id: clientId };
  if (replyTo) frame.reply_to = replyTo.id;
  if (internal) frame.internal = true;
  const shown = {
    id: null,
    thread: current,
    author: config.me,
    author_name: nameOf(config.me),
    internal_note: internal,
    body: text,
    html: "",
    reply_to: replyTo?.id ?? null,
    attachments: [],
    created_at: new Date().toISOString(),
    client_id: clientId,
  };
  const element = messageDraw(shown, { pendingState: "sending" });
  list.append(element);
  status.textContent = "";
  wrap.scrollTop = wrap.scrollHeight;
  pending.set(clientId, { frame, sentAt: 0, element });
  frameSend(clientId);
  replyCancel();
}

setInterval(() => {
  for (const [clientId, entry] of pending) {
    if (Date.now() - entry.sentAt > RESEND_AFTER_MS) frameSend(clientId);
  }
}, 1000);

onFrame("ack", async (frame) => {
  if (!frame.client_id || !pending.has(frame.client_id)) return;
  // The event normally follows; if it was already seen, the pending one is gone. Else fetch it.
  const entry = pending.get(frame.client_id);
  entry.element.dataset.messageId = String(frame.message);
  setTimeout(async () => {
    if (!pending.has(frame.client_id) || current === null) return;
    try {
      const page = await api(`threads/${entry.frame.thread}/messages/`, { query: { page_size: 10 } });
      const found = page.results.find((m) => m.id === frame.message);
      if (found) messageShow(found);
    } catch {
      /* the event will come on resume */
    }
  }, 1500);
});

onFrame("error", (frame) => {
  if (["empty", "staff_only", "not_found", "bad_client_id"].includes(frame.code) && pending.size) {
    status.textContent = t("sendFailed", { reason: frame.message });
  }
});

function composerWire() {
  const form = el("composer");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = body.value.trim();
    if (!text || current === null) return;
    messageSend(text);
    body.value = "";
    body.focus();
  });
  body.addEventListener("keydown", (event) => {
    if (mentionKey(event)) return;
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && el("mentions").hidden) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  body.addEventListener("input", () => {
    mentionsShow();
    if (current !== null && Date.now() - lastTypingSent > TYPING_EVERY_MS) {
      lastTypingSent = Date.now();
      send({ type: "chat.typing", thread: current });
    }
  });
  el("reply-cancel").addEventListener("click", replyCancel);
  // Attachments: files, the camera, or dropped on the composer.
  for (const input of [el("chat-file"), el("chat-camera")]) {
    input.addEventListener("change", () => {
      filesSend([...input.files]);
      input.value = "";
    });
  }
  form.addEventListener("dragover", (event) => {
    event.preventDefault();
    form.classList.add("composer--drop");
  });
  form.addEventListener("dragleave", () => form.classList.remove("composer--drop"));
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    form.classList.remove("composer--drop");
    filesSend([...(event.dataTransfer?.files ?? [])]);
  });
}

function filesSend(files) {
  if (current === null) return;
  for (const file of files) {
    const row = h("li", {}, t("uploading", { name: file.name }));
    el("chat-uploads").append(row);
    const form = new FormData();
    form.append("file", file);
    form.append("client_id", uuid());
    const text = body.value.trim();
    if (text && files.length === 1) {
      form.append("body", text);
      body.value = "";
    }
    if (el("composer-internal")?.checked) form.append("internal", "true");
    uploadSend(`threads/${current}/messages/`, form, () => {})
      .promise.then((message) => {
        row.remove();
        messageShow(message);
      })
      .catch((error) => {
        row.textContent = t("uploadFailed", { name: file.name, reason: error.message });
      });
  }
}

// --- Mentions: "@" then part of a name or address offers the people, Enter or Tab picks one ------

let mentionChoices = [];
let mentionActive = 0;

function mentionQuery() {
  const before = body.value.slice(0, body.selectionStart);
  const found = /(^|\s)@([^\s@]*)$/.exec(before);
  return found ? { text: found[2].toLowerCase(), start: before.length - found[2].length - 1 } : null;
}

function mentionsShow() {
  const box = el("mentions");
  const query = mentionQuery();
  mentionChoices = query
    ? mentionable
        .filter((p) => p.id !== config.me)
        .filter((p) => p.name.toLowerCase().includes(query.text) || p.email.toLowerCase().startsWith(query.text))
        .slice(0, 6)
    : [];
  mentionActive = 0;
  box.hidden = mentionChoices.length === 0;
  box.replaceChildren(
    ...mentionChoices.map((person, index) =>
      h(
        "li",
        {
          id: `mention-${person.id}`,
          role: "option",
          "aria-selected": String(index === mentionActive),
          onmousedown: (event) => {
            event.preventDefault(); // keep the focus in the text
            mentionPick(person);
          },
        },
        `${person.name} `,
        h("span", { class: "muted" }, person.email),
      ),
    ),
  );
  mentionMark();
}

function mentionMark() {
  [...el("mentions").children].forEach((item, index) =>
    item.setAttribute("aria-selected", String(index === mentionActive)),
  );
  const active = mentionChoices[mentionActive];
  if (active) body.setAttribute("aria-activedescendant", `mention-${active.id}`);
  else body.removeAttribute("aria-activedescendant");
}

function mentionPick(person) {
  const query = mentionQuery();
  if (!query) return;
  const end = body.selectionStart;
  const text = `@${person.email} `;
  body.value = body.value.slice(0, query.start) + text + body.value.slice(end);
  body.selectionStart = body.selectionEnd = query.start + text.length;
  mentionChoices = [];
  el("mentions").hidden = true;
  body.removeAttribute("aria-activedescendant");
}

function mentionKey(event) {
  if (el("mentions").hidden || !mentionChoices.length) return false;
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    const step = event.key === "ArrowDown" ? 1 : -1;
    mentionActive = (mentionActive + step + mentionChoices.length) % mentionChoices.length;
    mentionMark();
  } else if (event.key === "Enter" || event.key === "Tab") {
    mentionPick(mentionChoices[mentionActive]);
  } else if (event.key === "Escape") {
    el("mentions").hidden = true;
    mentionChoices = [];
  } else return false;
  event.preventDefault();
  return true;
}

// --- Reply, edit, delete, request ----------------------------------------------------------------

function replyStart(message) {
  replyTo = message;
  el("reply-text").textContent = t("replyingTo", { name: message.author_name });
  el("reply-banner").hidden = false;
  body.focus();
}

function replyCancel() {
  replyTo = null;
  el("reply-banner").hidden = true;
}

function editStart(message) {
  const item = list.querySelector(`[data-message-id="${message.id}"]`);
  if (!item) return;
  const area = h("textarea", { rows: 3, "aria-label": t("edit") });
  area.value = message.body;
  const form = h(
    "form",
    { class: "message__edit" },
    area,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "button" }, t("editSave")),
      actionButton(t("editCancel"), () => item.replaceWith(messageDraw(messages.get(message.id)))),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = area.value.trim();
    if (!text) return;
    if (!send({ type: "chat.edit", message: message.id, body: text })) {
      api(`messages/${message.id}/`, { method: "PATCH", json: { body: text } })
        .then(messageShow)
        .catch((error) => (status.textContent = error.message));
    }
  });
  item.querySelector(".message__body")?.replaceWith(form);
  item.querySelector(".message__actions")?.remove();
  area.focus();
}

function messageDelete(message) {
  if (!window.confirm(t("deleteConfirm"))) return;
  if (!send({ type: "chat.delete", message: message.id })) {
    api(`messages/${message.id}/`, { method: "DELETE" })
      .then((answer) => answer && messageShow(answer))
      .catch((error) => (status.textContent = error.message));
  }
}

function requestStart(message) {
  const item = list.querySelector(`[data-message-id="${message.id}"]`);
  if (!item || item.querySelector(".message__request")) return;
  const id = `request-${message.id}`;
  const title = h("input", { id: `${id}-title`, required: true, maxlength: 200 });
  title.value = message.body.slice(0, 200);
  const due = h("input", { id: `${id}-due`, type: "date" });
  const form = h(
    "form",
    { class: "message__request" },
    h("div", { class: "field" }, h("label", { for: `${id}-title` }, t("requestTitle")), title),
    h("div", { class: "field" }, h("label", { for: `${id}-due` }, t("requestDue")), due),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button" }, t("requestCreate"))),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api(`messages/${message.id}/request/`, {
        method: "POST",
        json: { title: title.value.trim(), due_date: due.value || null },
      });
      form.replaceWith(h("p", { class: "muted", role: "status" }, t("requestCreated")));
    } catch (error) {
      status.textContent = error.message;
    }
  });
  item.append(form);
  title.focus();
}

const openRequests = new Map();

function requestsShow() {
  const box = el("requests");
  const items = [...openRequests.values()].filter((r) => r.state === "open");
  box.hidden = items.length === 0;
  el("requests-list").replaceChildren(
    ...items.map((request) =>
      h(
        "li",
        {},
        h("a", { href: `?thread=${request.thread}` }, request.title),
        request.due_date ? h("span", { class: "muted" }, ` · ${request.due_date}`) : null,
        " ",
        actionButton(t("requestDone"), async () => {
          try {
            requestApply(await api(`requests/${request.id}/`, { method: "POST", json: { state: "done" } }));
          } catch (error) {
            status.textContent = error.message;
          }
        }),
      ),
    ),
  );
}

function requestApply(request) {
  openRequests.set(request.id, request);
  requestsShow();
}

async function requestsLoad() {
  try {
    const answer = await api("requests/", { query: { company: config.company } });
    for (const request of answer.results ?? answer) openRequests.set(request.id, request);
    requestsShow();
  } catch {
    /* not essential */
  }
}

// --- Edit history: the "edited" marker opens the earlier texts, who replaced them and when -------

function historyToggle(messageId, button) {
  const item = button.closest("li.message");
  if (historyOpen.has(messageId)) {
    historyOpen.delete(messageId);
    item.querySelector(".message__history")?.remove();
    button.setAttribute("aria-expanded", "false");
    return;
  }
  historyOpen.add(messageId);
  button.setAttribute("aria-expanded", "true");
  historyLoad(messageId, item);
}

async function historyLoad(messageId, item) {
  let edits;
  try {
    edits = await api(`messages/${messageId}/history/`);
  } catch (error) {
    status.textContent = error.message || t("loadFailed");
    return;
  }
  // The message may have been drawn again meanwhile: fill in the one on the page now.
  const shown = list.querySelector(`[data-message-id="${messageId}"]`) ?? item;
  if (!historyOpen.has(messageId) || !shown.isConnected) return;
  const panel = h(
    "section",
    { class: "message__history", "aria-label": t("history") },
    h("p", { class: "message__history-title" }, t("history")),
    edits.length
      ? h(
          "ol",
          {},
          [...edits].reverse().map((edit) =>
            h(
              "li",
              {},
              h(
                "p",
                { class: "muted" },
                t("historyEntry", { editor: edit.editor, time: timeShow(edit.edited_at) }),
              ),
              h("p", { class: "message__old" }, edit.previous_body),
            ),
          ),
        )
      : h("p", { class: "muted" }, t("historyNone")),
  );
  shown.querySelector(".message__history")?.remove();
  (shown.querySelector(".message__body") ?? shown.querySelector(".message__meta")).after(panel);
}

// --- Search: the messages this person may see in this company (or this conversation) -----------

function snippet(text, words) {
  const flat = text.replace(/\s+/g, " ").trim();
  const lower = flat.toLowerCase();
  const at = Math.max(0, ...words.map((word) => lower.indexOf(word.toLowerCase())));
  const start = Math.max(0, at - 60);
  const cut = flat.slice(start, start + 180);
  return `${start ? "…" : ""}${cut}${start + 180 < flat.length ? "…" : ""}`;
}

async function searchRun(event) {
  event.preventDefault();
  const query = el("chat-search-q").value.trim();
  if (!query) return;
  const box = el("search-results");
  const heading = el("search-results-heading");
  box.hidden = false;
  heading.textContent = t("searching");
  el("search-results-list").replaceChildren();
  const here = el("chat-search-here").checked && current !== null;
  let found;
  try {
    found = await api("chat/search/", {
      query: { q: query, company: config.company, thread: here ? current : "" },
    });
  } catch (error) {
    heading.textContent = error.message || t("loadFailed");
    return;
  }
  // Results in resolved conversations: learn their titles (they stay hidden from the list).
  const unknown = [...new Set(found.map((m) => m.thread))].filter((id) => !threads.has(id));
  await Promise.all(unknown.map(threadFetch));
  const words = query.split(/\s+/).filter(Boolean);
  heading.textContent =
    found.length === 0 ? t("searchNone") : found.length === 1 ? t("searchOne") : t("searchCount", { count: found.length });
  el("search-results-list").replaceChildren(
    ...found.map((message) => {
      const thread = threads.get(message.thread);
      return h(
        "li",
        { dataset: { messageId: String(message.id) } },
        h(
          "a",
          {
            href: `?thread=${message.thread}&message=${message.id}`,
            class: "search-hit",
            onclick: (click) => {
              click.preventDefault();
              messageGo(message.thread, message.id);
            },
          },
          h("span", { class: "search-hit__text" }, snippet(message.body, words)),
          h(
            "span",
            { class: "search-hit__where muted" },
            `${message.author_name} · ${timeShow(message.created_at)} · `,
            t("searchIn", { thread: thread ? threadTitle(thread) : `#${message.thread}` }),
            message.internal_note ? h("span", { class: "tag tag--internal" }, t("internalNote")) : null,
          ),
        ),
      );
    }),
  );
}

/** Open a message in its conversation: older pages are loaded until it is there. */
async function messageGo(threadId, messageId) {
  if (!(await threadFetch(threadId))) return;
  if (current !== threadId || !messages.size) await threadOpen(threadId, { focus: false });
  for (let pages = 0; !messages.has(messageId) && older && pages < 200; pages += 1) {
    await olderLoad();
  }
  const item = list.querySelector(`[data-message-id="${messageId}"]`);
  if (!item) {
    status.textContent = t("searchNotLoaded");
    return;
  }
  const params = new URLSearchParams(location.search);
  params.set("message", messageId);
  history.replaceState(history.state, "", `${location.pathname}?${params}`);
  for (const other of list.querySelectorAll(".message--found")) other.classList.remove("message--found");
  item.classList.add("message--found");
  item.tabIndex = -1;
  item.scrollIntoView({ block: "center" });
  item.focus({ preventScroll: true });
}

function searchWire() {
  el("chat-search").addEventListener("submit", searchRun);
  el("search-clear").addEventListener("click", () => {
    el("search-results").hidden = true;
    el("search-results-list").replaceChildren();
    el("chat-search-q").focus();
  });
}

// --- Notification settings -----------------------------------------------------------------------

function preferencesWire() {
  const form = el("chat-prefs-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const said = el("chat-prefs-status");
    said.textContent = "";
    const choice = form.querySelector('input[name="notify"]:checked');
    try {
      const saved = await api("me/chat-preferences/", {
        method: "PATCH",
        json: { ...(choice ? { notify: choice.value } : {}), read_receipts: el("prefs-read-receipts").checked },
      });
      const shown = form.querySelector(`input[name="notify"][value="${saved.notify}"]`);
      if (shown) shown.checked = true;
      el("prefs-read-receipts").checked = saved.read_receipts;
      said.textContent = t("prefsSaved");
    } catch (error) {
      said.textContent = t("prefsFailed", { reason: error.message || t("loadFailed") });
    }
  });
}

// --- Live ----------------------------------------------------------------------------------------

function ours(fn) {
  return (frame) => {
    if (frame.company === config.company && frame.data) fn(frame.data);
  };
}

onEvent(
  "chat.message",
  ours((message) => {
    if (message.thread === current) {
      messageShow(message);
      if (!isMine(message)) readMark();
      return;
    }
    if (!threads.has(message.thread)) {
      threadsReload();
      return;
    }
    if (!isMine(message) && message.id > (config.counted_up_to ?? 0) && !counted.has(message.id)) {
      counted.add(message.id);
      threads.get(message.thread).unread += 1;
      badgeShow(message.thread);
    }
  }),
);
for (const kind of ["chat.message_edited", "chat.message_deleted"]) {
  onEvent(kind, ours((message) => messages.has(message.id) && messageShow(message)));
}
onEvent(
  "chat.read",
  ours((state) => {
    if (state.user === config.me) {
      const thread = threads.get(state.thread);
      if (thread && state.thread !== current) {
        thread.unread = 0; // read in another tab
        badgeShow(state.thread);
      }
      return;
    }
    if (state.thread === current) {
      readers.set(state.user, { lastRead: state.last_read, at: state.at });
      seenShow();
      if (!people.has(state.user)) readersReload(state.thread);
    }
  }),
);
onEvent("chat.thread", ours((thread) => !thread.gone && threadAdd(thread)));
onEvent("chat.request", ours((request) => requestApply(request)));

onFrame("chat.typing", (frame) => {
  if (frame.thread !== current || frame.user === config.me) return;
  people.set(frame.user, frame.name);
  clearTimeout(typists.get(frame.user));
  typists.set(
    frame.user,
    setTimeout(() => {
      typists.delete(frame.user);
      typingShow();
    }, TYPING_SHOWN_MS),
  );
  typingShow();
});

function typingShow() {
  el("typing").textContent = [...typists.keys()].map((user) => t("typing", { name: nameOf(user) })).join(" ");
}

async function threadsReload() {
  try {
    for (const thread of await api(`companies/${config.company}/threads/`)) {
      threadAdd(thread);
      threads.get(thread.id).unread = thread.id === current ? 0 : thread.unread;
      badgeShow(thread.id);
    }
  } catch {
    /* the next event tries again */
  }
}

document.addEventListener("visibilitychange", readMark);
wrap.addEventListener("scroll", () => {
  if (wrap.scrollTop < 40 && older && !el("older").hidden) olderLoad();
});
el("older").addEventListener("click", () => olderLoad());

// --- Start ---------------------------------------------------------------------------------------

async function start() {
  threadsWire();
  threadNewWire();
  composerWire();
  searchWire();
  preferencesWire();
  el("threads-resolved").addEventListener("change", resolvedToggle);
  el("thread-resolve").addEventListener("click", threadResolveToggle);
  requestsLoad();
  const params = new URLSearchParams(location.search);
  const wanted = Number(params.get("thread"));
  const message = Number(params.get("message"));
  // A link to a resolved conversation (from search or an e-mail): it is not in the list, fetch it.
  if (wanted && !threads.has(wanted)) await threadFetch(wanted);
  const first = threads.has(wanted) ? wanted : threads.keys().next().value;
  if (first === undefined) status.textContent = t("chooseThread");
  else if (message && first === wanted) messageGo(wanted, message);
  else threadOpen(first, { focus: threads.has(wanted) });
}

start();
