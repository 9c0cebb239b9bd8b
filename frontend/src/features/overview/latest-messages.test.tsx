import { screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { contentSchema, recentMessages, withContent } from "../../test/content-model";
import { contract } from "../../test/fixtures";
import { flightsSchema, renderWithModels } from "../../test/many-models";
import { LatestMessages } from "./latest-messages";

afterEach(() => vi.unstubAllGlobals());

const CONTENT_ROUTES = {
  "/api/v1/models/content/schema": { body: contentSchema },
  "/api/v1/predictions/recent": { body: recentMessages },
};

describe("LatestMessages", () => {
  it("lists a text model's newest messages with decision, probability, path and label", async () => {
    const requests = renderWithModels(<LatestMessages />, withContent, "/?model=content", {
      ...CONTENT_ROUTES,
    });
    const list = await screen.findByRole("list", { name: "Latest messages" });
    const items = await within(list).findAllByRole("listitem");
    expect(items.map((item) => item.querySelector("p")?.textContent)).toEqual([
      "Our newsletter: 20% off this week",
      "Lunch on Friday?",
    ]);
    expect(items[0]).toHaveTextContent("spam");
    expect(items[0]).toHaveTextContent("91.0%");
    expect(within(items[0]!).getByTitle("The true label disagrees")).toHaveTextContent(
      "✗ label ham",
    );
    expect(items[1]).toHaveTextContent("ham");
    expect(within(items[1]!).getByText("rule")).toBeInTheDocument();
    expect(items[1]).toHaveTextContent("no label yet");
    expect(requests()).toContain("/api/v1/predictions/recent?limit=8&model=content");
  });

  it("says so when the model has scored nothing yet", async () => {
    renderWithModels(<LatestMessages />, withContent, "/?model=content", {
      ...CONTENT_ROUTES,
      "/api/v1/predictions/recent": { body: { ...recentMessages, predictions: [] } },
    });
    expect(await screen.findByText("No messages scored yet")).toBeInTheDocument();
  });

  it.each([
    ["fraud", "/", { ...flightsSchema, name: "fraud", features: contract.features }],
    ["flights", "/?model=flights", flightsSchema],
  ])(
    "is not shown for %s (no text feature) and asks for no messages",
    async (name, url, schema) => {
      const requests = renderWithModels(<LatestMessages />, withContent, url, {
        [`/api/v1/models/${name}/schema`]: { body: schema },
        "/api/v1/predictions/recent": { body: recentMessages },
      });
      await vi.waitFor(() => expect(requests()).toContain(`/api/v1/models/${name}/schema`));
      expect(screen.queryByText("Latest messages")).not.toBeInTheDocument();
      expect(requests().some((path) => path.startsWith("/api/v1/predictions/recent"))).toBe(false);
    },
  );
});
