import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setAdminKey } from "../../lib/admin-key";
import { LiveContext, type LiveContextValue, OFFLINE_LIVE } from "../../lib/live-context";
import type { Alert, LiveMessage, LiveMessageType } from "../../lib/types";
import { jsonResponse, requestUrl } from "../../test/fixtures";
import { AlertsPage } from "./alerts-page";

afterEach(() => vi.unstubAllGlobals());

const alert: Alert = {
  id: 7,
  model_name: "fraud",
  kind: "feature_drift",
  feature: "card_age_days",
  severity: "critical",
  status: "open",
  first_seen: "2026-11-23T13:43:48Z",
  last_seen: "2026-11-23T13:43:58Z",
  message: "card_age_days drifted: PSI 0.496 (threshold 0.108), q=2.6e-45",
  details: { psi: 0.4957, q_value: 2.6e-45, test: "ks" },
  acknowledged_at: null,
  resolved_at: null,
};

/** Answers GET /alerts?status=… from `byStatus`; records POSTs. */
function alertsBackend(byStatus: Record<string, Alert[]>, ack?: { status: number; body: unknown }) {
  return vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    if (init?.method === "POST") return jsonResponse(ack?.body ?? {}, ack?.status);
    const status = requestUrl(input).searchParams.get("status") ?? "open";
    return jsonResponse({ model_name: "fraud", alerts: byStatus[status] ?? [] });
  });
}

describe("AlertsPage", () => {
  it("says so when there are no open alerts", async () => {
    vi.stubGlobal("fetch", alertsBackend({}));
    render(<AlertsPage />);
    expect(
      await screen.findByText("No open alerts: nothing is drifting or degrading right now."),
    ).toBeInTheDocument();
  });

  it("lists an open alert with severity, kind, feature link and message", async () => {
    vi.stubGlobal("fetch", alertsBackend({ open: [alert] }));
    render(<AlertsPage />);
    expect(await screen.findByText(alert.message)).toBeInTheDocument();
    expect(screen.getByText("critical")).toBeInTheDocument();
    expect(screen.getByText("Feature drift")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Card age days" })).toHaveAttribute(
      "href",
      "/drift?feature=card_age_days",
    );
    expect(screen.getByRole("tab", { name: /Open/ })).toHaveTextContent("1");
  });

  it("explains that the admin key is missing instead of sending the acknowledgement", async () => {
    const fetch = alertsBackend({ open: [alert] });
    vi.stubGlobal("fetch", fetch);
    const user = userEvent.setup();
    render(<AlertsPage />);
    await user.click(await screen.findByRole("button", { name: "Acknowledge" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/Admin key missing/);
    expect(fetch.mock.calls.some(([, init]) => init?.method === "POST")).toBe(false);
  });

  it("says when the key is rejected (401)", async () => {
    setAdminKey("wrong");
    vi.stubGlobal(
      "fetch",
      alertsBackend(
        { open: [alert] },
        {
          status: 401,
          body: {
            error: { code: "unauthorized", message: "X-API-Key is not valid", details: null },
          },
        },
      ),
    );
    const user = userEvent.setup();
    render(<AlertsPage />);
    await user.click(await screen.findByRole("button", { name: "Acknowledge" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Admin key rejected (401)");
  });

  it("acknowledges with the key and refetches the lists", async () => {
    setAdminKey("devkey");
    const fetch = alertsBackend(
      { open: [alert] },
      { status: 200, body: { ...alert, status: "acknowledged" } },
    );
    vi.stubGlobal("fetch", fetch);
    const user = userEvent.setup();
    render(<AlertsPage />);
    await user.click(await screen.findByRole("button", { name: "Acknowledge" }));
    const post = fetch.mock.calls.find(([, init]) => init?.method === "POST");
    expect(post?.[0]).toBe("/api/v1/alerts/7/ack");
    expect((post?.[1]?.headers as Record<string, string>)["X-API-Key"]).toBe("devkey");
    await waitFor(() =>
      expect(
        fetch.mock.calls.filter(([, init]) => !init?.method || init.method === "GET").length,
      ).toBeGreaterThan(3),
    );
  });

  it("refetches when an alert event arrives on the live stream", async () => {
    const byStatus: Record<string, Alert[]> = {};
    vi.stubGlobal("fetch", alertsBackend(byStatus));
    const listeners: Array<{
      types: readonly LiveMessageType[];
      listener: (message: LiveMessage) => void;
    }> = [];
    const live: LiveContextValue = {
      ...OFFLINE_LIVE,
      state: "live",
      subscribe: (types, listener) => {
        listeners.push({ types, listener });
        return () => undefined;
      },
    };
    render(
      <LiveContext.Provider value={live}>
        <AlertsPage />
      </LiveContext.Provider>,
    );
    expect(await screen.findByText(/No open alerts/)).toBeInTheDocument();
    byStatus.open = [alert];
    const event = {
      type: "alert",
      ts: "t",
      id: 12,
      data: {
        change: "opened",
        id: 7,
        kind: "feature_drift",
        feature: "card_age_days",
        severity: "critical",
        status: "open",
        message: alert.message,
        first_seen: alert.first_seen,
        last_seen: alert.last_seen,
      },
    } as LiveMessage;
    act(() =>
      listeners
        .filter((item) => item.types.includes("alert"))
        .forEach((item) => item.listener(event)),
    );
    expect(await screen.findByText(alert.message)).toBeInTheDocument();
  });
});
