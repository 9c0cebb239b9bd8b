// Automatic retraining as it happens: the worker's `retrain` steps (started, trained,
// gate_failed, canary_set, failed), newest first; the page reloads on each new one.
import { Badge, type Tone } from "../../components/badge";
import { Card } from "../../components/card";
import { formatDateTime, formatMetric } from "../../lib/format";
import type { RetrainStep } from "../../lib/types";

const TONE: Record<RetrainStep["step"], Tone> = {
  started: "info",
  trained: "info",
  gate_failed: "bad",
  canary_set: "good",
  failed: "bad",
};
const LABEL: Record<RetrainStep["step"], string> = {
  started: "started",
  trained: "trained",
  gate_failed: "gate failed",
  canary_set: "on canary",
  failed: "failed",
};

function describe(step: RetrainStep): string {
  switch (step.step) {
    case "started":
      return `alert #${step.alert_id} (${step.alert_kind ?? "alert"}${step.feature ? `: ${step.feature}` : ""}) stayed open: training on ${step.rows?.toLocaleString() ?? "?"} labelled predictions (${step.positives ?? "?"} frauds)`;
    case "trained":
      return `v${step.version} registered as candidate: test ROC AUC ${formatMetric(step.roc_auc)}, F1 ${formatMetric(step.f1)}`;
    case "gate_failed":
      return `v${step.version} stays off traffic: ${(step.failing ?? []).join("; ")}`;
    case "canary_set":
      return `v${step.version} answers ${step.percent}% of traffic; promote or turn the canary off once its live performance is known`;
    case "failed":
      return step.error ?? "training failed";
  }
}

export function RetrainSteps({ steps }: { steps: RetrainStep[] }) {
  return (
    <Card
      title="Automatic retraining"
      subtitle="Steps of the worker's retraining (DRIFTSCOPE_AUTO_RETRAIN_ENABLED), newest first."
    >
      <ul className="divide-y divide-slate-800 text-sm">
        {steps.map((step, index) => (
          <li key={step.id ?? index} className="flex flex-wrap items-start gap-2 py-2">
            <Badge tone={TONE[step.step] ?? "neutral"}>{LABEL[step.step] ?? step.step}</Badge>
            <span className="min-w-0 flex-1 text-slate-200">{describe(step)}</span>
            {step.ts && <span className="text-xs text-slate-500">{formatDateTime(step.ts)}</span>}
          </li>
        ))}
      </ul>
    </Card>
  );
}
