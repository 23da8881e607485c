// Sales invoices: the list, and the editor (customer, lines with their VAT code, a totals preview,
// save, issue, delete, PDF preview, UBL download, credit note, Discuss). Client and office alike.
// The preview mirrors the server's rounding (VAT per rate, half-up); the saved invoice shows the
// server's own totals, which are the truth.
import { api } from "../api.js";
import { dateShow, h } from "../format.js";
import {
  $, alertShow, allPages, centsText, config, decimalParse, discuss, errorText, money, options,
  roundShift, t, vatCodeLabel,
} from "./common.js";

const invoices = new Map(); // id -> invoice (sales only)
let parties = []; // the company's customers
const editor = { invoice: null, dirty: false, busy: false };
const vatById = new Map(config.vatCodes.map((code) => [String(code.id), code]));

// --- The list ------------------------------------------------------------------------------------

function stateBadge(invoice) {
  return h("span", { class: `badge books-state books-state--${invoice.state}` },
    config.invoiceStates[invoice.state] ?? invoice.state);
}

function invoiceName(invoice) {
  const kind = invoice.kind === "credit_note" ? t("creditNote") : t("invoice");
  return invoice.number ? `${kind} ${invoice.number}` : `${kind} (${t("draft")})`;
}

function rowsRender() {
  const sorted = [...invoices.values()].sort((a, b) => b.id - a.id);
  const rows = sorted.map((invoice) => h("tr", { dataset: { invoiceId: invoice.id } },
    h("td", {}, h("button", { type: "button", class: "link-button", onclick: () => invoiceOpen(invoice.id) },
      invoiceName(invoice))),
    h("td", {}, invoice.party_name),
    h("td", {}, dateShow(invoice.issue_date)),
    h("td", {}, dateShow(invoice.due_date)),
    h("td", { class: "num" }, money(invoice.gross_total, invoice.currency)),
    h("td", {}, stateBadge(invoice))));
  if (!rows.length) rows.push(h("tr", {}, h("td", { colspan: "6", class: "empty" }, t("noInvoices"))));
  $("invoice-rows").replaceChildren(...rows);
}

export async function invoicesLoad() {
  $("invoice-status").textContent = t("loading");
  try {
    const [found, customers] = await Promise.all([
      allPages(`companies/${config.company}/invoices/`, { direction: "sales" }),
      api(`companies/${config.company}/parties/`),
    ]);
    for (const invoice of found) invoices.set(invoice.id, invoice);
    parties = customers.filter((party) => party.kind !== "supplier");
    $("invoice-status").textContent = "";
  } catch (error) {
    $("invoice-status").textContent = errorText(error, t("loadFailed"));
  }
  rowsRender();
}

/** A live `books.invoice`: the list follows, and an open editor that has no local changes too. */
export function invoiceLive(frame) {
  const data = frame.data ?? {};
  if (data.deleted) {
    invoices.delete(data.id);
    if (editor.invoice?.id === data.id) editorClose();
  } else if (data.direction === "sales") {
    invoices.set(data.id, { ...(invoices.get(data.id) ?? {}), ...data });
    const open = editor.invoice;
    if (open?.id === data.id && !editor.dirty && !editor.busy && open.state !== data.state) {
      invoiceOpen(data.id, false);
    }
  }
  rowsRender();
}

// --- The editor ----------------------------------------------------------------------------------

const errorBox = () => $("invoice-error");

function partiesFill(selected) {
  options($("invoice-party"),
    parties.map((party) => ({ value: party.id, label: party.vat_number ? `${party.name} (${party.vat_number})` : party.name })),
    selected, t("chooseCustomer"));
}

function lineRow(line = {}, index = 0) {
  const vatSelect = h("select", { class: "line-vat", "aria-label": t("lineVat", { n: index + 1 }) });
  options(vatSelect, config.vatCodes.map((code) => ({ value: code.id, label: vatCodeLabel(code) })),
    line.vat_code ?? config.vatCodes[0]?.id ?? "");
  const remove = h("button", { type: "button", class: "button button--quiet", "aria-label": t("lineRemove", { n: index + 1 }),
    onclick: (event) => { event.currentTarget.closest("tr").remove(); linesRelabel(); changed(); } }, "×");
  return h("tr", { class: "invoice-line" },
    h("td", {}, h("input", { class: "line-description", value: line.description ?? "", maxlength: "500",
      "aria-label": t("lineDescription", { n: index + 1 }) })),
    h("td", {}, h("input", { class: "line-quantity", value: line.quantity ? String(Number(line.quantity)) : "1",
      inputmode: "decimal", size: "6", "aria-label": t("lineQuantity", { n: index + 1 }) })),
    h("td", {}, h("input", { class: "line-price", value: line.unit_price ? String(Number(line.unit_price)) : "",
      inputmode: "decimal", size: "9", "aria-label": t("linePrice", { n: index + 1 }) })),
    h("td", {}, vatSelect),
    h("td", { class: "num line-net" }),
    h("td", {}, remove));
}

function linesRelabel() {
  [...$("invoice-line-rows").rows].forEach((row, i) => {
    row.querySelector(".line-description").setAttribute("aria-label", t("lineDescription", { n: i + 1 }));
    row.querySelector(".line-quantity").setAttribute("aria-label", t("lineQuantity", { n: i + 1 }));
    row.querySelector(".line-price").setAttribute("aria-label", t("linePrice", { n: i + 1 }));
    row.querySelector(".line-vat").setAttribute("aria-label", t("lineVat", { n: i + 1 }));
    row.querySelector("button").setAttribute("aria-label", t("lineRemove", { n: i + 1 }));
  });
}

function linesRead() {
  return [...$("invoice-line-rows").rows].map((row) => ({
    description: row.querySelector(".line-description").value.trim(),
    quantity: row.querySelector(".line-quantity").value.trim().replace(",", "."),
    unit_price: row.querySelector(".line-price").value.trim().replace(",", "."),
    vat_code: Number(row.querySelector(".line-vat").value),
  }));
}

/** The totals as the server computes them: line net = qty × price rounded; VAT once per rate. */
function totalsPreview() {
  const groups = new Map(); // "category rate" -> {rate, base (cents)}
  let net = 0n;
  let complete = true;
  for (const row of $("invoice-line-rows").rows) {
    const quantity = decimalParse(row.querySelector(".line-quantity").value, 4);
    const price = decimalParse(row.querySelector(".line-price").value, 4);
    const cell = row.querySelector(".line-net");
    if (quantity === null || price === null) {
      cell.textContent = "";
      complete = false;
      continue;
    }
    const lineNet = roundShift(quantity * price, 6); // 10^-8 -> cents
    cell.textContent = money(centsText(lineNet), editor.invoice?.currency);
    net += lineNet;
    const code = vatById.get(row.querySelector(".line-vat").value);
    const key = `${code?.category} ${code?.rate}`;
    const group = groups.get(key) ?? { rate: code?.rate ?? "0", base: 0n };
    group.base += lineNet;
    groups.set(key, group);
  }
  let vat = 0n;
  const rows = [h("dt", {}, t("netTotal")), h("dd", { id: "total-net" }, money(centsText(net), editor.invoice?.currency))];
  for (const group of groups.values()) {
    const tax = roundShift(group.base * decimalParse(group.rate, 3), 5); // cents × 10^-3 % -> cents
    vat += tax;
    rows.push(h("dt", {}, t("vatAt", { rate: Number(group.rate) })), h("dd", {}, money(centsText(tax), editor.invoice?.currency)));
  }
  rows.push(h("dt", {}, t("grossTotal")), h("dd", { id: "total-gross" }, money(centsText(net + vat), editor.invoice?.currency)));
  $("invoice-totals").replaceChildren(...rows);
  $("invoice-totals-note").textContent = complete ? t("totalsPreview") : t("totalsIncomplete");
}

/** The server's totals of a saved invoice. */
function totalsServer(invoice) {
  const rows = [h("dt", {}, t("netTotal")), h("dd", { id: "total-net" }, money(invoice.net_total, invoice.currency))];
  for (const row of invoice.vat_breakdown ?? []) {
    rows.push(h("dt", {}, t("vatAt", { rate: Number(row.rate) })), h("dd", {}, money(row.tax, invoice.currency)));
  }
  rows.push(h("dt", {}, t("grossTotal")), h("dd", { id: "total-gross" }, money(invoice.gross_total, invoice.currency)));
  $("invoice-totals").replaceChildren(...rows);
  $("invoice-totals-note").textContent = t("totalsSaved");
}

function changed() {
  editor.dirty = true;
  totalsPreview();
}

let pdfUrl = null; // the object URL the preview shows (released when replaced)

/** A draft's PDF, rendered on the fly, shown from a blob: the API's answers may not be framed
 * (X-Frame-Options). An issued invoice's PDF is the dossier's file, a download: a link only. */
async function pdfShow(invoice) {
  const frame = $("invoice-pdf");
  const link = $("invoice-pdf-link");
  const url = invoice ? `/api/v1/invoices/${invoice.id}/pdf/` : "";
  link.hidden = !invoice;
  if (invoice) link.href = url;
  if (pdfUrl) URL.revokeObjectURL(pdfUrl);
  pdfUrl = null;
  frame.hidden = true;
  frame.removeAttribute("src");
  if (!invoice || invoice.state !== "draft") return;
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok || editor.invoice?.id !== invoice.id) return;
    pdfUrl = URL.createObjectURL(await response.blob());
    frame.src = pdfUrl;
    frame.hidden = false;
  } catch {
    // No preview: the link still opens the PDF.
  }
}

function buttonsShow(invoice) {
  const draft = !invoice || invoice.state === "draft";
  const issued = invoice && invoice.state === "issued";
  $("invoice-save").hidden = !draft;
  $("invoice-issue").hidden = !draft;
  $("invoice-delete").hidden = !invoice || !draft;
  $("invoice-credit").hidden = !(issued && invoice.kind === "invoice");
  $("invoice-ubl").hidden = !issued;
  if (issued) $("invoice-ubl").href = `/api/v1/invoices/${invoice.id}/ubl/`;
  $("invoice-discuss").hidden = !invoice;
  if (invoice) $("invoice-discuss").setAttribute("aria-label", t("discussNamed", { title: invoiceName(invoice) }));
  $("party-new").hidden = !draft;
  for (const element of $("invoice-form").querySelectorAll("input, select, textarea")) element.disabled = !draft;
  $("line-add").hidden = !draft;
  for (const button of $("invoice-line-rows").querySelectorAll("button")) button.hidden = !draft;
}

function editorFill(invoice) {
  editor.invoice = invoice;
  editor.dirty = false;
  $("invoice-heading").textContent = invoice ? invoiceName(invoice) : t("newInvoice");
  partiesFill(invoice?.party ?? "");
  $("invoice-issue-date").value = invoice?.issue_date ?? "";
  $("invoice-due-date").value = invoice?.due_date ?? "";
  $("invoice-reference").value = invoice?.payment_reference ?? "";
  $("invoice-note").value = invoice?.note ?? "";
  const lines = invoice?.lines?.length ? invoice.lines : [{}];
  $("invoice-line-rows").replaceChildren(...lines.map(lineRow));
  $("party-form").hidden = true;
  alertShow(errorBox(), "");
  if (invoice) totalsServer(invoice);
  else totalsPreview();
  buttonsShow(invoice);
  pdfShow(invoice);
}

export function editorOpen(invoice) {
  editorFill(invoice);
  $("invoice-editor").hidden = false;
  $("invoice-heading").focus();
}

function editorClose() {
  editor.invoice = null;
  $("invoice-editor").hidden = true;
  pdfShow(null);
}

export async function invoiceOpen(id, focus = true) {
  try {
    const invoice = await api(`invoices/${id}/`);
    if (focus) editorOpen(invoice);
    else editorFill(invoice);
  } catch (error) {
    alertShow($("books-notice"), errorText(error, t("loadFailed")));
  }
}

function body() {
  const values = {
    party: Number($("invoice-party").value) || null,
    lines: linesRead(),
    issue_date: $("invoice-issue-date").value || null,
    due_date: $("invoice-due-date").value || null,
    payment_reference: $("invoice-reference").value.trim(),
    note: $("invoice-note").value,
  };
  if (editor.invoice?.kind === "credit_note") delete values.party;
  return values;
}

async function save() {
  if (!Number($("invoice-party").value) && editor.invoice?.kind !== "credit_note") {
    throw Object.assign(new Error(t("chooseCustomerFirst")), { fields: {} });
  }
  const saved = editor.invoice
    ? await api(`invoices/${editor.invoice.id}/`, { method: "PATCH", json: body() })
    : await api(`companies/${config.company}/invoices/`, { method: "POST", json: body() });
  invoices.set(saved.id, saved);
  rowsRender();
  editorFill(saved);
  return saved;
}

async function guarded(action) {
  if (editor.busy) return;
  editor.busy = true;
  alertShow(errorBox(), "");
  try {
    await action();
  } catch (error) {
    alertShow(errorBox(), errorText(error));
  } finally {
    editor.busy = false;
  }
}

async function partySave() {
  const box = $("party-error");
  alertShow(box, "");
  try {
    const party = await api(`companies/${config.company}/parties/`, {
      method: "POST",
      json: {
        kind: "customer",
        name: $("party-name").value.trim(),
        country: $("party-country").value.trim().toUpperCase(),
        vat_number: $("party-vat").value.trim(),
        email: $("party-email").value.trim(),
        street: $("party-street").value.trim(),
        postcode: $("party-postcode").value.trim(),
        city: $("party-city").value.trim(),
      },
    });
    parties.push(party);
    partiesFill(party.id);
    editor.dirty = true;
    $("party-form").hidden = true;
    $("invoice-party").focus();
  } catch (error) {
    if (error.code === "duplicate_party" && error.status === 409) {
      // Already in the books: choose it rather than make a second one.
      const found = await api(`companies/${config.company}/parties/`).catch(() => []);
      parties = found.filter((party) => party.kind !== "supplier");
      partiesFill($("invoice-party").value);
    }
    alertShow(box, errorText(error));
  }
}

export function invoicesStart() {
  $("invoice-new").addEventListener("click", () => editorOpen(null));
  $("invoice-close").addEventListener("click", editorClose);
  $("line-add").addEventListener("click", () => {
    const rows = $("invoice-line-rows");
    rows.append(lineRow({}, rows.rows.length));
    rows.lastElementChild.querySelector("input").focus();
    changed();
  });
  $("invoice-line-rows").addEventListener("input", changed);
  $("invoice-line-rows").addEventListener("change", changed);
  for (const id of ["invoice-party", "invoice-issue-date", "invoice-due-date", "invoice-reference", "invoice-note"]) {
    $(id).addEventListener("input", () => { editor.dirty = true; });
  }
  $("invoice-form").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(save);
  });
  $("invoice-issue").addEventListener("click", () => guarded(async () => {
    const draft = !editor.invoice || editor.dirty ? await save() : editor.invoice;
    const issued = await api(`invoices/${draft.id}/issue/`, { method: "POST", json: {} });
    invoices.set(issued.id, issued);
    rowsRender();
    editorFill(issued);
    $("invoice-heading").focus();
  }));
  $("invoice-delete").addEventListener("click", () => guarded(async () => {
    if (!window.confirm(t("deleteDraftConfirm"))) return;
    await api(`invoices/${editor.invoice.id}/`, { method: "DELETE" });
    invoices.delete(editor.invoice.id);
    rowsRender();
    editorClose();
  }));
  $("invoice-credit").addEventListener("click", () => guarded(async () => {
    const credit = await api(`invoices/${editor.invoice.id}/credit-note/`, { method: "POST", json: {} });
    invoices.set(credit.id, credit);
    rowsRender();
    editorOpen(credit);
  }));
  $("invoice-discuss").addEventListener("click", () => {
    if (editor.invoice) discuss("books.invoice", editor.invoice.id, (text) => alertShow(errorBox(), text));
  });
  $("party-new").addEventListener("click", () => {
    $("party-form").hidden = false;
    if (!$("party-country").value) $("party-country").value = config.country;
    $("party-name").focus();
  });
  $("party-cancel").addEventListener("click", () => { $("party-form").hidden = true; });
  $("party-save").addEventListener("click", partySave);
}
