// The checks of the formatted fields that a browser can make, worded like the
// server's (app/messages/fields.py). The server checks everything again;
// references to other messages are only checked there.

import { checkContainer } from "../iso6346.js";
import { countCodePoints, invalidCharacterMessage, normalizeNewlines } from "../text-rules.js";

const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const EASTERNMOST_OFFSET_MS = 14 * 60 * 60 * 1000;

/** Today's date in UTC+14, the latest date anywhere on Earth (YYYY-MM-DD). */
export function todayInEasternmostZone(now = Date.now()) {
  return new Date(now + EASTERNMOST_OFFSET_MS).toISOString().slice(0, 10);
}

export function isRealDate(text) {
  if (!ISO_DATE.test(text)) return false;
  const [year, month, day] = text.split("-").map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Split a list field typed as text: commas, semicolons and line breaks separate. */
export function splitList(text, { spaces = false } = {}) {
  const separator = spaces ? /[\s,;]+/ : /[,;\n\r]+/;
  return text
    .split(separator)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

/**
 * Check one field's raw input. Returns {value} (the value to send, or
 * undefined when the field is left empty) or {errors: [{field, message}]}.
 */
export function checkField(name, spec, raw, data) {
  const path = `fields.${name}`;
  const fail = (message, field = path) => ({ errors: [{ field, message }] });
  const text = typeof raw === "string" ? raw : "";
  if (spec.kind !== "long_text" && spec.kind !== "text" && text.trim() === "") {
    return { value: undefined };
  }

  switch (spec.kind) {
    case "text":
    case "long_text": {
      if (text.trim() === "") return { value: undefined };
      const normalized = normalizeNewlines(text);
      const invalid = invalidCharacterMessage(normalized, path);
      if (invalid) return fail(invalid);
      const max = data.limits[spec.kind];
      const count = countCodePoints(normalized.normalize("NFC"));
      if (count > max) {
        return fail(`${path} has ${count.toLocaleString("en")} characters; at most ${max.toLocaleString("en")} are allowed`);
      }
      return { value: text };
    }
    case "reference": {
      const reference = text.trim();
      if (countCodePoints(reference) > data.limits.reference) {
        return fail(`has ${countCodePoints(reference)} characters; at most ${data.limits.reference} are allowed`);
      }
      return { value: reference };
    }
    case "enum":
      if (!spec.choices.includes(text)) {
        return fail(`'${text}' is not allowed; use one of ${spec.choices.join(", ")}`);
      }
      return { value: text };
    case "country":
      return checkCountry(text.trim(), path, data);
    case "currency": {
      const code = text.trim().toUpperCase();
      if (!data.currencyNames.has(code)) return fail(`'${text.trim()}' is not an ISO 4217 currency code`);
      return { value: code };
    }
    case "date":
      if (!isRealDate(text)) return fail(`'${text}' is not a date of the form YYYY-MM-DD`);
      return { value: text };
    case "past_date": {
      if (!isRealDate(text)) return fail(`'${text}' is not a date of the form YYYY-MM-DD`);
      const today = todayInEasternmostZone();
      if (text > today) {
        return fail(`${text} is in the future; the latest allowed date is ${today} (today in UTC+14)`);
      }
      return { value: text };
    }
    case "positive_number":
    case "non_negative_number": {
      const number = Number(text);
      if (!Number.isFinite(number)) return fail(`must be a number, got '${text}'`);
      if (spec.kind === "positive_number" && number <= 0) return fail(`must be greater than 0, got ${text}`);
      if (number < 0) return fail(`must be 0 or greater, got ${text}`);
      return { value: number };
    }
    case "count": {
      const number = Number(text);
      if (!Number.isInteger(number)) return fail(`must be a whole number, got '${text}'`);
      if (number < 0) return fail(`must be 0 or greater, got ${text}`);
      return { value: number };
    }
    case "country_list":
      return checkList(splitList(text, { spaces: true }), path, data, (entry, entryPath) =>
        checkCountry(entry, entryPath, data),
      );
    case "container_list":
      return checkList(splitList(text), path, data, (entry, entryPath) => {
        const result = checkContainer(entry);
        return result.error ? { errors: [{ field: entryPath, message: result.error }] } : { value: result.number };
      });
    default:
      return { value: text };
  }
}

function checkCountry(text, path, data) {
  const code = text.toUpperCase();
  if (!data.countryNames.has(code)) {
    return { errors: [{ field: path, message: `'${text}' is not an ISO 3166-1 alpha-2 country code` }] };
  }
  return { value: code };
}

function checkList(entries, path, data, checkEntry) {
  if (entries.length === 0) return { value: undefined };
  if (entries.length > data.limits.list_entries) {
    return {
      errors: [{ field: path, message: `has ${entries.length} entries; at most ${data.limits.list_entries} are allowed` }],
    };
  }
  const values = [];
  const errors = [];
  entries.forEach((entry, index) => {
    const result = checkEntry(entry, `${path}[${index}]`);
    if (result.errors) errors.push(...result.errors);
    else values.push(result.value);
  });
  return errors.length > 0 ? { errors } : { value: values };
}

/** Check the rules that span fields: required fields, and a value needs its currency. */
export function checkFieldSet(type, values, data) {
  const typeSpec = data.specs.types[type];
  const errors = [];
  for (const name of typeSpec.required) {
    if (values[name] === undefined) {
      errors.push({ field: `fields.${name}`, message: `is required for a ${type} message` });
    } else if (typeof values[name] === "string" && values[name].trim() === "") {
      errors.push({ field: `fields.${name}`, message: `must not be blank in a ${type} message` });
    }
  }
  if (typeSpec.fields.includes("currency") && values.estimated_value !== undefined && values.currency === undefined) {
    errors.push({ field: "fields.currency", message: "is required when estimated_value is given" });
  }
  return errors;
}
