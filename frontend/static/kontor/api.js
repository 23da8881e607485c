// The REST API from the page: session cookie plus the CSRF header, errors as ApiError with the
// API's stable code and its one sentence (docs/api.md).
import { csrfToken } from "./live.js";

export const API = "/api/v1/";

export class ApiError extends Error {
  /** `code` is the API's code, or "network" / "server" when no answer in the API's shape came. */
  constructor(status, code, message, fields = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields; // invalid input: field name -> sentences
  }
}

function errorOf(status, body) {
  if (body && typeof body === "object" && typeof body.code === "string") {
    return new ApiError(status, body.code, body.message || "", body.fields ?? {});
  }
  return new ApiError(status, "server", "");
}

/** `api("documents/5/", {method: "PATCH", json: {...}})`: the parsed answer, or an ApiError. */
export async function api(path, { method = "GET", json, query } = {}) {
  const url = new URL(path.startsWith("/") ? path : API + path, location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== "" && value !== null && value !== undefined && value !== false) {
      url.searchParams.set(name, value === true ? "1" : String(value));
    }
  }
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  if (json !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, "network", "");
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw errorOf(response.status, body);
  return body;
}

/** Our own path from a link the API built (behind a proxy it may name another scheme or host). */
export function localPath(link) {
  const url = new URL(link, location.origin);
  return url.pathname + url.search;
}

/**
 * POST a multipart form with upload progress: `onProgress(sent, total)` while the bytes go out.
 * Answers `{ promise, abort }`; the promise gives the parsed answer or an ApiError ("aborted"
 * when abort() was called).
 */
export function uploadSend(path, form, onProgress) {
  const request = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    request.open("POST", new URL(API + path, location.origin));
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.setRequestHeader("Accept", "application/json");
    request.responseType = "json";
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    request.addEventListener("load", () => {
      if (request.status >= 200 && request.status < 300) resolve(request.response);
      else reject(errorOf(request.status, request.response));
    });
    request.addEventListener("error", () => reject(new ApiError(0, "network", "")));
    request.addEventListener("abort", () => reject(new ApiError(0, "aborted", "")));
    request.send(form);
  });
  return { promise, abort: () => request.abort() };
}
