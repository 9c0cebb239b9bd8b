import { screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resetOpenApiCache, useHasEndpoint } from "../../lib/openapi";
import type { ModelDetail } from "../../lib/types";
import { flightsSchema, renderWithModels, twoModels } from "../../test/many-models";
import { PROMOTE_PATH } from "./model-actions";
import { ModelsPage } from "./models-page";
import { versionsOf } from "./use-model-versions";

afterEach(() => {
  vi.unstubAllGlobals();
  resetOpenApiCache();
});

const version = (n: number, f1: number) => ({
  version: n,
  kind: "logistic",
  created_at: "2026-12-05T07:00:00Z",
  threshold: 0.4,
  sha256: `sha-${n}`,
  metrics: { test: { f1 }, threshold_policy: "f1", evaluator: null },
  spec_changes: [],
});

const flights: ModelDetail = {
  spec: flightsSchema,
  versions: [
    version(1, 0.612),
    {
      ...version(2, 0.634),
      spec_changes: [
        { field: "features.distance_km.maximum", before: 3290, after: 4100 },
        {
          field: "features.airline",
          before: null,
          after: { name: "airline", kind: "categorical" },
        },
      ],
    },
  ],
  aliases: [
    { alias: "production", version: 2, traffic_percent: null, updated_at: "2026-12-05T07:00:00Z" },
  ],
};

describe("versionsOf", () => {
  it("reads the serving version from the production alias", () => {
    expect(versionsOf("flights", flights)).toMatchObject({
      model_name: "flights",
      serving: { version: 2, alias: "production" },
    });
    expect(versionsOf("flights", { ...flights, aliases: [] }).serving).toBeNull();
  });
});

function PromoteOffered() {
  return useHasEndpoint("post", PROMOTE_PATH) && <p>promote route listed</p>;
}

describe("ModelsPage for a model other than the default", () => {
  it("shows its versions from GET /api/v1/models/{name}, without the default model's controls", async () => {
    renderWithModels(
      <>
        <ModelsPage />
        <PromoteOffered />
      </>,
      twoModels,
      "/models?model=flights",
      {
        "/api/v1/models/flights": { body: flights },
        "/openapi.json": {
          body: {
            paths: { [PROMOTE_PATH]: { post: {} }, "/api/v1/models/rollback": { post: {} } },
          },
        },
      },
    );
    expect(await screen.findByText("0.634")).toBeInTheDocument();
    expect(screen.getByText("0.612")).toBeInTheDocument();
    expect(screen.getByText("spec changed (2 fields)")).toBeInTheDocument(); // v2 only
    expect(screen.getAllByText(/^spec changed/)).toHaveLength(1);
    const maximum = screen.getByText("features.distance_km.maximum").closest("li");
    expect(maximum).toHaveTextContent("features.distance_km.maximum: 3290 → 4100");
    const added = screen.getByText("features.airline").closest("li");
    expect(added).toHaveTextContent("features.airline: — → feature airline");
    expect(screen.getByText(/^Serving v2 \(production\)/)).toBeInTheDocument();
    expect(screen.getByText("flights", { selector: "strong" })).toBeInTheDocument();
    expect(await screen.findByText("promote route listed")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Promote/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Roll back production" })).not.toBeInTheDocument();
  });
});
