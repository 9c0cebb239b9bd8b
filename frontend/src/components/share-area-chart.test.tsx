import { render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { sizeCharts } from "./chart-test-size";
import { EmptyState } from "./empty-state";
import { ShareAreaChart } from "./share-area-chart";

beforeEach(() => sizeCharts());

const rows = [
  { time: Date.UTC(2026, 11, 4, 13, 35, 5), label_coverage: 0.25 },
  { time: Date.UTC(2026, 11, 4, 13, 35, 10), label_coverage: 0.5 },
];

function renderChart(data: typeof rows) {
  return render(
    <ShareAreaChart
      title="Label coverage"
      subtitle="Share of the window's predictions whose true label has arrived."
      label="Label coverage over time"
      empty={data.length > 0 ? null : <EmptyState title="No windows yet" compact />}
      data={data}
      share={{ dataKey: "label_coverage", name: "Labelled", stroke: "#38bdf8" }}
    />,
  );
}

describe("ShareAreaChart", () => {
  it("draws the share as an area in its colour, on a 0–100 % axis", () => {
    renderChart(rows);
    const chart = screen.getByRole("img", { name: "Label coverage over time" });
    expect(chart.querySelector(".recharts-area-curve")).toHaveAttribute("stroke", "#38bdf8");
    expect(chart.querySelector(".recharts-area-area")).toHaveAttribute("fill", "#38bdf833");
    const ticks = [...chart.querySelectorAll(".recharts-yAxis-tick-labels tspan")];
    expect(ticks.map((tick) => tick.textContent)).toEqual(["0%", "25%", "50%", "75%", "100%"]);
  });

  it("shows the empty state instead of the chart when there is nothing to draw", () => {
    renderChart([]);
    expect(screen.getByRole("status")).toHaveTextContent("No windows yet");
    expect(screen.queryByRole("img")).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Label coverage" })).toBeInTheDocument();
  });
});
