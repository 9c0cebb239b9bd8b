// Predict form state from the feature contract: initial values, validation, and the request body.
import type { FeatureContract, FeatureSpec, FeatureValue, Transaction } from "../../lib/types";

export interface FieldValue {
  /** Text of the input (numbers and categories) or the checkbox state (booleans). */
  raw: string | boolean;
  /** "Missing" ticked: sent as null (only for allow_missing features). */
  missing: boolean;
}

export type FormValues = Record<string, FieldValue>;
export type FieldErrors = Record<string, string>;

function rawOf(spec: FeatureSpec, value: FeatureValue | undefined): string | boolean {
  if (spec.type === "boolean") return value === true;
  return value === null || value === undefined ? "" : String(value);
}

/** Prefilled with the contract's example transaction (each feature's example as a fallback). */
export function initialValues(contract: FeatureContract): FormValues {
  const values: FormValues = {};
  for (const spec of contract.features) {
    const example = spec.name in contract.example ? contract.example[spec.name] : spec.example;
    values[spec.name] = {
      raw: rawOf(spec, example),
      missing: example === null && spec.allow_missing,
    };
  }
  return values;
}

const withUnit = (value: number, spec: FeatureSpec) =>
  `${value.toLocaleString("en-US")}${spec.unit && spec.unit !== "count" ? ` ${spec.unit}` : ""}`;

/** A hard range refuses a value outside it; an open one (what training saw) lets the API score
 * it, with a warning. */
function checkRange(number: number, spec: FeatureSpec): string | null {
  if (spec.open_range) return null;
  if (spec.minimum !== null && number < spec.minimum)
    return `Must be at least ${withUnit(spec.minimum, spec)}`;
  if (spec.maximum !== null && number > spec.maximum)
    return `Must be at most ${withUnit(spec.maximum, spec)}`;
  return null;
}

/** Parse one field: its value for the request, or a message saying what is wrong. */
export function parseField(
  spec: FeatureSpec,
  field: FieldValue,
): { value: FeatureValue } | { error: string } {
  if (field.missing && spec.allow_missing) return { value: null };
  if (spec.type === "boolean") return { value: field.raw === true };
  // a text is sent as typed: the explanation's spans index it
  if (spec.type === "text")
    return String(field.raw).trim() === "" ? { error: "Required" } : { value: String(field.raw) };
  const text = String(field.raw).trim();
  if (text === "")
    return { error: spec.allow_missing ? "Required (or tick “missing”)" : "Required" };
  if (spec.type === "categorical") {
    if (spec.categories.includes(text)) return { value: text };
    if (spec.open_categories) return { value: text };
    return { error: `Choose one of: ${spec.categories.join(", ")}` };
  }
  const number = Number(text);
  if (!Number.isFinite(number)) return { error: "Enter a number" };
  if (spec.type === "integer" && !Number.isInteger(number))
    return { error: "Enter a whole number" };
  const rangeError = checkRange(number, spec);
  return rangeError ? { error: rangeError } : { value: number };
}

/** The transaction to send, or the client-side errors per field (then nothing is sent). */
export function buildTransaction(
  features: FeatureSpec[],
  values: FormValues,
): { transaction: Transaction; errors: FieldErrors } {
  const transaction: Transaction = {};
  const errors: FieldErrors = {};
  for (const spec of features) {
    const parsed = parseField(spec, values[spec.name] ?? { raw: "", missing: false });
    if ("error" in parsed) errors[spec.name] = parsed.error;
    else transaction[spec.name] = parsed.value;
  }
  return { transaction, errors };
}

/**
 * Server field errors → form fields. A server field may be "amount", "body.amount" or "0.amount";
 * anything not naming a form field is returned as `general`.
 */
export function mapServerErrors(
  features: FeatureSpec[],
  serverErrors: Record<string, string>,
): { fields: FieldErrors; general: string[] } {
  const names = new Set(features.map((spec) => spec.name));
  const fields: FieldErrors = {};
  const general: string[] = [];
  for (const [field, reason] of Object.entries(serverErrors)) {
    const name = field
      .split(".")
      .reverse()
      .find((part) => names.has(part));
    if (name) fields[name] = fields[name] ? `${fields[name]}; ${reason}` : reason;
    else general.push(field && field !== "body" ? `${field}: ${reason}` : reason);
  }
  return { fields, general };
}
