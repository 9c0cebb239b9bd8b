import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { LiveContext, OFFLINE_LIVE } from "../../lib/live-context";
import type { LiveStats } from "../../lib/types";
import { LiveTiles } from "./live-tiles";
import { flaggedShare } from "./live-stats";

const second = (total: number, rps: number, fraud_rate: number | null): LiveStats => ({
  rps,
  p50_ms: 3.4,
  p99_ms: 27.8,
  fraud_rate,
  total,
  rules_ratio: 0,
});

describe("LiveTiles", () => {
  it("shows 'no live data yet' instead of sparklines before the stream delivers", () => {
    render(<LiveTiles driftMissing />);
    expect(screen.getAllByText("no live data yet")).toHaveLength(4);
    expect(screen.getAllByText("waiting for the live stream")).toHaveLength(4);
    expect(screen.queryAllByRole("img")).toHaveLength(0);
    expect(screen.getByText("no drift report yet — is the worker running?")).toBeInTheDocument();
  });

  it("draws the live series once stats arrive", () => {
    const stats = [second(100, 20, 0.05), second(120, 20, 0)];
    render(
      <LiveContext.Provider value={{ ...OFFLINE_LIVE, state: "live", stats }}>
        <LiveTiles alerts={{ model_name: "fraud", alerts: [] }} driftMissing={false} />
      </LiveContext.Provider>,
    );
    expect(screen.getByText("120")).toBeInTheDocument();
    expect(screen.getByText("20 req/s")).toBeInTheDocument();
    expect(screen.getByText("2.5%")).toBeInTheDocument(); // traffic-weighted over both seconds
    expect(screen.getByText("all clear")).toBeInTheDocument();
    expect(
      screen.getByRole("img", { name: "Requests per second, last 2 minutes" }),
    ).toBeInTheDocument();
    expect(screen.queryByText("no live data yet")).not.toBeInTheDocument();
  });
});

describe("flaggedShare", () => {
  it("weights each second by its traffic and ignores idle seconds", () => {
    expect(flaggedShare([second(1, 10, 0.1), second(2, 30, 0), second(2, 0, null)])).toBeCloseTo(
      0.025,
    );
    expect(flaggedShare([second(1, 0, null)])).toBeNull();
  });
});
