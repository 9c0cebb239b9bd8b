import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { LineChart } from "recharts";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../lib/api";
import { ChartCard, type ChartCardProps } from "./chart-card";
import { EmptyState } from "./empty-state";

const NO_DATA = <EmptyState title="No windows yet" compact />;

function renderCard(props: Partial<ChartCardProps>) {
  return render(
    <ChartCard
      title="Label coverage"
      subtitle="Share of predictions with a label."
      label="Label coverage over time"
      empty={null}
      {...props}
    >
      <LineChart data={[{ time: 1, value: 0.5 }]} />
    </ChartCard>,
  );
}

describe("ChartCard", () => {
  it("frames the chart under its title, as a labelled image of the given height", () => {
    renderCard({ actions: <button type="button">F1</button>, height: "compact" });
    expect(screen.getByRole("heading", { name: "Label coverage" })).toBeInTheDocument();
    expect(screen.getByText("Share of predictions with a label.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "F1" })).toBeInTheDocument();
    const chart = screen.getByRole("img", { name: "Label coverage over time" });
    expect(chart).toHaveClass("h-48");
    expect(chart.querySelector(".recharts-responsive-container")).not.toBeNull();
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
  });

  it("shows the empty state instead of the chart while there is nothing to draw", () => {
    renderCard({ empty: NO_DATA });
    expect(screen.getByRole("status")).toHaveTextContent("No windows yet");
    expect(screen.queryByRole("img")).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Label coverage" })).toBeInTheDocument();
  });

  it("says it is loading, not empty, until its request answers", () => {
    renderCard({ empty: NO_DATA, request: { loading: true, error: undefined, reload: vi.fn() } });
    expect(screen.getByRole("status")).toHaveTextContent("Loading…");
    expect(screen.queryByText("No windows yet")).not.toBeInTheDocument();
  });

  it("shows a failed request with a retry, without claiming there is no data", async () => {
    const reload = vi.fn();
    const error = new ApiError(503, "unavailable", "database unreachable");
    renderCard({ empty: NO_DATA, request: { loading: false, error, reload } });
    expect(screen.getByRole("alert")).toHaveTextContent("database unreachable");
    expect(screen.queryByText("No windows yet")).not.toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole("button", { name: "Retry" }));
    expect(reload).toHaveBeenCalledOnce();
  });

  it("keeps drawing the data it has when a refresh fails", () => {
    const error = new ApiError(503, "unavailable", "database unreachable");
    renderCard({ request: { loading: false, error, reload: vi.fn() } });
    expect(screen.getByRole("alert")).toBeInTheDocument();
    expect(screen.getByRole("img", { name: "Label coverage over time" })).toHaveClass("h-56");
  });
});
