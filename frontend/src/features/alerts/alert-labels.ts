// Words and colours for alert kinds and severities.
import type { Tone } from "../../components/badge";

export const KIND_LABEL: Record<string, string> = {
  feature_drift: "Feature drift",
  prediction_drift: "Prediction drift",
  performance_drop: "Performance drop",
};

export const ALERT_SEVERITY_TONE: Record<string, Tone> = { warning: "warn", critical: "bad" };

export const ALERT_STRIPE: Record<string, string> = {
  warning: "bg-amber-500",
  critical: "bg-red-500",
};

export function kindLabel(kind: string): string {
  return KIND_LABEL[kind] ?? kind.replace(/_/g, " ");
}
