// Fetch a REST resource; refetch on live events, or by polling while the live stream is down.
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, api } from "./api";
import { useLive, useLiveEvent } from "./live-context";
import type { LiveMessageType } from "./types";

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** True until the first answer (success or error) for the current path. */
  loading: boolean;
  reload: () => void;
}

export interface UseApiOptions {
  /** Live message types after which the resource is fetched again (a `snapshot` always counts). */
  refreshOn?: readonly LiveMessageType[];
  /** Poll this often (ms) while the live stream is not "live"; also a slow safety net. */
  pollMs?: number;
}

const NO_EVENTS: readonly LiveMessageType[] = [];

export function useApi<T>(path: string | null, options: UseApiOptions = {}): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);
  const loadedPath = useRef<string | null>(null);
  const { state } = useLive();

  const reload = useCallback(() => setGeneration((n) => n + 1), []);

  useEffect(() => {
    if (path === null) return;
    if (loadedPath.current !== path) {
      // a different resource: do not show the previous one's data under it
      setData(undefined);
      setError(undefined);
      setLoading(true);
    }
    const controller = new AbortController();
    api
      .get<T>(path, controller.signal)
      .then((body) => {
        loadedPath.current = path;
        setData(body);
        setError(undefined);
      })
      .catch((caught: unknown) => {
        if (controller.signal.aborted) return;
        loadedPath.current = path;
        setError(
          caught instanceof ApiError ? caught : new ApiError(0, "client_error", String(caught)),
        );
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [path, generation]);

  // a snapshot follows a reconnect that missed too much: whatever we hold may be out of date
  const refreshOn = options.refreshOn ? [...options.refreshOn, "snapshot" as const] : NO_EVENTS;
  useLiveEvent(refreshOn, reload);

  const pollMs = options.pollMs;
  const live = state === "live";
  useEffect(() => {
    if (!pollMs || path === null) return;
    // while live, events drive refreshes; polling is only a slow safety net
    const interval = live ? Math.max(pollMs * 6, 30_000) : pollMs;
    const timer = setInterval(reload, interval);
    return () => clearInterval(timer);
  }, [pollMs, live, path, reload]);

  return { data, error, loading, reload };
}
