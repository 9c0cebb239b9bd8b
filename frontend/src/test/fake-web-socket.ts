// A WebSocket stand-in the tests drive by hand: open, deliver messages, drop the connection.
import type { WebSocketLike } from "../lib/live-connection";

export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closedByClient = false;

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  static reset(): void {
    FakeWebSocket.instances = [];
  }

  static latest(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1);
    if (!socket) throw new Error("no socket was opened");
    return socket;
  }

  close(): void {
    this.closedByClient = true;
  }

  /** The server accepts the connection. */
  open(): void {
    this.onopen?.(new Event("open"));
  }

  /** The server sends a message (objects are JSON-encoded, strings sent as they are). */
  send(message: unknown): void {
    const data = typeof message === "string" ? message : JSON.stringify(message);
    this.onmessage?.(new MessageEvent("message", { data }));
  }

  /** The connection is lost (or refused: a failed handshake closes too). */
  drop(): void {
    this.onerror?.(new Event("error"));
    this.onclose?.(new CloseEvent("close", { code: 1006 }));
  }
}

export const createFakeSocket = (url: string) => new FakeWebSocket(url);
