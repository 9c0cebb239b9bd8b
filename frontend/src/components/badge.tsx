// Small coloured labels: drift severity, alert severity, aliases.
import type { ReactNode } from "react";
import { SEVERITY_BADGE, SEVERITY_LABEL } from "../lib/severity";
import type { Severity } from "../lib/types";

const TONES = {
  neutral: "bg-slate-500/15 text-slate-300 ring-slate-500/30",
  info: "bg-sky-500/15 text-sky-300 ring-sky-500/30",
  good: "bg-green-500/15 text-green-300 ring-green-500/30",
  warn: "bg-amber-500/15 text-amber-300 ring-amber-500/30",
  bad: "bg-red-500/15 text-red-300 ring-red-500/30",
} as const;

export type Tone = keyof typeof TONES;

export function Badge({
  tone = "neutral",
  children,
  title,
}: {
  tone?: Tone;
  children: ReactNode;
  title?: string;
}) {
  return (
    <span
      title={title}
      className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span
      className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${SEVERITY_BADGE[severity]}`}
    >
      {SEVERITY_LABEL[severity]}
    </span>
  );
}
