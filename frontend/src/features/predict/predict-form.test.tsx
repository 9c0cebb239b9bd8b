import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { contract, jsonBody, predictionResult } from "../../test/fixtures";
import type { AnyPrediction } from "./prediction-result";
import { PredictForm } from "./predict-form";
import { PredictionResultView } from "./prediction-result";

afterEach(() => vi.unstubAllGlobals());

function renderForm() {
  const onResult = vi.fn<(result: AnyPrediction | null) => void>();
  render(<PredictForm contract={contract} onResult={onResult} />);
  return { onResult, user: userEvent.setup() };
}

describe("PredictForm", () => {
  it("is generated from the contract and prefilled with its example", () => {
    renderForm();
    expect(screen.getByLabelText(/^Amount/)).toHaveValue(129.99);
    expect(screen.getByLabelText(/^Hour of day/)).toHaveValue(14);
    expect(screen.getByLabelText(/^Channel/)).toHaveValue("online");
    expect(screen.getByRole("option", { name: "atm" })).toBeInTheDocument();
    expect(screen.getByLabelText(/^Merchant category/)).toHaveValue("electronics");
    expect(screen.getByLabelText("Distance from home km missing")).not.toBeChecked();
    expect(screen.queryByLabelText("Amount missing")).not.toBeInTheDocument(); // amount may not be missing
  });

  it("shows a message next to each out-of-range field and sends nothing", async () => {
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    const { user } = renderForm();
    await user.clear(screen.getByLabelText(/^Hour of day/));
    await user.type(screen.getByLabelText(/^Hour of day/), "30");
    await user.clear(screen.getByLabelText(/^Amount/));
    await user.type(screen.getByLabelText(/^Amount/), "-5");
    await user.click(screen.getByRole("button", { name: "Score transaction" }));

    expect(screen.getByLabelText(/^Hour of day/)).toHaveAccessibleDescription(
      "Must be at most 23 hour",
    );
    expect(screen.getByLabelText(/^Hour of day/)).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText(/^Amount/)).toHaveAccessibleDescription("Must be at least 0 USD");
    expect(screen.getByRole("alert")).toHaveTextContent("2 fields need attention.");
    expect(fetch).not.toHaveBeenCalled();
  });

  it("clears a field's message as soon as it is edited", async () => {
    vi.stubGlobal("fetch", vi.fn());
    const { user } = renderForm();
    const hour = screen.getByLabelText(/^Hour of day/);
    await user.clear(hour);
    await user.click(screen.getByRole("button", { name: "Score transaction" }));
    expect(hour).toHaveAccessibleDescription("Required");
    await user.type(hour, "7");
    expect(hour).not.toHaveAccessibleDescription("Required");
  });

  it("shows the server's 422 reasons next to the fields named in details", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn().mockResolvedValue(
        new Response(
          JSON.stringify({
            error: {
              code: "invalid_input",
              message: "invalid input",
              details: [
                {
                  field: "merchant_category",
                  reason: "String should match pattern '^[a-z0-9][a-z0-9_\\-]{0,31}$'",
                  type: "string_pattern_mismatch",
                },
              ],
            },
          }),
          { status: 422 },
        ),
      ),
    );
    const { user, onResult } = renderForm();
    const category = screen.getByLabelText(/^Merchant category/);
    await user.clear(category);
    await user.type(category, "Pet Shop");
    await user.click(screen.getByRole("button", { name: "Score transaction" }));

    await waitFor(() =>
      expect(category).toHaveAccessibleDescription(/String should match pattern/),
    );
    expect(category).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByRole("alert")).toHaveTextContent("One field needs attention.");
    expect(onResult).toHaveBeenLastCalledWith(null);
  });

  it("sends null for a feature ticked missing and reports the result", async () => {
    const fetch = vi
      .fn()
      .mockResolvedValue(new Response(JSON.stringify(predictionResult), { status: 200 }));
    vi.stubGlobal("fetch", fetch);
    const { user, onResult } = renderForm();
    await user.click(screen.getByLabelText("Distance from home km missing"));
    expect(screen.getByLabelText(/^Distance from home km \(km\)/)).toBeDisabled();
    await user.click(screen.getByLabelText(/^Is foreign/));
    await user.click(screen.getByRole("button", { name: "Score transaction" }));

    const sent = { ...contract.example, distance_from_home_km: null, is_foreign: true };
    await waitFor(() => expect(onResult).toHaveBeenCalledWith(predictionResult, sent));
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect(url).toBe("/api/v1/predict?explain=true"); // "Explain the score" is on by default
    expect(jsonBody(init)).toEqual(sent);
  });
});

describe("PredictionResultView", () => {
  it("shows the probability, the decision and the latency", () => {
    render(
      <PredictionResultView
        result={{
          ...predictionResult,
          warnings: ["merchant_category 'pet_shop' was not seen in training"],
        }}
      />,
    );
    expect(screen.getByText("3.7%")).toBeInTheDocument();
    expect(screen.getByText("Legit: below the threshold")).toBeInTheDocument();
    expect(screen.getByText("threshold 33%")).toBeInTheDocument();
    expect(screen.getByText("262 µs")).toBeInTheDocument();
    expect(screen.getByRole("meter", { name: "Fraud probability" })).toHaveAttribute(
      "aria-valuenow",
      "0.03746",
    );
    expect(screen.getByText(/was not seen in training/)).toBeInTheDocument();
  });
});
