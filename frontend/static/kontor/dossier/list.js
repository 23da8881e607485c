// The documents of the selected folder: sorted and filtered by the server, a cursor "load more",
// and kept current by the live events (a new one appears in its place, a changed one moves, one
// that no longer matches or is gone leaves).
import { api, localPath } from "../api.js";
import { dateShow, h, moneyShow, timeShow } from "../format.js";
import { ctx, documentApply, emit, on, t } from "./state.js";

const PAGE_SIZE = 50;
const PAGE_SIZE_MAX = 200;
let listElement;
let statusElement;
let moreButton;
let ids = [];
let next = null;
let loading = 0; // the number of the newest load; an older answer that comes late is dropped
// Events that came while a page was loading: newer than the page, applied after it.
const pending = new Set();
let applyingPage = false;

function words(text) {
  return String(text ?? "").toLowerCase();
}

/** Whether a document belongs in the list as the server would filter it. */
function matches(doc, listed) {
  const view = ctx.view;
  if (Boolean(doc.deleted_at) !== view.trash) return false;
  if (view.folder !== null && doc.folder !== view.folder) return false;
  if (view.kind && doc.kind !== view.kind) return false;
  if (view.q && !listed) {
    // The server also searches the text inside PDFs; here only what the event carries.
    const haystack = `${words(doc.name)} ${words(doc.note)} ${words(doc.supplier)}`;
    const wanted = words(view.q).split(/\s+/).filter(Boolean);
    if (!wanted.every((word) => haystack.includes(word))) return false;
  }
  return true;
}

function compare(a, b) {
  switch (ctx.view.ordering) {
    case "name":
      return a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id;
    case "due": {
      if (a.due_date === b.due_date) return a.id - b.id;
      if (!a.due_date) return 1; // no date last, as PostgreSQL sorts NULL
      if (!b.due_date) return -1;
      return a.due_date < b.due_date ? -1 : 1;
    }
    default: {
      // The API writes "Z", events "+00:00": compare instants, not strings.
      const difference = Date.parse(b.created_at) - Date.parse(a.created_at);
      return difference || b.id - a.id;
    }
  }
}

function stateBadge(doc) {
  if (doc.published_at && doc.ack_required && !doc.acknowledged_at) {
    return h("span", { class: "badge badge--wait" }, t("awaitingConfirmation"));
  }
  if (!doc.inbox_state) return null;
  return h("span", { class: `badge badge--${doc.inbox_state}` }, ctx.stateLabel[doc.inbox_state]);
}

function row(doc) {
  const facts = [
    ctx.kindLabel[doc.kind] ?? doc.kind,
    timeShow(doc.created_at),
    doc.amount !== null && doc.amount !== undefined ? moneyShow(doc.amount, doc.currency) : null,
    doc.due_date ? t("dueOn", { date: dateShow(doc.due_date) }) : null,
  ].filter(Boolean);
  return h(
    "li",
    { class: "doc", dataset: { documentId: doc.id } },
    h(
      "button",
      {
        type: "button",
        class: "doc__open",
        "aria-current": ctx.selected === doc.id ? "true" : null,
        onclick: () => emit("select", doc.id),
      },
      h("span", { class: "doc__name" }, doc.name),
      h("span", { class: "doc__meta" }, facts.join(" · ")),
    ),
    stateBadge(doc),
  );
}

function statusShow() {
  if (loading && !ids.length) return;
  statusElement.textContent = ids.length ? "" : ctx.view.trash ? t("trashEmpty") : t("noDocuments");
  moreButton.hidden = !next;
}

function placeOf(doc, listed) {
  // The index where the document goes; -1 when a new one sorts past what is loaded (a later page
  // has it). One that was listed already stays, at the end at worst.
  for (let index = 0; index < ids.length; index += 1) {
    if (compare(doc, ctx.docs.get(ids[index])) < 0) return index;
  }
  return next && !listed ? -1 : ids.length;
}

function elementOf(id) {
  return listElement.querySelector(`li[data-document-id="${id}"]`);
}

function remove(id) {
  const index = ids.indexOf(id);
  if (index < 0) return;
  ids.splice(index, 1);
  elementOf(id)?.remove();
  statusShow();
}

function upsert(doc) {
  const listed = ids.includes(doc.id);
  if (!matches(doc, listed)) {
    remove(doc.id);
    return;
  }
  const hadFocus = listed && elementOf(doc.id)?.contains(document.activeElement);
  if (listed) {
    ids.splice(ids.indexOf(doc.id), 1);
    elementOf(doc.id)?.remove();
  }
  const index = placeOf(doc, listed);
  if (index < 0) {
    statusShow();
    return;
  }
  const element = row(doc);
  const before = ids[index] === undefined ? null : elementOf(ids[index]);
  listElement.insertBefore(element, before);
  ids.splice(index, 0, doc.id);
  if (hadFocus) element.querySelector("button").focus();
  statusShow();
}

async function load(more) {
  const mine = ++loading;
  const view = ctx.view;
  if (!more) {
    statusElement.textContent = t("loading");
    moreButton.hidden = true;
  }
  // The keyboard goes on to the first document loaded (the button may be gone by then).
  const fromMore = more && document.activeElement === moreButton;
  const before = ids.length;
  moreButton.disabled = true;
  try {
    const page = more
      ? await api(localPath(next))
      : await api(`companies/${ctx.company}/documents/`, {
          query: {
            folder: view.folder,
            kind: view.kind,
            q: view.q,
            trash: view.trash,
            ordering: view.ordering,
            // The API's cursor drops undated documents after the first page when sorting by
            // due date (NULLs fall outside it): ask for the largest page it gives.
            page_size: view.ordering === "due" ? PAGE_SIZE_MAX : PAGE_SIZE,
          },
        });
    if (mine !== loading) return;
    if (!more) {
      ids = [];
      listElement.replaceChildren();
    }
    next = page.next;
    applyingPage = true;
    for (const doc of page.results) {
      if (!pending.has(doc.id)) documentApply(doc); // the pane follows too when it shows it
      if (ctx.docs.has(doc.id) && !ids.includes(doc.id)) {
        ids.push(doc.id);
        listElement.append(row(ctx.docs.get(doc.id)));
      }
    }
    applyingPage = false;
    loading = 0;
    pendingApply();
    statusShow();
  } catch (error) {
    applyingPage = false;
    if (mine !== loading) return;
    loading = 0;
    pendingApply();
    statusElement.textContent = error.message || t("loadFailed");
    moreButton.hidden = !next;
  } finally {
    moreButton.disabled = false;
    if (fromMore) (elementOf(ids[before])?.querySelector("button") ?? moreButton).focus();
  }
}

function pendingApply() {
  for (const id of pending) {
    const doc = ctx.docs.get(id);
    if (doc) upsert(doc);
    else remove(id);
  }
  pending.clear();
}

export function listInit() {
  listElement = document.getElementById("documents");
  statusElement = document.getElementById("list-status");
  moreButton = document.getElementById("load-more");
  moreButton.addEventListener("click", () => {
    if (next) load(true);
  });
  on("view", () => load(false));
  on("document", (doc) => {
    if (applyingPage) return;
    if (loading) pending.add(doc.id);
    else if (doc.gone) remove(doc.id);
    else upsert(doc);
  });
  on("select", (id) => {
    for (const button of listElement.querySelectorAll(".doc__open")) {
      const current = button.closest("li").dataset.documentId === String(id);
      if (current) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    }
  });
  load(false);
}
