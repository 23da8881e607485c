// The Books tab: a dashboard, sales invoices, purchases (office), entries and reports, each a
// section of one page. `?view=` names the section; `?invoice=` and `?entry=` (the links of a
// conversation's subject) open that invoice or entry. Live: `books.entry` and `books.invoice`
// re-fetch the dashboard (debounced) and update the lists in place.
import "../pages.js";
import { onEvent } from "../live.js";
import { $, config, debounce } from "./common.js";
import { dashboardLoad } from "./dashboard.js";
import { entriesLoad, entriesStart, entryLive, entryOpen } from "./entries.js";
import { invoiceLive, invoiceOpen, invoicesLoad, invoicesStart } from "./invoices.js";
import { purchasesLoad, purchasesStart } from "./purchases.js";
import { reportsStart } from "./reports.js";
import { sellerStart } from "./seller.js";

const loaders = {
  dashboard: dashboardLoad,
  invoices: invoicesLoad,
  purchases: config.staff ? purchasesLoad : null,
  entries: entriesLoad,
  reports: null,
};
const loaded = new Set();

function viewShow(name, remember = true) {
  if (!$(`view-${name}`)) name = "dashboard";
  for (const button of document.querySelectorAll(".books-nav [data-view]")) {
    button.setAttribute("aria-pressed", String(button.dataset.view === name));
  }
  for (const panel of document.querySelectorAll(".books-view")) panel.hidden = panel.dataset.panel !== name;
  if (!loaded.has(name)) {
    loaded.add(name);
    loaders[name]?.();
  }
  if (remember) {
    const url = new URL(location.href);
    url.searchParams.set("view", name);
    url.searchParams.delete("invoice");
    url.searchParams.delete("entry");
    history.replaceState(null, "", url);
  }
}

for (const button of document.querySelectorAll(".books-nav [data-view]")) {
  button.addEventListener("click", () => viewShow(button.dataset.view));
}

invoicesStart();
entriesStart();
reportsStart();
if (config.staff) purchasesStart();
if (config.staff) sellerStart();

const dashboardRefresh = debounce(() => {
  if (loaded.has("dashboard")) dashboardLoad();
}, 400);
const purchasesRefresh = debounce(() => {
  if (loaded.has("purchases")) purchasesLoad();
}, 400);

onEvent("books.entry", (frame) => {
  dashboardRefresh();
  if (loaded.has("entries")) entryLive(frame);
});
onEvent("books.invoice", (frame) => {
  dashboardRefresh();
  if (loaded.has("invoices")) invoiceLive(frame);
  if (frame.data?.direction === "purchase") purchasesRefresh();
});
onEvent("dossier.document", () => purchasesRefresh());

const params = new URLSearchParams(location.search);
if (params.get("invoice")) {
  viewShow("invoices", false);
  invoiceOpen(params.get("invoice"));
} else if (params.get("entry")) {
  viewShow("entries", false);
  entryOpen(params.get("entry"));
} else {
  viewShow(params.get("view") || "dashboard", false);
}

// For the browser tests: the dashboard has drawn its figures once.
window.kontorBooks = { dashboardLoad };
