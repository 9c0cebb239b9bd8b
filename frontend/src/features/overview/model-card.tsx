// The model in production: version, when trained, threshold, test metrics next to the live window.
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { CardLink } from "../../components/card-link";
import { EmptyState, Loading } from "../../components/empty-state";
import { formatDateTime, formatMetric, formatPercent, formatRelative } from "../../lib/format";
import type { ModelVersion, ModelVersions, PerformancePoint } from "../../lib/types";
import { useNow } from "../../lib/use-now";

interface ModelCardProps {
  models?: ModelVersions;
  performance?: PerformancePoint;
}

/** One line of the table: a metric at training (held-out test set) and in the live window. */
interface MetricRow {
  label: string;
  training: string;
  live?: string;
  title?: string;
}

function metricRows(version: ModelVersion, performance?: PerformancePoint): MetricRow[] {
  const test = version.metrics.test;
  const realised = performance?.realised;
  const live = (value?: number | null) => (realised ? formatMetric(value) : undefined);
  // Before labels arrive only F1 has an estimate, shown in parentheses.
  const estimated = performance?.estimated;
  const estimatedF1 = estimated ? `(${formatMetric(estimated.f1)})` : undefined;
  return [
    { label: "ROC AUC", training: formatMetric(test?.roc_auc), live: live(realised?.roc_auc) },
    { label: "F1", training: formatMetric(test?.f1), live: live(realised?.f1) ?? estimatedF1 },
    {
      label: "Precision",
      training: formatMetric(test?.precision),
      live: live(realised?.precision),
    },
    { label: "Recall", training: formatMetric(test?.recall), live: live(realised?.recall) },
    {
      label: "Label coverage",
      training: "—",
      live: performance && formatPercent(performance.label_coverage, 0),
      title: "Share of the window's predictions whose true label has arrived",
    },
  ];
}

function MetricsTable({ rows }: { rows: MetricRow[] }) {
  return (
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
        {rows.map((row) => (
          <tr key={row.label} className="border-t border-slate-800/70">
            <th
              scope="row"
              className="py-1.5 pr-2 text-left font-normal text-slate-400"
              title={row.title}
            >
              {row.label}
            </th>
            <td className="py-1.5 text-right tabular-nums text-slate-200">{row.training}</td>
            <td className="py-1.5 pl-3 text-right tabular-nums text-slate-200">
              {row.live ?? "—"}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The serving version's name, kind, age and threshold over its metrics; or why there is none. */
function ServingModel({ models, performance }: { models: ModelVersions } & ModelCardProps) {
  const now = useNow(30_000);
  const serving = models.serving;
  const version = models.versions.find((item) => item.version === serving?.version);
  if (!serving || !version)
    return (
      <EmptyState title="No model is serving" compact>
        Run <code>driftscope train</code>.
      </EmptyState>
    );
  return (
    <>
      <div className="flex flex-wrap items-baseline gap-2">
        <span className="text-2xl font-semibold text-white">
          {models.model_name} v{version.version}
        </span>
        <Badge tone="good">{serving.alias}</Badge>
        <span className="text-xs text-slate-400">
          {version.kind}
          {version.metrics.evaluator ? ` · ${version.metrics.evaluator} evaluator` : ""}
        </span>
      </div>
      <p className="mt-1 text-xs text-slate-400" title={formatDateTime(version.created_at)}>
        trained {formatRelative(version.created_at, now)} · flags a transaction at probability ≥{" "}
        <span className="text-slate-200">{version.threshold.toFixed(2)}</span>
      </p>
      <MetricsTable rows={metricRows(version, performance)} />
    </>
  );
}

export function ModelCard({ models, performance }: ModelCardProps) {
  return (
    <Card
      title="Model in production"
      subtitle="Metrics at training (held-out test set) next to the latest live window."
      actions={<CardLink to="/models">all versions</CardLink>}
    >
      {models ? <ServingModel models={models} performance={performance} /> : <Loading />}
    </Card>
  );
}
