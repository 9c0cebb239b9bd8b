// The promotion gate as the models page shows it: its checks, and the reason a forced change needs.
import type { ReactNode } from "react";
import { ActionButton } from "../../components/action-button";
import { formatStat } from "../../lib/format";
import type { GateCheck } from "../../lib/types";

/** Gate checks from a refusal's `details`: a list of checks, or `{checks: [...]}` for promote. */
export function checksOf(details: unknown): GateCheck[] {
  const list = Array.isArray(details) ? details : (details as { checks?: unknown } | null)?.checks;
  return Array.isArray(list)
    ? list.filter(
        (item): item is GateCheck => typeof item === "object" && item !== null && "name" in item,
      )
    : [];
}

export function GateChecks({ checks }: { checks: GateCheck[] }) {
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

interface ForceReasonFieldProps {
  value: string;
  onChange: (reason: string) => void;
  placeholder: string;
  /** Spacing from what stands above the field. */
  className?: string;
}

/** Why a change goes past a failed gate: required, and kept in the audit event. */
export function ForceReasonField({
  value,
  onChange,
  placeholder,
  className,
}: ForceReasonFieldProps) {
  return (
    <label className={[className, "block text-xs text-slate-400"].filter(Boolean).join(" ")}>
      Reason for forcing (required)
      <input
        value={value}
        onChange={(event) => onChange(event.target.value)}
        maxLength={500}
        className="mt-1 w-full rounded-md bg-slate-950 px-2 py-1.5 text-sm text-slate-100 ring-1 ring-slate-700"
        placeholder={placeholder}
      />
    </label>
  );
}

/** Goes past a failed gate: enabled only once a reason is given. */
export function ForceButton({
  reason,
  busy,
  onForce,
  children,
}: {
  reason: string;
  busy: boolean;
  onForce: () => void;
  children: ReactNode;
}) {
  return (
    <ActionButton tone="danger" disabled={busy || !reason.trim()} onClick={onForce}>
      {children}
    </ActionButton>
  );
}
