// Performance over recent windows: realised metrics, realised vs estimated, coverage, fraud rates.
import { useState } from "react";
import { Area, AreaChart, Legend, Line, LineChart } from "recharts";
import { ChartCard } from "../../components/chart-card";
import { CHART, DASHED_LINE, LINE, SERIES } from "../../components/charts";
import { EmptyState } from "../../components/empty-state";
import { timeFrame } from "../../components/chart-parts";
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
const noWindowsIfEmpty = (rows: PerformanceRow[]) => (rows.length > 0 ? null : NO_WINDOWS);

export function RealisedChart({ rows }: { rows: PerformanceRow[] }) {
  const hasAny = rows.some((row) => row.roc_auc !== null || row.f1 !== null);
  return (
    <ChartCard
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
    >
      <LineChart data={rows} margin={CHART.margin}>
        {timeFrame(formatMetric, { domain: [0, 1], width: 40 })}
        <Legend {...CHART.legend} />
        <Line {...LINE} dataKey="roc_auc" name="ROC AUC" stroke={SERIES.primary} />
        <Line {...LINE} dataKey="f1" name="F1" stroke={SERIES.secondary} />
        <Line
          {...LINE}
          dataKey="precision"
          name="Precision"
          stroke={SERIES.tertiary}
          strokeWidth={1.5}
        />
        <Line
          {...LINE}
          dataKey="recall"
          name="Recall"
          stroke={SERIES.quaternary}
          strokeWidth={1.5}
        />
      </LineChart>
    </ChartCard>
  );
}

const METRICS = [
  { key: "f1", label: "F1" },
  { key: "precision", label: "Precision" },
  { key: "recall", label: "Recall" },
] as const;

export function EstimateChart({ rows }: { rows: PerformanceRow[] }) {
  const [metric, setMetric] = useState<(typeof METRICS)[number]["key"]>("f1");
  const label = METRICS.find((item) => item.key === metric)?.label ?? metric;
  const tabs = (
    <div role="tablist" className="flex rounded-md ring-1 ring-slate-700">
      {METRICS.map((item) => (
        <button
          key={item.key}
          type="button"
          role="tab"
          aria-selected={metric === item.key}
          onClick={() => setMetric(item.key)}
          className={`px-2 py-1 text-xs first:rounded-l-md last:rounded-r-md ${metric === item.key ? "bg-slate-700 text-white" : "text-slate-400 hover:text-slate-200"}`}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
  return (
    <ChartCard
      title="Estimated vs. realised"
      subtitle="Dashed: estimated from calibrated probabilities before labels arrive. Solid: realised once labels are in."
      actions={tabs}
      label={`${label}: estimated vs realised`}
      empty={noWindowsIfEmpty(rows)}
    >
      <LineChart data={rows} margin={CHART.margin}>
        {timeFrame(formatMetric, { domain: [0, 1], width: 40 })}
        <Legend {...CHART.legend} />
        <Line
          {...DASHED_LINE}
          dataKey={`est_${metric}`}
          name={`${label} (estimated)`}
          stroke={SERIES.estimate}
          strokeWidth={2}
        />
        <Line {...LINE} dataKey={metric} name={`${label} (realised)`} stroke={SERIES.secondary} />
      </LineChart>
    </ChartCard>
  );
}

export function CoverageChart({ rows }: { rows: PerformanceRow[] }) {
  return (
    <ChartCard
      title="Label coverage"
      subtitle="Share of the window's predictions whose true label has arrived. Realised metrics are only as good as this."
      label="Label coverage over time"
      empty={noWindowsIfEmpty(rows)}
    >
      <AreaChart data={rows} margin={CHART.margin}>
        {timeFrame(formatPercent, { domain: [0, 1], tickFormatter: percentTick })}
        <Area
          {...LINE}
          dataKey="label_coverage"
          name="Labelled"
          stroke={SERIES.primary}
          fill="#38bdf833"
        />
      </AreaChart>
    </ChartCard>
  );
}

export function FraudRateChart({ rows }: { rows: PerformanceRow[] }) {
  return (
    <ChartCard
      title="Fraud rate: flagged vs. actual"
      subtitle="Flagged: share the model called fraud. Actual: share really fraud among labelled transactions. Expected: mean calibrated probability."
      label="Predicted and actual fraud rate over time"
      empty={noWindowsIfEmpty(rows)}
    >
      <LineChart data={rows} margin={CHART.margin}>
        {timeFrame(formatPercent, { tickFormatter: percentTick })}
        <Legend {...CHART.legend} />
        <Line {...LINE} dataKey="predicted_rate" name="Flagged by model" stroke={SERIES.primary} />
        <Line {...LINE} dataKey="actual_rate" name="Actual (labelled)" stroke={SERIES.tertiary} />
        <Line
          {...DASHED_LINE}
          dataKey="est_fraud_rate"
          name="Expected (estimate)"
          stroke={SERIES.estimate}
        />
      </LineChart>
    </ChartCard>
  );
}
