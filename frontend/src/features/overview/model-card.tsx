// The model in production: version, when trained, threshold, test metrics next to the live window.
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { EmptyState, Loading } from "../../components/empty-state";
import { formatDateTime, formatMetric, formatPercent, formatRelative } from "../../lib/format";
import { Link } from "../../lib/router";
import type { ModelsResponse, PerformancePoint } from "../../lib/types";
import { useNow } from "../../lib/use-now";

interface ModelCardProps {
  models?: ModelsResponse;
  performance?: PerformancePoint;
}

function Row({
  label,
  training,
  live,
  title,
}: {
  label: string;
  training: string;
  live?: string;
  title?: string;
}) {
  return (
    <tr className="border-t border-slate-800/70">
      <th scope="row" className="py-1.5 pr-2 text-left font-normal text-slate-400" title={title}>
        {label}
      </th>
      <td className="py-1.5 text-right tabular-nums text-slate-200">{training}</td>
      <td className="py-1.5 pl-3 text-right tabular-nums text-slate-200">{live ?? "—"}</td>
    </tr>
  );
}

export function ModelCard({ models, performance }: ModelCardProps) {
  const now = useNow(30_000);
  const serving = models?.serving;
  const version = models?.versions.find((item) => item.version === serving?.version);
  const test = version?.metrics.test;
  const realised = performance?.realised;
  const estimated = performance?.estimated;
  return (
    <Card
      title="Model in production"
      subtitle="Metrics at training (held-out test set) next to the latest live window."
      actions={
        <Link to="/models" className="text-xs text-sky-300 hover:underline">
          all versions →
        </Link>
      }
    >
      {!models && <Loading />}
      {models && !version && (
        <EmptyState title="No model is serving" compact>
          Run <code>driftscope train</code>.
        </EmptyState>
      )}
      {version && (
        <>
          <div className="flex flex-wrap items-baseline gap-2">
            <span className="text-2xl font-semibold text-white">
              {models?.model_name} v{version.version}
            </span>
            {serving && <Badge tone="good">{serving.alias}</Badge>}
            <span className="text-xs text-slate-400">
              {version.kind}
              {version.metrics.evaluator ? ` · ${version.metrics.evaluator} evaluator` : ""}
            </span>
          </div>
          <p className="mt-1 text-xs text-slate-400" title={formatDateTime(version.created_at)}>
            trained {formatRelative(version.created_at, now)} · flags a transaction at probability ≥{" "}
            <span className="text-slate-200">{version.threshold.toFixed(2)}</span>
          </p>
          <table className="mt-3 w-full text-sm">
            <thead>
              <tr className="text-xs text-slate-500">
                <th />
                <th className="pb-1 text-right font-normal">training</th>
                <th
                  className="pb-1 pl-3 text-right font-normal"
                  title="Realised on labelled transactions; estimated values in parentheses"
                >
                  live window
                </th>
              </tr>
            </thead>
            <tbody>
              <Row
                label="ROC AUC"
                training={formatMetric(test?.roc_auc)}
                live={formatMetric(realised?.roc_auc)}
              />
              <Row
                label="F1"
                training={formatMetric(test?.f1)}
                live={
                  realised
                    ? formatMetric(realised.f1)
                    : estimated
                      ? `(${formatMetric(estimated.f1)})`
                      : undefined
                }
              />
              <Row
                label="Precision"
                training={formatMetric(test?.precision)}
                live={realised ? formatMetric(realised.precision) : undefined}
              />
              <Row
                label="Recall"
                training={formatMetric(test?.recall)}
                live={realised ? formatMetric(realised.recall) : undefined}
              />
              <Row
                label="Label coverage"
                training="—"
                live={performance ? formatPercent(performance.label_coverage, 0) : undefined}
                title="Share of the window's predictions whose true label has arrived"
              />
            </tbody>
          </table>
        </>
      )}
    </Card>
  );
}
