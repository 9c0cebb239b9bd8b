import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Overview } from "../../lib/types";
import { loneFraud, renderWithModels, twoModels } from "../../test/many-models";
import { OverviewPage } from "./overview-page";

afterEach(() => vi.unstubAllGlobals());

function renderOverview(overview: Overview) {
  const requested = renderWithModels(<OverviewPage />, overview);
  return { requested, user: userEvent.setup() };
}

describe("Overview with several models", () => {
  it("lands on a table of every model: kind, version, traffic, drift, alerts, F1 live vs training", async () => {
    renderOverview(twoModels);
    const rows = (await screen.findAllByRole("row")).slice(1);
    expect(rows.map((row) => row.getAttribute("data-model"))).toEqual(["fraud", "flights"]);
    const cells = (row: HTMLElement) =>
      within(row)
        .getAllByRole("cell")
        .map((c) => c.textContent);
    expect(cells(rows[0]!)).toEqual([
      "fraud",
      "served",
      "v1",
      "25 req/s",
      "25%",
      "3",
      "0.410 / 0.520",
    ]);
    expect(cells(rows[1]!)).toEqual([
      "flights",
      "served",
      "v2",
      "1.5 req/s",
      "—",
      "0",
      "— / 0.630",
    ]);
    expect(rows[0]).toHaveAttribute("data-chosen", "true");
    expect(screen.getByText(/Every monitored model/)).toBeInTheDocument();
  });

  it("switches every panel to the model whose row is clicked", async () => {
    const { requested, user } = renderOverview(twoModels);
    await screen.findAllByRole("row");
    expect(requested()).toContain("/api/v1/drift/latest");
    expect(screen.getByText("Traffic simulator")).toBeInTheDocument();
    await user.click(screen.getAllByRole("row")[2]!);
    expect(window.location.search).toBe("?model=flights");
    await vi.waitFor(() =>
      expect(requested()).toEqual(
        expect.arrayContaining([
          "/api/v1/drift/latest?model=flights",
          "/api/v1/alerts?status=open&limit=200&model=flights",
          "/api/v1/performance/history?limit=1&model=flights",
          "/api/v1/models/flights",
        ]),
      ),
    );
    expect(screen.getAllByRole("row")[2]).toHaveAttribute("data-chosen", "true");
    // the traffic simulator feeds the default model only
    expect(screen.queryByText("Traffic simulator")).not.toBeInTheDocument();
  });
});

describe("Overview with the fraud model alone", () => {
  it("looks as it always did: no models table, the fraud introduction", async () => {
    const { requested } = renderOverview(loneFraud);
    await vi.waitFor(() => expect(requested()).toContain("/api/v1/overview"));
    expect(
      await screen.findByText(/A fraud model scoring card transactions live/),
    ).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Models" })).not.toBeInTheDocument();
    expect(requested()).not.toContain("/api/v1/models/fraud");
  });
});
