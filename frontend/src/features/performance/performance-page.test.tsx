import { render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { routeFetch } from "../../test/fixtures";
import type { PerformancePoint } from "../../lib/types";
import { PerformancePage, latestLabelled } from "./performance-page";

afterEach(() => vi.unstubAllGlobals());

const point = (
  window_end: string,
  realised: PerformancePoint["realised"],
  evidence: PerformancePoint["evidence"] = null,
): PerformancePoint => ({
  window_start: window_end,
  window_end,
  model_version: 1,
  n_predictions: 300,
  n_labelled: realised ? 200 : 0,
  label_coverage: realised ? 0.66 : 0,
  predicted_rate: 0.03,
  realised,
  evidence,
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

const evidence = (positives: number): NonNullable<PerformancePoint["evidence"]> => ({
  positives,
  negatives: 200 - positives,
  min_positives: 20,
  sufficient: positives >= 20,
  level: 0.95,
  intervals: {
    f1: [0.31, 0.58],
    precision: [0.3, 0.7],
    recall: [0.2, 0.6],
    roc_auc: [0.87, 0.95],
  },
});

function serve(points: PerformancePoint[]) {
  vi.stubGlobal(
    "fetch",
    routeFetch({
      "/api/v1/performance/history": { body: { model_name: "fraud", points } },
      "/api/v1/models": {
        body: { model_name: "fraud", serving: null, aliases: [], versions: [] },
      },
    }),
  );
}

describe("PerformancePage", () => {
  it("says there are no windows yet when the history is empty", async () => {
    serve([]);
    render(<PerformancePage />);
    expect(await screen.findByText("No performance windows yet")).toBeInTheDocument();
    expect(screen.queryByText("Why two numbers?")).not.toBeInTheDocument();
  });

  it("shows the latest labelled values beside the label-free estimate", async () => {
    serve([point("2026-11-23T13:35:05Z", realised), point("2026-11-23T13:35:10Z", null)]);
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

describe("evidence of the realised values", () => {
  it("shows each metric's interval and that the window was judged", async () => {
    serve([point("2026-11-23T13:35:05Z", realised, evidence(42))]);
    render(<PerformancePage />);
    expect(await screen.findByText(/95% CI 0\.310–0\.580/)).toBeInTheDocument(); // F1
    expect(screen.getByText(/95% CI 0\.870–0\.950/)).toBeInTheDocument(); // ROC AUC
    expect(screen.getByText(/Judged on 42 labelled fraud and 158 others/)).toBeInTheDocument();
    expect(screen.queryByText("Not enough labels to judge.")).not.toBeInTheDocument();
  });

  it("says a window with too few positives is not judged, instead of calling it bad", async () => {
    serve([point("2026-11-23T13:35:05Z", realised, evidence(15))]);
    render(<PerformancePage />);
    const note = (await screen.findByText("Not enough labels to judge.")).parentElement;
    expect(note).toHaveAttribute("role", "status");
    expect(note).toHaveTextContent("15 labelled fraud of the 20 needed");
  });
});

describe("latestLabelled", () => {
  it("skips the newest windows whose labels have not arrived", () => {
    const points = [point("a", realised), point("b", null)];
    expect(latestLabelled(points)?.window_end).toBe("a");
    expect(latestLabelled([point("c", null)])).toBeUndefined();
  });
});
