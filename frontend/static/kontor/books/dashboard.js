// The dashboard: revenue and costs per month (a CSS bar chart), cash, receivables and payables by
// age, the VAT due for the current period and the ratios with their trend. Every figure comes
// from the reports API; a live `books.entry` or `books.invoice` re-fetches them (debounced).
import { api } from "../api.js";
import { dateShow, h, lang } from "../format.js";
import { $, alertShow, config, errorText, money, t } from "./common.js";

const BUCKETS = ["current", "days_1_30", "days_31_60", "days_61_90", "over_90"];
const PERCENT_RATIOS = new Set(["gross_margin", "net_margin"]);
const DAY_RATIOS = new Set(["dso", "dpo"]);
const monthName = new Intl.DateTimeFormat(lang, { month: "short", year: "2-digit", timeZone: "UTC" });
const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 1 });

let generation = 0; // a slower, older answer must not overwrite a newer one

function report(name, query = {}) {
  return api(`companies/${config.company}/reports/${name}/`, { query });
}

function figure(id, amount) {
  const element = $(id);
  const text = money(amount);
  if (element.textContent !== text) element.textContent = text;
  element.dataset.amount = amount ?? "";
}

function chartRender(pnl) {
  const months = pnl.months ?? [];
  const highest = Math.max(1, ...months.flatMap((m) => [Math.abs(Number(m.income)), Math.abs(Number(m.expense))]));
  const bar = (kind, amount) => h("span", {
    class: `dash-bar dash-bar--${kind}`,
    style: `height: ${Math.round((Math.abs(Number(amount)) / highest) * 100)}%`,
    title: `${t(kind)}: ${money(amount)}`,
  });
  const columns = months.map((m) => {
    const label = monthName.format(new Date(`${m.month.slice(0, 7)}-01T00:00:00Z`));
    return h("li", { class: "dash-month", dataset: { month: m.month.slice(0, 7) } },
      h("span", { class: "dash-bars", "aria-hidden": "true" }, bar("revenue", m.income), bar("costs", m.expense)),
      h("span", { class: "dash-month__label" }, label),
      h("span", { class: "visually-hidden" },
        t("monthFigures", { month: label, revenue: money(m.income), costs: money(m.expense) })));
  });
  const legend = h("p", { class: "dash-legend", "aria-hidden": "true" },
    h("span", { class: "dash-key dash-key--revenue" }), t("revenue"), " ",
    h("span", { class: "dash-key dash-key--costs" }), t("costs"));
  $("dash-chart").replaceChildren(columns.length ? h("ol", { class: "dash-months" }, columns) : h("p", { class: "empty" }, t("noFigures")), legend);
}

function ageingRender(target, summary) {
  const totals = summary.totals ?? {};
  $(target).replaceChildren(h("table", { class: "books-table dash-ageing" },
    h("thead", {}, h("tr", {}, BUCKETS.map((bucket) => h("th", { scope: "col", class: "num" }, t(`bucket_${bucket}`))))),
    h("tbody", {}, h("tr", {}, BUCKETS.map((bucket) =>
      h("td", { class: "num", dataset: { bucket } }, money(totals[bucket])))))));
}

function ratioValue(name, value) {
  if (value === null || value === undefined) return "—";
  if (PERCENT_RATIOS.has(name)) return percent.format(Number(value));
  if (DAY_RATIOS.has(name)) return t("days", { count: number.format(Number(value)) });
  return number.format(Number(value));
}

function ratiosRender(result) {
  $("dash-ratios-period").textContent = t("comparedWith", {
    from: dateShow(result.previous_start), to: dateShow(result.previous_end),
  });
  const rows = result.ratios.map((ratio) => {
    const change = ratio.change === null ? 0 : Number(ratio.change);
    const arrow = ratio.value === null || ratio.previous === null ? "" : change > 0 ? "▲" : change < 0 ? "▼" : "=";
    const trend = arrow === "▲" ? "up" : arrow === "▼" ? "down" : "flat";
    return h("tr", { dataset: { ratio: ratio.name } },
      h("th", { scope: "row" }, t(`ratio_${ratio.name}`)),
      h("td", { class: "num" }, ratioValue(ratio.name, ratio.value)),
      h("td", { class: `num dash-trend dash-trend--${trend}` },
        arrow ? h("span", { "aria-hidden": "true" }, `${arrow} `) : null,
        arrow ? h("span", { class: "visually-hidden" }, `${t(`trend_${trend}`)} `) : null,
        ratioValue(ratio.name, ratio.previous)));
  });
  $("dash-ratios").replaceChildren(h("table", { class: "books-table" },
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, t("ratio")), h("th", { scope: "col", class: "num" }, t("thisPeriod")),
      h("th", { scope: "col", class: "num" }, t("previousPeriod")))),
    h("tbody", {}, rows)));
}

export async function dashboardLoad() {
  const mine = ++generation;
  const status = $("dash-status");
  if (!$("dash-revenue").dataset.amount) status.textContent = t("loading");
  const vat = config.vatPeriod;
  try {
    const [pnl, cash, receivables, payables, vatSummary, ratios] = await Promise.all([
      report("profit-and-loss"),
      report("cash"),
      report("receivables"),
      report("payables"),
      vat ? report("vat-summary", { from: vat.from, to: vat.to }) : Promise.resolve(null),
      report("ratios"),
    ]);
    if (mine !== generation) return;
    figure("dash-revenue", pnl.income);
    figure("dash-costs", pnl.expense);
    figure("dash-result", pnl.result);
    $("dash-period").textContent = t("periodFromTo", { from: dateShow(pnl.start), to: dateShow(pnl.end) });
    chartRender(pnl);
    figure("dash-cash", cash.total);
    $("dash-cash-flow").textContent = t("cashFlow", { in: money(cash.inflow_30_days), out: money(cash.outflow_30_days) });
    figure("dash-receivables", receivables.totals.total);
    ageingRender("dash-receivables-ageing", receivables);
    figure("dash-payables", payables.totals.total);
    ageingRender("dash-payables-ageing", payables);
    if (vatSummary) {
      figure("dash-vat", vatSummary.balance);
      $("dash-vat-period").textContent = t("periodFromTo", { from: dateShow(vat.from), to: dateShow(vat.to) });
    } else {
      $("dash-vat").textContent = "—";
      $("dash-vat-period").textContent = t("noVatReturns");
    }
    ratiosRender(ratios);
    status.textContent = "";
    alertShow($("books-notice"), "");
  } catch (error) {
    if (mine !== generation) return;
    status.textContent = "";
    alertShow($("books-notice"), errorText(error, t("loadFailed")));
  }
}
