// Performance over recent windows: realised metrics, realised vs estimated, coverage, fraud rates.
import { type ReactElement, type ReactNode, useState } from "react";
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { Card } from "../../components/card";
import { CHART, SERIES } from "../../components/charts";
import { EmptyState } from "../../components/empty-state";
import {
  formatAxisPercent as percentTick,
  formatClock,
  formatMetric,
  formatPercent,
} from "../../lib/format";
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

const timeAxis = (
  <XAxis
    dataKey="time"
    type="number"
    scale="time"
    domain={["dataMin", "dataMax"]}
    tickFormatter={formatClock}
    tick={CHART.tick}
    stroke={CHART.axis}
    minTickGap={40}
  />
);
const grid = <CartesianGrid stroke={CHART.grid} vertical={false} />;
const tooltip = (format: (value: number) => string) => (
  <Tooltip
    {...CHART.tooltip}
    labelFormatter={(value) => formatClock(Number(value))}
    formatter={(value) => (value === null || value === undefined ? "—" : format(Number(value)))}
  />
);

interface ChartCardProps {
  title: string;
  subtitle: string;
  label: string;
  actions?: ReactNode;
  /** Shown instead of the chart while there is nothing to draw. */
  empty: ReactElement | null;
  children: ReactElement;
}

/** A card holding one chart, or its empty state when there is no data yet. */
function ChartCard({ title, subtitle, label, actions, empty, children }: ChartCardProps) {
  return (
    <Card title={title} subtitle={subtitle} actions={actions}>
      {empty ?? (
        <div className="h-56" role="img" aria-label={label}>
          <ResponsiveContainer width="100%" height="100%">
            {children}
          </ResponsiveContainer>
        </div>
      )}
    </Card>
  );
}

const NO_WINDOWS = <EmptyState title="No windows yet" compact />;

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
      <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
        {grid}
        {timeAxis}
        <YAxis domain={[0, 1]} tick={CHART.tick} stroke={CHART.axis} width={40} />
        {tooltip((value) => formatMetric(value))}
        <Legend {...CHART.legend} />
        <Line
          dataKey="roc_auc"
          name="ROC AUC"
          stroke={SERIES.primary}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
        <Line
          dataKey="f1"
          name="F1"
          stroke={SERIES.secondary}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
        <Line
          dataKey="precision"
          name="Precision"
          stroke={SERIES.tertiary}
          strokeWidth={1.5}
          dot={false}
          isAnimationActive={false}
        />
        <Line
          dataKey="recall"
          name="Recall"
          stroke={SERIES.quaternary}
          strokeWidth={1.5}
          dot={false}
          isAnimationActive={false}
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
      empty={rows.length > 0 ? null : NO_WINDOWS}
    >
      <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
        {grid}
        {timeAxis}
        <YAxis domain={[0, 1]} tick={CHART.tick} stroke={CHART.axis} width={40} />
        {tooltip((value) => formatMetric(value))}
        <Legend {...CHART.legend} />
        <Line
          dataKey={`est_${metric}`}
          name={`${label} (estimated)`}
          stroke={SERIES.estimate}
          strokeDasharray="6 4"
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
        <Line
          dataKey={metric}
          name={`${label} (realised)`}
          stroke={SERIES.secondary}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
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
      empty={rows.length > 0 ? null : NO_WINDOWS}
    >
      <AreaChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
        {grid}
        {timeAxis}
        <YAxis
          domain={[0, 1]}
          tickFormatter={percentTick}
          tick={CHART.tick}
          stroke={CHART.axis}
          width={44}
        />
        {tooltip((value) => formatPercent(value))}
        <Area
          dataKey="label_coverage"
          name="Labelled"
          stroke={SERIES.primary}
          fill="#38bdf833"
          strokeWidth={2}
          isAnimationActive={false}
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
      empty={rows.length > 0 ? null : NO_WINDOWS}
    >
      <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
        {grid}
        {timeAxis}
        <YAxis tickFormatter={percentTick} tick={CHART.tick} stroke={CHART.axis} width={44} />
        {tooltip((value) => formatPercent(value))}
        <Legend {...CHART.legend} />
        <Line
          dataKey="predicted_rate"
          name="Flagged by model"
          stroke={SERIES.primary}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
        <Line
          dataKey="actual_rate"
          name="Actual (labelled)"
          stroke={SERIES.tertiary}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
        <Line
          dataKey="est_fraud_rate"
          name="Expected (estimate)"
          stroke={SERIES.estimate}
          strokeDasharray="6 4"
          strokeWidth={1.5}
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
    </ChartCard>
  );
}
