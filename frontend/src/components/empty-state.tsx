// "No data yet" placeholder: says why nothing is drawn and what makes data appear.
import type { ReactNode } from "react";

export function EmptyState({
  title,
  children,
  compact = false,
}: {
  title: string;
  children?: ReactNode;
  compact?: boolean;
}) {
  return (
    <div
      role="status"
      className={`flex flex-col items-center justify-center rounded-lg border border-dashed border-slate-700 text-center ${compact ? "px-3 py-4" : "px-4 py-10"}`}
    >
      <p className="text-sm font-medium text-slate-300">{title}</p>
      {children && (
        <p className="mt-1 max-w-md text-xs leading-relaxed text-slate-500">{children}</p>
      )}
    </div>
  );
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div role="status" className="animate-pulse px-2 py-6 text-center text-sm text-slate-500">
      {label}
    </div>
  );
}
