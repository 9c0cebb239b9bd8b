// Headline tiles: traffic, latency and flagged share from the live stream; alerts and drift from REST.
import type { ReactNode } from "react";
import { Sparkline, type SparklineProps } from "../../components/sparkline";
import { StatTile } from "../../components/stat-tile";
import { formatInteger, formatPercent, formatRate } from "../../lib/format";
import { useLive } from "../../lib/live-context";
import { useModel } from "../../lib/model-context";
import { Link } from "../../lib/router";
import { datasetSeverity } from "../../lib/severity";
import type { AlertsResponse, DriftReport, LiveStats } from "../../lib/types";
import { flaggedShare, rollingFlaggedShare } from "./live-stats";

const TONE = { none: "good", warn: "warn", alert: "bad" } as const;

const formatLatency = (ms: number | null) =>
  ms === null ? "—" : ms < 10 ? ms.toFixed(1) : Math.round(ms).toString();

function NoLiveData() {
  return <p className="flex h-9 items-center text-xs text-slate-600">no live data yet</p>;
}

function LatencyValue({ p50, p99 }: { p50: number | null; p99: number | null }) {
  return (
    <span>
      <span className="text-sky-300">{formatLatency(p50)}</span>
      <span className="text-slate-500"> / </span>
      <span className="text-violet-300">{formatLatency(p99)}</span>
      <span className="text-base font-normal text-slate-400"> ms</span>
    </span>
  );
}

type StreamReading = "total" | "rps" | "latency" | "flagged";

/** The words of a tile fed by the per-second stream; its numbers come from `readings`. */
interface StreamTile {
  reading: StreamReading;
  label: string;
  /** What the number means, in a few words. */
  hint: string;
  /** The sparkline's accessible name. */
  chart: string;
}

const STREAM_TILES: StreamTile[] = [
  {
    reading: "total",
    label: "Predictions served",
    hint: "scored since the server started",
    chart: "Total predictions, last 2 minutes",
  },
  {
    reading: "rps",
    label: "Throughput",
    hint: "requests per second, last 2 min",
    chart: "Requests per second, last 2 minutes",
  },
  {
    reading: "latency",
    label: "Latency p50 / p99",
    hint: "server time per prediction: median (blue) / 99th percentile (violet)",
    chart: "Latency p50 and p99, last 2 minutes",
  },
  {
    reading: "flagged",
    label: "Flagged as fraud",
    hint: "share of transactions, last 60 s",
    chart: "Share flagged as fraud, 10-second average",
  },
];

/** Another model's flagged tile: its positive class is not "fraud". */
const OTHER_MODEL_FLAGGED: Partial<StreamTile> = {
  label: "Flagged positive",
  hint: "share of predictions, last 60 s",
  chart: "Share flagged positive, 10-second average",
};

type Reading = { value: ReactNode } & Omit<SparklineProps, "label">;

/** Each stream tile's number now and its series over the stats held (about 2 minutes). */
function readings(stats: LiveStats[]): Record<StreamReading, Reading> {
  const latest = stats[stats.length - 1];
  const latency = latest && <LatencyValue p50={latest.p50_ms} p99={latest.p99_ms} />;
  return {
    total: {
      value: formatInteger(latest?.total),
      values: stats.map((point) => point.total),
      colour: "#94a3b8",
    },
    rps: { value: formatRate(latest?.rps), values: stats.map((point) => point.rps) },
    latency: {
      value: latency ?? "—",
      values: stats.map((point) => point.p50_ms),
      secondary: stats.map((point) => point.p99_ms),
    },
    flagged: {
      value: formatPercent(flaggedShare(stats)),
      values: rollingFlaggedShare(stats),
      colour: "#f472b6",
    },
  };
}

function LiveTile({ tile, reading, live }: { tile: StreamTile; reading: Reading; live: boolean }) {
  const { value, ...series } = reading;
  return (
    <StatTile
      label={tile.label}
      value={value}
      hint={live ? tile.hint : "waiting for the live stream"}
    >
      {live ? <Sparkline label={tile.chart} {...series} /> : <NoLiveData />}
    </StatTile>
  );
}

/** A tile that opens the page with the details behind its number. */
function TileLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Link
      to={to}
      className="block h-full rounded-xl outline-none ring-sky-500 focus-visible:ring-2"
    >
      {children}
    </Link>
  );
}

function AlertsTile({ alerts }: { alerts?: AlertsResponse }) {
  const open = alerts?.alerts.length;
  const critical = alerts?.alerts.filter((alert) => alert.severity === "critical").length ?? 0;
  const loaded = open !== undefined;
  return (
    <TileLink to="/alerts">
      <StatTile
        label="Open alerts"
        value={loaded ? open : "—"}
        tone={open ? (critical ? "bad" : "warn") : loaded ? "good" : "default"}
        hint={open ? `${critical} critical · view alerts →` : loaded ? "all clear" : "loading…"}
      />
    </TileLink>
  );
}

function DriftTile({ drift, driftMissing }: { drift?: DriftReport; driftMissing: boolean }) {
  const pending = driftMissing ? "no drift report yet — is the worker running?" : "loading…";
  return (
    <TileLink to="/drift">
      <StatTile
        label="Dataset drift"
        value={drift ? formatPercent(drift.dataset_drift_share, 0) : "—"}
        tone={drift ? TONE[datasetSeverity(drift)] : "default"}
        hint={drift ? "of features drifted in the latest window · view drift →" : pending}
      />
    </TileLink>
  );
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
  const { isDefault } = useModel();
  const now = readings(stats);
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
      {STREAM_TILES.map((tile) => (
        <LiveTile
          key={tile.reading}
          tile={
            tile.reading === "flagged" && !isDefault ? { ...tile, ...OTHER_MODEL_FLAGGED } : tile
          }
          reading={now[tile.reading]}
          live={stats.length > 0}
        />
      ))}
      <AlertsTile alerts={alerts} />
      <DriftTile drift={drift} driftMissing={driftMissing} />
    </div>
  );
}
