// The answer for one transaction: probability against the threshold, decision, variant, path
// (and rule), latency, warnings and, when asked for, the top feature contributions.
import { Badge } from "../../components/badge";
import { formatPercent } from "../../lib/format";
import type { PredictionResult } from "../../lib/types";
import { ExplanationBars } from "./explanation-bars";

const position = (value: number) => `${Math.min(100, Math.max(0, value * 100)).toFixed(2)}%`;

export function ProbabilityBar({
  probability,
  threshold,
}: {
  probability: number;
  threshold: number;
}) {
  const fraud = probability >= threshold;
  return (
    <div>
      <div
        className="relative h-4 rounded bg-slate-800"
        role="meter"
        aria-valuemin={0}
        aria-valuemax={1}
        aria-valuenow={probability}
        aria-label="Fraud probability"
      >
        <div
          className={`absolute inset-y-0 left-0 rounded ${fraud ? "bg-red-500" : "bg-green-500"}`}
          style={{ width: position(probability) }}
        />
        <div
          className="absolute -inset-y-1 w-0.5 bg-white"
          style={{ left: position(threshold) }}
          title={`threshold ${threshold}`}
        />
      </div>
      <div className="relative mt-1 h-4 text-xs text-slate-400">
        <span className="absolute left-0">0%</span>
        <span
          className="absolute -translate-x-1/2 whitespace-nowrap text-slate-200"
          style={{ left: position(threshold) }}
        >
          threshold {formatPercent(threshold, 0)}
        </span>
        <span className="absolute right-0">100%</span>
      </div>
    </div>
  );
}

export function PredictionResultView({ result }: { result: PredictionResult }) {
  const fraud = result.decision === "fraud";
  return (
    <div className="space-y-4" aria-live="polite">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <p className="text-xs uppercase tracking-wide text-slate-400">Fraud probability</p>
          <p className="text-3xl font-semibold tabular-nums text-white">
            {formatPercent(result.fraud_probability, 1)}
          </p>
        </div>
        <Badge tone={fraud ? "bad" : "good"}>
          {fraud ? "Flagged as fraud" : "Legit: below the threshold"}
        </Badge>
      </div>
      <ProbabilityBar probability={result.fraud_probability} threshold={result.threshold} />
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
        <div>
          <dt className="text-xs text-slate-500">Server latency</dt>
          <dd className="tabular-nums text-slate-200">
            {result.latency_us < 1000
              ? `${result.latency_us} µs`
              : `${(result.latency_us / 1000).toFixed(2)} ms`}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Model</dt>
          <dd className="flex flex-wrap items-center gap-1.5 text-slate-200">
            {result.model_name} v{result.model_version}
            <Badge
              tone={result.variant === "canary" ? "warn" : "good"}
              title={
                result.variant === "canary"
                  ? "This request was routed to the canary version"
                  : "Answered by the production version"
              }
            >
              {result.variant}
            </Badge>
          </dd>
        </div>
        <div>
          <dt
            className="text-xs text-slate-500"
            title="model = scored by the model; rules = decided by a rule before the model"
          >
            Decided by
          </dt>
          <dd className="text-slate-200">
            {result.path === "rules" ? "business rule" : "model"}
            {result.path === "rules" && result.rule && (
              <code className="ml-1.5 rounded bg-slate-800 px-1 text-xs text-slate-300">
                {result.rule}
              </code>
            )}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Prediction id</dt>
          <dd className="truncate font-mono text-xs text-slate-400" title={result.prediction_id}>
            {result.prediction_id}
          </dd>
        </div>
      </dl>
      {result.explanation && <ExplanationBars explanation={result.explanation} />}
      {result.warnings.length > 0 && (
        <ul className="space-y-1 rounded-lg bg-amber-500/10 p-3 text-sm text-amber-200 ring-1 ring-amber-500/30">
          {result.warnings.map((warning) => (
            <li key={warning}>⚠ {warning}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
