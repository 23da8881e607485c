// The Calendar tab: an agenda (upcoming, grouped by date) and a month grid, filters, a dialog to
// create and edit, and live updates. Every change sends the `version` it is based on; a 409 shows
// what the other person changed and loads the event as it is now instead of overwriting it.
import "../pages.js";
import { api } from "../api.js";
import { onEvent } from "../live.js";
import { dateShow, h, lang, readJson, timeShow, tr } from "../format.js";
import { engagementsStart } from "./engagements.js";
import { noticesStart } from "./notices.js";

const config = readJson("calendar-config");
const strings = readJson("calendar-i18n");
const t = (key, values) => tr(strings, key, values);

const events = new Map(); // id -> event
const state = {
  view: "agenda",
  kind: "",
  assignee: "",
  month: config.today.slice(0, 7), // "YYYY-MM"
  focused: config.today, // the day with the focus in the month grid
  loaded: null, // [from, to] already fetched
  editing: null, // the event the dialog was opened with (its version is the base), or null
};

const $ = (id) => document.getElementById(id);
const statusLine = $("cal-status");
const notice = $("cal-notice");

// --- Dates ---------------------------------------------------------------------------------------

function isoOf(date) {
  return date.toISOString().slice(0, 10);
}

function dayAdd(iso, days) {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return isoOf(date);
}

function monthAdd(month, count) {
  const date = new Date(`${month}-01T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + count);
  return isoOf(date).slice(0, 7);
}

function monthLast(month) {
  return dayAdd(`${monthAdd(month, 1)}-01`, -1);
}

const longDay = new Intl.DateTimeFormat(lang, { dateStyle: "full", timeZone: "UTC" });
const monthTitle = new Intl.DateTimeFormat(lang, { month: "long", year: "numeric", timeZone: "UTC" });
const weekdayShort = new Intl.DateTimeFormat(lang, { weekday: "short", timeZone: "UTC" });
const weekdayLong = new Intl.DateTimeFormat(lang, { weekday: "long", timeZone: "UTC" });
const clock = new Intl.DateTimeFormat(lang, { timeStyle: "short" });

function dayLong(iso) {
  return longDay.format(new Date(`${iso}T00:00:00Z`));
}

function timeOf(value) {
  if (!value) return "";
  const date = new Date(value);
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

// --- Loading -------------------------------------------------------------------------------------

function wantedRange() {
  if (state.view === "month") {
    // The grid shows parts of the neighbouring months too.
    return [dayAdd(`${state.month}-01`, -7), dayAdd(monthLast(state.month), 7)];
  }
  return [dayAdd(config.today, -31), dayAdd(config.today, 366)];
}

async function load(range = wantedRange(), force = false) {
  const [from, to] = range;
  if (!force && state.loaded && state.loaded[0] <= from && state.loaded[1] >= to) return;
  statusLine.textContent = t("loading");
  try {
    const found = await api(`companies/${config.company}/calendar/`, { query: { from, to } });
    for (const event of found) eventApply(event, false);
    const overlaps = state.loaded && from <= state.loaded[1] && to >= state.loaded[0];
    state.loaded = overlaps // one contiguous range: a gap between two must still be fetched
      ? [from < state.loaded[0] ? from : state.loaded[0], to > state.loaded[1] ? to : state.loaded[1]]
      : [from, to];
    statusLine.textContent = "";
  } catch (error) {
    statusLine.textContent = error.message || t("loadFailed");
    return;
  }
  render();
}

/** Keep the newer of what we have and what came (a replayed live event must not undo a change). */
function eventApply(event, redraw = true) {
  const known = events.get(event.id);
  if (event.gone || event.deleted_at) {
    if (known && (event.gone || event.version >= known.version)) events.delete(event.id);
  } else if (!known || event.version >= known.version) {
    events.set(event.id, event);
  }
  if (redraw) render();
}

// --- Showing events ------------------------------------------------------------------------------

function visible(event) {
  if (state.kind && event.kind !== state.kind) return false;
  if (state.assignee && !event.assignees.includes(Number(state.assignee))) return false;
  return true;
}

function sorted(list) {
  return list.sort((a, b) =>
    a.date === b.date ? (a.starts_at || "").localeCompare(b.starts_at || "") || a.id - b.id
      : a.date.localeCompare(b.date),
  );
}

function personName(id) {
  return config.people[id] ?? t("someone");
}

function eventItem(event) {
  const done = Boolean(event.done_at);
  const overdue = !done && event.date < config.today && ["deadline", "task"].includes(event.kind);
  const details = [];
  if (event.starts_at) {
    details.push(h("span", { class: "cal-event__time" },
      timeOf(event.starts_at) + (event.ends_at ? `–${timeOf(event.ends_at)}` : "")));
  }
  if (event.kind === "deadline") {
    if (event.period) details.push(h("span", {}, t("period", { period: event.period })));
    if (event.unshifted && event.unshifted !== event.date) {
      details.push(h("span", { class: "cal-event__moved" }, t("movedFrom", { date: dateShow(event.unshifted) })));
    }
    if (event.legal_source) details.push(h("span", {}, t("legalSource", { source: event.legal_source })));
  }
  if (event.assignees.length) {
    details.push(h("span", {}, t("assignedTo", { names: event.assignees.map(personName).join(", ") })));
  }
  const taxNotice = notices.cardParts(event);
  const badges = [h("span", { class: `badge cal-kind cal-kind--${event.kind}` }, config.kinds[event.kind] ?? event.kind)];
  if (event.audience === "internal") badges.push(h("span", { class: "badge cal-badge--internal" }, t("officeOnly")));
  if (overdue) badges.push(h("span", { class: "badge cal-badge--overdue" }, t("overdue")));
  return h("li", { class: `cal-event${done ? " cal-event--done" : ""}`, dataset: { eventId: event.id, kind: event.kind } },
    h("div", { class: "cal-event__head" },
      h("span", { class: "cal-event__title" }, event.title),
      badges),
    details.length ? h("p", { class: "cal-event__details" }, details) : null,
    event.description ? h("p", { class: "cal-event__description" }, event.description) : null,
    event.flag ? h("p", { class: "cal-event__flag" }, event.flag) : null,
    taxNotice.parts,
    done ? h("p", { class: "cal-event__done" }, event.done_by
      ? t("doneOn", { date: timeShow(event.done_at), name: personName(event.done_by) })
      : t("doneOnNobody", { date: timeShow(event.done_at) })) : null,
    h("div", { class: "cal-event__actions" },
      h("button", { type: "button", class: "button button--secondary", "aria-label": t("editNamed", { title: event.title }),
        onclick: () => dialogOpen(event.id) }, t("edit")),
      h("button", { type: "button", class: "button button--quiet", "aria-pressed": done ? "true" : "false",
        onclick: () => doneToggle(event.id) }, t("markDone")),
      h("button", { type: "button", class: "button button--quiet",
        "aria-label": t("discussNamed", { title: event.title }), onclick: () => discuss(event.id) }, t("discuss")),
      taxNotice.button),
  );
}

/** "Discuss": opens (or creates) the event's conversation in the Chat tab. */
async function discuss(eventId) {
  try {
    const thread = await api("threads/for-subject/", {
      method: "POST",
      json: { subject_type: "calendar.event", subject_id: eventId },
    });
    location.assign(`/companies/${config.company}/chat/?thread=${thread.id}`);
  } catch (error) {
    alertShow(notice, error.message || t("discussFailed"));
  }
}

function agendaRender() {
  const list = $("agenda-list");
  const upcoming = sorted([...events.values()].filter((e) => visible(e) &&
    (e.date >= config.today || (!e.done_at && ["deadline", "task"].includes(e.kind)))));
  const groups = new Map();
  for (const event of upcoming) {
    if (!groups.has(event.date)) groups.set(event.date, []);
    groups.get(event.date).push(event);
  }
  const items = [...groups].map(([day, dayEvents]) =>
    h("li", { class: "agenda__day", dataset: { date: day } },
      h("h4", { class: `agenda__date${day === config.today ? " agenda__date--today" : ""}` },
        dayLong(day), day === config.today ? ` · ${t("today")}` : ""),
      h("ul", { class: "cal-events" }, dayEvents.map(eventItem))));
  list.replaceChildren(...items);
  if (!items.length) {
    list.append(h("li", { class: "empty" }, state.kind || state.assignee ? t("nothingMatches") : t("nothingUpcoming")));
  }
}

function monthRender() {
  $("month-heading").textContent = monthTitle.format(new Date(`${state.month}-01T00:00:00Z`));
  const first = `${state.month}-01`;
  // Weeks start on Monday.
  const offset = (new Date(`${first}T00:00:00Z`).getUTCDay() + 6) % 7;
  const start = dayAdd(first, -offset);
  $("month-weekdays").replaceChildren(...Array.from({ length: 7 }, (_, i) => {
    const day = new Date(`${dayAdd(start, i)}T00:00:00Z`);
    return h("th", { scope: "col", abbr: weekdayLong.format(day) }, weekdayShort.format(day));
  }));
  const byDay = new Map();
  for (const event of sorted([...events.values()].filter(visible))) {
    if (!byDay.has(event.date)) byDay.set(event.date, []);
    byDay.get(event.date).push(event);
  }
  if (!state.focused.startsWith(state.month)) state.focused = first;
  const rows = [];
  let day = start;
  do {
    const cells = [];
    for (let i = 0; i < 7; i += 1) {
      const dayEvents = byDay.get(day) ?? [];
      const inMonth = day.startsWith(state.month);
      const label = dayEvents.length ? t("eventsOn", { date: dayLong(day), count: dayEvents.length }) : dayLong(day);
      const chips = dayEvents.slice(0, 3).map((e) =>
        h("span", { class: `cal-chip cal-kind--${e.kind}${e.done_at ? " cal-chip--done" : ""}` }, e.title));
      if (dayEvents.length > 3) chips.push(h("span", { class: "cal-chip cal-chip--more" }, t("more", { count: dayEvents.length - 3 })));
      const current = day;
      cells.push(h("td", {
        role: "gridcell",
        class: `month-day${inMonth ? "" : " month-day--outside"}${day === config.today ? " month-day--today" : ""}`,
        tabindex: day === state.focused ? "0" : "-1",
        "aria-selected": day === state.focused ? "true" : "false",
        "aria-label": label,
        dataset: { date: day },
        onclick: () => dayFocus(current, true),
      },
      h("span", { class: "month-day__number", "aria-hidden": "true" }, Number(day.slice(8))),
      h("span", { class: "month-day__events", "aria-hidden": "true" }, chips)));
      day = dayAdd(day, 1);
    }
    rows.push(h("tr", {}, cells));
  } while (day.startsWith(state.month));
  $("month-body").replaceChildren(...rows);
  dayDetailRender(byDay.get(state.focused) ?? []);
}

function dayDetailRender(dayEvents) {
  $("day-heading").textContent = dayLong(state.focused);
  const list = $("day-list");
  list.replaceChildren(...dayEvents.map(eventItem));
  if (!dayEvents.length) list.append(h("li", { class: "empty" }, t("nothingThisDay")));
}

function dayFocus(day, moveFocus) {
  const month = day.slice(0, 7);
  state.focused = day;
  if (month !== state.month) {
    state.month = month;
    load();
  }
  render();
  if (moveFocus) document.querySelector(`#month-body [data-date="${day}"]`)?.focus();
}

function gridKeys(event) {
  const steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
  let next = null;
  if (event.key in steps) next = dayAdd(state.focused, steps[event.key]);
  else if (event.key === "PageUp" || event.key === "PageDown") {
    const month = monthAdd(state.month, event.key === "PageUp" ? -1 : 1);
    const day = Math.min(Number(state.focused.slice(8)), Number(monthLast(month).slice(8)));
    next = `${month}-${String(day).padStart(2, "0")}`;
  } else if (event.key === "Home") next = dayAdd(state.focused, -((new Date(`${state.focused}T00:00:00Z`).getUTCDay() + 6) % 7));
  else if (event.key === "End") next = dayAdd(state.focused, 6 - ((new Date(`${state.focused}T00:00:00Z`).getUTCDay() + 6) % 7));
  else if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    $("day-heading").focus();
    return;
  }
  if (next) {
    event.preventDefault();
    dayFocus(next, true);
  }
}

function render() {
  $("agenda").hidden = state.view !== "agenda";
  $("month").hidden = state.view !== "month";
  $("view-agenda").setAttribute("aria-pressed", String(state.view === "agenda"));
  $("view-month").setAttribute("aria-pressed", String(state.view === "month"));
  if (state.view === "agenda") agendaRender();
  else monthRender();
}

// --- Changing events -----------------------------------------------------------------------------

const FIELDS = ["title", "date", "starts_at", "ends_at", "kind", "description", "audience", "assignees", "done_at"];

function valueShow(field, value) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return t("empty");
  if (field === "date") return dateShow(value);
  if (field === "starts_at" || field === "ends_at") return timeOf(value);
  if (field === "kind") return config.kinds[value] ?? value;
  if (field === "assignees") return value.map(personName).join(", ");
  if (field === "done_at") return t("yes");
  if (field === "audience") return value === "internal" ? t("officeOnly") : value;
  return String(value);
}

/** "date: 1 Dec 2026 → 5 Dec 2026; title: …": what differs between two states of an event. */
function changesDescribe(before, after) {
  const parts = [];
  for (const field of FIELDS) {
    if (JSON.stringify(before[field] ?? null) === JSON.stringify(after[field] ?? null)) continue;
    parts.push(t("change", { field: t(`field_${field}`), before: valueShow(field, before[field]), after: valueShow(field, after[field]) }));
  }
  return parts.join("; ");
}

/** Who made the change that won ("Someone" for the deadline rules or an unknown person). */
function changerOf(event) {
  return event.updated_by_name || t("Someone");
}

/** "Anna changed this at 14:02: date: … → …": the other person's change, instead of ours. */
function changedMeanwhile(before, current) {
  return t("changedMeanwhile", {
    name: changerOf(current),
    time: current.updated_at ? timeOf(current.updated_at) : "",
    changes: changesDescribe(before, current),
  });
}

function alertShow(element, text) {
  element.textContent = text;
  element.classList.toggle("alert--empty", !text);
}

function withTime(day, time) {
  if (!time) return null;
  return new Date(`${day}T${time}`).toISOString(); // the reader's local time
}

function formFill(event) {
  $("event-title").value = event?.title ?? "";
  $("event-date").value = event?.date ?? (state.view === "month" ? state.focused : config.today);
  $("event-kind").value = event?.kind ?? "custom";
  $("event-start").value = timeOf(event?.starts_at);
  $("event-end").value = timeOf(event?.ends_at);
  $("event-description").value = event?.description ?? "";
  if ($("event-internal")) $("event-internal").checked = event?.audience === "internal";
  for (const box of document.querySelectorAll('#event-form input[name="assignees"]')) {
    box.checked = Boolean(event?.assignees.includes(Number(box.value)));
  }
}

function formValues() {
  const day = $("event-date").value;
  const values = {
    title: $("event-title").value.trim(),
    date: day,
    kind: $("event-kind").value,
    starts_at: withTime(day, $("event-start").value),
    ends_at: withTime(day, $("event-end").value),
    description: $("event-description").value,
    assignees: [...document.querySelectorAll('#event-form input[name="assignees"]:checked')].map((box) => Number(box.value)),
  };
  if ($("event-internal")) values.audience = $("event-internal").checked ? "internal" : "shared";
  return values;
}

function dialogOpen(id = null) {
  const event = id === null ? null : events.get(id);
  state.editing = event ? structuredClone(event) : null;
  $("event-dialog-heading").textContent = event ? t("editEvent") : t("newEvent");
  $("event-delete").hidden = !event || (event.kind === "deadline" && !config.staff);
  alertShow($("event-conflict"), "");
  alertShow($("event-error"), "");
  formFill(event);
  $("event-dialog").showModal();
  $("event-title").focus();
}

/** The event as it is now replaces the form (after a 409): the other person's change wins. */
async function conflictShow(base) {
  let current = null;
  try {
    current = await api(`calendar/${base.id}/`);
  } catch (error) {
    if (error.status !== 404) throw error;
  }
  if (current === null) {
    events.delete(base.id);
    render();
    alertShow($("event-conflict"), t("deletedMeanwhile"));
    state.editing = null;
    $("event-save").disabled = true;
    return;
  }
  eventApply(current);
  alertShow($("event-conflict"), changedMeanwhile(base, current));
  state.editing = structuredClone(current);
  formFill(current);
  $("event-conflict").scrollIntoView({ block: "nearest" });
}

async function dialogSave(submit) {
  submit.preventDefault();
  const values = formValues();
  alertShow($("event-error"), "");
  const base = state.editing;
  try {
    let saved;
    if (base) {
      const changes = {};
      for (const [field, value] of Object.entries(values)) {
        if (JSON.stringify(value) !== JSON.stringify(base[field] ?? null)) changes[field] = value;
      }
      saved = await api(`calendar/${base.id}/`, { method: "PATCH", json: { version: base.version, ...changes } });
    } else {
      saved = await api(`companies/${config.company}/calendar/`, { method: "POST", json: values });
    }
    eventApply(saved);
    $("event-dialog").close();
    statusLine.textContent = t("saved");
  } catch (error) {
    if (error.status === 409 && base) {
      alertShow($("event-conflict"), "");
      await conflictShow(base);
      return;
    }
    const fields = Object.values(error.fields ?? {}).flat().join(" ");
    alertShow($("event-error"), [error.message, fields].filter(Boolean).join(" ") || t("actionFailed"));
  }
}

async function dialogDelete() {
  const base = state.editing;
  if (!base || !window.confirm(t("deleteConfirm", { title: base.title }))) return;
  try {
    await api(`calendar/${base.id}/`, { method: "DELETE", query: { version: base.version } });
    events.delete(base.id);
    $("event-dialog").close();
    render();
    statusLine.textContent = t("deleted");
  } catch (error) {
    if (error.status === 409) await conflictShow(base);
    else alertShow($("event-error"), error.message || t("actionFailed"));
  }
}

async function doneToggle(id) {
  const event = events.get(id);
  if (!event) return;
  alertShow(notice, "");
  try {
    eventApply(await api(`calendar/${id}/done/`, { method: "POST", json: { version: event.version, done: !event.done_at } }));
  } catch (error) {
    if (error.status === 409) {
      try {
        const current = await api(`calendar/${id}/`);
        eventApply(current);
        alertShow(notice, changedMeanwhile(event, current));
      } catch {
        events.delete(id);
        render();
        alertShow(notice, t("deletedMeanwhile"));
      }
    } else alertShow(notice, error.message || t("actionFailed"));
  }
}

// --- Live ----------------------------------------------------------------------------------------

function liveEvent(frame) {
  if (frame.company !== config.company || !frame.data) return;
  const open = state.editing && state.editing.id === frame.data.id && $("event-dialog").open;
  const before = open ? events.get(frame.data.id) ?? state.editing : null;
  eventApply(frame.data);
  if (open && !frame.data.gone && !frame.data.deleted_at && frame.data.version > state.editing.version) {
    // Tell now; saving still sends the version the form was opened with, and gets the 409.
    alertShow($("event-conflict"), t("changedLive", { name: changerOf(frame.data), changes: changesDescribe(before, frame.data) }));
  } else if (open && (frame.data.gone || frame.data.deleted_at)) {
    alertShow($("event-conflict"), t("deletedMeanwhile"));
  }
}

onEvent("calendar.event", liveEvent);
onEvent("calendar.generated", (frame) => {
  if (frame.company !== config.company || !frame.data?.first) return;
  load([frame.data.first, frame.data.last], true);
});
onEvent("calendar.reminder", (frame) => {
  if (frame.company === config.company && frame.data?.id) eventApply(frame.data);
});

// --- Start ---------------------------------------------------------------------------------------

function viewSet(view) {
  state.view = view;
  const params = new URLSearchParams(location.search);
  params.set("view", view);
  history.replaceState(history.state, "", `${location.pathname}?${params}`);
  render();
  load();
}

function start() {
  const params = new URLSearchParams(location.search);
  if (params.get("view") === "month") state.view = "month";
  $("view-agenda").addEventListener("click", () => viewSet("agenda"));
  $("view-month").addEventListener("click", () => viewSet("month"));
  $("cal-filters").addEventListener("change", () => {
    state.kind = $("cal-kind").value;
    state.assignee = $("cal-assignee").value;
    render();
  });
  $("cal-filters").addEventListener("submit", (event) => event.preventDefault());
  $("cal-new").addEventListener("click", () => dialogOpen());
  $("month-prev").addEventListener("click", () => dayFocus(`${monthAdd(state.month, -1)}-01`, false));
  $("month-next").addEventListener("click", () => dayFocus(`${monthAdd(state.month, 1)}-01`, false));
  $("month-body").addEventListener("keydown", gridKeys);
  $("event-form").addEventListener("submit", dialogSave);
  $("event-cancel").addEventListener("click", () => $("event-dialog").close());
  $("event-delete").addEventListener("click", dialogDelete);
  $("event-dialog").addEventListener("close", () => {
    state.editing = null;
    $("event-save").disabled = false;
  });
  render();
  load();
}

// Notices and the engagement start after the calendar's own listeners are in place.
const notices = noticesStart({ config, t, changed: () => render() });
engagementsStart({ config, t, tasksPlanned: () => load(wantedRange(), true) });
start();
