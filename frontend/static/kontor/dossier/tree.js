// The folder tree: nested by `parent`, each folder a button; the marks say who may write where.
import { h } from "../format.js";
import { ctx, emit, on, t } from "./state.js";

const folded = window.matchMedia("(max-width: 44.99rem)"); // below this the tree folds away
let root;
let nav;
let toggle;
let current;

function unfold(open) {
  nav.classList.toggle("is-open", open);
  toggle.setAttribute("aria-expanded", String(open));
}

function accessMark(folder) {
  if (folder.access === "internal") return t("officeOnly");
  if (folder.access === "office_fills") return ctx.staff ? t("readOnlyForClients") : t("readOnly");
  return "";
}

// Read out as "Payroll, Read-only for clients"; on screen the badge is enough.
function separator() {
  return h("span", { class: "visually-hidden" }, ", ");
}

function folderButton(folder) {
  const id = folder ? folder.id : null;
  const mark = folder ? accessMark(folder) : "";
  return h(
    "button",
    {
      type: "button",
      class: "folder",
      dataset: { folder: id ?? "", access: folder?.access ?? "all" },
      "aria-current": ctx.view.folder === id ? "true" : null,
      onclick: () => {
        if (folded.matches) {
          unfold(false);
          toggle.focus();
        }
        if (ctx.view.folder === id) return;
        ctx.view.folder = id;
        emit("view", ctx.view);
      },
    },
    h("span", { class: "folder__name" }, folder ? folder.name : t("allDocuments")),
    mark ? h("span", { class: "badge badge--access" }, separator(), mark) : null,
  );
}

function branch(children, byParent) {
  return h(
    "ul",
    { class: "folder-tree__level" },
    children.map((folder) => {
      const below = byParent.get(folder.id) ?? [];
      return h("li", {}, folderButton(folder), below.length ? branch(below, byParent) : null);
    }),
  );
}

function render() {
  current.textContent = ctx.folders.get(ctx.view.folder)?.name ?? t("allDocuments");
  const byParent = new Map();
  const folders = [...ctx.folders.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.id - b.id,
  );
  for (const folder of folders) {
    // A folder whose parent the reader cannot see is shown at the top.
    const parent = ctx.folders.has(folder.parent) ? folder.parent : null;
    if (!byParent.has(parent)) byParent.set(parent, []);
    byParent.get(parent).push(folder);
  }
  // The tree is drawn anew; the keyboard stays on the folder it was on.
  const active = document.activeElement;
  const focused = root.contains(active) ? active.dataset.folder : undefined;
  const top = branch(byParent.get(null) ?? [], byParent);
  root.replaceChildren(h("li", {}, folderButton(null)), ...top.children);
  if (focused !== undefined) root.querySelector(`[data-folder="${focused}"]`)?.focus();
}

export function treeInit() {
  root = document.getElementById("folder-tree");
  nav = document.getElementById("folders");
  toggle = document.getElementById("folders-toggle");
  current = document.getElementById("folders-current");
  toggle.addEventListener("click", () => unfold(!nav.classList.contains("is-open")));
  nav.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && folded.matches && nav.classList.contains("is-open")) {
      unfold(false);
      toggle.focus();
    }
  });
  on("folders", render);
  on("view", render);
  render();
}
