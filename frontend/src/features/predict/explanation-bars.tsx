// Why the model scored a transaction as it did: the largest per-feature contributions to the
// margin (log-odds), as a horizontal bar list centred on zero (red pushes toward fraud).
import type { Explanation, FeatureValue, TokenExplanation } from "../../lib/types";

export const TOP_CONTRIBUTIONS = 8;

const METHOD_LABEL: Record<string, string> = {
  tree_shap: "TreeSHAP",
  saabas: "path attribution",
  linear: "coefficient × (value − mean)",
  points: "rule scorecard points",
};

const formatValue = (value: FeatureValue) =>
  value === null
    ? "missing"
    : typeof value === "number"
      ? String(Math.round(value * 1000) / 1000)
      : String(value);
const signed = (value: number) => `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(3)}`;

export function ExplanationBars({
  explanation,
}: {
  explanation: Exclude<Explanation, TokenExplanation>;
}) {
  if (!explanation.available) {
    return <p className="text-sm text-slate-400">No explanation: {explanation.reason}</p>;
  }
  const top = explanation.contributions.slice(0, TOP_CONTRIBUTIONS);
  const scale = Math.max(...top.map((c) => Math.abs(c.contribution)), 1e-9);
  return (
    <figure aria-label="Feature contributions">
      <figcaption className="mb-2 text-xs text-slate-400">
        Top {top.length} contributions to the margin (
        {METHOD_LABEL[explanation.method] ?? explanation.method}): base {signed(explanation.bias)} →
        margin {signed(explanation.margin)}. Red pushes toward fraud, green away.
      </figcaption>
      <ul className="space-y-1">
        {top.map((item) => {
          const width = `${(Math.abs(item.contribution) / scale) * 50}%`;
          const toFraud = item.contribution > 0;
          return (
            <li
              key={item.feature}
              className="grid grid-cols-[minmax(0,11rem)_1fr_4rem] items-center gap-2 text-xs"
              aria-label={`${item.feature} = ${formatValue(item.value)}: ${signed(item.contribution)}`}
            >
              <span
                className="truncate text-slate-300"
                title={`${item.feature} = ${formatValue(item.value)}`}
              >
                {item.feature} <span className="text-slate-500">= {formatValue(item.value)}</span>
              </span>
              <span className="relative h-3 rounded bg-slate-800">
                <span className="absolute inset-y-0 left-1/2 w-px bg-slate-600" />
                <span
                  data-testid="contribution-bar"
                  className={`absolute inset-y-0 rounded ${toFraud ? "left-1/2 bg-red-500" : "right-1/2 bg-green-500"}`}
                  style={{ width }}
                />
              </span>
              <span
                className={`text-right tabular-nums ${toFraud ? "text-red-300" : "text-green-300"}`}
              >
                {signed(item.contribution)}
              </span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
