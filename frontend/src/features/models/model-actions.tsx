// Promote (through the gate) and roll back: shown only when /openapi.json lists those endpoints.
import { useState } from "react";
import { ActionButton } from "../../components/action-button";
import { FeedbackLine, useAdminAction } from "../../components/admin-action";
import { Card } from "../../components/card";
import { Loading } from "../../components/empty-state";
import { ErrorBanner } from "../../components/error-banner";
import { ApiError, api } from "../../lib/api";
import { findOperation, useOpenApi } from "../../lib/openapi";
import type { GateCheck, GateResult } from "../../lib/types";
import { type ApiState, useApi } from "../../lib/use-api";
import { ForceButton, ForceReasonField, GateChecks, checksOf } from "./gate-checks";

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

/** The gate's verdict on the candidate, once it has run. */
function GateVerdict({ gate }: { gate: ApiState<GateResult> }) {
  return (
    <>
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
    </>
  );
}

interface PromotePanelProps {
  version: number;
  hasGate: boolean;
  onDone: () => void;
  onCancel: () => void;
}

/** Promoting `version`; a refusal by the gate (422) keeps its checks to show before forcing. */
function usePromotion(version: number, onDone: () => void) {
  const [reason, setReason] = useState("");
  const [refused, setRefused] = useState<GateCheck[]>([]);
  const { busy, feedback, run } = useAdminAction();
  const promote = (force: boolean) =>
    run(
      () =>
        api.post(`/api/v1/models/${version}/promote`, force ? { force: true, reason } : {}, true),
      {
        success: `v${version} now serves production traffic (hot swap, no restart).`,
        onSuccess: onDone,
        onError: (caught) => {
          if (caught instanceof ApiError && caught.status === 422)
            setRefused(checksOf(caught.details));
        },
      },
    );
  return { busy, feedback, refused, reason, setReason, promote };
}

export function PromotePanel({ version, hasGate, onDone, onCancel }: PromotePanelProps) {
  const gate = useApi<GateResult>(hasGate ? `/api/v1/models/${version}/gate` : null);
  const { busy, feedback, refused, reason, setReason, promote } = usePromotion(version, onDone);
  const failed = gate.data?.passed === false || refused.length > 0;

  return (
    <Card
      title={`Promote v${version} to production`}
      subtitle="The gate compares the candidate's test metrics with the floors and with production; a failing gate needs a forced promotion with a reason (audited)."
    >
      <GateVerdict gate={gate} />
      {refused.length > 0 && <GateChecks checks={refused} />}
      {failed && (
        <ForceReasonField
          className="mt-3"
          value={reason}
          onChange={setReason}
          placeholder="e.g. hotfix for incident 42"
        />
      )}
      <div className="mt-3 flex flex-wrap items-center gap-2">
        {failed ? (
          <ForceButton reason={reason} busy={busy} onForce={() => promote(true)}>
            Force promote v{version}
          </ForceButton>
        ) : (
          <ActionButton
            tone="primary"
            disabled={busy || (hasGate && !gate.data)}
            onClick={() => promote(false)}
          >
            {busy ? "Promoting…" : `Promote v${version}`}
          </ActionButton>
        )}
        <ActionButton tone="outline" onClick={onCancel}>
          Close
        </ActionButton>
        <FeedbackLine feedback={feedback} />
      </div>
    </Card>
  );
}

export function RollbackButton({ onDone }: { onDone: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const { busy, feedback, run } = useAdminAction();
  const rollback = async () => {
    await run(() => api.post(ROLLBACK_PATH, undefined, true), {
      success: "Rolled back to the previous production version.",
      onSuccess: onDone,
    });
    setConfirming(false);
  };
  return (
    <span className="inline-flex flex-wrap items-center justify-end gap-2">
      <FeedbackLine feedback={feedback} />
      {confirming ? (
        <>
          <span className="text-xs text-slate-300">Serve the previous version again?</span>
          <ActionButton tone="caution" size="sm" disabled={busy} onClick={rollback}>
            {busy ? "Rolling back…" : "Yes, roll back"}
          </ActionButton>
          <ActionButton tone="plain" size="sm" onClick={() => setConfirming(false)}>
            Cancel
          </ActionButton>
        </>
      ) : (
        <ActionButton tone="cautionOutline" size="sm" onClick={() => setConfirming(true)}>
          Roll back production
        </ActionButton>
      )}
    </span>
  );
}
