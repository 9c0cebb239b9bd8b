// Alerts: what the worker raised, by status, with acknowledge; updates live from `alert` events.
import { Card } from "../../components/card";
import { EmptyState, Loading } from "../../components/empty-state";
import { ErrorBanner } from "../../components/error-banner";
import { PageHeader } from "../../components/page-header";
import { useSearchParam } from "../../lib/router";
import type { AlertStatus } from "../../lib/types";
import { useNow } from "../../lib/use-now";
import { AlertCard } from "./alert-card";
import { ALERT_LIMIT, useAlerts } from "./use-alerts";

const TABS: Array<{ status: AlertStatus; label: string; empty: string }> = [
  {
    status: "open",
    label: "Open",
    empty: "No open alerts: nothing is drifting or degrading right now.",
  },
  {
    status: "acknowledged",
    label: "Acknowledged",
    empty: "No acknowledged alerts. Acknowledging an open alert moves it here until it resolves.",
  },
  {
    status: "resolved",
    label: "Resolved",
    empty: "No resolved alerts yet. An alert resolves by itself once its condition clears.",
  },
];

const isStatus = (value: string | null): value is AlertStatus =>
  TABS.some((tab) => tab.status === value);

export function AlertsPage() {
  const [param, setParam] = useSearchParam("status");
  const status: AlertStatus = isStatus(param) ? param : "open";
  const queries = {
    open: useAlerts("open"),
    acknowledged: useAlerts("acknowledged"),
    resolved: useAlerts("resolved"),
  };
  const current = queries[status];
  const now = useNow();
  const tab = TABS.find((item) => item.status === status) ?? TABS[0]!;
  const reloadAll = () => Object.values(queries).forEach((query) => query.reload());

  return (
    <div className="space-y-4">
      <PageHeader title="Alerts">
        Raised by the monitoring worker when a feature or the prediction score drifts, or
        performance drops, for several consecutive windows (one noisy window never pages). Critical
        = past the alert threshold; warning = past the warn threshold. Acknowledge to say someone is
        on it.
      </PageHeader>
      <div
        role="tablist"
        aria-label="Alert status"
        className="flex gap-1 border-b border-slate-800"
      >
        {TABS.map((item) => {
          const count = queries[item.status].data?.alerts.length;
          const active = item.status === status;
          return (
            <button
              key={item.status}
              type="button"
              role="tab"
              aria-selected={active}
              onClick={() => setParam(item.status === "open" ? null : item.status)}
              className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${active ? "border-sky-400 text-white" : "border-transparent text-slate-400 hover:text-slate-200"}`}
            >
              {item.label}
              {count !== undefined && (
                <span
                  className={`ml-2 rounded-full px-1.5 py-0.5 text-xs ${item.status === "open" && count > 0 ? "bg-red-500/20 text-red-200" : "bg-slate-800 text-slate-300"}`}
                >
                  {count >= ALERT_LIMIT ? `${ALERT_LIMIT}+` : count}
                </span>
              )}
            </button>
          );
        })}
      </div>
      {current.loading && <Loading />}
      {current.error && <ErrorBanner error={current.error} onRetry={current.reload} />}
      {current.data && current.data.alerts.length === 0 && (
        <Card>
          <EmptyState title={tab.empty} />
        </Card>
      )}
      {current.data && current.data.alerts.length > 0 && (
        <ul className="space-y-3">
          {current.data.alerts.map((alert) => (
            <AlertCard key={alert.id} alert={alert} now={now} onChanged={reloadAll} />
          ))}
        </ul>
      )}
    </div>
  );
}
