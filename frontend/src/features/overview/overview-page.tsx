// Overview: live traffic, the model in production, the simulator, drift and alerts at a glance.
import { ErrorBanner } from "../../components/error-banner";
import { PageHeader } from "../../components/page-header";
import type {
  AlertsResponse,
  DriftReport,
  ModelsResponse,
  PerformanceHistory,
} from "../../lib/types";
import { useApi } from "../../lib/use-api";
import { DriftGlance } from "./drift-glance";
import { LiveTiles } from "./live-tiles";
import { ModelCard } from "./model-card";
import { RecentAlerts } from "./recent-alerts";
import { SimulatorPanel } from "./simulator-panel";

export function OverviewPage() {
  const alerts = useApi<AlertsResponse>("/api/v1/alerts?status=open&limit=200", {
    refreshOn: ["alert"],
    pollMs: 10_000,
  });
  const drift = useApi<DriftReport>("/api/v1/drift/latest", {
    refreshOn: ["drift"],
    pollMs: 10_000,
  });
  const models = useApi<ModelsResponse>("/api/v1/models", { refreshOn: ["model"], pollMs: 60_000 });
  const performance = useApi<PerformanceHistory>("/api/v1/performance/history?limit=1", {
    refreshOn: ["performance"],
    pollMs: 10_000,
  });
  const driftMissing = drift.error?.status === 404;
  const failures = [
    alerts.error,
    drift.error && !driftMissing ? drift.error : undefined,
    models.error,
  ].filter((error) => error !== undefined);

  return (
    <div className="space-y-4">
      <PageHeader title="Overview">
        A fraud model scoring card transactions live. Driftscope watches its traffic, compares it
        with the training data (drift), measures accuracy as true labels arrive (performance) and
        raises alerts.
      </PageHeader>
      {failures[0] && <ErrorBanner error={failures[0]} />}
      <LiveTiles alerts={alerts.data} drift={drift.data} driftMissing={driftMissing} />
      <div className="grid items-start gap-4 lg:grid-cols-3">
        <div className="min-w-0 space-y-4 lg:col-span-2">
          <SimulatorPanel />
          <DriftGlance drift={drift.data} missing={driftMissing} />
        </div>
        <div className="space-y-4">
          <ModelCard models={models.data} performance={performance.data?.points.at(-1)} />
          <RecentAlerts alerts={alerts.data} />
        </div>
      </div>
    </div>
  );
}
