// The answer for one transaction: probability against the threshold, decision, variant, path
// (and rule), latency, warnings and, when asked for, the top feature contributions.
import { Badge } from "../../components/badge";
import { formatPercent, humanize } from "../../lib/format";
import type { ModelPrediction, PredictionResult, Transaction } from "../../lib/types";
import { ExplanationBars } from "./explanation-bars";
import { TokenHighlights } from "./token-highlights";

const position = (value: number) => `${Math.min(100, Math.max(0, value * 100)).toFixed(2)}%`;

/** An answer of /api/v1/predict (fraud) or of /api/v1/models/{name}/predict (any model). */
export type AnyPrediction = PredictionResult | ModelPrediction;

/** The fraud model's classes: the answers of /api/v1/predict name them. */
export const FRAUD_CLASSES: [string, string] = ["fraud", "legit"];

/** The calibrated probability of the positive class (`fraud_probability` on older answers). */
export function probabilityOf(result: AnyPrediction): number {
  return "probability" in result && typeof result.probability === "number"
    ? result.probability
    : (result.fraud_probability ?? 0);
}

/** "Fraud probability", or "Probability of delayed" for a model's own positive class. */
export function probabilityLabel(positive: string): string {
  return positive === "fraud" ? "Fraud probability" : `Probability of ${positive}`;
}

export function ProbabilityBar({
  probability,
  threshold,
  label = probabilityLabel("fraud"),
}: {
  probability: number;
  threshold: number;
  label?: string;
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
        aria-label={label}
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

function verdict(positive: boolean, [yes, no]: [string, string]): string {
  if (yes === "fraud") return positive ? "Flagged as fraud" : "Legit: below the threshold";
  return positive ? `Flagged as ${yes}` : `${humanize(no)}: below the threshold`;
}

function Explanation({
  result,
  classes,
  sent,
}: {
  result: AnyPrediction;
  classes: [string, string];
  sent?: Transaction;
}) {
  const explanation = result.explanation;
  if (!explanation) return null;
  if ("tokens" in explanation) {
    const text = sent?.[explanation.tokens.feature];
    return (
      <TokenHighlights
        explanation={explanation}
        text={typeof text === "string" ? text : ""}
        classes={classes}
      />
    );
  }
  return <ExplanationBars explanation={explanation} />;
}

export function PredictionResultView({
  result,
  classes = FRAUD_CLASSES,
  sent,
}: {
  result: AnyPrediction;
  /** The model's two classes, the positive first. */
  classes?: [string, string];
  /** What was scored: a text model's explanation highlights its text. */
  sent?: Transaction;
}) {
  const fraud = result.decision === classes[0];
  const probability = probabilityOf(result);
  const label = probabilityLabel(classes[0]);
  return (
    <div className="space-y-4" aria-live="polite">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <p className="text-xs uppercase tracking-wide text-slate-400">{label}</p>
          <p className="text-3xl font-semibold tabular-nums text-white">
            {formatPercent(probability, 1)}
          </p>
        </div>
        <Badge tone={fraud ? "bad" : "good"}>{verdict(fraud, classes)}</Badge>
      </div>
      <ProbabilityBar probability={probability} threshold={result.threshold} label={label} />
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
      <Explanation result={result} classes={classes} sent={sent} />
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
