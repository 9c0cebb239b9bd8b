// WS /ws/live client: reconnects with exponential backoff, resumes with ?last_id=, tracks liveness.
import type { LiveMessage } from "./types";

/**
 * connecting   first connection attempt, nothing received yet
 * live         a message arrived within `staleAfterMs`
 * stale        the socket is open but silent for longer than `staleAfterMs`
 * reconnecting the socket is closed (or never opened); another attempt is scheduled
 */
export type ConnectionState = "connecting" | "live" | "stale" | "reconnecting";

/** The part of the browser WebSocket that the connection uses (a fake one in tests). */
export interface WebSocketLike {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  close(code?: number, reason?: string): void;
}

export interface LiveConnectionOptions {
  /** ws(s)://host/ws/live without a query. */
  url: string;
  onMessage: (message: LiveMessage) => void;
  onStateChange?: (state: ConnectionState) => void;
  createSocket?: (url: string) => WebSocketLike;
  staleAfterMs?: number;
  /** An open socket silent this long is presumed dead (sleeping laptop, proxy) and reopened. */
  deadAfterMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** 0..1; spreads reconnects of many tabs. Tests pass () => 0. */
  random?: () => number;
  now?: () => number;
}

const JITTER = 0.25;

export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: number,
): number {
  const exponential = baseMs * 2 ** Math.min(attempt, 16);
  return Math.round(Math.min(maxMs, exponential * (1 + JITTER * random)));
}

export function liveUrl(location: Pick<Location, "protocol" | "host">, path = "/ws/live"): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

export class LiveConnection {
  state: ConnectionState = "connecting";
  lastId: number | null = null;
  lastMessageAt: number | null = null;
  nextRetryAt: number | null = null;
  private attempt = 0;
  /** Last open or message on the current socket: what the watchdog measures silence from. */
  private activityAt = 0;
  private socket: WebSocketLike | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private watchTimer: ReturnType<typeof setInterval> | null = null;
  private stopped = true;
  private readonly options: Required<Omit<LiveConnectionOptions, "onStateChange">> &
    Pick<LiveConnectionOptions, "onStateChange">;

  constructor(options: LiveConnectionOptions) {
    this.options = {
      createSocket: (url) => new WebSocket(url),
      staleAfterMs: 5_000,
      deadAfterMs: 20_000,
      baseDelayMs: 500,
      maxDelayMs: 10_000,
      random: Math.random,
      now: Date.now,
      ...options,
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
    this.watchTimer = setInterval(() => this.watch(), 1_000);
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.retryTimer = this.watchTimer = null;
    this.detach()?.close(1000, "client stopped");
  }

  /** The URL of the next attempt: resumes after the last event id seen. */
  currentUrl(): string {
    return this.lastId === null ? this.options.url : `${this.options.url}?last_id=${this.lastId}`;
  }

  private open(): void {
    this.nextRetryAt = null;
    let socket: WebSocketLike;
    try {
      socket = this.options.createSocket(this.currentUrl());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.activityAt = this.options.now();
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => {
      if (this.socket === socket) {
        this.detach();
        this.scheduleReconnect();
      }
    };
    socket.onerror = () => undefined; // a close event always follows
  }

  private receive(raw: unknown): void {
    let message: LiveMessage;
    try {
      message = JSON.parse(String(raw)) as LiveMessage;
    } catch {
      return; // not ours; ignore rather than drop the connection
    }
    if (!message || typeof message.type !== "string") return;
    this.lastMessageAt = this.activityAt = this.options.now();
    this.attempt = 0; // the server really talks to us: the next outage starts from a short delay
    if (typeof message.id === "number") {
      // a snapshot's id is authoritative (the server may have restarted with fewer events)
      this.lastId =
        message.type === "snapshot" ? message.id : Math.max(this.lastId ?? 0, message.id);
    }
    this.setState("live");
    this.options.onMessage(message);
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = backoffDelay(
      this.attempt,
      this.options.baseDelayMs,
      this.options.maxDelayMs,
      this.options.random(),
    );
    this.attempt += 1;
    this.nextRetryAt = this.options.now() + delay;
    this.setState("reconnecting");
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
  }

  private watch(): void {
    if (!this.socket || this.activityAt === 0) return; // not open yet
    const silentFor = this.options.now() - this.activityAt;
    if (silentFor > this.options.deadAfterMs) {
      this.detach()?.close(4000, "no message");
      this.scheduleReconnect();
    } else if (silentFor > this.options.staleAfterMs) {
      this.setState("stale");
    }
  }

  private detach(): WebSocketLike | null {
    const socket = this.socket;
    this.socket = null;
    this.activityAt = 0;
    if (socket) socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    return socket;
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onStateChange?.(state);
  }
}
