import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ModelProvider } from "../../lib/model-context";
import { resetOpenApiCache } from "../../lib/openapi";
import type { ModelPrediction } from "../../lib/types";
import { jsonBody, jsonResponse, predictionResult, requestUrl } from "../../test/fixtures";
import { flightsSchema, twoModels } from "../../test/many-models";
import { PredictPage } from "./predict-page";

afterEach(() => {
  vi.unstubAllGlobals();
  resetOpenApiCache();
});

const delayed: ModelPrediction = {
  ...predictionResult,
  fraud_probability: undefined,
  probability: 0.71,
  decision: "delayed",
  threshold: 0.4,
  model_name: "flights",
  model_version: 2,
};

const BATCH = "/api/v1/models/{name}/predict/batch";

/** The backend of two models, with flights' per-model routes; `predict` answers its POSTs. */
function backend(predict: (body: unknown) => Promise<Response>) {
  return vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const path = requestUrl(input).pathname;
    if (path === "/api/v1/overview") return jsonResponse(twoModels);
    if (path === "/api/v1/models/flights/schema") return jsonResponse(flightsSchema);
    if (path === "/api/v1/models/flights/predict") return predict(jsonBody(init));
    if (path === "/openapi.json") return jsonResponse({ paths: { [BATCH]: { post: {} } } });
    return jsonResponse({ error: { code: "not_found", message: path, details: null } }, 404);
  });
}

function renderFlights(predict: (body: unknown) => Promise<Response>) {
  window.history.replaceState(null, "", "/predict?model=flights");
  const fetch = backend(predict);
  vi.stubGlobal("fetch", fetch);
  render(
    <ModelProvider>
      <PredictPage />
    </ModelProvider>,
  );
  return { fetch, user: userEvent.setup() };
}

describe("Predict for a model other than the default", () => {
  it("builds the form from the model's schema: numeric, integer, boolean and categorical inputs", async () => {
    renderFlights(() => jsonResponse(delayed));
    expect(await screen.findByLabelText("Distance km (km)")).toHaveValue(800.5);
    expect(screen.getByLabelText("Distance km (km)")).toHaveAttribute("step", "any");
    expect(screen.getByLabelText(/^Stops/)).toHaveAttribute("step", "1");
    expect(screen.getByLabelText(/^Weekend/)).toBeChecked();
    expect(screen.getByLabelText(/^Carrier/)).toHaveValue("B");
    expect(screen.getAllByRole("option").map((option) => option.textContent)).toEqual([
      "A",
      "B",
      "C",
    ]);
    expect(screen.getByLabelText("Distance km missing")).not.toBeChecked();
    expect(screen.queryByText("Explain the score")).not.toBeInTheDocument(); // default model only
  });

  it("uploads a CSV to the model's batch route once the server offers it", async () => {
    const { fetch, user } = renderFlights(() => jsonResponse(delayed));
    const upload = await screen.findByRole("button", { name: "Upload and score" });
    const csv = new File(["distance_km,stops,weekend,carrier\n800,1,true,A\n"], "rows.csv");
    await user.upload(screen.getByLabelText("CSV file"), csv);
    await user.click(upload);
    await vi.waitFor(() =>
      expect(fetch).toHaveBeenCalledWith(
        "/api/v1/models/flights/predict/batch",
        expect.objectContaining({ method: "POST" }),
      ),
    );
  });

  it("posts the row to the model's route and shows the probability of its positive class", async () => {
    const bodies: unknown[] = [];
    const { user } = renderFlights((body) => {
      bodies.push(body);
      return jsonResponse(delayed);
    });
    await user.click(await screen.findByLabelText("Distance km missing"));
    await user.selectOptions(screen.getByLabelText(/^Carrier/), "C");
    await user.click(screen.getByRole("button", { name: "Score row" }));
    expect(await screen.findByText("Probability of delayed")).toBeInTheDocument();
    expect(bodies).toEqual([{ distance_km: null, stops: 1, weekend: true, carrier: "C" }]);
    expect(screen.getByText("71.0%")).toBeInTheDocument();
    expect(screen.getByText("Flagged as delayed")).toBeInTheDocument();
    expect(screen.getByText("flights v2")).toBeInTheDocument();
  });

  it("checks the schema's ranges before sending, and shows a 422 next to the field it names", async () => {
    const refusal = {
      error: {
        code: "invalid_input",
        message: "invalid features",
        details: [{ field: "features.carrier", reason: "unknown category 'Z'" }],
      },
    };
    const predict = vi.fn(() => jsonResponse(refusal, 422));
    const { user } = renderFlights(predict);
    await user.clear(await screen.findByLabelText(/^Stops/));
    await user.type(screen.getByLabelText(/^Stops/), "1.5");
    await user.click(screen.getByRole("button", { name: "Score row" }));
    expect(screen.getByLabelText(/^Stops/)).toHaveAccessibleDescription("Enter a whole number");
    expect(predict).not.toHaveBeenCalled();

    await user.clear(screen.getByLabelText(/^Stops/));
    await user.type(screen.getByLabelText(/^Stops/), "2");
    await user.click(screen.getByRole("button", { name: "Score row" }));
    expect(await screen.findByText("unknown category 'Z'")).toBeInTheDocument();
    expect(screen.getByLabelText(/^Carrier/)).toHaveAccessibleDescription("unknown category 'Z'");
    expect(predict).toHaveBeenCalledTimes(1);
  });
});
