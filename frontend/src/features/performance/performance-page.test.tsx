import { render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { routeFetch } from "../../test/fixtures";
import type { PerformancePoint } from "../../lib/types";
import { PerformancePage, latestLabelled } from "./performance-page";

afterEach(() => vi.unstubAllGlobals());

const point = (window_end: string, realised: PerformancePoint["realised"]): PerformancePoint => ({
  window_start: window_end,
  window_end,
  model_version: 1,
  n_predictions: 300,
  n_labelled: realised ? 200 : 0,
  label_coverage: realised ? 0.66 : 0,
  predicted_rate: 0.03,
  realised,
  estimated: { precision: 0.49, recall: 0.43, f1: 0.457, fraud_rate: 0.038 },
  variant: "production",
  variants: { production: 300 },
});

const realised = {
  n: 200,
  roc_auc: 0.91,
  pr_auc: 0.52,
  precision: 0.5,
  recall: 0.4,
  f1: 0.444,
  brier: 0.03,
  ece: 0.009,
  fraud_rate: 0.046,
  predicted_rate: 0.037,
  tp: 4,
  fp: 4,
  fn: 6,
  tn: 201,
};

describe("PerformancePage", () => {
  it("says there are no windows yet when the history is empty", async () => {
    vi.stubGlobal(
      "fetch",
      routeFetch({
        "/api/v1/performance/history": { body: { model_name: "fraud", points: [] } },
        "/api/v1/models": {
          body: { model_name: "fraud", serving: null, aliases: [], versions: [] },
        },
      }),
    );
    render(<PerformancePage />);
    expect(await screen.findByText("No performance windows yet")).toBeInTheDocument();
    expect(screen.queryByText("Why two numbers?")).not.toBeInTheDocument();
  });

  it("shows the latest labelled values beside the label-free estimate", async () => {
    const points = [point("2026-11-23T13:35:05Z", realised), point("2026-11-23T13:35:10Z", null)];
    vi.stubGlobal(
      "fetch",
      routeFetch({
        "/api/v1/performance/history": { body: { model_name: "fraud", points } },
        "/api/v1/models": {
          body: { model_name: "fraud", serving: null, aliases: [], versions: [] },
        },
      }),
    );
    render(<PerformancePage />);
    expect(await screen.findByText("0.444")).toBeInTheDocument(); // realised F1 of the newest labelled window
    expect(screen.getByText("0.457")).toBeInTheDocument(); // the estimate now
    expect(screen.getByText("0 of 300 predictions labelled")).toBeInTheDocument();
    expect(
      screen.getByText("estimated from calibrated probabilities before labels arrive", {
        selector: "strong",
      }),
    ).toBeInTheDocument();
  });
});

describe("latestLabelled", () => {
  it("skips the newest windows whose labels have not arrived", () => {
    const points = [point("a", realised), point("b", null)];
    expect(latestLabelled(points)?.window_end).toBe("a");
    expect(latestLabelled([point("c", null)])).toBeUndefined();
  });
});
