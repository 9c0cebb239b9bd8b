import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setAdminKey } from "../../lib/admin-key";
import type { SimulatorState } from "../../lib/types";
import { jsonBody } from "../../test/fixtures";
import { SimulatorControls } from "./simulator-controls";

afterEach(() => vi.unstubAllGlobals());

const state: SimulatorState = {
  desired: {
    running: true,
    rate: 20,
    scenario: "auto",
    intensity: 1,
    fraud_rate: 0.04,
    features: null,
    content: { running: true, rate: 5, scenario: "none", intensity: 1 },
  },
  status: null,
  online: true,
  heartbeat_at: null,
  desired_updated_at: "2026-11-23T13:34:52Z",
};

describe("SimulatorControls", () => {
  it("tells the user the admin key is needed, and does not call the API without it", async () => {
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    const user = userEvent.setup();
    render(<SimulatorControls state={state} onUpdated={() => undefined} />);
    expect(screen.getByText(/These controls need the admin key/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Inject drift" }));
    expect(screen.getByRole("alert")).toHaveTextContent(/Admin key missing/);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("injects the chosen scenario with its intensity via PUT /api/v1/simulator", async () => {
    setAdminKey("devkey");
    const fetch = vi
      .fn()
      .mockResolvedValue(
        new Response(
          JSON.stringify({ ...state, desired: { ...state.desired, scenario: "categorical" } }),
          { status: 200 },
        ),
      );
    vi.stubGlobal("fetch", fetch);
    const onUpdated = vi.fn();
    const user = userEvent.setup();
    render(<SimulatorControls state={state} onUpdated={onUpdated} />);
    await user.selectOptions(screen.getByLabelText("Drift scenario"), "categorical");
    await user.click(screen.getByRole("button", { name: "Inject drift" }));
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect(url).toBe("/api/v1/simulator");
    expect(init.method).toBe("PUT");
    expect(jsonBody(init)).toEqual({
      scenario: "categorical",
      intensity: 1,
      running: true,
    });
    expect(await screen.findByRole("status")).toHaveTextContent(/Injected “Category mix”/);
    expect(onUpdated).toHaveBeenCalled();
  });

  it("offers the content model's scenarios and injects them into its stream", async () => {
    setAdminKey("devkey");
    const fetch = vi.fn().mockResolvedValue(new Response(JSON.stringify(state), { status: 200 }));
    vi.stubGlobal("fetch", fetch);
    const user = userEvent.setup();
    render(<SimulatorControls state={state} onUpdated={() => undefined} />);
    const content = screen.getByRole("group", { name: "content model (mail)" });
    expect(Array.from(content.querySelectorAll("option")).map((option) => option.value)).toEqual([
      "campaign",
      "hard_ham",
      "sms",
    ]);
    await user.selectOptions(screen.getByLabelText("Drift scenario"), "campaign");
    await user.click(screen.getByRole("button", { name: "Inject drift" }));
    expect(jsonBody(fetch.mock.calls[0]![1] as RequestInit)).toEqual({
      content: { scenario: "campaign", intensity: 1, running: true },
    });
    expect(await screen.findByRole("status")).toHaveTextContent(
      /Injected “Spam campaign” into the content model's traffic/,
    );
  });

  it("goes back to normal with scenario none, and reports a rejected key", async () => {
    setAdminKey("wrong");
    const fetch = vi.fn().mockResolvedValue(
      new Response(
        JSON.stringify({
          error: { code: "unauthorized", message: "X-API-Key is not valid", details: null },
        }),
        { status: 401 },
      ),
    );
    vi.stubGlobal("fetch", fetch);
    const user = userEvent.setup();
    render(<SimulatorControls state={state} onUpdated={() => undefined} />);
    await user.click(screen.getByRole("button", { name: "Back to normal" }));
    expect(jsonBody(fetch.mock.calls[0]![1] as RequestInit)).toEqual({
      scenario: "none",
      content: { scenario: "none" },
    });
    expect(await screen.findByRole("alert")).toHaveTextContent("Admin key rejected (401)");
  });
});
