import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Explanation, PredictionResult } from "../../lib/types";
import { contract, jsonResponse, predictionResult } from "../../test/fixtures";
import { ExplanationBars, TOP_CONTRIBUTIONS } from "./explanation-bars";
import { PredictForm } from "./predict-form";
import { PredictionResultView } from "./prediction-result";

afterEach(() => vi.unstubAllGlobals());

// Shape of GET /api/v1/predict?explain=true (xgboost pred_contribs), sorted by |contribution|.
const explanation: Explanation = {
  available: true,
  method: "tree_shap",
  bias: -3.2,
  margin: -0.75,
  contributions: [
    { feature: "amount_to_avg_ratio", value: 74.8, contribution: 1.9 },
    { feature: "hour_of_day", value: 3, contribution: 0.95 },
    { feature: "card_age_days", value: 900, contribution: -0.4 },
    { feature: "channel", value: "online", contribution: 0.2 },
    ...Array.from({ length: 8 }, (_, i) => ({
      feature: `minor_${i}`,
      value: null,
      contribution: 0.01 / (i + 1),
    })),
  ],
};

describe("ExplanationBars", () => {
  it("draws the top contributions as bars scaled to the largest, red toward fraud and green away", () => {
    render(<ExplanationBars explanation={explanation} />);
    const items = screen.getAllByRole("listitem");
    expect(items).toHaveLength(TOP_CONTRIBUTIONS);
    expect(items[0]).toHaveAccessibleName("amount_to_avg_ratio = 74.8: +1.900");
    expect(items[2]).toHaveAccessibleName("card_age_days = 900: −0.400");
    const bars = screen.getAllByTestId("contribution-bar");
    expect(bars[0]).toHaveStyle({ width: "50%" });
    expect(bars[1]).toHaveStyle({ width: "25%" });
    expect(bars[0]).toHaveClass("bg-red-500");
    expect(bars[2]).toHaveClass("bg-green-500");
    expect(screen.getByText(/TreeSHAP\): base −3.200 → margin −0.750/)).toBeInTheDocument();
  });

  it("says why when no explanation is available", () => {
    render(<ExplanationBars explanation={{ available: false, reason: "decided by a rule" }} />);
    expect(screen.getByText("No explanation: decided by a rule")).toBeInTheDocument();
    expect(screen.queryByRole("listitem")).not.toBeInTheDocument();
  });
});

describe("PredictionResultView with variant, rule and explanation", () => {
  it("names the canary variant and version, the deciding rule, and the contributions", () => {
    const result: PredictionResult = {
      ...predictionResult,
      model_version: 2,
      variant: "canary",
      path: "rules",
      rule: "fraud-high-risk-spike",
      explanation,
    };
    render(<PredictionResultView result={result} />);
    expect(screen.getByText("canary")).toHaveAttribute(
      "title",
      "This request was routed to the canary version",
    );
    expect(screen.getByText(/fraud v2/)).toBeInTheDocument();
    expect(screen.getByText("business rule")).toBeInTheDocument();
    expect(screen.getByText("fraud-high-risk-spike")).toBeInTheDocument();
    expect(
      within(screen.getByRole("figure", { name: "Feature contributions" })).getAllByRole(
        "listitem",
      ),
    ).toHaveLength(TOP_CONTRIBUTIONS);
  });

  it("shows no rule and no contributions when the response has none", () => {
    render(<PredictionResultView result={predictionResult} />);
    expect(screen.getByText("production")).toBeInTheDocument();
    expect(screen.getByText("model")).toBeInTheDocument();
    expect(screen.queryByRole("figure")).not.toBeInTheDocument();
  });
});

describe("PredictForm explain toggle", () => {
  it("asks for an explanation unless unticked", async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(() => jsonResponse(predictionResult));
    vi.stubGlobal("fetch", fetch);
    const onResult = vi.fn();
    const user = userEvent.setup();
    render(<PredictForm contract={contract} onResult={onResult} />);
    await user.click(screen.getByLabelText("Explain the score"));
    await user.click(screen.getByRole("button", { name: "Score transaction" }));
    await waitFor(() => expect(onResult).toHaveBeenCalledWith(predictionResult, contract.example));
    expect(fetch.mock.calls[0]?.[0]).toBe("/api/v1/predict");
  });
});
