import { render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { driftReport, featureDrift, routeFetch } from "../../test/fixtures";
import { DriftPage } from "./drift-page";

afterEach(() => vi.unstubAllGlobals());

describe("DriftPage", () => {
  it("says no drift report yet when the API answers 404", async () => {
    vi.stubGlobal(
      "fetch",
      routeFetch({
        "/api/v1/drift/latest": {
          status: 404,
          body: { error: { code: "not_found", message: "no drift report yet", details: null } },
        },
      }),
    );
    render(<DriftPage />);
    expect(
      await screen.findByText("No drift report yet — is the worker running?"),
    ).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument(); // an expected state, not an error
  });

  it("shows the table and the most drifted feature's detail when a report exists", async () => {
    const report = driftReport([
      featureDrift("amount", { psi: 0.02 }),
      featureDrift("card_age_days", { psi: 0.5, severity: "alert", drifted: true }),
    ]);
    vi.stubGlobal(
      "fetch",
      routeFetch({
        "/api/v1/drift/latest": { body: report },
        "/api/v1/drift/features/card_age_days": {
          body: {
            feature: "card_age_days",
            kind: "numeric",
            window_end: report.window_end,
            model_version: 1,
            labels: ["< 10", "≥ 10", "(missing)"],
            reference_counts: [5, 5, 0],
            current_counts: [1, 9, 0],
            reference_share: [0.5, 0.5, 0],
            current_share: [0.1, 0.9, 0],
            psi: 0.5,
            drifted: true,
            severity: "alert",
            test: "ks",
            p_value: 0.001,
            q_value: 0.002,
            ks_statistic: 0.4,
            wasserstein_norm: 0.3,
            js_distance: null,
            warn_threshold: 0.13,
            alert_threshold: 0.28,
          },
        },
        "/api/v1/drift/history": {
          body: { model_name: "fraud", feature: "card_age_days", points: [] },
        },
      }),
    );
    render(<DriftPage />);
    expect(await screen.findByText("1 of 2 features drifted")).toBeInTheDocument();
    expect(screen.getAllByRole("row")[1]).toHaveAttribute("data-feature", "card_age_days");
    expect(await screen.findByText("PSI over time")).toBeInTheDocument();
    expect(await screen.findByText("No PSI history yet")).toBeInTheDocument();
  });
});
