// Promote (through the gate) and roll back: shown only when /openapi.json lists those endpoints.
import { useState } from "react";
import { Card } from "../../components/card";
import { Loading } from "../../components/empty-state";
import { ErrorBanner } from "../../components/error-banner";
import { ApiError, api, describeAdminError } from "../../lib/api";
import { formatStat } from "../../lib/format";
import { findOperation, useOpenApi } from "../../lib/openapi";
import type { GateCheck, GateResult } from "../../lib/types";
import { useApi } from "../../lib/use-api";

export const PROMOTE_PATH = "/api/v1/models/{version}/promote";
export const ROLLBACK_PATH = "/api/v1/models/rollback";
export const GATE_PATH = "/api/v1/models/{version}/gate";

export function useModelActions() {
  const doc = useOpenApi();
  return {
    canPromote: findOperation(doc, "post", PROMOTE_PATH) !== null,
    canRollback: findOperation(doc, "post", ROLLBACK_PATH) !== null,
    hasGate: findOperation(doc, "get", GATE_PATH) !== null,
  };
}

type Feedback = { ok: boolean; text: string } | null;

/** Gate checks from a 422 of promote: `details` lists every check (or field errors). */
function checksOf(details: unknown): GateCheck[] {
  const list = Array.isArray(details) ? details : (details as { checks?: unknown } | null)?.checks;
  return Array.isArray(list)
    ? list.filter(
        (item): item is GateCheck => typeof item === "object" && item !== null && "name" in item,
      )
    : [];
}

function GateChecks({ checks }: { checks: GateCheck[] }) {
  return (
    <ul className="space-y-1 text-sm">
      {checks.map((check) => (
        <li key={check.name} className="flex items-start gap-2">
          <span
            aria-label={check.passed ? "passed" : "failed"}
            className={check.passed ? "text-green-400" : "text-red-400"}
          >
            {check.passed ? "✓" : "✗"}
          </span>
          <span className="text-slate-200">
            {check.message}
            {check.value !== null &&
              check.limit !== null &&
              !check.message &&
              ` (${formatStat(check.value)} vs ${formatStat(check.limit)})`}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function PromotePanel({
  version,
  hasGate,
  onDone,
  onCancel,
}: {
  version: number;
  hasGate: boolean;
  onDone: () => void;
  onCancel: () => void;
}) {
  const gate = useApi<GateResult>(hasGate ? `/api/v1/models/${version}/gate` : null);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [refused, setRefused] = useState<GateCheck[]>([]);
  const failed = gate.data?.passed === false || refused.length > 0;

  const promote = async (force: boolean) => {
    setBusy(true);
    setFeedback(null);
    try {
      await api.post(
        `/api/v1/models/${version}/promote`,
        force ? { force: true, reason } : {},
        true,
      );
      setFeedback({
        ok: true,
        text: `v${version} now serves production traffic (hot swap, no restart).`,
      });
      onDone();
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 422) setRefused(checksOf(caught.details));
      setFeedback({
        ok: false,
        text: caught instanceof ApiError ? describeAdminError(caught) : String(caught),
      });
    } finally {
      setBusy(false);
    }
  };

  const button = "rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-40";
  return (
    <Card
      title={`Promote v${version} to production`}
      subtitle="The gate compares the candidate's test metrics with the floors and with production; a failing gate needs a forced promotion with a reason (audited)."
    >
      {gate.loading && <Loading label="Running the gate…" />}
      {gate.error && <ErrorBanner error={gate.error} onRetry={gate.reload} />}
      {gate.data && (
        <div className="mb-3">
          <p
            className={`mb-1 text-sm font-medium ${gate.data.passed ? "text-green-300" : "text-red-300"}`}
          >
            Gate {gate.data.passed ? "passed" : "failed"}
          </p>
          <GateChecks checks={gate.data.checks} />
        </div>
      )}
      {refused.length > 0 && <GateChecks checks={refused} />}
      {failed && (
        <label className="mt-3 block text-xs text-slate-400">
          Reason for forcing (required)
          <input
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            maxLength={500}
            className="mt-1 w-full rounded-md bg-slate-950 px-2 py-1.5 text-sm text-slate-100 ring-1 ring-slate-700"
            placeholder="e.g. hotfix for incident 42"
          />
        </label>
      )}
      <div className="mt-3 flex flex-wrap items-center gap-2">
        {failed ? (
          <button
            type="button"
            disabled={busy || !reason.trim()}
            onClick={() => promote(true)}
            className={`${button} bg-red-600 text-white hover:bg-red-500`}
          >
            Force promote v{version}
          </button>
        ) : (
          <button
            type="button"
            disabled={busy || (hasGate && !gate.data)}
            onClick={() => promote(false)}
            className={`${button} bg-sky-600 text-white hover:bg-sky-500`}
          >
            {busy ? "Promoting…" : `Promote v${version}`}
          </button>
        )}
        <button
          type="button"
          onClick={onCancel}
          className={`${button} text-slate-300 ring-1 ring-slate-700 hover:bg-slate-800`}
        >
          Close
        </button>
        {feedback && (
          <span
            role={feedback.ok ? "status" : "alert"}
            className={`text-xs ${feedback.ok ? "text-green-300" : "text-red-300"}`}
          >
            {feedback.text}
          </span>
        )}
      </div>
    </Card>
  );
}

export function RollbackButton({ onDone }: { onDone: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const rollback = async () => {
    setBusy(true);
    setFeedback(null);
    try {
      await api.post(ROLLBACK_PATH, undefined, true);
      setFeedback({ ok: true, text: "Rolled back to the previous production version." });
      onDone();
    } catch (caught) {
      setFeedback({
        ok: false,
        text: caught instanceof ApiError ? describeAdminError(caught) : String(caught),
      });
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  const button = "rounded-md px-2.5 py-1 text-xs font-medium disabled:opacity-50";
  return (
    <span className="inline-flex flex-wrap items-center justify-end gap-2">
      {feedback && (
        <span
          role={feedback.ok ? "status" : "alert"}
          className={`text-xs ${feedback.ok ? "text-green-300" : "text-red-300"}`}
        >
          {feedback.text}
        </span>
      )}
      {confirming ? (
        <>
          <span className="text-xs text-slate-300">Serve the previous version again?</span>
          <button
            type="button"
            disabled={busy}
            onClick={rollback}
            className={`${button} bg-amber-600 text-white hover:bg-amber-500`}
          >
            {busy ? "Rolling back…" : "Yes, roll back"}
          </button>
          <button
            type="button"
            onClick={() => setConfirming(false)}
            className={`${button} text-slate-300 ring-1 ring-slate-700`}
          >
            Cancel
          </button>
        </>
      ) : (
        <button
          type="button"
          onClick={() => setConfirming(true)}
          className={`${button} text-amber-200 ring-1 ring-amber-500/40 hover:bg-amber-500/10`}
        >
          Roll back production
        </button>
      )}
    </span>
  );
}
