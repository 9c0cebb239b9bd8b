// REST client: JSON in and out, errors parsed into ApiError (with per-field messages).
import { getAdminKey } from "./admin-key";
import type { FieldErrorDetail } from "./types";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** Field name → reason, from a 422's `details: [{field, reason}]`. */
  readonly fieldErrors: Record<string, string>;

  constructor(status: number, code: string, message: string, details: unknown = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.fieldErrors = fieldErrorsOf(details);
  }

  get isAuthError(): boolean {
    return this.status === 401 || this.status === 403 || this.code === "missing_admin_key";
  }
}

function isFieldError(item: unknown): item is FieldErrorDetail {
  if (typeof item !== "object" || item === null) return false;
  const record = item as Record<string, unknown>;
  return typeof record.field === "string" && typeof record.reason === "string";
}

/** `[{field, reason}]` → `{field: reason}`; several reasons for one field are joined. */
export function fieldErrorsOf(details: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!Array.isArray(details)) return errors;
  for (const item of details) {
    if (!isFieldError(item)) continue;
    errors[item.field] = errors[item.field] ? `${errors[item.field]}; ${item.reason}` : item.reason;
  }
  return errors;
}

/** FastAPI's own `{"detail": [{loc, msg, type}]}` (routes outside our error handler). */
function fromFastApiDetail(detail: unknown): FieldErrorDetail[] | null {
  if (!Array.isArray(detail)) return null;
  return detail.map((item: { loc?: unknown[]; msg?: string; type?: string }) => ({
    field: String((item.loc ?? []).filter((part) => part !== "body").join(".") || "body"),
    reason: item.msg ?? "invalid",
    type: item.type,
  }));
}

/** Turn a non-2xx response body (already read as text) into an ApiError. */
export function parseErrorBody(status: number, statusText: string, text: string): ApiError {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (typeof body === "object" && body !== null) {
    const record = body as Record<string, unknown>;
    const error = record.error as
      { code?: unknown; message?: unknown; details?: unknown } | undefined;
    if (error && typeof error === "object") {
      return new ApiError(
        status,
        typeof error.code === "string" ? error.code : `http_${status}`,
        typeof error.message === "string" ? error.message : statusText || `HTTP ${status}`,
        error.details ?? null,
      );
    }
    const detail = fromFastApiDetail(record.detail);
    if (detail) return new ApiError(status, "invalid_input", "invalid input", detail);
    if (typeof record.detail === "string")
      return new ApiError(status, `http_${status}`, record.detail);
  }
  const snippet = text && text.length < 200 && !text.trimStart().startsWith("<") ? `: ${text}` : "";
  return new ApiError(status, `http_${status}`, `${statusText || `HTTP ${status}`}${snippet}`);
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  body?: unknown;
  /** Send the stored admin key as X-API-Key; fails fast when none is set. */
  admin?: boolean;
  signal?: AbortSignal;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.admin) {
    const key = getAdminKey();
    if (!key) {
      throw new ApiError(
        0,
        "missing_admin_key",
        "Admin key missing: paste the key printed by the demo into “Admin key” (top right).",
      );
    }
    headers["X-API-Key"] = key;
  }
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? "GET",
      headers,
      body,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "network_error", "Cannot reach the Driftscope backend: is it running?");
  }
  if (!response.ok) {
    throw parseErrorBody(response.status, response.statusText, await response.text());
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A 404 meaning "nothing written yet" (e.g. no drift report), not an unknown model. */
export function isNotYetWritten(error: ApiError | undefined): boolean {
  if (error?.status !== 404) return false;
  return error.code !== "unknown_model" && !("model" in error.fieldErrors);
}

/** A message for an admin action that failed, saying what to do about it. */
export function describeAdminError(error: unknown): string {
  if (!(error instanceof ApiError)) return String(error);
  if (error.code === "missing_admin_key") return error.message;
  if (error.status === 401 && error.message.includes("not valid"))
    return "Admin key rejected (401): check the key under “Admin key” (top right).";
  if (error.status === 401)
    return "Admin key missing on the request (401): set it under “Admin key” (top right).";
  if (error.status === 403) return `Not allowed (403): ${error.message}`;
  return error.message;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>(path, { signal }),
  post: <T>(path: string, body?: unknown, admin = false) =>
    request<T>(path, { method: "POST", body, admin }),
  put: <T>(path: string, body?: unknown, admin = false) =>
    request<T>(path, { method: "PUT", body, admin }),
  delete: <T>(path: string, admin = false) => request<T>(path, { method: "DELETE", admin }),
};
