// Entries: the list (clients see posted ones only: the API leaves drafts out for them), an
// entry's lines, and for the office: a new draft, post, reverse, delete a draft. Discuss on each.
import { api, localPath } from "../api.js";
import { dateShow, h } from "../format.js";
import { $, alertShow, config, discussButton, errorText, money, options, t } from "./common.js";

const entries = new Map(); // id -> entry (the payload of books.entry has no lines: `total` instead)
let next = null; // the cursor of the next page
let openId = null;
const accounts = new Map(config.accounts.map((account) => [account.id, account]));
const journals = new Map(config.journals.map((journal) => [journal.id, journal]));

function totalOf(entry) {
  if (entry.total !== undefined) return entry.total;
  return (entry.lines ?? []).reduce((sum, line) => sum + Number(line.debit || 0), 0).toFixed(2);
}

function entryName(entry) {
  return entry.label || `${journals.get(entry.journal)?.code ?? ""} ${t("draft")}`.trim();
}

function filters() {
  return {
    journal: $("entry-journal-filter").value,
    state: config.staff ? $("entry-state-filter").value : "",
  };
}

function matches(entry) {
  const wanted = filters();
  return (!wanted.journal || String(entry.journal) === wanted.journal) && (!wanted.state || entry.state === wanted.state);
}

function rowsRender() {
  const sorted = [...entries.values()].filter(matches)
    .sort((a, b) => (a.date === b.date ? b.id - a.id : b.date.localeCompare(a.date)));
  const rows = sorted.map((entry) => h("tr", { dataset: { entryId: entry.id } },
    h("td", {}, h("button", { type: "button", class: "link-button", onclick: () => entryOpen(entry.id) }, entryName(entry))),
    h("td", {}, dateShow(entry.date)),
    h("td", {}, entry.reference),
    h("td", {}, entry.memo),
    h("td", { class: "num" }, money(totalOf(entry))),
    h("td", {}, h("span", { class: `badge books-state books-state--${entry.state}` }, config.entryStates[entry.state] ?? entry.state))));
  if (!rows.length) rows.push(h("tr", {}, h("td", { colspan: "6", class: "empty" }, t("noEntries"))));
  $("entry-rows").replaceChildren(...rows);
  $("entry-more").hidden = !next;
}

export async function entriesLoad(more = false) {
  $("entry-status").textContent = t("loading");
  try {
    const page = more && next
      ? await api(localPath(next))
      : await api(`companies/${config.company}/entries/`, { query: filters() });
    if (!more) entries.clear();
    for (const entry of page.results) entries.set(entry.id, entry);
    next = page.next;
    $("entry-status").textContent = "";
  } catch (error) {
    $("entry-status").textContent = errorText(error, t("loadFailed"));
  }
  rowsRender();
}

/** A live `books.entry`: the row follows; the open detail is re-read (its lines may have changed). */
export function entryLive(frame) {
  const data = frame.data ?? {};
  if (data.deleted) {
    entries.delete(data.id);
    if (openId === data.id) $("entry-detail").hidden = true;
  } else {
    const known = entries.get(data.id) ?? {};
    entries.set(data.id, { ...known, ...data });
    if (openId === data.id) entryOpen(data.id, false);
  }
  rowsRender();
}

function linesTable(entry) {
  const account = (id) => {
    const found = accounts.get(id);
    return found ? `${found.code} · ${found.name}` : String(id);
  };
  return h("table", { class: "books-table" },
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, t("account")), h("th", { scope: "col" }, t("description")),
      h("th", { scope: "col", class: "num" }, t("debit")), h("th", { scope: "col", class: "num" }, t("credit")))),
    h("tbody", {}, (entry.lines ?? []).map((line) => h("tr", {},
      h("td", {}, account(line.account)),
      h("td", {}, line.description),
      h("td", { class: "num" }, Number(line.debit) ? money(line.debit, line.currency || config.currency) : ""),
      h("td", { class: "num" }, Number(line.credit) ? money(line.credit, line.currency || config.currency) : "")))));
}

function detailRender(entry) {
  const error = $("entry-error");
  const facts = [
    [t("date"), dateShow(entry.date)],
    [t("journal"), journals.get(entry.journal)?.name ?? ""],
    [t("reference"), entry.reference],
    [t("memo"), entry.memo],
    [t("state"), config.entryStates[entry.state] ?? entry.state],
  ];
  if (entry.reverses) facts.push([t("reverses"), entries.get(entry.reverses)?.label ?? `#${entry.reverses}`]);
  if (config.staff && entry.internal_note) facts.push([t("internalNote"), entry.internal_note]);
  $("entry-heading").textContent = t("entryNamed", { name: entryName(entry) });
  $("entry-body").replaceChildren(
    h("dl", { class: "books-facts" }, facts.filter(([, value]) => value).map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)])),
    linesTable(entry));
  const buttons = [];
  const act = (label, action) => h("button", { type: "button", class: "button", onclick: async () => {
    alertShow(error, "");
    try {
      await action();
    } catch (failure) {
      alertShow(error, errorText(failure));
    }
  } }, label);
  if (config.staff && entry.state === "draft") {
    buttons.push(act(t("post"), async () => {
      entryShow(await api(`entries/${entry.id}/post/`, { method: "POST", json: {} }));
    }));
    buttons.push(act(t("deleteDraft"), async () => {
      if (!window.confirm(t("deleteDraftConfirm"))) return;
      await api(`entries/${entry.id}/`, { method: "DELETE" });
      entries.delete(entry.id);
      $("entry-detail").hidden = true;
      rowsRender();
    }));
  }
  if (config.staff && entry.state === "posted") {
    const date = h("input", { type: "date", id: "reverse-date", value: config.today });
    buttons.push(h("span", { class: "field books-inline" }, h("label", { for: "reverse-date" }, t("reverseOn")), date));
    buttons.push(act(t("reverse"), async () => {
      const reversal = await api(`entries/${entry.id}/reverse/`, {
        method: "POST", json: { date: date.value, memo: t("reversalOf", { name: entryName(entry) }) },
      });
      entries.set(reversal.id, reversal);
      entryShow(reversal);
    }));
  }
  buttons.push(discussButton("books.entry", entry.id, entryName(entry), (text) => alertShow(error, text)));
  $("entry-buttons").replaceChildren(...buttons);
}

function entryShow(entry) {
  entries.set(entry.id, entry);
  rowsRender();
  openId = entry.id;
  detailRender(entry);
  $("entry-detail").hidden = false;
}

export async function entryOpen(id, focus = true) {
  try {
    const entry = await api(`entries/${id}/`);
    entryShow(entry);
    alertShow($("entry-error"), "");
    if (focus) $("entry-heading").focus();
  } catch (error) {
    alertShow($("books-notice"), errorText(error, t("loadFailed")));
  }
}

// --- A new draft (office staff) ------------------------------------------------------------------

function lineRow(index) {
  const select = h("select", { class: "line-account", "aria-label": t("lineAccount", { n: index + 1 }) });
  options(select, config.accounts.map((a) => ({ value: a.id, label: `${a.code} · ${a.name}` })), "", t("chooseAccount"));
  return h("tr", {},
    h("td", {}, select),
    h("td", {}, h("input", { class: "line-description", maxlength: "300", "aria-label": t("lineDescription", { n: index + 1 }) })),
    h("td", {}, h("input", { class: "line-debit", inputmode: "decimal", size: "9", "aria-label": t("lineDebit", { n: index + 1 }) })),
    h("td", {}, h("input", { class: "line-credit", inputmode: "decimal", size: "9", "aria-label": t("lineCredit", { n: index + 1 }) })),
    h("td", {}, h("button", { type: "button", class: "button button--quiet", "aria-label": t("lineRemove", { n: index + 1 }),
      onclick: (event) => event.currentTarget.closest("tr").remove() }, "×")));
}

function formOpen() {
  $("entry-date").value = config.today;
  for (const id of ["entry-reference", "entry-memo", "entry-note"]) $(id).value = "";
  $("entry-line-rows").replaceChildren(lineRow(0), lineRow(1));
  alertShow($("entry-form-error"), "");
  $("entry-editor").hidden = false;
  $("entry-form-heading").focus();
}

async function formSave(event) {
  event.preventDefault();
  const lines = [...$("entry-line-rows").rows].map((row) => {
    const line = {
      account: Number(row.querySelector(".line-account").value) || null,
      description: row.querySelector(".line-description").value.trim(),
    };
    const debit = row.querySelector(".line-debit").value.trim().replace(",", ".");
    const credit = row.querySelector(".line-credit").value.trim().replace(",", ".");
    if (debit) line.debit = debit;
    if (credit) line.credit = credit;
    return line;
  });
  try {
    const entry = await api(`companies/${config.company}/entries/`, {
      method: "POST",
      json: {
        journal: Number($("entry-journal").value),
        date: $("entry-date").value,
        reference: $("entry-reference").value.trim(),
        memo: $("entry-memo").value.trim(),
        internal_note: $("entry-note").value,
        lines,
      },
    });
    $("entry-editor").hidden = true;
    entryShow(entry);
    $("entry-heading").focus();
  } catch (error) {
    alertShow($("entry-form-error"), errorText(error));
  }
}

export function entriesStart() {
  $("entry-journal-filter").addEventListener("change", () => entriesLoad());
  $("entry-more").addEventListener("click", () => entriesLoad(true));
  if (!config.staff) return;
  $("entry-state-filter").addEventListener("change", () => entriesLoad());
  $("entry-new").addEventListener("click", formOpen);
  $("entry-cancel").addEventListener("click", () => { $("entry-editor").hidden = true; });
  $("entry-line-add").addEventListener("click", () => {
    const rows = $("entry-line-rows");
    rows.append(lineRow(rows.rows.length));
  });
  $("entry-form").addEventListener("submit", formSave);
}
