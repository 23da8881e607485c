// The engagement in the Calendar tab: the services agreed with the company. The office sets each
// service's dates and the person responsible (which plans that person's tasks); the client reads
// the services and their dates only (the API gives a client nothing more).
import { api } from "../api.js";
import { dateShow, h } from "../format.js";

const $ = (id) => document.getElementById(id);

export function engagementsStart({ config, t, tasksPlanned }) {
  const agreed = new Map(); // service -> engagement
  const status = $("engagement-status");

  function datesOf(engagement) {
    return engagement.ends_on
      ? t("engagementFromTo", { start: dateShow(engagement.starts_on), end: dateShow(engagement.ends_on) })
      : t("engagementFrom", { start: dateShow(engagement.starts_on) });
  }

  function clientItem(engagement) {
    return h("li", { class: "cal-engagement__service", dataset: { service: engagement.service } },
      h("span", { class: "cal-engagement__name" }, engagement.service_name), " · ", datesOf(engagement));
  }

  function staffItem(service, name) {
    const engagement = agreed.get(service);
    const id = (field) => `engagement-${service}-${field}`;
    const people = Object.entries(config.staffPeople);
    const form = h("form", { class: "cal-engagement__form", novalidate: true },
      h("div", { class: "field" },
        h("label", { for: id("responsible") }, t("engagementResponsible")),
        h("select", { id: id("responsible"), name: "responsible", required: true },
          h("option", { value: "" }, t("engagementPick")),
          people.map(([pk, person]) => h("option", {
            value: pk, selected: engagement && Number(pk) === engagement.responsible ? true : undefined,
          }, person)))),
      h("div", { class: "field" },
        h("label", { for: id("starts") }, t("engagementStarts")),
        h("input", { id: id("starts"), name: "starts_on", type: "date", required: true, value: engagement?.starts_on ?? config.today })),
      h("div", { class: "field" },
        h("label", { for: id("ends") }, t("engagementEnds")),
        h("input", { id: id("ends"), name: "ends_on", type: "date", value: engagement?.ends_on ?? "" })),
      h("button", { type: "submit", class: "button button--secondary", "aria-label": t("engagementSaveNamed", { service: name }) },
        t("engagementSave")));
    form.addEventListener("submit", (submit) => save(submit, service, name, form));
    return h("li", { class: "cal-engagement__service", dataset: { service } },
      h("p", { class: "cal-engagement__head" },
        h("span", { class: "cal-engagement__name" }, name), " ",
        h("span", { class: `badge${engagement ? " cal-engagement--agreed" : ""}` },
          engagement ? t("engagementAgreed") : t("engagementNotAgreed"))),
      form);
  }

  function render() {
    const list = $("engagement-list");
    if (config.staff) {
      list.replaceChildren(...Object.entries(config.services).map(([service, name]) => staffItem(service, name)));
    } else {
      list.replaceChildren(...[...agreed.values()].map(clientItem));
      if (!agreed.size) list.append(h("li", { class: "empty" }, t("engagementNone")));
    }
  }

  async function save(submit, service, name, form) {
    submit.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    status.textContent = "";
    try {
      const saved = await api(`companies/${config.company}/engagements/`, {
        method: "POST",
        json: {
          service,
          responsible: Number(values.responsible) || null,
          starts_on: values.starts_on,
          ends_on: values.ends_on || null,
        },
      });
      agreed.set(service, saved);
      render();
      status.textContent = t("engagementSaved", { service: name });
      tasksPlanned();
    } catch (error) {
      const fields = Object.entries(error.fields ?? {}).map(([field, problems]) => `${field}: ${[problems].flat().join(" ")}`);
      status.textContent = [error.message, ...fields].filter(Boolean).join(" ") || t("actionFailed");
    }
  }

  async function load() {
    try {
      for (const engagement of await api(`companies/${config.company}/engagements/`)) {
        agreed.set(engagement.service, engagement);
      }
      render();
    } catch (error) {
      status.textContent = error.message || t("loadFailed");
    }
  }

  load();
}
