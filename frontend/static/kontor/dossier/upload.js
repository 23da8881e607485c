// Adding files: a picker, a camera button for phones, and drag-and-drop onto the tab. Each file
// gets its own row with a progress bar (XMLHttpRequest's upload progress) and its own error.
import { uploadSend } from "../api.js";
import { h, sizeShow } from "../format.js";
import { canWriteFolder, ctx, documentApply, on, t } from "./state.js";

const PARALLEL = 3;
const queue = [];
let running = 0;
let done = 0;
let total = 0;
let rows;
let summary;
let target;
let inputs;
let dropzone;

function folderTarget() {
  const folder = ctx.folders.get(ctx.view.folder);
  if (!folder) return { folder: null, note: t("chooseFolder") };
  if (ctx.view.trash) return { folder: null, note: t("leaveTrashToUpload") };
  if (!canWriteFolder(folder)) return { folder: null, note: t("officeFillsFolder") };
  return { folder, note: t("filesGoTo", { folder: folder.name }) };
}

function targetShow() {
  const { folder, note } = folderTarget();
  target.textContent = note;
  for (const input of inputs) {
    input.disabled = !folder;
    input.closest("label").classList.toggle("is-disabled", !folder);
  }
  dropzone.classList.toggle("is-disabled", !folder);
}

function summaryShow() {
  summary.textContent = total ? t("uploadedCount", { done, total }) : "";
}

function uploadRow(file) {
  const progress = h("progress", {
    max: 100,
    value: 0,
    "aria-label": t("uploadingName", { name: file.name }),
  });
  const state = h("span", { class: "upload-row__state" }, t("waiting"));
  const error = h("p", { class: "upload-row__error", role: "alert" });
  const dismiss = h("button", {
    type: "button",
    class: "button button--quiet upload-row__dismiss",
    "aria-label": t("cancelName", { name: file.name }),
  }, t("cancel"));
  const element = h(
    "li",
    { class: "upload-row", dataset: { state: "waiting" } },
    h(
      "span",
      { class: "upload-row__name" },
      file.name,
      " ",
      h("span", { class: "upload-row__size" }, `(${sizeShow(file.size)})`),
    ),
    progress,
    state,
    dismiss,
    error,
  );
  return { name: file.name, element, progress, state, error, dismiss };
}

function fail(row, message) {
  row.element.dataset.state = "failed";
  row.state.textContent = t("failed");
  row.error.textContent = message;
  row.progress.removeAttribute("value"); // nothing is going on any more
  row.progress.hidden = true;
  finish(row);
}

function finish(row) {
  row.dismiss.textContent = t("remove");
  row.dismiss.setAttribute("aria-label", t("removeName", { name: row.name }));
  row.dismiss.onclick = () => {
    const next = row.element.nextElementSibling ?? row.element.previousElementSibling;
    row.element.remove();
    (next?.querySelector("button") ?? inputs[0]).focus();
  };
}

function start(job) {
  const { file, folder, row } = job;
  running += 1;
  row.element.dataset.state = "sending";
  row.state.textContent = t("percent", { percent: 0 });
  const form = new FormData();
  form.append("file", file, file.name);
  form.append("folder", folder.id);
  const kind = ctx.folderKinds[folder.template_code];
  if (kind) form.append("kind", kind);
  const sending = uploadSend(`companies/${ctx.company}/documents/`, form, (sent, size) => {
    const percent = Math.min(99, Math.floor((sent / size) * 100)); // 100 once the server took it
    row.progress.value = percent;
    row.state.textContent = t("percent", { percent });
  });
  row.dismiss.onclick = () => sending.abort();
  sending.promise
    .then((doc) => {
      row.element.dataset.state = "done";
      row.element.dataset.documentId = doc.id;
      row.progress.value = 100;
      row.state.textContent = t("uploaded");
      done += 1;
      finish(row);
      documentApply(doc);
    })
    .catch((error) => {
      const cancelled = error.code === "aborted";
      fail(row, cancelled ? t("uploadCancelled") : error.message || t("uploadFailed"));
    })
    .finally(() => {
      running -= 1;
      summaryShow();
      pump();
    });
}

function pump() {
  while (running < PARALLEL && queue.length) start(queue.shift());
}

/** Queue files for the selected folder; each is checked here first, then sent. */
export function filesAdd(files) {
  const { folder, note } = folderTarget();
  for (const file of files) {
    const row = uploadRow(file);
    rows.prepend(row.element);
    total += 1;
    if (!folder) fail(row, note);
    else if (file.size === 0) fail(row, t("fileEmpty", { name: file.name }));
    else if (file.size > ctx.uploadMax) {
      fail(row, t("fileTooLarge", { name: file.name, size: sizeShow(ctx.uploadMax) }));
    } else {
      const job = { file, folder, row };
      row.dismiss.onclick = () => {
        const index = queue.indexOf(job);
        if (index >= 0) queue.splice(index, 1);
        fail(row, t("uploadCancelled"));
      };
      queue.push(job);
    }
  }
  summaryShow();
  pump();
}

export function uploadInit() {
  rows = document.getElementById("uploads");
  summary = document.getElementById("upload-summary");
  target = document.getElementById("upload-target");
  dropzone = document.getElementById("dropzone");
  inputs = [document.getElementById("dossier-file"), document.getElementById("dossier-camera")];
  for (const input of inputs) {
    input.addEventListener("change", () => {
      filesAdd([...input.files]);
      input.value = ""; // the same file can be chosen again
    });
  }
  const area = document.getElementById("dossier");
  let depth = 0; // dragenter/dragleave fire for every child crossed
  area.addEventListener("dragenter", (event) => {
    if (!event.dataTransfer?.types.includes("Files")) return;
    depth += 1;
    dropzone.classList.add("is-over");
  });
  area.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (!depth) dropzone.classList.remove("is-over");
  });
  area.addEventListener("dragover", (event) => {
    if (!event.dataTransfer?.types.includes("Files")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = folderTarget().folder ? "copy" : "none";
  });
  area.addEventListener("drop", (event) => {
    if (!event.dataTransfer?.files.length) return;
    event.preventDefault();
    depth = 0;
    dropzone.classList.remove("is-over");
    filesAdd([...event.dataTransfer.files]);
  });
  on("view", targetShow);
  on("folders", targetShow);
  targetShow();
}
