// What the canary and shadow controls share: the endpoints, the version picker, the section frame.
import type { ReactNode } from "react";
import { type ActionFeedback, FeedbackLine } from "../../components/admin-action";
import type { ModelsResponse } from "../../lib/types";

export const CANARY_PATH = "/api/v1/models/canary";
export const SHADOW_PATH = "/api/v1/models/shadow";
/** A text, number or select field on the dark card. */
export const inputClass =
  "rounded-md bg-slate-950 px-2 py-1.5 text-sm text-slate-100 ring-1 ring-slate-700";

/** The version to put in a role, then the controls that act with it (`children`). */
export function VersionRow({
  label,
  versions,
  value,
  onChange,
  children,
}: {
  label: string;
  versions: number[];
  value: number | "";
  onChange: (version: number) => void;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-center gap-3">
      <label className="text-xs text-slate-400">
        {label}
        <select
          aria-label={label}
          value={value}
          onChange={(event) => onChange(Number(event.target.value))}
          className={`${inputClass} ml-2`}
        >
          {versions.map((version) => (
            <option key={version} value={version}>
              v{version}
            </option>
          ))}
        </select>
      </label>
      {children}
    </div>
  );
}

/** A variant's controls: what it does now, the controls to change it, how the last change went. */
export function VariantSection({
  name,
  summary,
  feedback,
  children,
}: {
  name: string;
  summary: string;
  feedback: ActionFeedback;
  children: ReactNode;
}) {
  return (
    <section aria-label={name} className="space-y-2">
      <h3 className="text-sm font-medium text-slate-200">{name}</h3>
      <p className="text-sm text-slate-400">{summary}</p>
      {children}
      <FeedbackLine feedback={feedback} />
    </section>
  );
}

export interface VariantControlsProps {
  models: ModelsResponse;
  /** Versions that may take the role: not production, nor the other variant. */
  versions: number[];
  onDone: () => void;
}
