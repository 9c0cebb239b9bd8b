// React hook around LiveConnection: one socket per mounted hook, state as React state.
import { useEffect, useEffectEvent, useState } from "react";
import {
  type ConnectionState,
  LiveConnection,
  type LiveConnectionOptions,
} from "./live-connection";
import type { LiveMessage } from "./types";

export interface LiveConnectionInfo {
  state: ConnectionState;
  /** ms since epoch of the last message, or null. */
  lastMessageAt: number | null;
  /** ms since epoch of the next reconnect attempt while reconnecting. */
  nextRetryAt: number | null;
}

type HookOptions = Omit<LiveConnectionOptions, "onMessage" | "onStateChange">;

export function useLiveConnection(
  options: HookOptions,
  onMessage: (message: LiveMessage) => void,
): LiveConnectionInfo {
  // A new socket only when the URL changes; the rest is read as it is when (re)connecting.
  const handleMessage = useEffectEvent(onMessage);
  const currentOptions = useEffectEvent(() => options);
  const [info, setInfo] = useState<LiveConnectionInfo>({
    state: "connecting",
    lastMessageAt: null,
    nextRetryAt: null,
  });

  useEffect(() => {
    const connection = new LiveConnection({
      ...currentOptions(),
      url: options.url,
      onMessage: (message) => handleMessage(message),
      onStateChange: (state) =>
        setInfo({
          state,
          lastMessageAt: connection.lastMessageAt,
          nextRetryAt: connection.nextRetryAt,
        }),
    });
    connection.start();
    // lastMessageAt changes with every message; publish it at most once a second
    const tick = setInterval(() => {
      setInfo((previous) =>
        previous.lastMessageAt === connection.lastMessageAt &&
        previous.nextRetryAt === connection.nextRetryAt
          ? previous
          : {
              state: connection.state,
              lastMessageAt: connection.lastMessageAt,
              nextRetryAt: connection.nextRetryAt,
            },
      );
    }, 1_000);
    return () => {
      clearInterval(tick);
      connection.stop();
    };
  }, [options.url]);

  return info;
}
