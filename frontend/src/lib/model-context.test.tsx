import { act, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithModels, twoModels } from "../test/many-models";
import { useModel, useModelPath, withModel } from "./model-context";
import { Link, navigate } from "./router";

afterEach(() => vi.unstubAllGlobals());

function Probe() {
  const model = useModel();
  const path = useModelPath("/api/v1/drift/latest");
  return (
    <div>
      <p>
        shown {model.name ?? "none"} · default {model.defaultModel ?? "unknown"} ·{" "}
        {model.isDefault ? "default" : "other"} · {path}
      </p>
      <button type="button" onClick={() => model.choose("flights")}>
        flights
      </button>
      <button type="button" onClick={() => model.choose("fraud")}>
        fraud
      </button>
      <Link to="/drift?feature=amount">drift</Link>
    </div>
  );
}

function renderAt(url: string) {
  renderWithModels(<Probe />, twoModels, url);
  return userEvent.setup();
}

describe("the chosen model in the URL", () => {
  it("defaults to the backend's default model, whose requests carry no ?model=", async () => {
    renderAt("/");
    expect(
      await screen.findByText("shown fraud · default fraud · default · /api/v1/drift/latest"),
    ).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "drift" })).toHaveAttribute(
      "href",
      "/drift?feature=amount",
    );
  });

  it("opens the model a link names, and links keep it", async () => {
    renderAt("/performance?model=flights");
    expect(
      await screen.findByText(
        "shown flights · default fraud · other · /api/v1/drift/latest?model=flights",
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "drift" })).toHaveAttribute(
      "href",
      "/drift?feature=amount&model=flights",
    );
  });

  it("round-trips: choosing a model writes the URL, going back restores the previous one", async () => {
    const user = renderAt("/drift?feature=amount");
    await screen.findByText(/default fraud/);
    await user.click(screen.getByRole("button", { name: "flights" }));
    expect(window.location.pathname + window.location.search).toBe(
      "/drift?feature=amount&model=flights",
    );
    expect(screen.getByText(/shown flights · default fraud · other/)).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "fraud" }));
    expect(window.location.search).toBe("?feature=amount"); // the default model needs no parameter
    expect(screen.getByText(/shown fraud · default fraud · default/)).toBeInTheDocument();

    act(() => window.history.back()); // each choice is a history entry: Back shows flights again
    expect(await screen.findByText(/shown flights · default fraud · other/)).toBeInTheDocument();
    expect(window.location.search).toBe("?feature=amount&model=flights");

    act(() => navigate("/alerts"));
    expect(screen.getByText(/shown fraud/)).toBeInTheDocument();
  });
});

describe("withModel", () => {
  it("adds ?model= (or &model=) for any model but the default, encoded", () => {
    const other = { name: "flights", isDefault: false };
    expect(withModel("/api/v1/alerts?status=open", other)).toBe(
      "/api/v1/alerts?status=open&model=flights",
    );
    expect(withModel("/api/v1/drift/latest", other)).toBe("/api/v1/drift/latest?model=flights");
    expect(withModel("/api/v1/drift/latest", { name: "fraud", isDefault: true })).toBe(
      "/api/v1/drift/latest",
    );
    expect(withModel("/x", { name: "a b", isDefault: false })).toBe("/x?model=a%20b");
  });
});
