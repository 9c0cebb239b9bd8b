// Dataset-level drift over recent windows: share of drifted features and prediction-score PSI.
import { Area, AreaChart, Legend, Line, LineChart } from "recharts";
import { ChartCard } from "../../components/chart-card";
import { CHART, DASHED_LINE, LINE, SERIES } from "../../components/charts";
import { EmptyState } from "../../components/empty-state";
import { timeFrame } from "../../components/chart-parts";
import { formatAxisPercent, formatPercent, formatStat } from "../../lib/format";
import type { DriftHistory } from "../../lib/types";
import { useApi } from "../../lib/use-api";

const NO_WINDOWS = (
  <EmptyState title="No windows yet" compact>
    The worker adds one point per monitoring window.
  </EmptyState>
);

export function DriftTrends() {
  const request = useApi<DriftHistory>("/api/v1/drift/history?feature=prediction&limit=120", {
    refreshOn: ["drift"],
    pollMs: 10_000,
  });
  const points = (request.data?.points ?? []).map((point) => ({
    ...point,
    time: Date.parse(point.window_end),
  }));
  // Both charts draw the same windows from the same request.
  const shared = {
    empty: points.length > 0 ? null : NO_WINDOWS,
    request,
    height: "compact",
  } as const;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartCard
        {...shared}
        title="Dataset drift share"
        subtitle="Share of the input features flagged as drifted in each window. Past the server's dataset threshold the whole window counts as drifted and the summary tile turns red."
        label="Dataset drift share over time"
      >
        <AreaChart data={points} margin={CHART.margin}>
          {timeFrame(formatPercent, { domain: [0, 1], tickFormatter: formatAxisPercent })}
          <Area
            {...LINE}
            dataKey="dataset_drift_share"
            name="Features drifted"
            stroke="#f59e0b"
            fill="#f59e0b33"
          />
        </AreaChart>
      </ChartCard>
      <ChartCard
        {...shared}
        title="Prediction-score drift"
        subtitle="PSI of the model's fraud scores vs. training: the output can move even when no single input does."
        label="Prediction score PSI over time"
      >
        <LineChart data={points} margin={CHART.margin}>
          {timeFrame(formatStat, { tickFormatter: (value: number) => value.toFixed(2) })}
          <Legend {...CHART.legend} />
          <Line {...DASHED_LINE} dataKey="warn_threshold" name="Warn threshold" stroke="#fbbf24" />
          <Line
            {...LINE}
            dataKey="prediction_psi"
            name="Prediction PSI"
            stroke={SERIES.secondary}
          />
        </LineChart>
      </ChartCard>
    </div>
  );
}
