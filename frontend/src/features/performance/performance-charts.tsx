// Performance over recent windows: realised metrics, realised vs estimated, coverage, fraud rates.
import { useState } from "react";
import type { LineSeries } from "../../components/chart-parts";
import { SERIES } from "../../components/charts";
import { EmptyState } from "../../components/empty-state";
import { SeriesLineChart } from "../../components/series-line-chart";
import { ShareAreaChart } from "../../components/share-area-chart";
import { formatAxisPercent as percentTick, formatMetric, formatPercent } from "../../lib/format";
import type { PerformancePoint } from "../../lib/types";

export interface PerformanceRow {
  time: number;
  roc_auc: number | null;
  pr_auc: number | null;
  f1: number | null;
  precision: number | null;
  recall: number | null;
  est_f1: number | null;
  est_precision: number | null;
  est_recall: number | null;
  label_coverage: number;
  predicted_rate: number | null;
  actual_rate: number | null;
  est_fraud_rate: number | null;
}

export function toRows(points: PerformancePoint[]): PerformanceRow[] {
  return points.map((point) => ({
    time: Date.parse(point.window_end),
    roc_auc: point.realised?.roc_auc ?? null,
    pr_auc: point.realised?.pr_auc ?? null,
    f1: point.realised?.f1 ?? null,
    precision: point.realised?.precision ?? null,
    recall: point.realised?.recall ?? null,
    est_f1: point.estimated?.f1 ?? null,
    est_precision: point.estimated?.precision ?? null,
    est_recall: point.estimated?.recall ?? null,
    label_coverage: point.label_coverage,
    predicted_rate: point.predicted_rate,
    actual_rate: point.realised?.fraud_rate ?? null,
    est_fraud_rate: point.estimated?.fraud_rate ?? null,
  }));
}

const NO_WINDOWS = <EmptyState title="No windows yet" compact />;

/** The rows as a chart's data, and what stands in for them while there are none. */
const overWindows = (rows: PerformanceRow[]) => ({
  data: rows,
  empty: rows.length > 0 ? null : NO_WINDOWS,
});

/** Quality metrics live in [0, 1]. */
const METRIC_AXIS = { domain: [0, 1], width: 40 };

const REALISED_SERIES: LineSeries<PerformanceRow>[] = [
  { dataKey: "roc_auc", name: "ROC AUC", stroke: SERIES.primary },
  { dataKey: "f1", name: "F1", stroke: SERIES.secondary },
  { dataKey: "precision", name: "Precision", stroke: SERIES.tertiary, strokeWidth: 1.5 },
  { dataKey: "recall", name: "Recall", stroke: SERIES.quaternary, strokeWidth: 1.5 },
];

export function RealisedChart({ rows }: { rows: PerformanceRow[] }) {
  const hasAny = rows.some((row) => row.roc_auc !== null || row.f1 !== null);
  return (
    <SeriesLineChart
      title="Realised quality"
      subtitle="Measured on transactions whose true label has arrived. Higher is better; gaps are windows with too few labels."
      label="Realised ROC AUC, F1, precision and recall over time"
      empty={
        hasAny ? null : (
          <EmptyState title="No labelled windows yet" compact>
            Labels arrive after the prediction (the simulator sends them a few seconds later).
          </EmptyState>
        )
      }
      data={rows}
      series={REALISED_SERIES}
      format={formatMetric}
      yAxis={METRIC_AXIS}
    />
  );
}

const METRICS = [
  { key: "f1", label: "F1" },
  { key: "precision", label: "Precision" },
  { key: "recall", label: "Recall" },
] as const;

type Metric = (typeof METRICS)[number]["key"];

/** The metric's estimate (dashed, drawn as wide as the realised line) and its realised value. */
function estimateSeries(metric: Metric, label: string): LineSeries<PerformanceRow>[] {
  return [
    {
      dataKey: `est_${metric}`,
      name: `${label} (estimated)`,
      stroke: SERIES.estimate,
      dashed: true,
      strokeWidth: 2,
    },
    { dataKey: metric, name: `${label} (realised)`, stroke: SERIES.secondary },
  ];
}

function MetricTabs({ metric, onChange }: { metric: Metric; onChange: (metric: Metric) => void }) {
  return (
    <div role="tablist" className="flex rounded-md ring-1 ring-slate-700">
      {METRICS.map((item) => (
        <button
          key={item.key}
          type="button"
          role="tab"
          aria-selected={metric === item.key}
          onClick={() => onChange(item.key)}
          className={`px-2 py-1 text-xs first:rounded-l-md last:rounded-r-md ${metric === item.key ? "bg-slate-700 text-white" : "text-slate-400 hover:text-slate-200"}`}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}

export function EstimateChart({ rows }: { rows: PerformanceRow[] }) {
  const [metric, setMetric] = useState<Metric>("f1");
  const label = METRICS.find((item) => item.key === metric)?.label ?? metric;
  return (
    <SeriesLineChart
      title="Estimated vs. realised"
      subtitle="Dashed: estimated from calibrated probabilities before labels arrive. Solid: realised once labels are in."
      actions={<MetricTabs metric={metric} onChange={setMetric} />}
      label={`${label}: estimated vs realised`}
      {...overWindows(rows)}
      series={estimateSeries(metric, label)}
      format={formatMetric}
      yAxis={METRIC_AXIS}
    />
  );
}

const FRAUD_RATE_SERIES: LineSeries<PerformanceRow>[] = [
  { dataKey: "predicted_rate", name: "Flagged by model", stroke: SERIES.primary },
  { dataKey: "actual_rate", name: "Actual (labelled)", stroke: SERIES.tertiary },
  { dataKey: "est_fraud_rate", name: "Expected (estimate)", stroke: SERIES.estimate, dashed: true },
];

/** The page's charts, two a row: realised quality, its estimate, the positive class's rates
 * (flagged, actual, expected), label coverage. `positive` names the class ("fraud"). */
export function PerformanceCharts({
  rows,
  positive = "fraud",
}: {
  rows: PerformanceRow[];
  positive?: string;
}) {
  const windows = overWindows(rows);
  const title = positive.charAt(0).toUpperCase() + positive.slice(1);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <RealisedChart rows={rows} />
      <EstimateChart rows={rows} />
      <SeriesLineChart
        {...windows}
        title={`${title} rate: flagged vs. actual`}
        subtitle={`Flagged: share the model called ${positive}. Actual: share really ${positive} among labelled predictions. Expected: mean calibrated probability.`}
        label={`Predicted and actual ${positive} rate over time`}
        series={FRAUD_RATE_SERIES}
        format={formatPercent}
        yAxis={{ tickFormatter: percentTick }}
      />
      <ShareAreaChart
        {...windows}
        title="Label coverage"
        subtitle="Share of the window's predictions whose true label has arrived. Realised metrics are only as good as this."
        label="Label coverage over time"
        share={{ dataKey: "label_coverage", name: "Labelled", stroke: SERIES.primary }}
      />
    </div>
  );
}
