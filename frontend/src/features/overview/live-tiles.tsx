// Headline tiles: traffic, latency and flagged share from the live stream; alerts and drift from REST.
import { Sparkline } from "../../components/sparkline";
import { StatTile } from "../../components/stat-tile";
import { formatInteger, formatPercent, formatRate } from "../../lib/format";
import { useLive } from "../../lib/live-context";
import { Link } from "../../lib/router";
import { datasetSeverity } from "../../lib/severity";
import type { AlertsResponse, DriftReport } from "../../lib/types";
import { flaggedShare, rollingFlaggedShare } from "./live-stats";

const TONE = { none: "good", warn: "warn", alert: "bad" } as const;

const formatLatency = (ms: number | null) =>
  ms === null ? "—" : ms < 10 ? ms.toFixed(1) : Math.round(ms).toString();

function NoLiveData() {
  return <p className="flex h-9 items-center text-xs text-slate-600">no live data yet</p>;
}

export function LiveTiles({
  alerts,
  drift,
  driftMissing,
}: {
  alerts?: AlertsResponse;
  drift?: DriftReport;
  driftMissing: boolean;
}) {
  const { stats } = useLive();
  const latest = stats[stats.length - 1];
  const waiting = latest ? undefined : "waiting for the live stream";
  const openAlerts = alerts?.alerts.length;
  const critical = alerts?.alerts.filter((alert) => alert.severity === "critical").length ?? 0;
  const flagged = flaggedShare(stats);
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
      <StatTile
        label="Predictions served"
        value={formatInteger(latest?.total)}
        hint={waiting ?? "scored since the server started"}
      >
        {latest ? (
          <Sparkline
            label="Total predictions, last 2 minutes"
            values={stats.map((point) => point.total)}
            colour="#94a3b8"
          />
        ) : (
          <NoLiveData />
        )}
      </StatTile>
      <StatTile
        label="Throughput"
        value={formatRate(latest?.rps)}
        hint={waiting ?? "requests per second, last 2 min"}
      >
        {latest ? (
          <Sparkline
            label="Requests per second, last 2 minutes"
            values={stats.map((point) => point.rps)}
          />
        ) : (
          <NoLiveData />
        )}
      </StatTile>
      <StatTile
        label="Latency p50 / p99"
        value={
          latest ? (
            <span>
              <span className="text-sky-300">{formatLatency(latest.p50_ms)}</span>
              <span className="text-slate-500"> / </span>
              <span className="text-violet-300">{formatLatency(latest.p99_ms)}</span>
              <span className="text-base font-normal text-slate-400"> ms</span>
            </span>
          ) : (
            "—"
          )
        }
        hint={waiting ?? "server time per prediction: median (blue) / 99th percentile (violet)"}
      >
        {latest ? (
          <Sparkline
            label="Latency p50 and p99, last 2 minutes"
            values={stats.map((point) => point.p50_ms)}
            secondary={stats.map((point) => point.p99_ms)}
          />
        ) : (
          <NoLiveData />
        )}
      </StatTile>
      <StatTile
        label="Flagged as fraud"
        value={formatPercent(flagged)}
        hint={waiting ?? "share of transactions, last 60 s"}
      >
        {latest ? (
          <Sparkline
            label="Share flagged as fraud, 10-second average"
            values={rollingFlaggedShare(stats)}
            colour="#f472b6"
          />
        ) : (
          <NoLiveData />
        )}
      </StatTile>
      <Link
        to="/alerts"
        className="block h-full rounded-xl outline-none ring-sky-500 focus-visible:ring-2"
      >
        <StatTile
          label="Open alerts"
          value={openAlerts === undefined ? "—" : openAlerts}
          tone={openAlerts ? (critical ? "bad" : "warn") : openAlerts === 0 ? "good" : "default"}
          hint={
            openAlerts
              ? `${critical} critical · view alerts →`
              : openAlerts === 0
                ? "all clear"
                : "loading…"
          }
        />
      </Link>
      <Link
        to="/drift"
        className="block h-full rounded-xl outline-none ring-sky-500 focus-visible:ring-2"
      >
        <StatTile
          label="Dataset drift"
          value={drift ? formatPercent(drift.dataset_drift_share, 0) : "—"}
          tone={drift ? TONE[datasetSeverity(drift)] : "default"}
          hint={
            drift
              ? `of features drifted in the latest window · view drift →`
              : driftMissing
                ? "no drift report yet — is the worker running?"
                : "loading…"
          }
        />
      </Link>
    </div>
  );
}
