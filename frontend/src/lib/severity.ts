// PSI severity and its colours: green (none) / amber (warn) / red (alert), used by every drift view.
import type { Severity } from "./types";

/** Severity of a PSI value against its warn and alert thresholds (each threshold inclusive). */
export function psiSeverity(psi: number | null | undefined, warn: number, alert: number): Severity {
  if (psi === null || psi === undefined || !Number.isFinite(psi)) return "none";
  if (psi >= alert) return "alert";
  if (psi >= warn) return "warn";
  return "none";
}

export const SEVERITY_RANK: Record<Severity, number> = { none: 0, warn: 1, alert: 2 };

export const SEVERITY_COLOUR: Record<Severity, string> = {
  none: "#22c55e", // green-500
  warn: "#f59e0b", // amber-500
  alert: "#ef4444", // red-500
};

export const SEVERITY_LABEL: Record<Severity, string> = {
  none: "stable",
  warn: "warning",
  alert: "drifted",
};

/** Tailwind classes for a badge of this severity. */
export const SEVERITY_BADGE: Record<Severity, string> = {
  none: "bg-green-500/15 text-green-300 ring-green-500/30",
  warn: "bg-amber-500/15 text-amber-300 ring-amber-500/30",
  alert: "bg-red-500/15 text-red-300 ring-red-500/30",
};

/** The severity to show: the server's when known, else derived from the PSI. */
export function severityOf(item: {
  severity?: Severity | null;
  psi?: number | null;
  warn_threshold?: number | null;
  alert_threshold?: number | null;
}): Severity {
  if (item.severity === "none" || item.severity === "warn" || item.severity === "alert")
    return item.severity;
  if (item.warn_threshold == null || item.alert_threshold == null) return "none";
  return psiSeverity(item.psi, item.warn_threshold, item.alert_threshold);
}

export function severityColour(item: Parameters<typeof severityOf>[0]): string {
  return SEVERITY_COLOUR[severityOf(item)];
}

/** A window's overall state: red when the server calls the dataset drifted, amber when any feature is. */
export function datasetSeverity(report: {
  dataset_drift_share: number;
  dataset_drifted: boolean;
}): Severity {
  if (report.dataset_drifted) return "alert";
  return report.dataset_drift_share > 0 ? "warn" : "none";
}
