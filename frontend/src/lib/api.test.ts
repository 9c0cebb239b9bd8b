import { afterEach, describe, expect, it, vi } from "vitest";
import { setAdminKey } from "./admin-key";
import {
  ApiError,
  api,
  describeAdminError,
  fieldErrorsOf,
  isNotYetWritten,
  parseErrorBody,
} from "./api";

function respond(status: number, body: unknown, statusText = "") {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return vi
    .fn()
    .mockResolvedValue(
      new Response(text, { status, statusText, headers: { "Content-Type": "application/json" } }),
    );
}

afterEach(() => vi.unstubAllGlobals());

describe("parseErrorBody", () => {
  it("reads the stable error shape and its per-field details", () => {
    const body = {
      error: {
        code: "invalid_input",
        message: "invalid input: amount: Input should be greater than or equal to 0",
        details: [
          {
            field: "amount",
            reason: "Input should be greater than or equal to 0",
            type: "greater_than_equal",
          },
          {
            field: "hour_of_day",
            reason: "Input should be less than or equal to 23",
            type: "less_than_equal",
          },
        ],
      },
    };
    const error = parseErrorBody(422, "Unprocessable Entity", JSON.stringify(body));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.code).toBe("invalid_input");
    expect(error.message).toBe(body.error.message);
    expect(error.fieldErrors).toEqual({
      amount: "Input should be greater than or equal to 0",
      hour_of_day: "Input should be less than or equal to 23",
    });
  });

  it("keeps non-list details (e.g. a 404's list of known features) without field errors", () => {
    const error = parseErrorBody(
      404,
      "Not Found",
      JSON.stringify({
        error: {
          code: "not_found",
          message: "unknown feature 'x'",
          details: { features: ["amount"] },
        },
      }),
    );
    expect(error.code).toBe("not_found");
    expect(error.details).toEqual({ features: ["amount"] });
    expect(error.fieldErrors).toEqual({});
  });

  it("understands FastAPI's default {detail: [{loc, msg}]} too", () => {
    const error = parseErrorBody(
      422,
      "",
      JSON.stringify({
        detail: [{ loc: ["body", "amount"], msg: "Field required", type: "missing" }],
      }),
    );
    expect(error.fieldErrors).toEqual({ amount: "Field required" });
  });

  it("falls back to the status text for bodies that are not JSON", () => {
    const error = parseErrorBody(502, "Bad Gateway", "<html>proxy error</html>");
    expect(error.code).toBe("http_502");
    expect(error.message).toBe("Bad Gateway");
  });
});

describe("fieldErrorsOf", () => {
  it("joins several reasons for one field and skips malformed items", () => {
    expect(
      fieldErrorsOf([
        { field: "amount", reason: "too small" },
        { field: "amount", reason: "not a number" },
        { reason: "no field" },
        "text",
      ]),
    ).toEqual({ amount: "too small; not a number" });
  });
});

describe("request", () => {
  it("returns the JSON body of a 2xx answer", async () => {
    vi.stubGlobal("fetch", respond(200, { status: "ok" }));
    await expect(api.get("/health")).resolves.toEqual({ status: "ok" });
  });

  it("throws an ApiError with field errors on a 422", async () => {
    vi.stubGlobal(
      "fetch",
      respond(422, {
        error: {
          code: "invalid_input",
          message: "invalid",
          details: [{ field: "channel", reason: "Input should be 'pos' or 'atm'" }],
        },
      }),
    );
    const error = await api
      .post("/api/v1/predict", { channel: "x" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).fieldErrors).toEqual({ channel: "Input should be 'pos' or 'atm'" });
  });

  it("refuses an admin call without a key, before any request", async () => {
    const fetch = respond(200, {});
    vi.stubGlobal("fetch", fetch);
    const error = await api
      .put("/api/v1/simulator", { scenario: "sudden" }, true)
      .catch((caught: unknown) => caught);
    expect((error as ApiError).code).toBe("missing_admin_key");
    expect((error as ApiError).isAuthError).toBe(true);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("sends the stored key as X-API-Key and explains a 401", async () => {
    setAdminKey("wrong-key");
    const fetch = respond(401, {
      error: { code: "unauthorized", message: "X-API-Key is not valid", details: null },
    });
    vi.stubGlobal("fetch", fetch);
    const error = await api
      .post("/api/v1/alerts/3/ack", undefined, true)
      .catch((caught: unknown) => caught);
    const init = fetch.mock.calls[0]![1] as RequestInit;
    expect((init.headers as Record<string, string>)["X-API-Key"]).toBe("wrong-key");
    expect(describeAdminError(error)).toMatch(/rejected \(401\)/);
  });

  it("reports an unreachable backend as a network error", async () => {
    vi.stubGlobal("fetch", vi.fn().mockRejectedValue(new TypeError("Failed to fetch")));
    const error = await api.get("/api/v1/models").catch((caught: unknown) => caught);
    expect((error as ApiError).code).toBe("network_error");
  });
});

describe("isNotYetWritten", () => {
  it("reads a 404 as nothing written yet unless it names the model as unknown", () => {
    const noReport = parseErrorBody(
      404,
      "",
      '{"error":{"code":"not_found","message":"no report"}}',
    );
    expect(isNotYetWritten(noReport)).toBe(true);
    const unknown = (code: string, details: unknown) =>
      parseErrorBody(404, "", JSON.stringify({ error: { code, message: "unknown", details } }));
    expect(isNotYetWritten(unknown("unknown_model", null))).toBe(false);
    expect(isNotYetWritten(unknown("not_found", [{ field: "model", reason: "unknown" }]))).toBe(
      false,
    );
    expect(isNotYetWritten(parseErrorBody(500, "", ""))).toBe(false);
    expect(isNotYetWritten(undefined)).toBe(false);
  });
});
