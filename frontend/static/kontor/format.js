// Small helpers shared by the page scripts: building elements, reading the page's JSON blocks,
// and showing dates, money and sizes in the page's language. Text always goes in as text.

export const lang = document.documentElement.lang || "en";

/** The parsed content of a `<script type="application/json" id="...">` block ({} if absent). */
export function readJson(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : {};
}

/** A translated string from `strings`, with `{name}` placeholders filled in. */
export function tr(strings, key, values = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );
}

/**
 * `h("button", {class: "button", type: "button", onclick: fn}, "Save")`: an element.
 * Attributes: `class`, `dataset` (object), `on<event>` (listeners), booleans (set when true),
 * anything else as an attribute. Children: nodes, strings (as text), arrays, null (skipped).
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" });
const timeFormat = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });

/** "2026-12-31" -> "31 Dec 2026"; a calendar date, so it is shown without any time zone shift. */
export function dateShow(value) {
  if (!value) return "";
  const date = new Date(`${String(value).slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? String(value) : dateFormat.format(date);
}

/** An ISO timestamp in the reader's time zone. */
export function timeShow(value) {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : timeFormat.format(date);
}

/** "121.00", "EUR" -> "€121.00" (in the page's language); amounts stay strings until shown. */
export function moneyShow(amount, currency) {
  if (amount === null || amount === undefined || amount === "") return "";
  const number = Number(amount);
  if (!Number.isFinite(number)) return String(amount);
  try {
    if (currency) {
      return new Intl.NumberFormat(lang, { style: "currency", currency }).format(number);
    }
  } catch {
    // An unknown currency code: show the number and the code as they are.
    return `${amount} ${currency}`;
  }
  return new Intl.NumberFormat(lang, { minimumFractionDigits: 2 }).format(number);
}

const sizeUnits = ["byte", "kilobyte", "megabyte", "gigabyte"];

export function sizeShow(bytes) {
  let value = Number(bytes) || 0;
  let unit = 0;
  while (value >= 1024 && unit < sizeUnits.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(lang, {
    style: "unit",
    unit: sizeUnits[unit],
    unitDisplay: "short",
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}
