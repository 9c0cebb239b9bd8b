// The traffic simulator: is it running, at what rate, which scenario; and its controls.
import type { ReactNode } from "react";
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { Loading } from "../../components/empty-state";
import { ErrorBanner } from "../../components/error-banner";
import { formatInteger, formatRate, formatRelative } from "../../lib/format";
import { useLive } from "../../lib/live-context";
import type { SimulatorState } from "../../lib/types";
import { useApi } from "../../lib/use-api";
import { useNow } from "../../lib/use-now";
import { SimulatorControls } from "./simulator-controls";

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-sm text-slate-200">{children}</dd>
    </div>
  );
}

/** The content model's stream: its scenario and rate, or why it sends nothing. */
function ContentStream({ state }: { state: SimulatorState }) {
  const desired = state.desired.content;
  const status = state.status?.content;
  if (!desired?.running) return <span className="text-slate-400">off</span>;
  if (status && !status.served) return <Badge tone="warn">model not trained</Badge>;
  return (
    <>
      <span className="font-medium">{desired.scenario}</span>
      <span className="text-slate-500">
        {" "}
        · {formatRate(status?.actual_rate)} / {desired.rate} msg/s
      </span>
    </>
  );
}

function Status({ state }: { state: SimulatorState }) {
  const { stats } = useLive();
  const now = useNow(2_000);
  const live = stats[stats.length - 1]?.simulator; // fresher than REST when the stream is up
  const online = live?.online ?? state.online;
  const status = state.status;
  const scenario = live?.scenario ?? status?.scenario ?? state.desired.scenario;
  const phase = live?.phase ?? status?.phase;
  const actual = live?.actual_rate ?? status?.actual_rate;
  return (
    <dl className="grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-5">
      <Fact label="Simulator">
        {online ? <Badge tone="good">online</Badge> : <Badge tone="bad">offline</Badge>}
        {!state.desired.running && (
          <span className="ml-2">
            <Badge tone="warn">paused</Badge>
          </span>
        )}
        {!online && (
          <span className="mt-1 block text-xs text-slate-500">
            {state.heartbeat_at
              ? `last seen ${formatRelative(state.heartbeat_at, now)}`
              : "never seen: run driftscope simulate"}
          </span>
        )}
      </Fact>
      <Fact label="Scenario now">
        <span className="font-medium">{scenario}</span>
        {phase && phase !== scenario && <span className="text-slate-400"> → {phase}</span>}
        <span className="text-slate-500">
          {" "}
          · {(live?.intensity ?? state.desired.intensity).toFixed(1)}×
        </span>
      </Fact>
      <Fact label="Traffic (actual / target)">
        {formatRate(actual)} <span className="text-slate-500">/ {state.desired.rate}</span>
      </Fact>
      <Fact label="Content stream (mail)">
        <ContentStream state={state} />
      </Fact>
      <Fact label="Sent · labels pending">
        {formatInteger(status?.sent)}{" "}
        <span className="text-slate-500">· {formatInteger(status?.labels_pending)}</span>
      </Fact>
    </dl>
  );
}

export function SimulatorPanel() {
  const { data, error, loading, reload } = useApi<SimulatorState>("/api/v1/simulator", {
    refreshOn: ["simulator"],
    pollMs: 5_000,
  });
  return (
    <Card
      title="Traffic simulator"
      subtitle="Sends realistic transactions to the fraud model and real held-out mail to the content model, with their true labels a few seconds later. Inject a drift scenario and watch the Drift page turn amber and red; “auto” cycles through scenarios by itself."
    >
      {loading && <Loading />}
      {error && <ErrorBanner error={error} onRetry={reload} />}
      {data && (
        <div className="space-y-4">
          <Status state={data} />
          <div className="border-t border-slate-800 pt-4">
            <SimulatorControls state={data} onUpdated={reload} />
          </div>
        </div>
      )}
    </Card>
  );
}
