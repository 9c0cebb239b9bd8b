// One feature in depth: reference vs current distribution, and its PSI over recent windows.
import {
  Bar,
  BarChart,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { SeverityBadge } from "../../components/badge";
import { Card } from "../../components/card";
import { CHART, SERIES } from "../../components/charts";
import { EmptyState, Loading } from "../../components/empty-state";
import { ErrorBanner } from "../../components/error-banner";
import { horizontalGrid, seriesLines, timeFrame } from "../../components/chart-parts";
import {
  formatAxisPercent as percentTick,
  formatInteger,
  formatPercent,
  formatPValue,
  formatStat,
  humanize,
} from "../../lib/format";
import { SEVERITY_COLOUR, severityOf } from "../../lib/severity";
import type { DriftHistory, FeatureDistribution } from "../../lib/types";
import { ALERT_THRESHOLD, PSI_AXIS, WARN_THRESHOLD } from "./psi-series";
import { testName } from "./sort-features";
import { useModelApi } from "../../lib/model-context";

const REFRESH = { refreshOn: ["drift"] as const, pollMs: 10_000 };
const BAR = { radius: [2, 2, 0, 0] as [number, number, number, number], isAnimationActive: false };

/** Bins with no data on either side (e.g. "(missing)" of a feature that is never missing) say nothing. */
export function overlayRows(distribution: FeatureDistribution) {
  return distribution.labels
    .map((label, index) => ({
      label,
      reference: distribution.reference_share[index] ?? 0,
      current: distribution.current_share[index] ?? 0,
      currentCount: distribution.current_counts[index] ?? 0,
    }))
    .filter((row) => row.reference > 0 || row.current > 0);
}

function DistributionChart({ distribution }: { distribution: FeatureDistribution }) {
  const rows = overlayRows(distribution);
  if (rows.length === 0) return <EmptyState title="No values in this window yet" compact />;
  return (
    <div
      className="h-64"
      role="img"
      aria-label={`Distribution of ${distribution.feature}: reference vs current`}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 8, left: 0 }} barGap={1}>
          {horizontalGrid}
          <XAxis
            dataKey="label"
            tick={{ ...CHART.tick, fontSize: 10 }}
            stroke={CHART.axis}
            interval={0}
            angle={rows.length > 6 ? -30 : 0}
            textAnchor={rows.length > 6 ? "end" : "middle"}
            height={rows.length > 6 ? 60 : 30}
          />
          <YAxis {...CHART.yAxis} tickFormatter={percentTick} />
          <Tooltip
            {...CHART.tooltip}
            cursor={{ fill: "#1e293b88" }}
            formatter={(value) => formatPercent(Number(value))}
          />
          <Legend {...CHART.legend} />
          <Bar {...BAR} dataKey="reference" name="Training reference" fill={SERIES.reference} />
          <Bar {...BAR} dataKey="current" name="Latest window" fill={SERIES.current} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function PsiTimeline({ history }: { history: DriftHistory }) {
  const points = history.points.filter((point) => point.psi !== undefined && point.psi !== null);
  if (points.length === 0)
    return (
      <EmptyState title="No PSI history yet" compact>
        Each monitoring window adds a point.
      </EmptyState>
    );
  const data = points.map((point) => ({ ...point, time: Date.parse(point.window_end) }));
  return (
    <div className="h-56" role="img" aria-label={`PSI of ${history.feature} over time`}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={CHART.margin}>
          {timeFrame(formatStat, PSI_AXIS)}
          <Legend {...CHART.legend} />
          {seriesLines<(typeof data)[number]>([ALERT_THRESHOLD, WARN_THRESHOLD])}
          <Line
            dataKey="psi"
            name="PSI"
            stroke={SERIES.primary}
            strokeWidth={2}
            isAnimationActive={false}
            dot={(props: {
              cx?: number;
              cy?: number;
              index?: number;
              payload?: (typeof data)[number];
            }) => (
              <circle
                key={props.index}
                cx={props.cx}
                cy={props.cy}
                r={2.5}
                fill={props.payload ? SEVERITY_COLOUR[severityOf(props.payload)] : SERIES.primary}
                stroke="none"
              />
            )}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

function Stat({ label, value, title }: { label: string; value: string; title?: string }) {
  return (
    <div title={title}>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="tabular-nums text-slate-200">{value}</dd>
    </div>
  );
}

function DistributionStats({ distribution }: { distribution: FeatureDistribution }) {
  const current = distribution.current_counts.reduce((sum, count) => sum + count, 0);
  const reference = distribution.reference_counts.reduce((sum, count) => sum + count, 0);
  return (
    <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-4">
      <Stat
        label="PSI"
        value={formatStat(distribution.psi)}
        title="Population stability index of the latest window"
      />
      <Stat
        label="Warn / alert at"
        value={`${formatStat(distribution.warn_threshold)} / ${formatStat(distribution.alert_threshold)}`}
      />
      <Stat
        label={`Test (${testName(distribution.test)})`}
        value={`q ${formatPValue(distribution.q_value)} · p ${formatPValue(distribution.p_value)}`}
      />
      <Stat
        label="Transactions"
        value={`${formatInteger(current)} now · ${formatInteger(reference)} ref.`}
      />
      {distribution.ks_statistic !== null && (
        <Stat label="KS statistic (D)" value={formatStat(distribution.ks_statistic)} />
      )}
      {distribution.wasserstein_norm !== null && (
        <Stat label="Wasserstein (÷ std)" value={formatStat(distribution.wasserstein_norm)} />
      )}
      {distribution.js_distance !== null && (
        <Stat label="Jensen–Shannon distance" value={formatStat(distribution.js_distance)} />
      )}
    </dl>
  );
}

export function FeatureDetail({ name }: { name: string }) {
  const encoded = encodeURIComponent(name);
  const distribution = useModelApi<FeatureDistribution>(
    `/api/v1/drift/features/${encoded}`,
    REFRESH,
  );
  const history = useModelApi<DriftHistory>(
    `/api/v1/drift/history?feature=${encoded}&limit=120`,
    REFRESH,
  );
  const label = name === "prediction" ? "Prediction score" : humanize(name);
  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          {label}
          {distribution.data && <SeverityBadge severity={severityOf(distribution.data)} />}
        </span>
      }
      subtitle="Where the live traffic moved: each bin's share of transactions in the training reference (grey) and in the latest window (blue). Numeric bins are the training data's deciles, so the reference is flat at about 10%."
    >
      {distribution.error && (
        <ErrorBanner error={distribution.error} onRetry={distribution.reload} />
      )}
      {distribution.loading && <Loading />}
      {distribution.data && (
        <div className="space-y-4">
          <DistributionChart distribution={distribution.data} />
          <DistributionStats distribution={distribution.data} />
        </div>
      )}
      <div className="mt-5 border-t border-slate-800 pt-4">
        <h3 className="text-sm font-semibold text-slate-100">PSI over time</h3>
        <p className="mb-2 text-xs text-slate-400">
          One point per monitoring window, coloured by status. The thresholds move with the window
          size: small windows have more sampling noise, so they need a larger PSI to count.
        </p>
        {history.error && <ErrorBanner error={history.error} onRetry={history.reload} />}
        {history.loading && <Loading />}
        {history.data && <PsiTimeline history={history.data} />}
      </div>
    </Card>
  );
}
