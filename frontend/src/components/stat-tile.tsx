// One headline number with its unit, a short explanation and optionally a sparkline.
import type { ReactNode } from "react";

interface StatTileProps {
  label: string;
  value: ReactNode;
  /** What the number means, in a few words. */
  hint?: ReactNode;
  tone?: "default" | "good" | "warn" | "bad";
  children?: ReactNode;
}

const VALUE_TONE = {
  default: "text-white",
  good: "text-green-300",
  warn: "text-amber-300",
  bad: "text-red-300",
};

export function StatTile({ label, value, hint, tone = "default", children }: StatTileProps) {
  return (
    <div className="flex h-full min-w-0 flex-col rounded-xl bg-slate-900/70 p-4 ring-1 ring-slate-800">
      <p className="text-xs font-medium uppercase tracking-wide text-slate-400">{label}</p>
      <p className={`mt-1 truncate text-2xl font-semibold tabular-nums ${VALUE_TONE[tone]}`}>
        {value}
      </p>
      {hint && <p className="mt-0.5 text-xs text-slate-500">{hint}</p>}
      {children && <div className="mt-auto pt-2">{children}</div>}
    </div>
  );
}
