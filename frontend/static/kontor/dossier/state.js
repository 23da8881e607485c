// What the Dossier tab knows: its configuration, the folders, the documents seen so far, what
// the reader is looking at. The parts of the tab (tree, list, upload, pane) talk through `bus`:
//   "folders"   the folder set changed              "view"     folder, sort or filters changed
//   "document"  a document changed (detail: the document, or {id, gone: true})
//   "version"   a version was added or got its preview (detail: the version)
//   "select"    another document is shown in the pane (detail: id or null)
import { readJson, tr } from "../format.js";

const config = readJson("dossier-config");
const strings = readJson("dossier-i18n");

export const bus = new EventTarget();

export function emit(name, detail) {
  bus.dispatchEvent(new CustomEvent(name, { detail }));
}

export function on(name, fn) {
  bus.addEventListener(name, (event) => fn(event.detail));
}

export const ctx = {
  company: config.company,
  staff: config.side === "office",
  kinds: config.kinds, // [[value, label], ...]
  kindLabel: Object.fromEntries(config.kinds),
  stateLabel: config.states, // inbox state -> label
  people: config.people, // user id -> name, for "confirmed by"
  folderKinds: config.folder_kinds, // folder template code -> the kind of what goes in it
  uploadMax: config.upload_max_bytes,
  folders: new Map(),
  docs: new Map(),
  applied: new Map(), // document id -> the highest event id applied to it
  view: { folder: null, ordering: "newest", kind: "", q: "", trash: false },
  selected: null,
};

/** A translated string of the tab, with `{name}` placeholders filled in. */
export function t(key, values) {
  return tr(strings, key, values);
}

export function folderOf(doc) {
  return ctx.folders.get(doc?.folder) ?? null;
}

// The same rules as dossier/services.py: clients write only in shared folders, and may not
// change what the office published.
export function canWriteFolder(folder) {
  return Boolean(folder) && (ctx.staff || folder.access === "shared");
}

export function canEdit(doc) {
  if (!doc || doc.deleted_at) return false;
  return canWriteFolder(folderOf(doc)) && (ctx.staff || !doc.published_at);
}

export function personName(id) {
  if (id === null || id === undefined) return "";
  return ctx.people[id] ?? t("someone");
}

/** Take in a document from the API or an event; an event older than one applied is ignored. */
export function documentApply(doc, eventId = 0) {
  if (eventId) {
    if ((ctx.applied.get(doc.id) ?? 0) > eventId) return;
    ctx.applied.set(doc.id, eventId);
  }
  if (doc.gone) {
    ctx.docs.delete(doc.id);
    emit("document", { id: doc.id, gone: true });
    return;
  }
  const known = ctx.docs.get(doc.id);
  const merged = { ...known, ...doc, company: ctx.company };
  if (known?.version && merged.version && known.version.id === merged.version.id) {
    merged.version = {
      ...merged.version,
      // Events name the uploader by id, the API by name: keep the name.
      uploaded_by:
        typeof merged.version.uploaded_by === "string"
          ? merged.version.uploaded_by
          : known.version.uploaded_by,
      // A preview never goes away; an answer written before it was made may still say false.
      has_preview: known.version.has_preview || merged.version.has_preview,
    };
  }
  ctx.docs.set(doc.id, merged);
  emit("document", merged);
}

export function versionApply(version) {
  const doc = ctx.docs.get(version.document);
  if (doc && (!doc.version || version.number >= doc.version.number)) {
    const same = doc.version?.id === version.id;
    const uploadedBy = same ? doc.version.uploaded_by : personName(version.uploaded_by);
    ctx.docs.set(doc.id, { ...doc, version: { ...version, uploaded_by: uploadedBy } });
    emit("document", ctx.docs.get(doc.id));
  }
  emit("version", version);
}

export function folderApply(folder) {
  if (folder.gone) {
    ctx.folders.delete(folder.id);
    if (ctx.view.folder === folder.id) {
      ctx.view.folder = null;
      emit("view", ctx.view);
    }
  } else {
    ctx.folders.set(folder.id, folder);
  }
  emit("folders", ctx.folders);
}
