// The canary: a share of live traffic answered by another version, gated like a promotion.
import { type ReactNode, useState } from "react";
import { ActionButton } from "../../components/action-button";
import { useAdminAction } from "../../components/admin-action";
import { type NumericRange, RangeInput } from "../../components/range-input";
import { ApiError, api } from "../../lib/api";
import type { AliasChange, GateCheck } from "../../lib/types";
import { ForceButton, ForceReasonField, checksOf } from "./gate-checks";
import {
  CANARY_PATH,
  VariantSection,
  VersionRow,
  inputClass,
  type VariantControlsProps,
} from "./variant-parts";

const CANARY_SHARE: NumericRange = { min: 0, max: 100, step: 1 };

/** The canary's share of traffic: a slider for the rough figure, a box for an exact one. */
function TrafficShareField({
  percent,
  onChange,
}: {
  percent: number;
  onChange: (n: number) => void;
}) {
  return (
    <label className="flex items-center gap-2 text-xs text-slate-400">
      Traffic
      <RangeInput
        label="Canary traffic slider"
        range={CANARY_SHARE}
        value={percent}
        onChange={onChange}
      />
      <input
        type="number"
        min={CANARY_SHARE.min}
        max={CANARY_SHARE.max}
        step={0.5}
        value={percent}
        onChange={(event) => onChange(Math.min(100, Math.max(0, Number(event.target.value))))}
        aria-label="Canary traffic percent"
        className={`${inputClass} w-20`}
      />
      %
    </label>
  );
}

/** The canary's gate refused: its failed checks, and forcing with a reason. */
function RefusedCanary({
  refused,
  reason,
  onReason,
  children,
}: {
  refused: GateCheck[];
  reason: string;
  onReason: (reason: string) => void;
  children: ReactNode;
}) {
  return (
    <div className="space-y-2 rounded-lg bg-red-500/10 p-3 ring-1 ring-red-500/30">
      <ul className="text-sm text-red-200">
        {refused.map((check) => (
          <li key={check.name}>✗ {check.message}</li>
        ))}
      </ul>
      <ForceReasonField
        value={reason}
        onChange={onReason}
        placeholder="e.g. try the fix on 1% during incident 42"
      />
      {children}
    </div>
  );
}

/** Setting and removing the canary; when the gate refuses, its failed checks stay for forcing. */
function useCanaryChanges(onDone: () => void) {
  const [reason, setReason] = useState("");
  const [refused, setRefused] = useState<GateCheck[]>([]);
  const { busy, feedback, run } = useAdminAction();
  const change = (action: () => Promise<AliasChange>, success: (result: AliasChange) => string) =>
    run(action, {
      success,
      onSuccess: () => {
        setRefused([]);
        onDone();
      },
      onError: (caught) => {
        if (caught instanceof ApiError && caught.code === "gate_failed")
          setRefused(checksOf(caught.details).filter((check) => !check.passed));
      },
    });
  const setCanary = (version: number | "", percent: number, force: boolean) =>
    change(
      () =>
        api.put<AliasChange>(
          CANARY_PATH,
          { version, percent, ...(force ? { force: true, reason } : {}) },
          true,
        ),
      (result) =>
        `v${result.version} now answers ${percent}% of traffic${result.forced ? " (forced, audited)" : ""}.`,
    );
  const turnOff = () =>
    change(
      () => api.delete<AliasChange>(CANARY_PATH, true),
      () => "Canary off: production answers all traffic.",
    );
  return { busy, feedback, refused, reason, setReason, setCanary, turnOff };
}

export function CanaryControls({ models, versions, onDone }: VariantControlsProps) {
  const current = models.canary ?? null;
  const [version, setVersion] = useState<number | "">(current?.version ?? versions[0] ?? "");
  const [percent, setPercent] = useState(current?.percent ?? 10);
  const { busy, feedback, refused, reason, setReason, setCanary, turnOff } =
    useCanaryChanges(onDone);
  return (
    <VariantSection
      name="Canary"
      summary={
        current
          ? `v${current.version} answers ${current.percent}% of online traffic (sticky per transaction id, API key or IP).`
          : "No canary: production answers all traffic."
      }
      feedback={feedback}
    >
      {versions.length === 0 ? (
        <p className="text-xs text-slate-500">
          Register another version to try it on live traffic.
        </p>
      ) : (
        <VersionRow
          label="Canary version"
          versions={versions}
          value={version}
          onChange={setVersion}
        >
          <TrafficShareField percent={percent} onChange={setPercent} />
          <ActionButton
            tone="caution"
            disabled={busy || version === ""}
            onClick={() => setCanary(version, percent, false)}
          >
            Set canary
          </ActionButton>
          {current && (
            <ActionButton tone="outline" disabled={busy} onClick={turnOff}>
              Turn canary off
            </ActionButton>
          )}
        </VersionRow>
      )}
      {refused.length > 0 && (
        <RefusedCanary refused={refused} reason={reason} onReason={setReason}>
          <ForceButton
            reason={reason}
            busy={busy}
            onForce={() => setCanary(version, percent, true)}
          >
            Force canary v{version}
          </ForceButton>
        </RefusedCanary>
      )}
    </VariantSection>
  );
}
