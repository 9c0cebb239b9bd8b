import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeWebSocket, createFakeSocket } from "../test/fake-web-socket";
import { type ConnectionState, LiveConnection, backoffDelay, liveUrl } from "./live-connection";
import type { LiveMessage } from "./types";

const URL = "ws://dash.test/ws/live";

function connect(overrides: Partial<ConstructorParameters<typeof LiveConnection>[0]> = {}) {
  const messages: LiveMessage[] = [];
  const states: ConnectionState[] = [];
  const connection = new LiveConnection({
    url: URL,
    onMessage: (message) => messages.push(message),
    onStateChange: (state) => states.push(state),
    createSocket: createFakeSocket,
    random: () => 0,
    now: () => Date.now(),
    ...overrides,
  });
  connection.start();
  return { connection, messages, states };
}

const snapshot = (id: number) => ({
  type: "snapshot",
  ts: "2026-01-01T00:00:00Z",
  id,
  data: { stats_history: [], alerts: [] },
});
const stats = { type: "stats", ts: "2026-01-01T00:00:01Z", data: { rps: 20, total: 5 } };

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
  FakeWebSocket.reset();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("backoffDelay", () => {
  it("doubles from the base delay and stops at the maximum", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, 500, 10_000, 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });

  it("adds at most 25% jitter and never exceeds the maximum", () => {
    expect(backoffDelay(1, 500, 10_000, 1)).toBe(1250);
    expect(backoffDelay(10, 500, 10_000, 1)).toBe(10_000);
  });
});

describe("liveUrl", () => {
  it("uses wss behind https and ws otherwise", () => {
    expect(liveUrl({ protocol: "https:", host: "example.org" })).toBe("wss://example.org/ws/live");
    expect(liveUrl({ protocol: "http:", host: "127.0.0.1:8000" })).toBe(
      "ws://127.0.0.1:8000/ws/live",
    );
  });
});

describe("LiveConnection", () => {
  it("connects without last_id first, then resumes with the last event id", () => {
    const { connection } = connect();
    expect(FakeWebSocket.latest().url).toBe(URL);
    const first = FakeWebSocket.latest();
    first.open();
    first.send(snapshot(383));
    first.send({ ...stats });
    first.send({ type: "drift", ts: "t", id: 384, data: {} });
    first.drop();

    expect(connection.state).toBe("reconnecting");
    vi.advanceTimersByTime(499);
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(FakeWebSocket.latest().url).toBe(`${URL}?last_id=384`);
    connection.stop();
  });

  it("backs off exponentially while the server refuses, up to 10 s", () => {
    const { connection } = connect();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 7; attempt += 1) {
      const before = FakeWebSocket.instances.length;
      const started = Date.now();
      FakeWebSocket.latest().drop();
      while (FakeWebSocket.instances.length === before) vi.advanceTimersByTime(100);
      delays.push(Date.now() - started);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    connection.stop();
  });

  it("starts again from the base delay once a message got through", () => {
    const { connection } = connect();
    FakeWebSocket.latest().drop();
    vi.advanceTimersByTime(500);
    FakeWebSocket.latest().drop();
    vi.advanceTimersByTime(1000); // second failure waited 1 s
    const socket = FakeWebSocket.latest();
    socket.open();
    socket.send(snapshot(7));
    socket.drop();
    expect(connection.nextRetryAt! - Date.now()).toBe(500);
    connection.stop();
  });

  it("takes a snapshot's id as authoritative even when lower (server restarted)", () => {
    const { connection } = connect();
    const socket = FakeWebSocket.latest();
    socket.send({ type: "alert", ts: "t", id: 90, data: {} });
    socket.send(snapshot(12));
    expect(connection.lastId).toBe(12);
    socket.send({ type: "drift", ts: "t", id: 13, data: {} });
    expect(connection.lastId).toBe(13);
    connection.stop();
  });

  it("dispatches each parsed message and ignores frames that are not JSON messages", () => {
    const { connection, messages } = connect();
    const socket = FakeWebSocket.latest();
    socket.send(snapshot(1));
    socket.send("not json");
    socket.send({ no: "type" });
    socket.send(stats);
    expect(messages.map((message) => message.type)).toEqual(["snapshot", "stats"]);
    expect(messages[1]).toEqual(stats);
    connection.stop();
  });

  it("goes connecting → live → stale → reconnecting → live", () => {
    const { connection, states } = connect();
    expect(connection.state).toBe("connecting");
    const socket = FakeWebSocket.latest();
    socket.open();
    socket.send(snapshot(1));
    expect(connection.state).toBe("live");

    vi.advanceTimersByTime(5_000);
    expect(connection.state).toBe("live"); // exactly 5 s of silence is still live
    vi.advanceTimersByTime(1_000);
    expect(connection.state).toBe("stale");

    socket.send(stats);
    expect(connection.state).toBe("live");

    socket.drop();
    expect(connection.state).toBe("reconnecting");
    vi.advanceTimersByTime(500);
    FakeWebSocket.latest().open();
    FakeWebSocket.latest().send(snapshot(2));
    expect(states).toEqual(["live", "stale", "live", "reconnecting", "live"]);
    connection.stop();
  });

  it("reopens a socket that stays silent past the dead limit", () => {
    const { connection } = connect({ deadAfterMs: 20_000 });
    const socket = FakeWebSocket.latest();
    socket.open();
    socket.send(snapshot(5));
    vi.advanceTimersByTime(21_000);
    expect(socket.closedByClient).toBe(true);
    expect(connection.state).toBe("reconnecting");
    vi.advanceTimersByTime(500);
    expect(FakeWebSocket.latest()).not.toBe(socket);
    expect(FakeWebSocket.latest().url).toBe(`${URL}?last_id=5`);
    connection.stop();
  });

  it("does not reconnect after stop()", () => {
    const { connection } = connect();
    const socket = FakeWebSocket.latest();
    connection.stop();
    expect(socket.closedByClient).toBe(true);
    socket.drop();
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});
