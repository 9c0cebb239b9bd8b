// The newest open alerts, with a link to the Alerts page.
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { CardLink } from "../../components/card-link";
import { EmptyState, Loading } from "../../components/empty-state";
import { formatRelative } from "../../lib/format";
import type { AlertsResponse } from "../../lib/types";
import { useNow } from "../../lib/use-now";
import { ALERT_SEVERITY_TONE, kindLabel } from "../alerts/alert-labels";

export function RecentAlerts({ alerts }: { alerts?: AlertsResponse }) {
  const now = useNow();
  const newest = [...(alerts?.alerts ?? [])]
    .sort((a, b) => Date.parse(b.last_seen) - Date.parse(a.last_seen))
    .slice(0, 4);
  return (
    <Card
      title="Open alerts"
      subtitle="Raised after several bad windows in a row."
      actions={<CardLink to="/alerts">all alerts</CardLink>}
    >
      {!alerts && <Loading />}
      {alerts && newest.length === 0 && (
        <EmptyState title="No open alerts" compact>
          All clear: nothing is drifting or degrading.
        </EmptyState>
      )}
      <ul className="space-y-2">
        {newest.map((alert) => (
          <li key={alert.id} className="rounded-lg bg-slate-950/50 p-2.5 ring-1 ring-slate-800">
            <div className="flex items-center justify-between gap-2">
              <span className="flex items-center gap-2">
                <Badge tone={ALERT_SEVERITY_TONE[alert.severity] ?? "neutral"}>
                  {alert.severity}
                </Badge>
                <span className="text-sm text-slate-200">{kindLabel(alert.kind)}</span>
              </span>
              <span className="text-xs text-slate-500">
                {formatRelative(alert.first_seen, now)}
              </span>
            </div>
            <p className="mt-1 truncate text-xs text-slate-400" title={alert.message}>
              {alert.message}
            </p>
          </li>
        ))}
      </ul>
    </Card>
  );
}
