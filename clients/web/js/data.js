// The static data of the frontend: the formatted types and their fields, the
// ISO code lists, and the server's limits.

export const MEKONG_COUNTRIES = ["CN", "KH", "LA", "MM", "TH", "VN"];
export const MEKONG_CURRENCIES = ["CNY", "KHR", "LAK", "MMK", "THB", "VND", "USD", "EUR"];
export const ROLE_LABELS = { ocu: "OCU", ncp: "NCP", user: "User" };
export const TYPE_LABELS = { message: "Message", warning: "Warning", feedback: "Feedback", seizure: "Seizure" };
export const FOLDER_LABELS = { inbox: "Inbox", sent: "Sent", archive: "Archive", trash: "Trash" };

async function loadJson(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`Loading ${path} failed (HTTP ${response.status}).`);
  return response.json();
}

/** Load everything the screens need before the first one is shown. */
export async function loadData() {
  const [specs, countries, currencies, limits] = await Promise.all([
    loadJson("/web/data/fields.json"),
    loadJson("/web/data/countries.json"),
    loadJson("/web/data/currencies.json"),
    loadJson("/web/limits.json"),
  ]);
  const countryNames = new Map(countries.map((country) => [country.code, country.name]));
  const currencyNames = new Map(currencies.map((currency) => [currency.code, currency.name]));
  return {
    specs,
    countries,
    currencies,
    countryNames,
    currencyNames,
    limits: { ...specs.limits, body: limits.max_body_chars, ...limits },
  };
}

/** "VN (Viet Nam)", or the code alone when it is not in the list. */
export function countryLabel(data, code) {
  const name = data.countryNames.get(code);
  return name ? `${code} (${name})` : code;
}

export function choiceLabel(data, value) {
  return data.specs.choice_labels[value] || value;
}
