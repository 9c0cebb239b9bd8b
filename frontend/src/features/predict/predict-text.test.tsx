import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resetOpenApiCache } from "../../lib/openapi";
import { contentSchema, explainedSpam, SPAM_TEXT, withContent } from "../../test/content-model";
import { jsonBody } from "../../test/fixtures";
import { renderWithModels } from "../../test/many-models";
import { PredictPage } from "./predict-page";

afterEach(() => {
  vi.unstubAllGlobals();
  resetOpenApiCache();
});

function renderContent() {
  const requests = renderWithModels(<PredictPage />, withContent, "/predict?model=content", {
    "/api/v1/models/content/schema": { body: contentSchema },
    "/api/v1/models/content/predict": { body: explainedSpam },
  });
  return { requests, user: userEvent.setup() };
}

describe("Predict for a text model", () => {
  it("is a textarea prefilled with the example message, explained by default", async () => {
    renderContent();
    const message = await screen.findByRole("textbox", { name: /^Text/ });
    expect(message.tagName).toBe("TEXTAREA");
    expect(message).toHaveValue("Re: build failure on ARM");
    expect(screen.getByLabelText("Explain the score")).toBeChecked();
    expect(screen.getByRole("button", { name: "Score message" })).toBeInTheDocument();
  });

  it("sends the text as typed and highlights the words that pushed the score", async () => {
    const { requests, user } = renderContent();
    const message = await screen.findByRole("textbox", { name: /^Text/ });
    await user.clear(message);
    await user.type(message, `${SPAM_TEXT}  `); // sent untrimmed: the spans index the text as sent
    await user.click(screen.getByRole("button", { name: "Score message" }));

    expect(await screen.findByText("Flagged as spam")).toBeInTheDocument();
    expect(requests()).toContain("/api/v1/models/content/predict?explain=true");
    const post = vi.mocked(globalThis.fetch).mock.calls.find(([, init]) => init?.method === "POST");
    expect(jsonBody(post?.[1])).toEqual({ text: `${SPAM_TEXT}  ` });
    const text = screen.getByTestId("highlighted-text");
    expect(text).toHaveTextContent(SPAM_TEXT);
    expect(within(text).getAllByRole("mark").length).toBe(5);
    expect(screen.getByRole("list", { name: "Toward spam" })).toHaveTextContent("free ×2");
  });

  it("refuses a blank message before sending", async () => {
    const { requests, user } = renderContent();
    const message = await screen.findByRole("textbox", { name: /^Text/ });
    await user.clear(message);
    await user.type(message, "   ");
    await user.click(screen.getByRole("button", { name: "Score message" }));
    expect(message).toHaveAccessibleDescription("Required");
    expect(requests().some((path) => path.includes("/predict"))).toBe(false);
  });
});
