import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setAdminKey } from "../../lib/admin-key";
import { resetOpenApiCache } from "../../lib/openapi";
import { jsonBody, jsonResponse, modelsResponse, notFound, requestUrl } from "../../test/fixtures";
import { ModelsPage } from "./models-page";

const test = {
  n: 3000,
  roc_auc: 0.9193,
  pr_auc: 0.4413,
  precision: 0.4565,
  recall: 0.3471,
  f1: 0.3944,
  brier: 0.0294,
  ece: 0.0075,
};
const version = (n: number) => ({
  version: n,
  kind: "xgboost",
  created_at: "2026-11-23T13:34:25Z",
  threshold: 0.33,
  sha256: `${n}1905766fffdc55b`,
  metrics: { test, threshold_policy: "f1", evaluator: "compiled" },
});
const at = "2026-11-23T13:34:25Z";
const models = modelsResponse({
  model_name: "fraud",
  serving: { version: 1, alias: "production" },
  canary: null,
  shadow: { version: 3, scored: 1200, dropped: 4 },
  aliases: [
    { alias: "production", version: 1, traffic_percent: null, updated_at: at },
    { alias: "candidate", version: 2, traffic_percent: null, updated_at: at },
    { alias: "shadow", version: 3, traffic_percent: null, updated_at: at },
  ],
  versions: [version(1), version(2), version(3)],
});
const openapi = {
  openapi: "3.1.0",
  paths: {
    "/api/v1/models": { get: {} },
    "/api/v1/models/canary": { put: {}, delete: {} },
    "/api/v1/models/shadow": { put: {}, delete: {} },
  },
};

type Call = { method: string; path: string; body: unknown; key: string | null };

/** A fetch that answers by method + path and records every call. */
function server(answers: Record<string, { status?: number; body: unknown }>) {
  const calls: Call[] = [];
  const fetch = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const path = requestUrl(input).pathname;
    const method = init?.method ?? "GET";
    const headers = (init?.headers ?? {}) as Record<string, string>;
    calls.push({ method, path, body: jsonBody(init), key: headers["X-API-Key"] ?? null });
    const answer = answers[`${method} ${path}`];
    if (!answer) return notFound(path);
    return jsonResponse(answer.body, answer.status);
  });
  vi.stubGlobal("fetch", fetch);
  return calls;
}

const change = (action: string, extra: object = {}) => ({
  action,
  version: 2,
  changed: true,
  serving: 1,
  canary: 2,
  shadow: 3,
  ...extra,
});

beforeEach(() => setAdminKey("k1"));
afterEach(() => {
  vi.unstubAllGlobals();
  resetOpenApiCache();
  setAdminKey(null);
});

describe("Models page: canary and shadow", () => {
  it("shows the candidate badge, the shadow's counters, and sets a canary at the chosen share", async () => {
    const calls = server({
      "GET /api/v1/models": { body: models },
      "GET /openapi.json": { body: openapi },
      "PUT /api/v1/models/canary": { body: change("canary", { percent: 25 }) },
    });
    const user = userEvent.setup();
    render(<ModelsPage />);
    const canary = await screen.findByRole("region", { name: "Canary" });
    const row = screen
      .getAllByText("v2")
      .find((cell) => cell.closest("tr"))
      ?.closest("tr") as HTMLElement;
    expect(within(row).getByText("candidate")).toHaveAttribute(
      "title",
      expect.stringMatching(/Proposed next production/),
    );
    expect(
      screen.getByText(
        /v3 scores every online transaction off the request path: 1,200 logged, 4 dropped/,
      ),
    ).toBeInTheDocument();

    expect(within(canary).getByRole("option", { name: "v3" })).toBeInTheDocument(); // not v1: production
    expect(within(canary).queryByRole("option", { name: "v1" })).not.toBeInTheDocument();
    await user.selectOptions(within(canary).getByLabelText("Canary version"), "2");
    const percent = within(canary).getByLabelText("Canary traffic percent");
    await user.clear(percent);
    await user.type(percent, "25");
    expect(within(canary).getByLabelText("Canary traffic slider")).toHaveValue("25");
    await user.click(within(canary).getByRole("button", { name: "Set canary" }));

    expect(await within(canary).findByRole("status")).toHaveTextContent(
      "v2 now answers 25% of traffic.",
    );
    const put = calls.find((c) => c.method === "PUT");
    expect(put).toEqual({
      method: "PUT",
      path: "/api/v1/models/canary",
      body: { version: 2, percent: 25 },
      key: "k1",
    });
  });

  it("lists the failing gate checks and forces the canary only with a reason", async () => {
    const refused = {
      error: {
        code: "gate_failed",
        message: "version 2 fails the promotion gate: live roc_auc below",
        details: [
          {
            name: "roc_auc_floor",
            passed: true,
            value: 0.92,
            limit: 0.88,
            message: "test ROC AUC 0.9200 meets 0.8800",
          },
          {
            name: "live_roc_auc_vs_production",
            passed: false,
            value: 0.81,
            limit: 0.9,
            message: "live roc_auc on 250 labels vs production 0.9100 (n=900) − 0.01",
          },
        ],
      },
    };
    const answers: Record<string, { status?: number; body: unknown }> = {
      "GET /api/v1/models": { body: models },
      "GET /openapi.json": { body: openapi },
      "PUT /api/v1/models/canary": { status: 422, body: refused },
    };
    const calls = server(answers);
    const user = userEvent.setup();
    render(<ModelsPage />);
    const canary = await screen.findByRole("region", { name: "Canary" });
    await user.click(within(canary).getByRole("button", { name: "Set canary" }));

    expect(await within(canary).findByText(/live roc_auc on 250 labels/)).toBeInTheDocument();
    expect(within(canary).queryByText(/test ROC AUC 0.9200 meets/)).not.toBeInTheDocument(); // passing checks stay quiet
    const force = within(canary).getByRole("button", { name: /Force canary/ });
    expect(force).toBeDisabled();
    answers["PUT /api/v1/models/canary"] = { body: change("canary", { forced: true }) };
    await user.type(within(canary).getByLabelText("Reason for forcing (required)"), "incident 42");
    await user.click(force);
    await waitFor(() => expect(calls.filter((c) => c.method === "PUT")).toHaveLength(2));
    expect(calls.filter((c) => c.method === "PUT")[1]?.body).toEqual({
      version: 3,
      percent: 10,
      force: true,
      reason: "incident 42",
    });
    expect(await within(canary).findByRole("status")).toHaveTextContent("(forced, audited)");
  });

  it("turns the shadow off and hides the controls when the server has no such endpoints", async () => {
    const calls = server({
      "GET /api/v1/models": { body: models },
      "GET /openapi.json": { body: openapi },
      "DELETE /api/v1/models/shadow": { body: change("shadow_off", { shadow: null }) },
    });
    const user = userEvent.setup();
    const { unmount } = render(<ModelsPage />);
    const shadow = await screen.findByRole("region", { name: "Shadow" });
    await user.click(within(shadow).getByRole("button", { name: "Turn shadow off" }));
    expect(await within(shadow).findByRole("status")).toHaveTextContent("Shadow scoring off.");
    expect(calls.find((c) => c.method === "DELETE")).toMatchObject({
      path: "/api/v1/models/shadow",
      key: "k1",
    });
    unmount();
    resetOpenApiCache();

    server({
      "GET /api/v1/models": { body: models },
      "GET /openapi.json": { body: { openapi: "3.1.0", paths: { "/api/v1/models": { get: {} } } } },
    });
    render(<ModelsPage />);
    expect(await screen.findByRole("heading", { name: "Aliases" })).toBeInTheDocument();
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the OpenAPI document load
    expect(screen.queryByRole("region", { name: "Canary" })).not.toBeInTheDocument();
  });
});
