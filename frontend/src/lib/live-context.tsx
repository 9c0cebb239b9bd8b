// The live stream shared by every page: connection state, last 120 s of stats, event subscriptions;
// pages see only the chosen model's messages.
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
import { useModel } from "./model-context";
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
const NO_STATS: LiveStats[] = [];

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

/** Whose a message is: the model it names beside `type` (or as its payload's `model_name`, as
 * events of the outbox do), "" for none, i.e. the default model. */
export function ownerOf(message: LiveMessage): string {
  if (message.model) return message.model;
  const named = (message.data as { model_name?: unknown } | null)?.model_name;
  return typeof named === "string" ? named : "";
}

/** Does a message of `owner` belong to the shown model (`shown` null: the default model)? */
export function isShownModel(owner: string, shown: string | null, defaultModel: string | null) {
  const key = (name: string | null) =>
    name === null || name === "" || name === defaultModel ? "" : name;
  return key(owner) === key(shown);
}

function shownOf<T>(byModel: Record<string, T>, shown: string | null, defaultModel: string | null) {
  if (shown !== null && shown !== defaultModel) return byModel[shown];
  return (defaultModel !== null ? byModel[defaultModel] : undefined) ?? byModel[""];
}

export function LiveProvider({ children, url }: { children: ReactNode; url?: string }) {
  const listeners = useRef(new Map<Listener, readonly LiveMessageType[]>());
  // Kept per model, so switching models shows the chosen one's last 120 s at once.
  const [statsByModel, setStatsByModel] = useState<Record<string, LiveStats[]>>({});
  const [snapshots, setSnapshots] = useState<Record<string, LiveSnapshot>>({});
  const { name, isDefault, defaultModel } = useModel();
  const shown = isDefault ? null : name;

  const onMessage = (message: LiveMessage) => {
    const owner = ownerOf(message);
    if (message.type === "snapshot") {
      const { data } = message;
      setSnapshots((previous) => ({ ...previous, [owner]: data }));
      const history = (data.stats_history ?? []).slice(-STATS_HISTORY_LENGTH);
      setStatsByModel((previous) => ({ ...previous, [owner]: history }));
    } else if (message.type === "stats") {
      const { data } = message;
      setStatsByModel((previous) => ({
        ...previous,
        [owner]: [...(previous[owner] ?? []).slice(-(STATS_HISTORY_LENGTH - 1)), data],
      }));
    }
    if (!isShownModel(owner, shown, defaultModel)) return; // another model's event
    for (const [listener, types] of listeners.current) {
      if (types.includes(message.type)) listener(message);
    }
  };

  const connection = useLiveConnection({ url: url ?? liveUrl(window.location) }, onMessage);

  const subscribe = useCallback((types: readonly LiveMessageType[], listener: Listener) => {
    listeners.current.set(listener, types);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  const stats = shownOf(statsByModel, shown, defaultModel) ?? NO_STATS;
  const snapshot = shownOf(snapshots, shown, defaultModel) ?? null;
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
