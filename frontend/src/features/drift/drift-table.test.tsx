import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { featureDrift } from "../../test/fixtures";
import { DriftTable } from "./drift-table";
import { sortFeatures, testName, testStatistic } from "./sort-features";

const features = [
  featureDrift("amount", { psi: 0.05 }),
  featureDrift("channel", {
    kind: "categorical",
    test: "chi2",
    psi: 0.2,
    severity: "warn",
    drifted: true,
    ks_statistic: null,
    chi2_statistic: 41.5,
  }),
  featureDrift("hour_of_day", { psi: 0.31, severity: "alert", drifted: true }),
  featureDrift("card_age_days", { psi: 0.6, severity: "alert", drifted: true }),
  featureDrift("is_foreign", { psi: 0.4, severity: "none" }), // high PSI but the test is not significant
  featureDrift("distance_from_home_km", { psi: null }),
];

describe("sortFeatures", () => {
  it("orders by severity (alert, warn, none), then by PSI, largest first", () => {
    expect(sortFeatures(features).map((feature) => feature.name)).toEqual([
      "card_age_days",
      "hour_of_day",
      "channel",
      "is_foreign",
      "amount",
      "distance_from_home_km",
    ]);
  });

  it("breaks ties by name and does not mutate its input", () => {
    const tied = [featureDrift("b"), featureDrift("a")];
    expect(sortFeatures(tied).map((feature) => feature.name)).toEqual(["a", "b"]);
    expect(tied.map((feature) => feature.name)).toEqual(["b", "a"]);
  });
});

describe("testName / testStatistic", () => {
  it("names the test and picks its statistic", () => {
    expect(testName("chi2")).toBe("χ²");
    expect(testName("ks_binned")).toBe("KS (binned)");
    expect(testStatistic(features[1]!)).toBe(41.5);
    expect(testStatistic(features[0]!)).toBe(0.045);
  });
});

describe("DriftTable", () => {
  it("renders the rows most drifted first with status, test and q (p)", () => {
    render(<DriftTable features={features} selected={null} onSelect={() => undefined} />);
    const rows = screen.getAllByRole("row").slice(1);
    expect(rows.map((row) => row.getAttribute("data-feature"))).toEqual(
      sortFeatures(features).map((feature) => feature.name),
    );
    const first = within(rows[0]!);
    expect(first.getByText("Card age days")).toBeInTheDocument();
    expect(first.getByText("drifted")).toBeInTheDocument();
    expect(first.getByText("KS")).toBeInTheDocument();
    const channel = within(rows[2]!);
    expect(channel.getByText("warning")).toBeInTheDocument();
    expect(channel.getByText("χ²")).toBeInTheDocument();
    expect(channel.getByText("41.500")).toBeInTheDocument();
    expect(within(rows[3]!).getByText("stable")).toBeInTheDocument();
  });

  it("selects a feature on click and on Enter", async () => {
    const onSelect = vi.fn();
    const user = userEvent.setup();
    render(<DriftTable features={features} selected="amount" onSelect={onSelect} />);
    await user.click(screen.getByText("Hour of day"));
    expect(onSelect).toHaveBeenLastCalledWith("hour_of_day");
    screen.getByText("Channel").closest("tr")!.focus();
    await user.keyboard("{Enter}");
    expect(onSelect).toHaveBeenLastCalledWith("channel");
    expect(screen.getByText("Amount").closest("tr")).toHaveAttribute("aria-selected", "true");
  });
});
