// The Dossier tab of a company's workspace. Loaded instead of pages.js (which it imports), so that
// the socket, the company header and this tab start as one module graph and no event is missed.
import "../pages.js";
import { api } from "../api.js";
import { onEvent } from "../live.js";
import { listInit } from "./list.js";
import { paneInit } from "./pane.js";
import { ctx, documentApply, emit, folderApply, on, t, versionApply } from "./state.js";
import { treeInit } from "./tree.js";
import { uploadInit } from "./upload.js";

const SEARCH_DELAY_MS = 300;

function ours(fn) {
  return (frame) => {
    if (frame.company === ctx.company && frame.data) fn(frame.data, frame.id);
  };
}

onEvent("dossier.folder", ours((folder) => folderApply(folder)));
for (const kind of ["dossier.document", "dossier.published", "dossier.acknowledged"]) {
  onEvent(kind, ours((doc, id) => documentApply(doc, id)));
}
onEvent("dossier.version", ours((version) => versionApply(version)));

function filtersInit() {
  const form = document.getElementById("filters");
  const ordering = document.getElementById("filter-ordering");
  const kind = document.getElementById("filter-kind");
  const query = document.getElementById("filter-q");
  const trash = document.getElementById("filter-trash");
  const apply = () => {
    const view = {
      ...ctx.view,
      ordering: ordering.value,
      kind: kind.value,
      q: query.value.trim(),
      trash: trash.checked,
    };
    if (JSON.stringify(view) === JSON.stringify(ctx.view)) return;
    ctx.view = view;
    emit("view", ctx.view);
  };
  let timer = null;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    apply();
  });
  form.addEventListener("change", apply);
  query.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(apply, SEARCH_DELAY_MS);
  });
}

/** The folder and the document in the address, so that a reload or a shared link shows them. */
function addressUpdate() {
  const params = new URLSearchParams(location.search);
  for (const [name, value] of [["folder", ctx.view.folder], ["document", ctx.selected]]) {
    if (value === null || value === undefined) params.delete(name);
    else params.set(name, value);
  }
  const search = params.toString();
  history.replaceState(history.state, "", `${location.pathname}${search ? `?${search}` : ""}`);
}

async function start() {
  const params = new URLSearchParams(location.search);
  const status = document.getElementById("list-status");
  filtersInit();
  treeInit();
  uploadInit();
  paneInit();
  status.textContent = t("loading");
  try {
    for (const folder of await api(`companies/${ctx.company}/folders/`)) {
      ctx.folders.set(folder.id, { ...ctx.folders.get(folder.id), ...folder });
    }
  } catch (error) {
    status.textContent = error.message || t("loadFailed");
    return;
  }
  const folder = Number(params.get("folder"));
  if (ctx.folders.has(folder)) ctx.view.folder = folder;
  emit("folders", ctx.folders);
  listInit();
  const documentId = Number(params.get("document"));
  if (documentId) emit("select", documentId);
  on("view", addressUpdate);
  on("select", addressUpdate);
}

start();
