// What every part of the Books tab shares: its configuration and words, element lookup, alerts,
// money, the "Discuss" button and the debounce of live refreshes.
import { api } from "../api.js";
import { h, moneyShow, readJson, tr } from "../format.js";

export const config = readJson("books-config");
const strings = readJson("books-i18n");
export const t = (key, values) => tr(strings, key, values);
export const $ = (id) => document.getElementById(id);

export function money(amount, currency = config.currency) {
  return amount === null || amount === undefined ? "—" : moneyShow(amount, currency);
}

/** Show one sentence in an alert element (empty text hides it). */
export function alertShow(element, text) {
  if (!element) return;
  element.textContent = text || "";
  element.classList.toggle("alert--empty", !text);
}

/** The API's sentence, its field errors, or a generic one. */
export function errorText(error, fallback = t("actionFailed")) {
  const fields = Object.entries(error?.fields ?? {})
    .map(([name, sentences]) => `${name}: ${[].concat(sentences).join(" ")}`);
  const message = error?.message || "";
  return [message, ...fields].filter(Boolean).join(" ") || fallback;
}

/** Every page of a cursor-paginated list (at most `limit` rows). */
export async function allPages(path, query = {}, limit = 1000) {
  const rows = [];
  let page = await api(path, { query: { page_size: 200, ...query } });
  rows.push(...page.results);
  while (page.next && rows.length < limit) {
    page = await api(new URL(page.next).pathname + new URL(page.next).search);
    rows.push(...page.results);
  }
  return rows;
}

/** "Discuss": opens (or creates) the object's conversation in the Chat tab. */
export function discussButton(subjectType, subjectId, title, onError) {
  return h("button", {
    type: "button",
    class: "button button--quiet",
    "aria-label": t("discussNamed", { title }),
    onclick: () => discuss(subjectType, subjectId, onError),
  }, t("discuss"));
}

export async function discuss(subjectType, subjectId, onError) {
  try {
    const thread = await api("threads/for-subject/", {
      method: "POST",
      json: { subject_type: subjectType, subject_id: subjectId },
    });
    location.assign(`/companies/${config.company}/chat/?thread=${thread.id}`);
  } catch (error) {
    onError(errorText(error, t("discussFailed")));
  }
}

/** `fn` once, `wait` ms after the last call: a burst of live events makes one re-fetch. */
export function debounce(fn, wait = 300) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}

/** An <option> list: `items` of {value, label}, with an optional empty first choice. */
export function options(select, items, selected = "", empty = null) {
  const list = empty === null ? [] : [h("option", { value: "" }, empty)];
  for (const item of items) {
    list.push(h("option", { value: item.value, selected: String(item.value) === String(selected) }, item.label));
  }
  select.replaceChildren(...list);
}

export function vatCodeLabel(code) {
  return `${code.code} · ${code.name}`;
}

// --- Decimal arithmetic for the totals preview -----------------------------------------------
// Exact, on BigInt: an amount is an integer count of 10^-scale units. Rounding is half-up (away
// from zero on a tie), as the server rounds (bookkeeping/totals.py).

export function decimalParse(text, scale) {
  const clean = String(text ?? "").trim().replace(",", ".");
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(clean);
  if (!match || (match[2] === "" && (match[3] ?? "") === "")) return null;
  const fraction = (match[3] ?? "");
  if (fraction.length > scale) return null;
  const units = BigInt((match[2] || "0") + fraction.padEnd(scale, "0"));
  return match[1] ? -units : units;
}

/** Divide by 10^digits, rounding half-up (away from zero). */
export function roundShift(value, digits) {
  const divisor = 10n ** BigInt(digits);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  let quotient = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) quotient += 1n;
  return negative ? -quotient : quotient;
}

export function centsText(cents) {
  const negative = cents < 0n;
  const digits = (negative ? -cents : cents).toString().padStart(3, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
