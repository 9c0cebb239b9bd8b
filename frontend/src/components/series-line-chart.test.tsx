import { render, screen } from "@testing-library/react";
import type { ReactElement } from "react";
import { beforeEach, describe, expect, it } from "vitest";
import { formatMetric } from "../lib/format";
import type { LineSeries } from "./chart-parts";
import { sizeCharts } from "./chart-test-size";
import { EmptyState } from "./empty-state";
import { SeriesLineChart } from "./series-line-chart";

beforeEach(() => sizeCharts());

interface Row {
  time: number;
  f1: number | null;
  est_f1: number | null;
}

const rows: Row[] = [
  { time: Date.UTC(2026, 11, 4, 13, 35, 5), f1: 0.44, est_f1: 0.46 },
  { time: Date.UTC(2026, 11, 4, 13, 35, 10), f1: null, est_f1: 0.45 },
];

const F1_SERIES: LineSeries<Row>[] = [
  { dataKey: "f1", name: "F1 (realised)", stroke: "#a78bfa", strokeWidth: 1.5 },
  { dataKey: "est_f1", name: "F1 (estimated)", stroke: "#fbbf24", dashed: true },
];

function renderChart(data: Row[], empty: ReactElement | null = null) {
  return render(
    <SeriesLineChart
      title="Estimated vs. realised"
      subtitle="Dashed: estimated."
      label="F1: estimated vs realised"
      empty={empty}
      data={data}
      series={F1_SERIES}
      format={formatMetric}
      yAxis={{ domain: [0, 1] }}
    />,
  );
}

describe("SeriesLineChart", () => {
  it("draws each series as a named line, in order, with a legend sorted by name", () => {
    renderChart(rows);
    const chart = screen.getByRole("img", { name: "F1: estimated vs realised" });
    const legend = [...chart.querySelectorAll(".recharts-legend-item-text")];
    expect(legend.map((item) => item.textContent)).toEqual(["F1 (estimated)", "F1 (realised)"]);
    const [realised, estimated] = chart.querySelectorAll(".recharts-line-curve");
    expect(estimated).toHaveAttribute("stroke", "#fbbf24");
    expect(estimated).toHaveAttribute("stroke-dasharray", "6 4"); // dashed: an estimate
    expect(estimated).toHaveAttribute("stroke-width", "1.5");
    expect(realised).toHaveAttribute("stroke", "#a78bfa");
    expect(realised).not.toHaveAttribute("stroke-dasharray");
    expect(realised).toHaveAttribute("stroke-width", "1.5"); // the series' own width wins
  });

  it("shows the empty state instead of the chart when there is nothing to draw", () => {
    renderChart([], <EmptyState title="No windows yet" compact />);
    expect(screen.getByRole("status")).toHaveTextContent("No windows yet");
    expect(screen.queryByRole("img")).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Estimated vs. realised" })).toBeInTheDocument();
  });

  it("only accepts series read from the rows' own fields", () => {
    // @ts-expect-error: "auc" is no field of Row, so the line would stay empty.
    const wrong: LineSeries<Row> = { dataKey: "auc", name: "AUC", stroke: "#38bdf8" };
    expect(wrong.dataKey).toBe("auc");
  });
});
