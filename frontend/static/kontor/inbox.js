// The staff inbox: what clients sent and nobody has booked yet, across every company the reader
// serves. A document enters when an event shows it new or in progress, and leaves otherwise.
import "./pages.js";
import { readJson, timeShow, tr } from "./format.js";
import { onEvent } from "./live.js";

const config = readJson("inbox-config");
const WAITING = new Set(["new", "in_progress"]);
const rows = document.getElementById("inbox-rows");
const wrap = document.getElementById("inbox-wrap");
const count = document.getElementById("inbox-count");
const template = document.getElementById("inbox-row");
const applied = new Map(); // document id -> the highest event id applied to it

function countShow() {
  const waiting = rows.rows.length;
  wrap.hidden = waiting === 0;
  const text = waiting ? tr(config.strings, "waiting", { count: waiting }) : config.strings.nothing;
  if (count.textContent !== text) count.textContent = text;
}

function rowOf(id) {
  return rows.querySelector(`tr[data-document-id="${id}"]`);
}

function fill(row, doc, company) {
  const link = row.querySelector('[data-field="name"]');
  link.textContent = doc.name;
  link.href = `/companies/${company}/dossier/?folder=${doc.folder}&document=${doc.id}`;
  row.querySelector('[data-field="kind"]').textContent = config.kinds[doc.kind] ?? doc.kind;
  const time = row.querySelector('[data-field="created_at"]');
  time.dateTime = doc.created_at;
  time.textContent = timeShow(doc.created_at);
  const state = row.querySelector('[data-field="inbox_state"]');
  state.className = `badge badge--${doc.inbox_state}`;
  state.textContent = config.states[doc.inbox_state] ?? doc.inbox_state;
}

function place(row, doc) {
  // Oldest first, as the server lists them: the one waiting longest is on top.
  const created = Date.parse(doc.created_at);
  for (const other of rows.rows) {
    if (other === row) continue;
    if (Date.parse(other.querySelector("time").dateTime) > created) {
      rows.insertBefore(row, other);
      return;
    }
  }
  rows.append(row);
}

function documentShow(frame) {
  const doc = frame.data;
  const company = String(frame.company);
  if (!doc || !(company in config.companies)) return; // a company the reader serves as client
  if ((applied.get(doc.id) ?? 0) > frame.id) return;
  applied.set(doc.id, frame.id);
  let row = rowOf(doc.id);
  if (doc.gone || doc.deleted_at || !WAITING.has(doc.inbox_state)) {
    row?.remove();
    countShow();
    return;
  }
  if (!row) {
    row = template.content.firstElementChild.cloneNode(true);
    row.dataset.documentId = doc.id;
    const cell = row.querySelector("[data-company-field]").parentElement;
    cell.dataset.companyId = company;
    cell.firstElementChild.textContent = config.companies[company];
    fill(row, doc, company);
    place(row, doc);
  } else {
    fill(row, doc, company);
  }
  countShow();
}

// Server-rendered times are in UTC; show them in the reader's zone like the ones added live.
for (const time of rows.querySelectorAll("time[datetime]")) {
  time.textContent = timeShow(time.dateTime);
}
for (const kind of ["dossier.document", "dossier.published", "dossier.acknowledged"]) {
  onEvent(kind, documentShow);
}
