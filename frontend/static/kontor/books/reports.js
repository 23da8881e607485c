// Reports: pick one and its dates, see it as a table, export it, and (office) publish it to the
// dossier. The table is the server's own CSV export of the report, so the page shows exactly
// the rows and columns the files carry, for every report, without a renderer per report.
import { api } from "../api.js";
import { h } from "../format.js";
import { $, alertShow, config, errorText, t } from "./common.js";

const byName = new Map(config.reports.map((report) => [report.name, report]));

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
export function csvParse(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  const source = text.replace(/^\ufeff/, "");
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i];
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') { field += '"'; i += 1; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && source[i + 1] === "\n") i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) { row.push(field); rows.push(row); }
  return rows;
}

function params() {
  const report = byName.get($("report-name").value);
  const values = {};
  for (const name of report.params) {
    const value = $(`report-${name}`).value;
    if (value) values[name] = value;
  }
  return values;
}

function url(format) {
  const query = new URLSearchParams(params());
  if (format) query.set("format", format);
  return `/api/v1/companies/${config.company}/reports/${$("report-name").value}/?${query}`;
}

function paramsShow() {
  const report = byName.get($("report-name").value);
  for (const field of document.querySelectorAll("#report-form [data-param]")) {
    field.hidden = !report.params.includes(field.dataset.param);
  }
  linksUpdate();
}

function linksUpdate() {
  for (const format of ["csv", "xlsx", "pdf"]) $(`report-${format}`).href = url(format);
}

const NUMERIC = /^-?[\d.,]+ ?%?$/;

export async function reportShow() {
  const error = $("report-error");
  alertShow(error, "");
  $("report-status").textContent = t("loading");
  linksUpdate();
  try {
    const response = await fetch(url("csv"), { credentials: "same-origin", headers: { Accept: "text/csv, application/json" } });
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      throw Object.assign(new Error(body?.message || ""), { fields: body?.fields ?? {} });
    }
    const [head = [], ...rows] = csvParse(await response.text());
    $("report-table").replaceChildren(h("table", { class: "books-table", id: "report-result" },
      h("caption", {}, $("report-name").selectedOptions[0].textContent),
      h("thead", {}, h("tr", {}, head.map((label) => h("th", { scope: "col" }, label)))),
      h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell) =>
        h("td", { class: NUMERIC.test(cell) ? "num" : null }, cell)))))));
    if (!rows.length) $("report-table").append(h("p", { class: "empty" }, t("reportEmpty")));
    $("report-status").textContent = "";
  } catch (failure) {
    $("report-status").textContent = "";
    alertShow(error, errorText(failure, t("loadFailed")));
  }
}

async function publish() {
  const error = $("report-error");
  alertShow(error, "");
  try {
    const document = await api(`companies/${config.company}/reports/${$("report-name").value}/publish/`, {
      method: "POST",
      json: { params: params(), format: "pdf" },
    });
    $("report-status").textContent = t("published", { name: document.name });
  } catch (failure) {
    alertShow(error, errorText(failure));
  }
}

export function reportsStart() {
  $("report-to").value = config.today;
  $("report-date").value = config.today;
  $("report-name").addEventListener("change", paramsShow);
  $("report-form").addEventListener("input", linksUpdate);
  $("report-form").addEventListener("submit", (event) => {
    event.preventDefault();
    reportShow();
  });
  $("report-publish")?.addEventListener("click", publish);
  paramsShow();
}
