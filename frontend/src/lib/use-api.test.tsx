import { act, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { jsonResponse, notFound } from "../test/fixtures";
import { LiveContext, type LiveContextValue, OFFLINE_LIVE } from "./live-context";
import type { LiveMessage, LiveMessageType } from "./types";
import { useApi } from "./use-api";

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

function liveWith(state: LiveContextValue["state"]) {
  const listeners: Array<{
    types: readonly LiveMessageType[];
    listener: (message: LiveMessage) => void;
  }> = [];
  const value: LiveContextValue = {
    ...OFFLINE_LIVE,
    state,
    subscribe: (types, listener) => {
      const entry = { types, listener };
      listeners.push(entry);
      return () => listeners.splice(listeners.indexOf(entry), 1);
    },
  };
  const emit = (type: LiveMessageType) =>
    act(() =>
      listeners
        .filter((item) => item.types.includes(type))
        .forEach((item) => item.listener({ type, ts: "t", data: {} } as LiveMessage)),
    );
  const wrapper = ({ children }: { children: ReactNode }) => (
    <LiveContext.Provider value={value}>{children}</LiveContext.Provider>
  );
  return { wrapper, emit };
}

const counter = () => {
  let calls = 0;
  return vi.fn(() => jsonResponse({ calls: ++calls }));
};

describe("useApi", () => {
  it("refetches on the live events it names and on a snapshot, not on others", async () => {
    const fetch = counter();
    vi.stubGlobal("fetch", fetch);
    const { wrapper, emit } = liveWith("live");
    const { result } = renderHook(
      () => useApi<{ calls: number }>("/api/v1/drift/latest", { refreshOn: ["drift"] }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.data).toEqual({ calls: 1 }));
    emit("stats");
    emit("drift");
    await waitFor(() => expect(result.current.data).toEqual({ calls: 2 }));
    emit("snapshot");
    await waitFor(() => expect(result.current.data).toEqual({ calls: 3 }));
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it("polls while the live stream is down", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const fetch = counter();
    vi.stubGlobal("fetch", fetch);
    const { wrapper } = liveWith("reconnecting");
    const { result } = renderHook(
      () => useApi<{ calls: number }>("/api/v1/alerts", { pollMs: 5_000 }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.data).toEqual({ calls: 1 }));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(5_000);
    });
    await waitFor(() => expect(result.current.data).toEqual({ calls: 2 }));
  });

  it("keeps a 404 as an error with its status, for 'no data yet' states", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() => notFound("no drift report yet")),
    );
    const { result } = renderHook(() => useApi("/api/v1/drift/latest"));
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.error?.status).toBe(404);
    expect(result.current.data).toBeUndefined();
  });
});
