// One alert: what fired, on which feature, since when; acknowledge when open.
import { useState } from "react";
import { Badge } from "../../components/badge";
import { ApiError, api, describeAdminError } from "../../lib/api";
import {
  formatDateTime,
  formatPValue,
  formatRelative,
  formatStat,
  humanize,
} from "../../lib/format";
import { Link } from "../../lib/router";
import type { Alert } from "../../lib/types";
import { ALERT_SEVERITY_TONE, ALERT_STRIPE, kindLabel } from "./alert-labels";

function formatDetail(key: string, value: unknown): string {
  if (typeof value === "number")
    return /(^|_)[pq]_?value$/.test(key) ? formatPValue(value) : formatStat(value);
  if (typeof value === "string" && /^\d{4}-\d\d-\d\dT/.test(value)) return formatDateTime(value);
  return typeof value === "string" ? value : JSON.stringify(value);
}

function Details({ details }: { details: Alert["details"] }) {
  if (!details || typeof details !== "object") return null;
  const entries = Object.entries(details).filter(
    ([, value]) => value !== null && value !== undefined,
  );
  if (entries.length === 0) return null;
  return (
    <dl className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs">
      {entries.map(([key, value]) => (
        <div key={key} className="flex gap-1">
          <dt className="text-slate-500">{key.replace(/_/g, " ")}</dt>
          <dd className="tabular-nums text-slate-300">{formatDetail(key, value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function AckButton({ alert, onAcknowledged }: { alert: Alert; onAcknowledged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const acknowledge = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/v1/alerts/${alert.id}/ack`, undefined, true);
      onAcknowledged();
    } catch (caught) {
      setError(caught instanceof ApiError ? describeAdminError(caught) : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        onClick={acknowledge}
        disabled={busy}
        className="rounded-md bg-slate-800 px-3 py-1.5 text-xs font-medium text-slate-100 ring-1 ring-slate-600 hover:bg-slate-700 disabled:opacity-50"
      >
        {busy ? "Acknowledging…" : "Acknowledge"}
      </button>
      {error && (
        <p role="alert" className="max-w-xs text-right text-xs text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}

export function AlertCard({
  alert,
  now,
  onChanged,
}: {
  alert: Alert;
  now: number;
  onChanged: () => void;
}) {
  // prediction drift is about the score, which the Drift page shows under the name "prediction"
  const featureLink = alert.kind === "prediction_drift" ? "prediction" : alert.feature;
  const featureLabel =
    alert.kind === "prediction_drift" ? "Prediction score" : humanize(alert.feature ?? "");
  return (
    <li
      className="relative overflow-hidden rounded-xl bg-slate-900/70 p-4 pl-5 ring-1 ring-slate-800"
      data-alert-id={alert.id}
    >
      <span
        aria-hidden
        className={`absolute inset-y-0 left-0 w-1 ${ALERT_STRIPE[alert.severity] ?? "bg-slate-500"}`}
      />
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <Badge tone={ALERT_SEVERITY_TONE[alert.severity] ?? "neutral"}>{alert.severity}</Badge>
            <span className="text-sm font-semibold text-slate-100">{kindLabel(alert.kind)}</span>
            {featureLink && (
              <Link
                to={`/drift?feature=${encodeURIComponent(featureLink)}`}
                className="text-sm text-sky-300 hover:underline"
              >
                {featureLabel}
              </Link>
            )}
          </div>
          <p className="mt-1 text-sm text-slate-300">{alert.message}</p>
          <Details details={alert.details} />
        </div>
        <div className="flex flex-col items-end gap-2 text-right text-xs text-slate-400">
          <span title={formatDateTime(alert.first_seen)}>
            first seen {formatRelative(alert.first_seen, now)}
          </span>
          <span title={formatDateTime(alert.last_seen)}>
            last seen {formatRelative(alert.last_seen, now)}
          </span>
          {alert.acknowledged_at && (
            <span title={formatDateTime(alert.acknowledged_at)}>
              acknowledged {formatRelative(alert.acknowledged_at, now)}
            </span>
          )}
          {alert.resolved_at && (
            <span title={formatDateTime(alert.resolved_at)}>
              resolved {formatRelative(alert.resolved_at, now)}
            </span>
          )}
          {alert.status === "open" && <AckButton alert={alert} onAcknowledged={onChanged} />}
        </div>
      </div>
    </li>
  );
}
