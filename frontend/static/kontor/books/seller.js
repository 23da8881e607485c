// "Invoice details" (office staff): the IBAN, BIC and postal address that issued invoices print
// and carry in their e-invoice. Read when the panel is first opened; saved with one PATCH of the
// books settings, which checks the IBAN and BIC and answers one sentence when they are wrong.
import { api } from "../api.js";
import { $, alertShow, config, errorText, t } from "./common.js";

const FIELDS = ["iban", "bic", "street", "postcode", "city"];
const path = () => `companies/${config.company}/books-settings/`;

/** Fields and button off while the stored values load or a save runs: nothing typed is lost. */
function busy(on) {
  for (const element of $("seller-form").elements) element.disabled = on;
}

function fill(settings) {
  for (const name of FIELDS) $(`seller-${name}`).value = settings[name] ?? "";
}

async function load() {
  const status = $("seller-status");
  status.textContent = t("loading");
  try {
    fill(await api(path()));
    status.textContent = "";
    busy(false);
  } catch (error) {
    status.textContent = "";
    alertShow($("seller-error"), errorText(error, t("loadFailed")));
  }
}

async function save(event) {
  event.preventDefault();
  const changes = Object.fromEntries(FIELDS.map((name) => [name, $(`seller-${name}`).value.trim()]));
  alertShow($("seller-error"), "");
  $("seller-status").textContent = "";
  busy(true);
  try {
    fill(await api(path(), { method: "PATCH", json: changes })); // shows the IBAN as stored
    $("seller-status").textContent = t("sellerSaved");
  } catch (error) {
    alertShow($("seller-error"), errorText(error));
  } finally {
    busy(false);
  }
}

export function sellerStart() {
  const panel = $("seller-details");
  if (!panel) return; // not staff: the page has no such panel
  let loaded = false;
  busy(true); // until the stored values are in
  panel.addEventListener("toggle", () => {
    if (panel.open && !loaded) {
      loaded = true;
      load();
    }
  });
  $("seller-form").addEventListener("submit", save);
}
