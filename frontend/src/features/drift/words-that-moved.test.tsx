import { render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sizeCharts } from "../../components/chart-test-size";
import type { FeatureDrift } from "../../lib/types";
import { driftReport, featureDrift, routeFetch } from "../../test/fixtures";
import { DriftPage } from "./drift-page";
import { movedRows, vocabularyFeatures, WordsThatMoved } from "./words-that-moved";

beforeEach(() => sizeCharts());
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function move(token: string, reference: number | null, current: number) {
  const difference = current - (reference ?? 0);
  return { token, reference_share: reference, current_share: current, difference, log_ratio: 0 };
}

function vocabularyDrift(overrides: Partial<FeatureDrift> = {}): FeatureDrift {
  return featureDrift("text.vocabulary", {
    kind: "categorical",
    test: "vocabulary_chi2",
    psi: 0.48,
    warn_threshold: 0.11,
    drifted: true,
    severity: "alert",
    n_reference: 1300,
    n_current: 150,
    chi2_statistic: 412.5,
    q_value: 0.0002,
    vocabulary: {
      statistic: 412.5,
      raw_statistic: 412.5,
      dof: 50,
      p_value: 1e-40,
      dispersion: 1,
      drifted: true,
      moved: [move("click", 0.21, 0.48), move("wrote", 0.23, 0.0), move("linux", 0.1, 0.09)],
      new_words: [move("remove", null, 0.28), move("money", null, 0.21)],
    },
    ...overrides,
  });
}

describe("movedRows", () => {
  it("keeps the most moved words, in the API's order, as reference vs window shares", () => {
    const vocabulary = vocabularyDrift().vocabulary!;
    expect(movedRows(vocabulary, 2)).toEqual([
      { token: "click", difference: 0.48 - 0.21, reference: 0.21, current: 0.48 },
      { token: "wrote", difference: -0.23, reference: 0.23, current: 0 },
    ]);
  });
});

describe("WordsThatMoved", () => {
  it("draws a diverging bar per word, coloured by direction, with the test and new words", () => {
    render(<WordsThatMoved feature={vocabularyDrift()} />);
    expect(screen.getByRole("heading", { name: "Words that moved · text" })).toBeInTheDocument();
    const chart = screen.getByRole("img", { name: /Words of text whose share/ });
    const ticks = [...chart.querySelectorAll(".recharts-yAxis-tick-labels tspan")];
    expect(ticks.map((tick) => tick.textContent)).toEqual(["click", "wrote", "linux"]);
    const axis = [...chart.querySelectorAll(".recharts-xAxis-tick-labels tspan")];
    expect(axis.map((tick) => tick.textContent)).toEqual(["-30%", "-15%", "0%", "15%", "30%"]);
    const bars = [...chart.querySelectorAll(".recharts-bar-rectangle path")];
    expect(bars.map((bar) => bar.getAttribute("fill"))).toEqual(["#38bdf8", "#64748b", "#64748b"]);
    expect(screen.getByText("χ² · 50 dof").nextSibling).toHaveTextContent("412.5");
    expect(screen.getByText("p / q").nextSibling).toHaveTextContent("< 0.001 / < 0.001");
    expect(screen.getByText("Messages").nextSibling).toHaveTextContent("150 vs 1,300");
    const fresh = within(screen.getByRole("list", { name: "New common words" }));
    expect(fresh.getAllByRole("listitem").map((item) => item.textContent)).toEqual([
      "remove · 28%",
      "money · 21%",
    ]);
    expect(screen.getByText("drifted")).toBeInTheDocument();
  });

  it("says so when the window has no messages", () => {
    render(<WordsThatMoved feature={vocabularyDrift({ n_current: 0 })} />);
    expect(screen.getByRole("status")).toHaveTextContent("No messages in this window yet");
    expect(screen.queryByRole("img")).not.toBeInTheDocument();
  });
});

describe("on the Drift page", () => {
  function serve(features: FeatureDrift[]) {
    const report = driftReport(features);
    vi.stubGlobal(
      "fetch",
      routeFetch({
        "/api/v1/drift/latest": { body: report },
        "/api/v1/drift/history": { body: { model_name: "x", feature: null, points: [] } },
      }),
    );
    return report;
  }

  it("shows the card for a text model's report", async () => {
    const report = serve([featureDrift("text.chars"), vocabularyDrift()]);
    expect(vocabularyFeatures(report).map((feature) => feature.name)).toEqual(["text.vocabulary"]);
    render(<DriftPage />);
    expect(await screen.findByText("Words that moved · text")).toBeInTheDocument();
  });

  it("shows no card for a model without text", async () => {
    const report = serve([featureDrift("amount"), featureDrift("card_age_days")]);
    expect(vocabularyFeatures(report)).toEqual([]);
    render(<DriftPage />);
    expect(await screen.findByText("0 of 2 features drifted")).toBeInTheDocument();
    expect(screen.queryByText(/Words that moved/)).not.toBeInTheDocument();
  });
});
