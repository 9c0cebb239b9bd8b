import { act, render, renderHook, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeWebSocket, createFakeSocket } from "../test/fake-web-socket";
import { LiveProvider, useLive, useLiveEvent } from "./live-context";
import type { LiveMessage } from "./types";
import { useLiveConnection } from "./use-live-connection";

const URL = "ws://dash.test/ws/live";
const stats = (total: number) => ({
  type: "stats",
  ts: "t",
  data: { rps: 10, p50_ms: 1, p99_ms: 2, fraud_rate: 0, total, rules_ratio: 0 },
});

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.reset();
});
afterEach(() => vi.useRealTimers());

describe("useLiveConnection", () => {
  it("exposes live / stale / reconnecting as React state", () => {
    const onMessage = vi.fn();
    const { result, unmount } = renderHook(() =>
      useLiveConnection({ url: URL, createSocket: createFakeSocket, random: () => 0 }, onMessage),
    );
    expect(result.current.state).toBe("connecting");

    act(() => {
      FakeWebSocket.latest().open();
      FakeWebSocket.latest().send({
        type: "snapshot",
        ts: "t",
        id: 3,
        data: { stats_history: [] },
      });
    });
    expect(result.current.state).toBe("live");
    expect(onMessage).toHaveBeenCalledWith(expect.objectContaining({ type: "snapshot", id: 3 }));

    act(() => void vi.advanceTimersByTime(6_000));
    expect(result.current.state).toBe("stale");

    act(() => FakeWebSocket.latest().drop());
    expect(result.current.state).toBe("reconnecting");
    expect(result.current.nextRetryAt).not.toBeNull();

    act(() => void vi.advanceTimersByTime(500));
    expect(FakeWebSocket.latest().url).toBe(`${URL}?last_id=3`);
    unmount();
  });

  it("closes the socket on unmount and does not reconnect", () => {
    const { unmount } = renderHook(() =>
      useLiveConnection({ url: URL, createSocket: createFakeSocket }, () => undefined),
    );
    const socket = FakeWebSocket.latest();
    unmount();
    expect(socket.closedByClient).toBe(true);
    act(() => void vi.advanceTimersByTime(30_000));
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});

describe("LiveProvider", () => {
  function Probe({ onDrift }: { onDrift: (message: LiveMessage) => void }) {
    const live = useLive();
    useLiveEvent(["drift"], onDrift);
    return (
      <p>
        {live.state} · {live.stats.length} points · total {live.stats.at(-1)?.total ?? "none"}
      </p>
    );
  }

  it("keeps the stats history from the snapshot plus each stats message, and dispatches events by type", () => {
    const original = window.WebSocket;
    window.WebSocket = FakeWebSocket as unknown as typeof WebSocket;
    const onDrift = vi.fn();
    try {
      render(
        <LiveProvider url={URL}>
          <Probe onDrift={onDrift} />
        </LiveProvider>,
      );
      expect(screen.getByText(/connecting · 0 points/)).toBeInTheDocument();
      act(() => {
        const socket = FakeWebSocket.latest();
        socket.open();
        socket.send({
          type: "snapshot",
          ts: "t",
          id: 9,
          data: { stats_history: [stats(1).data, stats(2).data], alerts: [] },
        });
        socket.send(stats(3));
        socket.send({ type: "drift", ts: "t", id: 10, data: { window_end: "w" } });
      });
      expect(screen.getByText("live · 3 points · total 3")).toBeInTheDocument();
      expect(onDrift).toHaveBeenCalledTimes(1);
      expect(onDrift.mock.calls[0]![0]).toMatchObject({ type: "drift", id: 10 });
    } finally {
      window.WebSocket = original;
    }
  });

  it("caps the stats history at 120 seconds", () => {
    const original = window.WebSocket;
    window.WebSocket = FakeWebSocket as unknown as typeof WebSocket;
    try {
      render(
        <LiveProvider url={URL}>
          <Probe onDrift={() => undefined} />
        </LiveProvider>,
      );
      act(() => {
        const socket = FakeWebSocket.latest();
        for (let total = 1; total <= 130; total += 1) socket.send(stats(total));
      });
      expect(screen.getByText("live · 120 points · total 130")).toBeInTheDocument();
    } finally {
      window.WebSocket = original;
    }
  });
});
