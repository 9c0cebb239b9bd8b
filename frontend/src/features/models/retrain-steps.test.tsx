import { render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resetOpenApiCache } from "../../lib/openapi";
import type { RetrainStep } from "../../lib/types";
import { modelsResponse, routeFetch } from "../../test/fixtures";
import { ModelsPage } from "./models-page";

afterEach(() => {
  vi.unstubAllGlobals();
  resetOpenApiCache();
});

// As GET /api/v1/models returns them: the worker's `retrain` events, newest first.
const steps: RetrainStep[] = [
  { id: 9, ts: "2026-11-23T17:20:00Z", step: "canary_set", alert_id: 3, version: 4, percent: 10 },
  {
    id: 8,
    ts: "2026-11-23T17:19:40Z",
    step: "trained",
    alert_id: 3,
    version: 4,
    roc_auc: 0.9012,
    f1: 0.4123,
  },
  {
    id: 7,
    ts: "2026-11-23T17:19:00Z",
    step: "started",
    alert_id: 3,
    alert_kind: "feature_drift",
    feature: "amount",
    rows: 4200,
    positives: 170,
  },
  {
    id: 5,
    ts: "2026-11-23T16:00:00Z",
    step: "gate_failed",
    alert_id: 2,
    version: 3,
    failing: ["test F1 0.2100 is below 0.3000"],
  },
];
const models = modelsResponse({
  model_name: "fraud",
  serving: { version: 1, alias: "production" },
  aliases: [],
  versions: [],
  retraining: steps,
});

describe("Models page: automatic retraining", () => {
  it("lists each retraining step with what happened", async () => {
    vi.stubGlobal(
      "fetch",
      routeFetch({
        "/api/v1/models": { body: models },
        "/openapi.json": { body: { openapi: "3.1.0", paths: {} } },
      }),
    );
    render(<ModelsPage />);
    expect(
      await screen.findByRole("heading", { name: "Automatic retraining" }),
    ).toBeInTheDocument();
    const items = screen
      .getAllByRole("listitem")
      .filter((item) => within(item).queryByText(/alert #|v\d/));
    expect(items.map((item) => item.textContent)).toEqual([
      expect.stringMatching(/^on canaryv4 answers 10% of traffic/),
      expect.stringMatching(/^trainedv4 registered as candidate: test ROC AUC 0\.901, F1 0\.412/),
      expect.stringMatching(
        /^startedalert #3 \(feature_drift: amount\) stayed open: training on 4,200 labelled predictions \(170 frauds\)/,
      ),
      expect.stringMatching(/^gate failedv3 stays off traffic: test F1 0\.2100 is below 0\.3000/),
    ]);
  });

  it("shows no retraining card when nothing was retrained", async () => {
    vi.stubGlobal(
      "fetch",
      routeFetch({
        "/api/v1/models": { body: { ...models, retraining: [] } },
        "/openapi.json": { body: { openapi: "3.1.0", paths: {} } },
      }),
    );
    render(<ModelsPage />);
    expect(await screen.findByRole("heading", { name: "Versions" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Automatic retraining" })).not.toBeInTheDocument();
  });
});
