// The office home: unread chat messages per company, kept live. Loaded instead of pages.js.
import "../pages.js";
import { api } from "../api.js";
import { onEvent } from "../live.js";

const me = Number(document.body.dataset.user);
let timer = null;

async function unreadLoad() {
  let answer;
  try {
    answer = await api("chat/unread/");
  } catch {
    return;
  }
  for (const cell of document.querySelectorAll("[data-unread-company]")) {
    const count = answer.companies?.[cell.dataset.unreadCompany] ?? 0;
    const shown = cell.querySelector(".unread-count");
    shown.textContent = String(count);
    cell.dataset.unread = String(count);
    cell.classList.toggle("unread--some", count > 0);
  }
}

// Counting here would need to know who may see which message: ask the server, once per burst.
function later() {
  clearTimeout(timer);
  timer = setTimeout(unreadLoad, 300);
}

onEvent("chat.message", (frame) => {
  if (frame.data?.author !== me) later();
});
onEvent("chat.message_deleted", later);
onEvent("chat.read", (frame) => {
  if (frame.data?.user === me) later();
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") later();
});

unreadLoad();
