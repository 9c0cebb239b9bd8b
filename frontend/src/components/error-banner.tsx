// A request that failed, said plainly, with a retry.
import type { ApiError } from "../lib/api";

export function ErrorBanner({ error, onRetry }: { error: ApiError | Error; onRetry?: () => void }) {
  return (
    <div
      role="alert"
      className="flex flex-wrap items-center justify-between gap-2 rounded-lg bg-red-500/10 px-3 py-2 text-sm text-red-200 ring-1 ring-red-500/30"
    >
      <span>{error.message}</span>
      {onRetry && (
        <button
          type="button"
          onClick={onRetry}
          className="rounded px-2 py-0.5 text-xs font-medium text-red-100 ring-1 ring-red-400/40 hover:bg-red-500/20"
        >
          Retry
        </button>
      )}
    </div>
  );
}
