// Live-stream state in the header: live / connecting / reconnecting / stale, with what it means.
import { useLive } from "../lib/live-context";
import type { ConnectionState } from "../lib/live-connection";
import { useNow } from "../lib/use-now";

const LOOK: Record<ConnectionState, { dot: string; text: string; label: string }> = {
  live: { dot: "bg-green-400", text: "text-green-300", label: "Live" },
  connecting: { dot: "bg-slate-400", text: "text-slate-300", label: "Connecting" },
  reconnecting: { dot: "bg-amber-400", text: "text-amber-300", label: "Reconnecting" },
  stale: { dot: "bg-red-400", text: "text-red-300", label: "Stale" },
};

export function describeConnection(
  state: ConnectionState,
  lastMessageAt: number | null,
  nextRetryAt: number | null,
  now: number,
): string {
  const ago = lastMessageAt
    ? `${Math.max(0, Math.round((now - lastMessageAt) / 1000))} s ago`
    : "never";
  switch (state) {
    case "live":
      return "Live stream connected: numbers update every second.";
    case "connecting":
      return "Connecting to the live stream…";
    case "stale":
      return `Connected, but no update for a while (last message ${ago}). Numbers may be old.`;
    case "reconnecting": {
      const retry = nextRetryAt
        ? ` Next try in ${Math.max(0, Math.ceil((nextRetryAt - now) / 1000))} s.`
        : "";
      return `Live stream unavailable (last message ${ago}); pages refresh from the REST API every few seconds.${retry}`;
    }
  }
}

export function ConnectionIndicator() {
  const { state, lastMessageAt, nextRetryAt } = useLive();
  const now = useNow(1_000);
  const look = LOOK[state];
  const description = describeConnection(state, lastMessageAt, nextRetryAt, now);
  return (
    <span
      title={description}
      aria-label={description}
      className={`inline-flex items-center gap-1.5 text-xs font-medium ${look.text}`}
      data-state={state}
    >
      <span className="relative flex h-2.5 w-2.5">
        {state === "live" && (
          <span
            className={`absolute inline-flex h-full w-full animate-ping rounded-full opacity-60 ${look.dot}`}
          />
        )}
        <span className={`relative inline-flex h-2.5 w-2.5 rounded-full ${look.dot}`} />
      </span>
      {look.label}
    </span>
  );
}
