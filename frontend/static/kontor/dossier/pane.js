// The selected document: its preview, download, inbox state, publishing and confirmation, its
// details, versions, who opened it, and the trash. Each section is redrawn only when what it
// shows changed, so that a live update does not take away the focus or half-typed input.
import { api, uploadSend } from "../api.js";
import { dateShow, h, moneyShow, sizeShow, timeShow } from "../format.js";
import {
  canEdit,
  canWriteFolder,
  ctx,
  documentApply,
  folderOf,
  on,
  personName,
  t,
} from "./state.js";

const narrow = window.matchMedia("(max-width: 59.99rem)"); // the pane is below the list
let pane;
let heading;
let intro;
let body;
let errorBox;
let sections = {};
let keys = {};
let versionsLoaded = 0;

// --- Helpers -------------------------------------------------------------------------------------

function errorShow(message) {
  errorBox.textContent = message;
  errorBox.classList.toggle("alert--empty", !message);
}

/**
 * Run an API call from a button; its answer (a document) is applied, its error shown. The button
 * is marked busy rather than disabled: a disabled button would drop the keyboard focus.
 */
async function act(button, call, after) {
  if (button?.getAttribute("aria-disabled") === "true") return null; // a second click meanwhile
  errorShow("");
  button?.setAttribute("aria-disabled", "true");
  try {
    const doc = await call();
    if (doc?.id) documentApply(doc);
    after?.(doc);
    return doc;
  } catch (error) {
    errorShow(error.message || t("actionFailed"));
    return null;
  } finally {
    button?.removeAttribute("aria-disabled");
  }
}

function post(path, json) {
  return api(path, { method: "POST", json });
}

function section(name, titled = false) {
  const element = h("section", {
    class: `pane__section pane__section--${name}`,
    "aria-labelledby": titled ? `pane-${name}-heading` : null,
  });
  sections[name] = element;
  return element;
}

function sectionTitle(name, text) {
  return h("h4", { id: `pane-${name}-heading` }, text);
}

/** Redraw a section only when `key` (what it shows) changed since the last time. */
function redraw(name, key, draw) {
  if (keys[name] === key) return;
  keys[name] = key;
  const element = sections[name];
  const hadFocus = element.contains(document.activeElement);
  element.replaceChildren(...[draw()].flat(Infinity).filter(Boolean));
  element.hidden = element.childElementCount === 0;
  // The control that was used is gone: keep the keyboard in the same section.
  if (hadFocus && !element.contains(document.activeElement)) {
    const target =
      element.querySelector("[data-focus-after]") ?? element.querySelector("button, a, input, h4");
    target?.focus();
  }
}

function button(label, onclick, kind = "button button--secondary") {
  return h("button", { type: "button", class: kind, onclick }, label);
}

/** "Discuss": opens (or creates) the document's conversation in the Chat tab. */
function discussButton(doc) {
  return button(t("discuss"), async (event) => {
    const opener = event.currentTarget;
    if (opener.getAttribute("aria-disabled") === "true") return;
    opener.setAttribute("aria-disabled", "true");
    errorShow("");
    try {
      const thread = await api("threads/for-subject/", {
        method: "POST",
        json: { subject_type: "dossier.document", subject_id: doc.id },
      });
      location.assign(`/companies/${ctx.company}/chat/?thread=${thread.id}`);
    } catch (error) {
      errorShow(error.message || t("discussFailed"));
      opener.removeAttribute("aria-disabled");
    }
  });
}

// --- Sections ------------------------------------------------------------------------------------

function previewDraw(doc) {
  const version = doc.version;
  if (!version) return h("p", { class: "placeholder" }, t("noContent"));
  const picture = version.has_preview
    ? h("img", {
        class: "pane__thumb",
        src: `/api/v1/documents/${doc.id}/preview/?version=${version.number}`,
        alt: t("previewOf", { name: doc.name }),
      })
    : h("p", { class: "pane__nothumb" }, t("noPreview"));
  const download = h(
    "a",
    { class: "button", href: `/api/v1/documents/${doc.id}/download/` },
    t("download"),
    h("span", { class: "visually-hidden" }, ` ${doc.name}`),
  );
  const about = h("span", { class: "muted" }, `${version.name} · ${sizeShow(version.size)}`);
  return [picture, h("p", { class: "pane__download" }, download, " ", discussButton(doc), " ", about)];
}

// The moves dossier/services.py allows, as buttons; rejecting has its own form (a reason).
const INBOX_MOVES = {
  "": [["new", "toInbox"]],
  new: [["in_progress", "startBooking"], ["booked", "markBooked"], ["archived", "archive"]],
  in_progress: [["new", "backToNew"], ["booked", "markBooked"], ["archived", "archive"]],
  booked: [["in_progress", "reopen"]],
  archived: [["new", "backToNew"]],
  rejected: [["new", "backToNew"]],
};

function inboxMove(doc, state, reason, control) {
  return act(control, () => post(`documents/${doc.id}/inbox/`, { state, reason }));
}

function rejectForm(doc, opener) {
  const reason = h("textarea", {
    id: "reject-reason",
    rows: 3,
    required: true,
    "aria-describedby": "reject-hint",
  });
  const cancel = button(t("cancel"), () => {
    form.remove();
    opener.hidden = false;
    opener.focus();
  }, "button button--quiet");
  const form = h(
    "form",
    { class: "stack reject" },
    h(
      "div",
      { class: "field" },
      h("label", { for: "reject-reason" }, t("rejectReason")),
      h("p", { id: "reject-hint", class: "hint" }, t("rejectHint")),
      reason,
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "button button--danger" }, t("reject")),
      cancel,
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!reason.value.trim()) {
      reason.setAttribute("aria-invalid", "true");
      errorShow(t("rejectReasonMissing"));
      reason.focus();
      return;
    }
    inboxMove(doc, "rejected", reason.value.trim(), form.querySelector("[type=submit]"));
  });
  return { form, reason };
}

function inboxDraw(doc) {
  const state = doc.inbox_state;
  if (!state && (!ctx.staff || doc.deleted_at)) return null;
  const label = h("span", { class: `badge badge--${state || "none"}` }, ctx.stateLabel[state]);
  const parts = [
    sectionTitle("inbox", t("inbox")),
    // Where the keyboard lands after a move: the state it led to.
    h(
      "p",
      { class: "pane__state", id: "pane-inbox-state", tabindex: "-1", "data-focus-after": true },
      label,
    ),
  ];
  if (state === "rejected" && doc.inbox_reason) {
    parts.push(
      h(
        "p",
        { class: "pane__reason", id: "pane-reject-reason" },
        h("strong", {}, t("rejectedBecause")),
        " ",
        doc.inbox_reason,
      ),
    );
  }
  if (ctx.staff && !doc.deleted_at) {
    const actions = h(
      "div",
      { class: "actions" },
      (INBOX_MOVES[state] ?? []).map(([target, text]) =>
        button(t(text), (event) => inboxMove(doc, target, "", event.currentTarget)),
      ),
    );
    if (state === "new" || state === "in_progress") {
      const opener = button(t("rejectOpen"), () => {
        const { form, reason } = rejectForm(doc, opener);
        opener.hidden = true;
        actions.after(form);
        reason.focus();
      });
      actions.append(opener);
    }
    parts.push(actions);
  }
  return parts;
}

function confirmationDraw(doc) {
  if (!doc.published_at || !doc.ack_required) return null;
  if (doc.acknowledged_at) {
    const text = t("confirmedBy", {
      name: personName(doc.acknowledged_by),
      date: timeShow(doc.acknowledged_at),
    });
    return h(
      "p",
      { class: "pane__confirmed", id: "pane-confirmed", tabindex: "-1", "data-focus-after": true },
      text,
    );
  }
  if (ctx.staff) return h("p", { class: "pane__waiting" }, t("notConfirmedYet"));
  return h(
    "div",
    { class: "confirm" },
    h("p", { id: "confirm-hint" }, t("confirmHint")),
    h(
      "button",
      {
        type: "button",
        class: "button",
        "aria-describedby": "confirm-hint",
        onclick: (event) =>
          act(event.currentTarget, () => post(`documents/${doc.id}/acknowledge/`)),
      },
      t("confirm"),
    ),
  );
}

function publishDraw(doc) {
  const published = doc.published_at
    ? [
        h("p", {}, t("publishedOn", { date: timeShow(doc.published_at) })),
        doc.publish_note ? h("blockquote", { class: "pane__note" }, doc.publish_note) : null,
        confirmationDraw(doc),
      ]
    : [];
  if (!ctx.staff) {
    return doc.published_at ? [sectionTitle("publish", t("published")), published] : null;
  }
  if (doc.deleted_at) return null;
  if (folderOf(doc)?.access === "internal") {
    return [
      sectionTitle("publish", t("publish")),
      h("p", { class: "hint" }, t("internalCannotPublish")),
    ];
  }
  const note = h("textarea", { id: "publish-note", rows: 2 });
  const ack = h("input", { type: "checkbox", id: "publish-ack" });
  const submit = h(
    "button",
    { type: "submit", class: "button" },
    doc.published_at ? t("publishAgain") : t("publishButton"),
  );
  const form = h(
    "form",
    { class: "stack" },
    h("div", { class: "field" }, h("label", { for: "publish-note" }, t("publishNote")), note),
    h("div", { class: "check" }, ack, h("label", { for: "publish-ack" }, t("ackRequired"))),
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    act(submit, () =>
      post(`documents/${doc.id}/publish/`, { note: note.value, ack_required: ack.checked }),
    );
  });
  const title = doc.published_at ? t("published") : t("publish");
  return [sectionTitle("publish", title), published, form];
}

const DETAIL_FIELDS = ["name", "kind", "amount", "currency", "due_date", "supplier", "note"];

function detailValue(doc, name) {
  const value = doc[name];
  return value === null || value === undefined ? "" : String(value);
}

function detailsReadOnly(doc) {
  const rows = [
    [t("kind"), ctx.kindLabel[doc.kind] ?? doc.kind],
    [t("amount"), moneyShow(doc.amount, doc.currency)],
    [t("dueDate"), dateShow(doc.due_date)],
    [t("supplier"), doc.supplier],
    [t("note"), doc.note],
  ];
  return [
    sectionTitle("details", t("details")),
    h(
      "dl",
      { class: "facts" },
      rows.map(([label, value]) => h("div", {}, h("dt", {}, label), h("dd", {}, value || "—"))),
    ),
  ];
}

function field(id, label, control) {
  return h(
    "div",
    { class: `field field--${id}` },
    h("label", { for: `detail-${id}` }, label),
    control,
  );
}

function detailControls() {
  const input = (name, attributes = {}) =>
    h("input", { id: `detail-${name}`, name, autocomplete: "off", ...attributes });
  return {
    name: input("name", { required: true, maxlength: 200 }),
    kind: h(
      "select",
      { id: "detail-kind", name: "kind" },
      ctx.kinds.map(([value, label]) => h("option", { value }, label)),
    ),
    amount: input("amount", { inputmode: "decimal", "aria-describedby": "detail-amount-hint" }),
    currency: input("currency", { maxlength: 3, size: 4, autocapitalize: "characters" }),
    due_date: input("due_date", { type: "date" }),
    supplier: input("supplier", { maxlength: 200 }),
    note: h("textarea", { id: "detail-note", name: "note", rows: 3 }),
  };
}

function detailsForm(doc) {
  const controls = detailControls();
  for (const name of DETAIL_FIELDS) {
    const control = controls[name];
    control.value = detailValue(doc, name);
    control.addEventListener("input", () => {
      control.dataset.dirty = "true"; // the reader's own edit: a live update leaves it alone
      control.removeAttribute("aria-invalid");
    });
  }
  const saved = h("span", { class: "saved", role: "status" });
  const submit = h("button", { type: "submit", class: "button" }, t("save"));
  const form = h(
    "form",
    { class: "details", id: "details-form", novalidate: true },
    field("name", t("name"), controls.name),
    field("kind", t("kind"), controls.kind),
    h(
      "div",
      { class: "details__money" },
      field("amount", t("amount"), controls.amount),
      field("currency", t("currency"), controls.currency),
    ),
    h("p", { id: "detail-amount-hint", class: "hint" }, t("amountHint")),
    field("due_date", t("dueDate"), controls.due_date),
    field("supplier", t("supplier"), controls.supplier),
    field("note", t("note"), controls.note),
    h("div", { class: "actions" }, submit, saved),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    saved.textContent = "";
    // "121,50" is how half of Europe writes it; the API takes "121.50".
    const amount = controls.amount.value.replace(/\s/g, "").replace(",", ".");
    const changes = {
      name: controls.name.value.trim(),
      kind: controls.kind.value,
      amount: amount === "" ? null : amount,
      currency: controls.currency.value.trim().toUpperCase(),
      due_date: controls.due_date.value || null,
      supplier: controls.supplier.value.trim(),
      note: controls.note.value,
    };
    const save = async () => {
      try {
        return await api(`documents/${doc.id}/`, { method: "PATCH", json: changes });
      } catch (error) {
        for (const name of Object.keys(error.fields)) {
          controls[name]?.setAttribute("aria-invalid", "true");
        }
        throw error;
      }
    };
    act(submit, save, () => {
      for (const control of Object.values(controls)) delete control.dataset.dirty;
      saved.textContent = t("saved");
    });
  });
  return [sectionTitle("details", t("details")), form];
}

/** Fields someone else changed are brought in, unless the reader is editing that very field. */
function detailsRefresh(doc) {
  const form = document.getElementById("details-form");
  if (!form) return;
  for (const name of DETAIL_FIELDS) {
    const control = form.elements.namedItem(name);
    if (control && !control.dataset.dirty) control.value = detailValue(doc, name);
  }
}

function versionUpload(doc, file, progress, error) {
  error.textContent = "";
  if (file.size > ctx.uploadMax) {
    error.textContent = t("fileTooLarge", { name: file.name, size: sizeShow(ctx.uploadMax) });
    return;
  }
  const form = new FormData();
  form.append("file", file, file.name);
  progress.hidden = false;
  progress.value = 0;
  uploadSend(`documents/${doc.id}/versions/`, form, (sent, size) => {
    progress.value = Math.min(99, Math.floor((sent / size) * 100));
  })
    .promise.then(() => versionsLoad(doc.id))
    .catch((failure) => {
      error.textContent = failure.message || t("uploadFailed");
    })
    .finally(() => {
      progress.hidden = true;
    });
}

function versionsDraw(doc) {
  const list = h(
    "ol",
    { class: "versions", id: "versions", reversed: true },
    h("li", { class: "muted" }, t("loading")),
  );
  if (!canEdit(doc)) return [sectionTitle("versions", t("versions")), list];
  const input = h("input", { type: "file", id: "version-file", class: "visually-hidden" });
  const progress = h("progress", {
    max: 100,
    value: 0,
    hidden: true,
    "aria-label": t("uploadingNewVersion"),
  });
  const error = h("p", { class: "upload-row__error", role: "alert" });
  input.addEventListener("change", () => {
    const file = input.files[0];
    input.value = "";
    if (file) versionUpload(doc, file, progress, error);
  });
  const picker = h(
    "label",
    { class: "button button--secondary file-button" },
    input,
    t("uploadNewVersion"),
  );
  return [
    sectionTitle("versions", t("versions")),
    list,
    h("div", { class: "new-version" }, picker, progress, error),
  ];
}

function versionRow(id, version) {
  const meta = [
    sizeShow(version.size),
    version.uploaded_by || t("someone"),
    timeShow(version.uploaded_at),
  ].join(" · ");
  return h(
    "li",
    { class: "version" },
    h("span", { class: "version__number" }, t("versionNumber", { number: version.number })),
    " ",
    h("span", { class: "version__name" }, version.name),
    h("span", { class: "version__meta" }, meta),
    h(
      "a",
      {
        href: `/api/v1/documents/${id}/download/?version=${version.number}`,
        "aria-label": t("downloadVersion", { number: version.number }),
      },
      t("download"),
    ),
  );
}

async function versionsLoad(id) {
  const mine = ++versionsLoaded;
  let versions;
  try {
    versions = await api(`documents/${id}/versions/`);
  } catch (error) {
    versions = error;
  }
  const list = document.getElementById("versions");
  if (mine !== versionsLoaded || ctx.selected !== id || !list) return;
  if (versions instanceof Error) {
    list.replaceChildren(h("li", { class: "muted" }, versions.message || t("loadFailed")));
  } else {
    list.replaceChildren(...versions.map((version) => versionRow(id, version)));
  }
}

function accessRow(record) {
  const key = record.action === "preview" ? "accessPreview" : "accessDownload";
  const text = t(key, { name: record.user, number: record.version, date: timeShow(record.at) });
  const from = record.address ? h("span", { class: "muted" }, ` · ${record.address}`) : null;
  return h("li", {}, text, from);
}

// Not live (nothing announces a download): read each time it is opened.
function accessDraw(doc) {
  const list = h("ul", { class: "access" });
  const details = h(
    "details",
    { class: "pane__access" },
    h("summary", {}, t("accessHistory")),
    list,
  );
  details.addEventListener("toggle", async () => {
    if (!details.open) return;
    list.replaceChildren(h("li", { class: "muted" }, t("loading")));
    try {
      const records = await api(`documents/${doc.id}/access/`);
      list.replaceChildren(
        ...(records.length
          ? records.map(accessRow)
          : [h("li", { class: "muted" }, t("accessNone"))]),
      );
    } catch (error) {
      list.replaceChildren(h("li", { class: "muted" }, error.message || t("loadFailed")));
    }
  });
  return details;
}

function trashDraw(doc) {
  if (doc.deleted_at) {
    const since = h("p", { class: "hint" }, t("inTrashSince", { date: timeShow(doc.deleted_at) }));
    if (!canWriteFolder(folderOf(doc))) return since;
    const restore = button(t("restore"), (event) =>
      act(event.currentTarget, () => post(`documents/${doc.id}/restore/`)),
    );
    return [since, restore];
  }
  if (!canEdit(doc)) return null;
  return button(
    t("moveToTrash"),
    (event) => act(event.currentTarget, () => api(`documents/${doc.id}/`, { method: "DELETE" })),
    "button button--danger-quiet",
  );
}

// --- The pane ------------------------------------------------------------------------------------

function render(doc) {
  heading.textContent = doc.name;
  const folder = folderOf(doc);
  intro.textContent = folder ? t("inFolder", { folder: folder.name }) : "";
  const key = (...names) =>
    JSON.stringify([...names.map((name) => doc[name] ?? null), folder?.access]);
  redraw("preview", key("name") + doc.version?.id + doc.version?.has_preview, () =>
    previewDraw(doc),
  );
  redraw("inbox", key("inbox_state", "inbox_reason", "deleted_at"), () => inboxDraw(doc));
  redraw(
    "publish",
    key("published_at", "publish_note", "ack_required", "acknowledged_at", "deleted_at"),
    () => publishDraw(doc),
  );
  const editable = canEdit(doc);
  if (!editable) {
    redraw("details", `read${key(...DETAIL_FIELDS)}`, () => detailsReadOnly(doc));
  } else if (keys.details === "edit") {
    detailsRefresh(doc);
  } else {
    redraw("details", "edit", () => detailsForm(doc));
  }
  if (keys.versions !== `${editable}`) {
    redraw("versions", `${editable}`, () => versionsDraw(doc));
    versionsLoad(doc.id);
  }
  redraw("trash", key("deleted_at", "published_at") + editable, () => trashDraw(doc));
}

function clear(message) {
  ctx.selected = null;
  sections = {};
  keys = {};
  heading.textContent = t("document");
  intro.textContent = message;
  body.replaceChildren();
  errorShow("");
}

async function show(id) {
  if (id === null) {
    clear(t("chooseDocument"));
    return;
  }
  ctx.selected = id;
  sections = {};
  keys = {};
  if (!ctx.docs.has(id)) {
    // Opened from a link (the inbox): the document may be on no page loaded yet.
    body.replaceChildren();
    intro.textContent = t("loading");
    try {
      documentApply(await api(`documents/${id}/`));
    } catch (error) {
      if (ctx.selected !== id) return;
      clear(error.status === 404 ? t("documentGone") : error.message || t("loadFailed"));
      return;
    }
  }
  const doc = ctx.docs.get(id);
  if (ctx.selected !== id || !doc) return;
  errorShow("");
  body.replaceChildren(
    section("preview"),
    section("inbox", true),
    section("publish", true),
    section("details", true),
    section("versions", true),
    h("section", { class: "pane__section" }, accessDraw(doc)),
    section("trash"),
  );
  render(doc);
  if (narrow.matches) {
    pane.scrollIntoView({ block: "start" });
    heading.focus({ preventScroll: true });
  }
}

export function paneInit() {
  pane = document.getElementById("pane");
  heading = document.getElementById("pane-heading");
  intro = document.getElementById("pane-intro");
  body = document.getElementById("pane-body");
  errorBox = document.getElementById("pane-error");
  on("select", (id) => show(id));
  on("document", (doc) => {
    if (doc.id !== ctx.selected) return;
    if (doc.gone) clear(t("documentGone"));
    else if (sections.preview) render(doc);
  });
  on("version", (version) => {
    if (version.document === ctx.selected) versionsLoad(version.document);
  });
  on("folders", () => {
    const doc = ctx.docs.get(ctx.selected);
    if (doc && sections.preview) render(doc);
  });
}
