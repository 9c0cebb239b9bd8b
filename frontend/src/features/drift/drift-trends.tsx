// Dataset-level drift over recent windows: share of drifted features and prediction-score PSI.
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
import { EmptyState, Loading } from "../../components/empty-state";
import { ErrorBanner } from "../../components/error-banner";
import { formatAxisPercent, formatClock, formatPercent, formatStat } from "../../lib/format";
import type { DriftHistory } from "../../lib/types";
import { useApi } from "../../lib/use-api";

const axisTime = {
  dataKey: "time",
  type: "number" as const,
  scale: "time" as const,
  domain: ["dataMin", "dataMax"] as [string, string],
  tickFormatter: formatClock,
  tick: CHART.tick,
  stroke: CHART.axis,
  minTickGap: 40,
};

export function DriftTrends() {
  const { data, error, loading, reload } = useApi<DriftHistory>(
    "/api/v1/drift/history?feature=prediction&limit=120",
    {
      refreshOn: ["drift"],
      pollMs: 10_000,
    },
  );
  const points = (data?.points ?? []).map((point) => ({
    ...point,
    time: Date.parse(point.window_end),
  }));
  const empty = !loading && !error && points.length === 0;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card
        title="Dataset drift share"
        subtitle="Share of the input features flagged as drifted in each window. Past the server's dataset threshold the whole window counts as drifted and the summary tile turns red."
      >
        {error && <ErrorBanner error={error} onRetry={reload} />}
        {loading && <Loading />}
        {empty && (
          <EmptyState title="No windows yet" compact>
            The worker adds one point per monitoring window.
          </EmptyState>
        )}
        {points.length > 0 && (
          <div className="h-48" role="img" aria-label="Dataset drift share over time">
            <ResponsiveContainer width="100%" height="100%">
              <AreaChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={CHART.grid} vertical={false} />
                <XAxis {...axisTime} />
                <YAxis
                  domain={[0, 1]}
                  tickFormatter={formatAxisPercent}
                  tick={CHART.tick}
                  stroke={CHART.axis}
                  width={44}
                />
                <Tooltip
                  {...CHART.tooltip}
                  labelFormatter={(value) => formatClock(Number(value))}
                  formatter={(value) => formatPercent(Number(value))}
                />
                <Area
                  dataKey="dataset_drift_share"
                  name="Features drifted"
                  stroke="#f59e0b"
                  fill="#f59e0b33"
                  strokeWidth={2}
                  isAnimationActive={false}
                />
              </AreaChart>
            </ResponsiveContainer>
          </div>
        )}
      </Card>
      <Card
        title="Prediction-score drift"
        subtitle="PSI of the model's fraud scores vs. training: the output can move even when no single input does."
      >
        {error && <ErrorBanner error={error} onRetry={reload} />}
        {loading && <Loading />}
        {empty && (
          <EmptyState title="No windows yet" compact>
            The worker adds one point per monitoring window.
          </EmptyState>
        )}
        {points.length > 0 && (
          <div className="h-48" role="img" aria-label="Prediction score PSI over time">
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={CHART.grid} vertical={false} />
                <XAxis {...axisTime} />
                <YAxis
                  tick={CHART.tick}
                  stroke={CHART.axis}
                  width={44}
                  tickFormatter={(value: number) => value.toFixed(2)}
                />
                <Tooltip
                  {...CHART.tooltip}
                  labelFormatter={(value) => formatClock(Number(value))}
                  formatter={(value) => formatStat(Number(value))}
                />
                <Legend {...CHART.legend} />
                <Line
                  dataKey="warn_threshold"
                  name="Warn threshold"
                  stroke="#fbbf24"
                  strokeDasharray="6 4"
                  dot={false}
                  strokeWidth={1.5}
                  isAnimationActive={false}
                />
                <Line
                  dataKey="prediction_psi"
                  name="Prediction PSI"
                  stroke={SERIES.secondary}
                  strokeWidth={2}
                  dot={false}
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </div>
        )}
      </Card>
    </div>
  );
}
