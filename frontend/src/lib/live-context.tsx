// The live stream shared by every page: connection state, last 120 s of stats, event subscriptions.
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useEffectEvent,
  useMemo,
  useRef,
  useState,
} from "react";
import type { ConnectionState } from "./live-connection";
import { liveUrl } from "./live-connection";
import type { LiveMessage, LiveMessageType, LiveSnapshot, LiveStats } from "./types";
import { useLiveConnection } from "./use-live-connection";

export const STATS_HISTORY_LENGTH = 120;

type Listener = (message: LiveMessage) => void;

export interface LiveContextValue {
  state: ConnectionState;
  lastMessageAt: number | null;
  nextRetryAt: number | null;
  /** Oldest first, one point a second, at most STATS_HISTORY_LENGTH. */
  stats: LiveStats[];
  snapshot: LiveSnapshot | null;
  subscribe: (types: readonly LiveMessageType[], listener: Listener) => () => void;
}

const noop = () => () => undefined;

/** What pages see without a provider (tests) or before anything arrived. */
export const OFFLINE_LIVE: LiveContextValue = {
  state: "connecting",
  lastMessageAt: null,
  nextRetryAt: null,
  stats: [],
  snapshot: null,
  subscribe: noop,
};

export const LiveContext = createContext<LiveContextValue>(OFFLINE_LIVE);

export function LiveProvider({ children, url }: { children: ReactNode; url?: string }) {
  const listeners = useRef(new Map<Listener, readonly LiveMessageType[]>());
  const [stats, setStats] = useState<LiveStats[]>([]);
  const [snapshot, setSnapshot] = useState<LiveSnapshot | null>(null);

  const onMessage = useCallback((message: LiveMessage) => {
    if (message.type === "snapshot") {
      setSnapshot(message.data);
      setStats((message.data.stats_history ?? []).slice(-STATS_HISTORY_LENGTH));
    } else if (message.type === "stats") {
      setStats((previous) => [...previous.slice(-(STATS_HISTORY_LENGTH - 1)), message.data]);
    }
    for (const [listener, types] of listeners.current) {
      if (types.includes(message.type)) listener(message);
    }
  }, []);

  const connection = useLiveConnection({ url: url ?? liveUrl(window.location) }, onMessage);

  const subscribe = useCallback((types: readonly LiveMessageType[], listener: Listener) => {
    listeners.current.set(listener, types);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  const value = useMemo<LiveContextValue>(
    () => ({ ...connection, stats, snapshot, subscribe }),
    [connection, stats, snapshot, subscribe],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveContextValue {
  return useContext(LiveContext);
}

/** Call `listener` for each live message of the given types (e.g. refetch on "drift"). */
export function useLiveEvent(types: readonly LiveMessageType[], listener: Listener): void {
  const { subscribe } = useLive();
  // The latest listener, without resubscribing each time the caller passes a new closure.
  const onMessage = useEffectEvent(listener);
  const key = types.join(",");
  useEffect(
    () => subscribe(key.split(",") as LiveMessageType[], (message) => onMessage(message)),
    [subscribe, key],
  );
}
