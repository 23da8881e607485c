// What the server-rendered pages do with live events. Every element showing a company field is
// marked `data-company-field="<field>"` inside a container `data-company-id="<id>"`.
import { onEvent } from "./live.js";

const labelsElement = document.getElementById("kontor-labels");
const labels = labelsElement ? JSON.parse(labelsElement.textContent) : {};
const EMPTY = "—";

// company.updated carries the whole profile; per company, a snapshot older than the one already
// shown (a replayed event) must not undo a newer one.
const appliedUpTo = new Map();

function fieldText(field, value) {
  if (value === "" || value === null || value === undefined) return EMPTY;
  if (field === "country" || field === "vat_regime") return labels[field]?.[value] ?? value;
  if (field === "fiscal_year_end") {
    const [month, day] = String(value).split("-");
    const monthName = labels.month?.[month];
    return monthName ? `${Number(day)} ${monthName}` : value;
  }
  return String(value);
}

function companyShow(frame) {
  const company = frame.data;
  if (!company || (appliedUpTo.get(company.id) ?? 0) > frame.id) return;
  appliedUpTo.set(company.id, frame.id);
  for (const container of document.querySelectorAll(`[data-company-id="${company.id}"]`)) {
    for (const element of container.querySelectorAll("[data-company-field]")) {
      const field = element.dataset.companyField;
      if (!(field in company)) continue;
      const text = fieldText(field, company[field]);
      if (element.textContent !== text) element.textContent = text;
    }
  }
  if (document.body.dataset.company === String(company.id)) {
    document.title = `${document.body.dataset.titleTab} · ${company.name} · Kontor`;
  }
}

onEvent("company.updated", companyShow);
