// Tax-due notices in the Calendar tab: the office records what the client must pay for a deadline
// (the client is e-mailed daily until confirming); the client sees the open ones and confirms with
// one click here too. Both sides follow `calendar.notice` live.
import { api } from "../api.js";
import { onEvent } from "../live.js";
import { dateShow, h, moneyShow, timeShow } from "../format.js";

const $ = (id) => document.getElementById(id);

export function noticesStart({ config, t, changed }) {
  const notices = new Map(); // event id -> notice
  let editing = null; // the event the dialog records a notice for

  function alertShow(element, text) {
    element.textContent = text;
    element.classList.toggle("alert--empty", !text);
  }

  function apply(notice) {
    notices.set(notice.event, notice);
    render();
    changed();
  }

  function statusOf(notice) {
    if (!notice.confirmed_at) return t("noticeWaiting");
    return notice.confirmed_by_name
      ? t("noticeConfirmedBy", { date: timeShow(notice.confirmed_at), name: notice.confirmed_by_name })
      : t("noticeConfirmedByLink", { date: timeShow(notice.confirmed_at) });
  }

  /** The lines a notice adds wherever it is shown (the list, the deadline's card). */
  function lines(notice) {
    const parts = [h("span", { class: "cal-notice__amount" }, t("noticeLine", {
      title: notice.title, amount: moneyShow(notice.amount, notice.currency), date: dateShow(notice.date),
    }))];
    if (notice.payment_reference) parts.push(h("span", {}, t("noticeReference", { reference: notice.payment_reference })));
    if (notice.iban) parts.push(h("span", {}, t("noticeAccount", { iban: notice.iban })));
    return parts;
  }

  function item(notice) {
    const confirm = !config.staff && !notice.confirmed_at
      ? h("button", { type: "button", class: "button", "aria-label": t("noticeConfirmNamed", { title: notice.title }),
        onclick: (click) => confirmClick(notice, click.currentTarget) }, t("noticeConfirm"))
      : null;
    return h("li", { class: `cal-notice${notice.confirmed_at ? " cal-notice--confirmed" : ""}`, dataset: { eventId: notice.event } },
      h("p", { class: "cal-notice__lines" }, lines(notice)),
      h("p", { class: "cal-notice__status" }, statusOf(notice)),
      confirm);
  }

  function render() {
    // Open ones first (what the client must still do), then the confirmed ones.
    const shown = [...notices.values()].sort((a, b) =>
      Number(Boolean(a.confirmed_at)) - Number(Boolean(b.confirmed_at)) || a.date.localeCompare(b.date));
    $("notice-list").replaceChildren(...shown.map(item));
    $("notices").hidden = !shown.length;
  }

  async function confirmClick(notice, button) {
    button.disabled = true;
    try {
      apply(await api(`calendar/${notice.event}/notice/confirm/`, { method: "POST" }));
    } catch (error) {
      button.disabled = false;
      alertShow($("cal-notice"), error.message || t("actionFailed"));
    }
  }

  function dialogOpen(event) {
    editing = event;
    const known = notices.get(event.id);
    $("notice-for").textContent = t("noticeFor", { title: event.title, date: dateShow(event.date) });
    $("notice-amount").value = known?.amount ?? "";
    $("notice-currency").value = known?.currency ?? config.currency;
    $("notice-reference").value = known?.payment_reference ?? "";
    $("notice-iban").value = known?.iban ?? "";
    alertShow($("notice-error"), "");
    $("notice-dialog").showModal();
    $("notice-amount").focus();
  }

  async function dialogSave(submit) {
    submit.preventDefault();
    alertShow($("notice-error"), "");
    try {
      const notice = await api(`calendar/${editing.id}/notice/`, {
        method: "POST",
        json: {
          amount: $("notice-amount").value.trim().replace(",", "."),
          currency: $("notice-currency").value.trim(),
          payment_reference: $("notice-reference").value,
          iban: $("notice-iban").value,
        },
      });
      apply({ ...notice, title: notice.title ?? editing.title, date: notice.date ?? editing.date });
      $("notice-dialog").close();
      $("cal-status").textContent = t("noticeSent");
    } catch (error) {
      const fields = Object.entries(error.fields ?? {}).map(([field, problems]) => `${field}: ${[problems].flat().join(" ")}`);
      alertShow($("notice-error"), [error.message, ...fields].filter(Boolean).join(" ") || t("actionFailed"));
    }
  }

  async function load() {
    try {
      for (const notice of await api(`companies/${config.company}/notices/`)) notices.set(notice.event, notice);
      render();
      changed();
    } catch (error) {
      alertShow($("cal-notice"), error.message || t("loadFailed"));
    }
  }

  if (config.staff) {
    $("notice-form").addEventListener("submit", dialogSave);
    $("notice-cancel").addEventListener("click", () => $("notice-dialog").close());
  }
  onEvent("calendar.notice", (frame) => {
    if (frame.company === config.company && frame.data?.event) apply(frame.data);
  });
  load();

  return {
    /** What an event's card shows of its notice, and the office's button to record one. */
    cardParts(event) {
      const notice = notices.get(event.id);
      const parts = [];
      if (notice) {
        parts.push(h("p", { class: "cal-event__notice" }, [...lines(notice), h("span", {}, statusOf(notice))]));
      }
      const button = config.staff && event.kind === "deadline" && event.audience === "shared" && !event.done_at
        ? h("button", { type: "button", class: "button button--quiet",
          "aria-label": t("taxToPayNamed", { title: event.title }), onclick: () => dialogOpen(event) }, t("taxToPay"))
        : null;
      return { parts, button };
    },
  };
}
