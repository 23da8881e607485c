// Purchases (office staff): the purchase invoices waiting in the dossier inbox, the booking form
// the server prefills for one, booking it; and importing a structured e-invoice (UBL XML), which
// shows what was read from it, or the one sentence saying why it was refused.
import { api, uploadSend } from "../api.js";
import { dateShow, h } from "../format.js";
import { $, alertShow, config, errorText, money, options, t } from "./common.js";

const WAITING = ["new", "in_progress"];
let form = null; // the open booking form (GET documents/<id>/purchase-form/)
let suppliers = [];
const expenseAccounts = config.accounts.filter((a) => a.kind === "expense" || a.kind === "asset");

export async function purchasesLoad() {
  const status = $("purchase-status");
  status.textContent = t("loading");
  try {
    const pages = await Promise.all(WAITING.map((state) => api(`companies/${config.company}/documents/`, {
      query: { kind: config.purchaseKind, inbox_state: state, page_size: 200 },
    })));
    const documents = pages.flatMap((page) => page.results).sort((a, b) => b.id - a.id);
    const items = documents.map((doc) => h("li", { class: "books-list__item", dataset: { documentId: doc.id } },
      h("span", { class: "books-list__name" }, doc.name),
      h("span", { class: "dash-note" }, [doc.supplier, doc.amount ? money(doc.amount, doc.currency || config.currency) : "",
        doc.due_date ? t("dueOn", { date: dateShow(doc.due_date) }) : ""].filter(Boolean).join(" · ")),
      h("button", { type: "button", class: "button button--secondary", "aria-label": t("bookNamed", { name: doc.name }),
        onclick: () => formOpen(doc.id) }, t("bookOpen"))));
    if (!items.length) items.push(h("li", { class: "empty" }, t("noPurchases")));
    $("purchase-docs").replaceChildren(...items);
    status.textContent = "";
  } catch (error) {
    status.textContent = errorText(error, t("loadFailed"));
  }
}

function lineRow(line, vatCodes, index) {
  const vat = h("select", { class: "line-vat", "aria-label": t("lineVat", { n: index + 1 }) });
  options(vat, vatCodes.map((c) => ({ value: c.id, label: `${c.code} · ${c.name}` })), line.vat_code ?? vatCodes[0]?.id ?? "");
  const account = h("select", { class: "line-account", "aria-label": t("lineAccount", { n: index + 1 }) });
  options(account, expenseAccounts.map((a) => ({ value: a.id, label: `${a.code} · ${a.name}` })),
    line.account ?? form.default_account ?? "", t("defaultAccount"));
  return h("tr", {},
    h("td", {}, h("input", { class: "line-description", value: line.description ?? "", maxlength: "500",
      "aria-label": t("lineDescription", { n: index + 1 }) })),
    h("td", {}, h("input", { class: "line-net", value: line.net_amount ?? "", inputmode: "decimal", size: "9",
      "aria-label": t("lineNet", { n: index + 1 }) })),
    h("td", {}, vat),
    h("td", {}, account),
    h("td", {}, h("button", { type: "button", class: "button button--quiet", "aria-label": t("lineRemove", { n: index + 1 }),
      onclick: (event) => event.currentTarget.closest("tr").remove() }, "×")));
}

async function formOpen(documentId) {
  const error = $("purchase-error");
  alertShow(error, "");
  try {
    const [found, parties] = await Promise.all([
      api(`documents/${documentId}/purchase-form/`),
      api(`companies/${config.company}/parties/`),
    ]);
    form = found;
    suppliers = parties.filter((party) => party.kind !== "customer");
  } catch (failure) {
    alertShow($("books-notice"), errorText(failure, t("loadFailed")));
    return;
  }
  $("purchase-heading").textContent = t("bookingOf", { name: form.document.name });
  options($("purchase-party"), suppliers.map((p) => ({ value: p.id, label: p.name })), form.supplier?.id ?? "",
    form.supplier_name ? t("supplierUnknown", { name: form.supplier_name }) : t("chooseSupplier"));
  $("purchase-number").value = form.number ?? "";
  $("purchase-issue-date").value = form.issue_date ?? "";
  $("purchase-due-date").value = form.due_date ?? "";
  $("purchase-currency").value = form.currency ?? config.currency;
  $("purchase-reference").value = form.payment_reference ?? "";
  const lines = form.invoice?.lines?.length ? form.invoice.lines
    : [{ description: form.document.name, net_amount: form.amount ?? "" }];
  $("purchase-line-rows").replaceChildren(...lines.map((line, i) => lineRow(line, form.vat_codes, i)));
  $("purchase-editor").hidden = false;
  $("purchase-heading").focus();
}

async function book(event) {
  event.preventDefault();
  const error = $("purchase-error");
  alertShow(error, "");
  const body = {
    number: $("purchase-number").value.trim(),
    currency: $("purchase-currency").value.trim().toUpperCase(),
    payment_reference: $("purchase-reference").value.trim(),
    lines: [...$("purchase-line-rows").rows].map((row) => ({
      description: row.querySelector(".line-description").value.trim(),
      net_amount: row.querySelector(".line-net").value.trim().replace(",", "."),
      vat_code: Number(row.querySelector(".line-vat").value),
      account: Number(row.querySelector(".line-account").value) || null,
    })),
  };
  if ($("purchase-party").value) body.party = Number($("purchase-party").value);
  if ($("purchase-issue-date").value) body.issue_date = $("purchase-issue-date").value;
  if ($("purchase-due-date").value) body.due_date = $("purchase-due-date").value;
  try {
    const invoice = await api(`documents/${form.document.id}/book-purchase/`, { method: "POST", json: body });
    $("purchase-editor").hidden = true;
    $("purchase-status").textContent = t("purchaseBooked", { total: money(invoice.gross_total, invoice.currency) });
    purchasesLoad();
  } catch (failure) {
    alertShow(error, errorText(failure));
  }
}

function importShow(result) {
  const facts = [
    [t("supplier"), result.supplier?.name],
    [t("invoiceNumber"), result.number],
    [t("issueDate"), dateShow(result.issue_date)],
    [t("dueDate"), dateShow(result.due_date)],
    [t("paymentReference"), result.payment_reference],
    [t("netTotal"), money(result.totals.tax_exclusive, result.currency)],
    [t("vatTotal"), money(result.totals.tax_total, result.currency)],
    [t("payable"), money(result.totals.payable, result.currency)],
  ];
  const box = $("einvoice-result");
  box.replaceChildren(
    h("h4", {}, t("einvoiceRead")),
    h("dl", { class: "books-facts" }, facts.filter(([, v]) => v).map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)])),
    h("ul", {}, (result.warnings ?? []).map((warning) => h("li", { class: "dash-note" }, warning.message))),
    h("button", { type: "button", class: "button", onclick: () => formOpen(result.document) }, t("bookOpen")));
  box.hidden = false;
}

export function purchasesStart() {
  $("purchase-form").addEventListener("submit", book);
  $("purchase-close").addEventListener("click", () => { $("purchase-editor").hidden = true; });
  $("purchase-line-add").addEventListener("click", () => {
    if (!form) return;
    const rows = $("purchase-line-rows");
    rows.append(lineRow({}, form.vat_codes, rows.rows.length));
  });
  $("einvoice-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $("einvoice-error");
    alertShow(error, "");
    $("einvoice-result").hidden = true;
    const file = $("einvoice-file").files[0];
    if (!file) {
      alertShow(error, t("chooseFile"));
      return;
    }
    const data = new FormData();
    data.append("file", file);
    try {
      importShow(await uploadSend(`companies/${config.company}/einvoices/`, data, () => {}).promise);
      purchasesLoad();
    } catch (failure) {
      alertShow(error, errorText(failure));
    }
  });
}
