import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { sizeCharts } from "../../components/chart-test-size";
import type { PerformancePoint } from "../../lib/types";
import { EstimateChart, PerformanceCharts, toRows } from "./performance-charts";

beforeEach(() => sizeCharts());

const point: PerformancePoint = {
  window_start: "2026-12-04T13:30:05Z",
  window_end: "2026-12-04T13:35:05Z",
  model_version: 1,
  n_predictions: 300,
  n_labelled: 0,
  label_coverage: 0,
  predicted_rate: 0.03,
  realised: null,
  evidence: null,
  estimated: { precision: 0.49, recall: 0.43, f1: 0.457, fraud_rate: 0.038 },
  variant: "production",
  variants: { production: 300 },
};

const legendOf = (chart: HTMLElement) =>
  [...chart.querySelectorAll(".recharts-legend-item-text")].map((item) => item.textContent);

describe("EstimateChart", () => {
  it("draws the chosen metric's estimate beside its realised value", async () => {
    render(<EstimateChart rows={toRows([point])} />);
    const f1 = screen.getByRole("img", { name: "F1: estimated vs realised" });
    expect(legendOf(f1)).toEqual(["F1 (estimated)", "F1 (realised)"]);

    await userEvent.setup().click(screen.getByRole("tab", { name: "Recall" }));
    expect(screen.getByRole("tab", { name: "Recall" })).toHaveAttribute("aria-selected", "true");
    const recall = screen.getByRole("img", { name: "Recall: estimated vs realised" });
    expect(legendOf(recall)).toEqual(["Recall (estimated)", "Recall (realised)"]);
  });

  it("says there are no windows yet when there are none", () => {
    render(<EstimateChart rows={[]} />);
    expect(screen.getByRole("status")).toHaveTextContent("No windows yet");
    expect(screen.getByRole("tab", { name: "F1" })).toHaveAttribute("aria-selected", "true");
  });
});

describe("PerformanceCharts", () => {
  it("draws the fraud rates and the coverage while quality waits for labels", () => {
    const later = { ...point, window_end: "2026-12-04T13:35:10Z", label_coverage: 0.5 };
    render(<PerformanceCharts rows={toRows([point, later])} />);
    expect(screen.getByText("No labelled windows yet")).toBeInTheDocument();
    const rates = screen.getByRole("img", { name: "Predicted and actual fraud rate over time" });
    expect(legendOf(rates)).toEqual([
      "Actual (labelled)",
      "Expected (estimate)",
      "Flagged by model",
    ]);
    const coverage = screen.getByRole("img", { name: "Label coverage over time" });
    expect(coverage.querySelector(".recharts-area-curve")).toHaveAttribute("name", "Labelled");
  });

  it("names another model's positive class in the rates chart", () => {
    render(<PerformanceCharts rows={toRows([point])} positive="delayed" />);
    expect(screen.getByText("Delayed rate: flagged vs. actual")).toBeInTheDocument();
    expect(screen.getByText(/share the model called delayed/)).toBeInTheDocument();
    expect(
      screen.getByRole("img", { name: "Predicted and actual delayed rate over time" }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/fraud/i)).not.toBeInTheDocument();
  });

  it("says there are no windows yet in each chart when there are none", () => {
    render(<PerformanceCharts rows={[]} />);
    expect(screen.getAllByText("No windows yet")).toHaveLength(3);
    expect(screen.queryByRole("img")).not.toBeInTheDocument();
  });
});
