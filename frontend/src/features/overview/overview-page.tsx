// Overview: every model at a glance (when there are several), then the chosen model's live
// traffic, the version in production, the simulator (default model), drift and alerts.
import { ErrorBanner } from "../../components/error-banner";
import { PageHeader } from "../../components/page-header";
import { isNotYetWritten } from "../../lib/api";
import { useModel, useModelApi } from "../../lib/model-context";
import type { AlertsResponse, DriftReport, PerformanceHistory } from "../../lib/types";
import { useModelVersions } from "../models/use-model-versions";
import { DriftGlance } from "./drift-glance";
import { LatestMessages } from "./latest-messages";
import { LiveTiles } from "./live-tiles";
import { ModelCard } from "./model-card";
import { ModelsTable } from "./models-table";
import { RecentAlerts } from "./recent-alerts";
import { SimulatorPanel } from "./simulator-panel";

function Intro({ several, name }: { several: boolean; name: string | null }) {
  if (!several) {
    return (
      <>
        A fraud model scoring card transactions live. Driftscope watches its traffic, compares it
        with the training data (drift), measures accuracy as true labels arrive (performance) and
        raises alerts.
      </>
    );
  }
  return (
    <>
      Every monitored model, then the one shown on every page: <strong>{name}</strong>. Driftscope
      watches each model's traffic, compares it with its training data (drift), measures accuracy as
      true labels arrive (performance) and raises alerts.
    </>
  );
}

export function OverviewPage() {
  const model = useModel();
  const several = model.models.length >= 2;
  const alerts = useModelApi<AlertsResponse>("/api/v1/alerts?status=open&limit=200", {
    refreshOn: ["alert"],
    pollMs: 10_000,
  });
  const drift = useModelApi<DriftReport>("/api/v1/drift/latest", {
    refreshOn: ["drift"],
    pollMs: 10_000,
  });
  const models = useModelVersions({ refreshOn: ["model"], pollMs: 60_000 });
  const performance = useModelApi<PerformanceHistory>("/api/v1/performance/history?limit=1", {
    refreshOn: ["performance"],
    pollMs: 10_000,
  });
  const driftMissing = isNotYetWritten(drift.error);
  const failures = [
    alerts.error,
    drift.error && !driftMissing ? drift.error : undefined,
    models.error,
  ].filter((error) => error !== undefined);

  return (
    <div className="space-y-4">
      <PageHeader title="Overview">
        <Intro several={several} name={model.name} />
      </PageHeader>
      {several && <ModelsTable models={model.models} chosen={model.name} />}
      {failures[0] && <ErrorBanner error={failures[0]} />}
      <LiveTiles alerts={alerts.data} drift={drift.data} driftMissing={driftMissing} />
      <div className="grid items-start gap-4 lg:grid-cols-3">
        <div className="min-w-0 space-y-4 lg:col-span-2">
          {model.isDefault && <SimulatorPanel />}
          <DriftGlance drift={drift.data} missing={driftMissing} />
          <LatestMessages />
        </div>
        <div className="space-y-4">
          <ModelCard models={models.data} performance={performance.data?.points.at(-1)} />
          <RecentAlerts alerts={alerts.data} />
        </div>
      </div>
    </div>
  );
}
