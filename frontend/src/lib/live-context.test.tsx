import { act, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeWebSocket } from "../test/fake-web-socket";
import { routeFetch } from "../test/fixtures";
import { twoModels } from "../test/many-models";
import { isShownModel, LiveProvider, ownerOf, useLive, useLiveEvent } from "./live-context";
import { ModelProvider, useModel } from "./model-context";
import { navigate } from "./router";
import type { LiveMessage } from "./types";

const URL = "ws://dash.test/ws/live";
const stats = (total: number, model?: string) => ({
  type: "stats",
  ts: "t",
  ...(model && { model }),
  data: { rps: 10, p50_ms: 1, p99_ms: 2, fraud_rate: 0, total, rules_ratio: 0 },
});
const drift = (id: number, model?: string) => ({
  type: "drift",
  ts: "t",
  id,
  ...(model && { model }),
  data: { window_end: "w" },
});

const original = window.WebSocket;
beforeEach(() => {
  FakeWebSocket.reset();
  window.WebSocket = FakeWebSocket as unknown as typeof WebSocket;
});
afterEach(() => {
  window.WebSocket = original;
  vi.unstubAllGlobals();
});

function Probe({ onDrift }: { onDrift: (message: LiveMessage) => void }) {
  const live = useLive();
  const { defaultModel } = useModel();
  useLiveEvent(["drift"], onDrift);
  return (
    <p>
      default {defaultModel ?? "?"} · {live.stats.length} points · total{" "}
      {live.stats.at(-1)?.total ?? "none"}
    </p>
  );
}

describe("LiveProvider with several models", () => {
  it("shows only the chosen model's stats and events; a message without model is the default's", async () => {
    window.history.replaceState(null, "", "/?model=flights");
    vi.stubGlobal("fetch", routeFetch({ "/api/v1/overview": { body: twoModels } }));
    const onDrift = vi.fn();
    render(
      <ModelProvider>
        <LiveProvider url={URL}>
          <Probe onDrift={onDrift} />
        </LiveProvider>
      </ModelProvider>,
    );
    expect(await screen.findByText(/default fraud/)).toBeInTheDocument();
    act(() => {
      const socket = FakeWebSocket.latest();
      socket.open();
      socket.send(stats(100)); // the default model's (no model)
      socket.send(stats(101, "fraud"));
      socket.send(stats(7, "flights"));
      socket.send(drift(1));
      socket.send(drift(2, "flights"));
      socket.send(drift(3, "fraud"));
    });
    expect(screen.getByText("default fraud · 1 points · total 7")).toBeInTheDocument();
    expect(onDrift.mock.calls.map(([message]) => (message as LiveMessage).id)).toEqual([2]);

    act(() => navigate("/")); // back to the default model: its stats were kept
    expect(screen.getByText("default fraud · 1 points · total 101")).toBeInTheDocument();
    act(() => FakeWebSocket.latest().send(drift(4)));
    expect(onDrift.mock.calls.map(([message]) => (message as LiveMessage).id)).toEqual([2, 4]);
  });
});

describe("ownerOf", () => {
  it("reads the message's model, else its payload's model_name, else none (the default)", () => {
    const alert = (data: object, model?: string) =>
      ({ type: "alert", ts: "t", ...(model && { model }), data }) as unknown as LiveMessage;
    expect(ownerOf(alert({ model_name: "fraud" }, "flights"))).toBe("flights");
    expect(ownerOf(alert({ model_name: "flights" }))).toBe("flights");
    expect(ownerOf(alert({ id: 3 }))).toBe("");
  });
});

describe("isShownModel", () => {
  it("reads a missing model as the default model, known by name or not", () => {
    expect(isShownModel("", null, null)).toBe(true);
    expect(isShownModel("", "fraud", "fraud")).toBe(true);
    expect(isShownModel("fraud", null, "fraud")).toBe(true);
    expect(isShownModel("flights", null, "fraud")).toBe(false);
    expect(isShownModel("", "flights", "fraud")).toBe(false);
    expect(isShownModel("flights", "flights", "fraud")).toBe(true);
  });
});
