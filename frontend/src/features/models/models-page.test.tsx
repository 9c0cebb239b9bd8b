import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resetOpenApiCache } from "../../lib/openapi";
import { modelsResponse, routeFetch } from "../../test/fixtures";
import { ModelsPage } from "./models-page";

afterEach(() => {
  vi.unstubAllGlobals();
  resetOpenApiCache();
});

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
const models = modelsResponse({
  model_name: "fraud",
  serving: { version: 1, alias: "production" },
  aliases: [
    { alias: "production", version: 1, traffic_percent: null, updated_at: "2026-11-23T13:34:25Z" },
  ],
  versions: [
    {
      version: 1,
      kind: "xgboost",
      created_at: "2026-11-23T13:34:25Z",
      threshold: 0.33,
      sha256: "21905766fffdc55b",
      metrics: { test, threshold_policy: "f1", evaluator: "compiled" },
    },
    {
      version: 2,
      kind: "xgboost",
      created_at: "2026-11-23T13:52:00Z",
      threshold: 0.3,
      sha256: "aa11bb22cc33dd44",
      metrics: {
        test: { ...test, roc_auc: 0.9011 },
        threshold_policy: "f1",
        evaluator: "compiled",
      },
    },
  ],
});

const openapi = (paths: Record<string, unknown>) => ({ body: { openapi: "3.1.0", paths } });

describe("ModelsPage", () => {
  it("lists versions with their test metrics and hides promote/rollback when the server lacks them", async () => {
    vi.stubGlobal(
      "fetch",
      routeFetch({
        "/api/v1/models": { body: models },
        "/openapi.json": openapi({ "/api/v1/models": { get: {} } }),
      }),
    );
    render(<ModelsPage />);
    expect(await screen.findByText("0.919")).toBeInTheDocument();
    expect(screen.getByText("0.901")).toBeInTheDocument();
    expect(
      screen.getByText(
        "Serving v1 (production). Test-set metrics from training; hover a column name for its meaning.",
      ),
    ).toBeInTheDocument();
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the OpenAPI document load
    expect(screen.queryByRole("button", { name: /Promote/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Roll back production" })).not.toBeInTheDocument();
  });

  it("offers promote (not for the serving version) and rollback when /openapi.json lists them", async () => {
    vi.stubGlobal(
      "fetch",
      routeFetch({
        "/api/v1/models": { body: models },
        "/openapi.json": openapi({
          "/api/v1/models/{version}/promote": { post: {} },
          "/api/v1/models/rollback": { post: {} },
          "/api/v1/models/{version}/gate": { get: {} },
        }),
        "/api/v1/models/2/gate": {
          body: {
            version: 2,
            passed: false,
            checks: [
              {
                name: "roc_auc_floor",
                passed: false,
                value: 0.87,
                limit: 0.88,
                message: "test ROC AUC 0.8700 below 0.8800",
              },
            ],
          },
        },
      }),
    );
    const user = userEvent.setup();
    render(<ModelsPage />);
    expect(await screen.findByRole("button", { name: "Roll back production" })).toBeInTheDocument();
    expect(screen.getAllByRole("button", { name: "Promote…" })).toHaveLength(1); // v2 only

    await user.click(screen.getByRole("button", { name: "Promote…" }));
    expect(await screen.findByText("Gate failed")).toBeInTheDocument();
    expect(screen.getByText("test ROC AUC 0.8700 below 0.8800")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Force promote v2" })).toBeDisabled(); // needs a reason
  });
});
