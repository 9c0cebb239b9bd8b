// Payloads of a backend monitoring two models: fraud (the default) and flights (from a user's CSV).
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { vi } from "vitest";
import { ModelProvider } from "../lib/model-context";
import type { ModelGlance, ModelSchema, Overview, SpecFeature } from "../lib/types";
import { contract, requestUrl, routeFetch } from "./fixtures";

export function glance(name: string, overrides: Partial<ModelGlance> = {}): ModelGlance {
  return {
    name,
    kind: "served",
    production_version: 1,
    rps: 0,
    drift_share: null,
    open_alerts: 0,
    f1: null,
    training_f1: null,
    ...overrides,
  };
}

export const twoModels: Overview = {
  default_model: "fraud",
  models: [
    glance("fraud", { rps: 25, drift_share: 0.25, open_alerts: 3, f1: 0.41, training_f1: 0.52 }),
    glance("flights", { production_version: 2, rps: 1.5, training_f1: 0.63 }),
  ],
};

export const loneFraud: Overview = { default_model: "fraud", models: [glance("fraud")] };

/** A feature of the flights spec, on the blank parts of the fraud contract's `is_foreign`. */
const feature = (
  overrides: Partial<SpecFeature> & Pick<SpecFeature, "name" | "kind">,
): SpecFeature => ({
  ...contract.features.find((spec) => spec.name === "is_foreign")!,
  description: "",
  ...overrides,
});

/** GET /api/v1/models/flights/schema: every kind of tabular feature, one with missing values. */
export const flightsSchema: ModelSchema = {
  name: "flights",
  description: "Delay of a flight",
  target: "status",
  classes: ["delayed", "on_time"],
  features: [
    feature({
      name: "distance_km",
      kind: "numeric",
      type: "numeric",
      unit: "km",
      minimum: 0,
      maximum: 3300,
      allow_missing: true,
      example: 800.5,
    }),
    feature({
      name: "stops",
      kind: "integer",
      type: "integer",
      minimum: 0,
      maximum: 4,
      example: 1,
    }),
    feature({ name: "weekend", kind: "boolean", type: "boolean", example: true }),
    feature({
      name: "carrier",
      kind: "categorical",
      type: "categorical",
      categories: ["A", "B", "C"],
      example: "B",
    }),
  ],
  gate: {},
  monitoring: {},
};

/**
 * Render `ui` under a ModelProvider at `url`, the backend answering /api/v1/overview with
 * `overview` and `routes` as routeFetch does (other paths: 404); returns the paths (with query)
 * fetched so far.
 */
export function renderWithModels(
  ui: ReactNode,
  overview: Overview,
  url = "/",
  routes: Parameters<typeof routeFetch>[0] = {},
) {
  window.history.replaceState(null, "", url);
  const fetch = vi.fn(routeFetch({ "/api/v1/overview": { body: overview }, ...routes }));
  vi.stubGlobal("fetch", fetch);
  render(<ModelProvider>{ui}</ModelProvider>);
  return () =>
    fetch.mock.calls.map(([input]) => {
      const requested = requestUrl(input);
      return requested.pathname + requested.search;
    });
}
