// One feature's PSI as a bar, coloured by severity, with its warn and alert thresholds marked.
import { formatStat } from "../lib/format";
import { SEVERITY_COLOUR } from "../lib/severity";
import type { Severity } from "../lib/types";

interface PsiBarProps {
  psi: number | null;
  warn: number;
  alert: number;
  severity: Severity;
  /** PSI at the right end of the track; shared by the rows of one table so bars compare. */
  scaleMax: number;
}

const pct = (value: number, max: number) =>
  `${Math.min(100, Math.max(0, (value / max) * 100)).toFixed(2)}%`;

export function PsiBar({ psi, warn, alert, severity, scaleMax }: PsiBarProps) {
  const value = psi ?? 0;
  return (
    <div
      className="flex items-center gap-2"
      title={`PSI ${formatStat(psi)} — warn at ${formatStat(warn)}, alert at ${formatStat(alert)}`}
    >
      <div className="relative h-3 min-w-20 flex-1 overflow-hidden rounded-sm bg-slate-800">
        <div
          className="absolute inset-y-0 left-0 rounded-sm"
          style={{ width: pct(value, scaleMax), background: SEVERITY_COLOUR[severity] }}
        />
        <div
          aria-hidden
          className="absolute inset-y-0 w-0.5 bg-amber-300/90"
          style={{ left: pct(warn, scaleMax) }}
        />
        <div
          aria-hidden
          className="absolute inset-y-0 w-0.5 bg-red-400/90"
          style={{ left: pct(alert, scaleMax) }}
        />
      </div>
      <span className="w-12 text-right text-xs tabular-nums text-slate-300">{formatStat(psi)}</span>
    </div>
  );
}

/** A common right end for a set of bars: past the largest alert threshold and the largest PSI. */
export function psiScaleMax(items: Array<{ psi: number | null; alert_threshold: number }>): number {
  const peaks = items.flatMap((item) => [item.psi ?? 0, item.alert_threshold * 1.25]);
  return Math.max(0.05, ...peaks) * 1.05;
}

export function PsiLegend() {
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-400">
      <span className="inline-flex items-center gap-1.5">
        <span className="h-2.5 w-2.5 rounded-sm bg-green-500" />
        stable
      </span>
      <span className="inline-flex items-center gap-1.5">
        <span className="h-2.5 w-2.5 rounded-sm bg-amber-500" />
        warning (PSI ≥ warn)
      </span>
      <span className="inline-flex items-center gap-1.5">
        <span className="h-2.5 w-2.5 rounded-sm bg-red-500" />
        drifted (alert)
      </span>
      <span className="inline-flex items-center gap-1.5">
        <span className="h-3 w-0.5 bg-amber-300" />
        warn threshold
      </span>
      <span className="inline-flex items-center gap-1.5">
        <span className="h-3 w-0.5 bg-red-400" />
        alert threshold
      </span>
    </div>
  );
}
