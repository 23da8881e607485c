// The calendar parts of the home page: the iCalendar subscription, and each company's next
// deadline kept current from `calendar.event` (the server computed it at page load).
import { api } from "../api.js";
import { onEvent } from "../live.js";
import { dateShow, h, readJson, tr } from "../format.js";

const strings = readJson("calendar-i18n");
const t = (key, values) => tr(strings, key, values);
const $ = (id) => document.getElementById(id);

function feedInit() {
  const address = $("feed-address");
  const copy = $("feed-copy");
  const status = $("feed-status");
  if (!address) return;
  $("feed-create").addEventListener("click", async () => {
    try {
      const { url } = await api("me/calendar-feed/", { method: "POST" });
      address.value = url;
      address.hidden = false;
      copy.hidden = false;
      status.textContent = "";
      address.select();
    } catch (error) {
      status.textContent = error.message || t("actionFailed");
    }
  });
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(address.value);
    } catch {
      address.select();
      document.execCommand("copy");
    }
    status.textContent = t("copied");
  });
  $("feed-revoke").addEventListener("click", async () => {
    try {
      await api("me/calendar-feed/", { method: "DELETE" });
      address.value = "";
      address.hidden = true;
      copy.hidden = true;
      status.textContent = t("revoked");
    } catch (error) {
      status.textContent = error.message || t("actionFailed");
    }
  });
}

// company id -> the deadline shown ({id, date, title}) as read from the page.
const shown = new Map();
const today = new Date().toISOString().slice(0, 10);

function nextShow(cell, company, event) {
  shown.set(company, event);
  if (!event) {
    cell.replaceChildren(h("span", { "aria-hidden": "true" }, "—"));
    return;
  }
  cell.replaceChildren(h("span", { class: "next-deadline", dataset: { eventId: event.id } },
    h("time", { datetime: event.date }, dateShow(event.date)), ` · ${event.title}`));
}

function nextInit() {
  for (const cell of document.querySelectorAll("[data-next-deadline]")) {
    const time = cell.querySelector("time");
    const link = cell.querySelector("[data-event-id]");
    shown.set(
      Number(cell.dataset.nextDeadline),
      link ? { date: time.getAttribute("datetime"), id: Number(link.dataset.eventId) } : null,
    );
  }
  onEvent("calendar.event", (frame) => {
    const event = frame.data;
    const cell = document.querySelector(`[data-next-deadline="${frame.company}"]`);
    if (!cell || !event || event.gone || event.kind !== "deadline") return;
    const current = shown.get(frame.company);
    const open = !event.deleted_at && !event.done_at && event.date >= today;
    if (open && (!current || event.date < current.date || current.id === event.id)) {
      nextShow(cell, frame.company, event);
    } else if (current && current.id === event.id) {
      // The shown deadline moved later, was done or removed: ask the server for the next one.
      api(`companies/${frame.company}/calendar/`, { query: { from: today, kind: "deadline" } })
        .then((found) => nextShow(cell, frame.company, found.find((e) => !e.done_at) ?? null))
        .catch(() => {});
    }
  });
}

feedInit();
nextInit();
