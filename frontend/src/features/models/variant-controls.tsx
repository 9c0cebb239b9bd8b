// Canary (share of traffic, gated) and shadow (scores every request off the path) controls:
// shown only when /openapi.json lists PUT /api/v1/models/canary and /shadow.
import { useState } from "react";
import { Badge, type Tone } from "../../components/badge";
import { Card } from "../../components/card";
import { ApiError, api, describeAdminError } from "../../lib/api";
import { findOperation, useOpenApi } from "../../lib/openapi";
import type { AliasChange, GateCheck, ModelsResponse } from "../../lib/types";

export const CANARY_PATH = "/api/v1/models/canary";
export const SHADOW_PATH = "/api/v1/models/shadow";

const ALIAS_TONES: Record<string, Tone> = {
  production: "good",
  canary: "warn",
  shadow: "neutral",
  candidate: "info",
};
const ALIAS_TITLES: Record<string, string> = {
  production: "Answers online traffic",
  canary: "Answers this share of online traffic (sticky per transaction id, API key or IP)",
  shadow: "Scores every online transaction too; logged, never returned",
  candidate: "Proposed next production version (e.g. trained by automatic retraining)",
  previous: "Production before the last promotion: the rollback target",
};

export function AliasBadge({ alias, percent }: { alias: string; percent: number | null }) {
  return (
    <Badge tone={ALIAS_TONES[alias] ?? "info"} title={ALIAS_TITLES[alias]}>
      {alias}
      {percent !== null ? ` ${percent}%` : ""}
    </Badge>
  );
}

export function useVariantActions() {
  const doc = useOpenApi();
  return {
    canCanary: findOperation(doc, "put", CANARY_PATH) !== null,
    canShadow: findOperation(doc, "put", SHADOW_PATH) !== null,
  };
}

type Feedback = { ok: boolean; text: string } | null;

function failedChecks(details: unknown): GateCheck[] {
  if (!Array.isArray(details)) return [];
  return details.filter(
    (item): item is GateCheck =>
      typeof item === "object" && item !== null && "passed" in item && !(item as GateCheck).passed,
  );
}

const input = "rounded-md bg-slate-950 px-2 py-1.5 text-sm text-slate-100 ring-1 ring-slate-700";
const button = "rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-40";

function VersionSelect({
  label,
  versions,
  value,
  onChange,
}: {
  label: string;
  versions: number[];
  value: number | "";
  onChange: (version: number) => void;
}) {
  return (
    <label className="text-xs text-slate-400">
      {label}
      <select
        aria-label={label}
        value={value}
        onChange={(event) => onChange(Number(event.target.value))}
        className={`${input} ml-2`}
      >
        {versions.map((version) => (
          <option key={version} value={version}>
            v{version}
          </option>
        ))}
      </select>
    </label>
  );
}

function StatusLine({ feedback }: { feedback: Feedback }) {
  if (!feedback) return null;
  return (
    <span
      role={feedback.ok ? "status" : "alert"}
      className={`text-xs ${feedback.ok ? "text-green-300" : "text-red-300"}`}
    >
      {feedback.text}
    </span>
  );
}

function CanaryControls({
  models,
  versions,
  onDone,
}: {
  models: ModelsResponse;
  versions: number[];
  onDone: () => void;
}) {
  const current = models.canary ?? null;
  const [version, setVersion] = useState<number | "">(current?.version ?? versions[0] ?? "");
  const [percent, setPercent] = useState(current?.percent ?? 10);
  const [reason, setReason] = useState("");
  const [refused, setRefused] = useState<GateCheck[]>([]);
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);

  const run = async (action: () => Promise<AliasChange>, done: (result: AliasChange) => string) => {
    setBusy(true);
    setFeedback(null);
    try {
      const result = await action();
      setRefused([]);
      setFeedback({ ok: true, text: done(result) });
      onDone();
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === "gate_failed")
        setRefused(failedChecks(caught.details));
      setFeedback({ ok: false, text: describeAdminError(caught) });
    } finally {
      setBusy(false);
    }
  };
  const setCanary = (force: boolean) =>
    run(
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
    run(
      () => api.delete<AliasChange>(CANARY_PATH, true),
      () => "Canary off: production answers all traffic.",
    );

  return (
    <section aria-label="Canary" className="space-y-2">
      <h3 className="text-sm font-medium text-slate-200">Canary</h3>
      <p className="text-sm text-slate-400">
        {current
          ? `v${current.version} answers ${current.percent}% of online traffic (sticky per transaction id, API key or IP).`
          : "No canary: production answers all traffic."}
      </p>
      {versions.length === 0 ? (
        <p className="text-xs text-slate-500">
          Register another version to try it on live traffic.
        </p>
      ) : (
        <div className="flex flex-wrap items-center gap-3">
          <VersionSelect
            label="Canary version"
            versions={versions}
            value={version}
            onChange={setVersion}
          />
          <label className="flex items-center gap-2 text-xs text-slate-400">
            Traffic
            <input
              type="range"
              min={0}
              max={100}
              step={1}
              value={percent}
              onChange={(event) => setPercent(Number(event.target.value))}
              aria-label="Canary traffic slider"
            />
            <input
              type="number"
              min={0}
              max={100}
              step={0.5}
              value={percent}
              onChange={(event) =>
                setPercent(Math.min(100, Math.max(0, Number(event.target.value))))
              }
              aria-label="Canary traffic percent"
              className={`${input} w-20`}
            />
            %
          </label>
          <button
            type="button"
            disabled={busy || version === ""}
            onClick={() => setCanary(false)}
            className={`${button} bg-amber-600 text-white hover:bg-amber-500`}
          >
            Set canary
          </button>
          {current && (
            <button
              type="button"
              disabled={busy}
              onClick={turnOff}
              className={`${button} text-slate-300 ring-1 ring-slate-700 hover:bg-slate-800`}
            >
              Turn canary off
            </button>
          )}
        </div>
      )}
      {refused.length > 0 && (
        <div className="space-y-2 rounded-lg bg-red-500/10 p-3 ring-1 ring-red-500/30">
          <ul className="text-sm text-red-200">
            {refused.map((check) => (
              <li key={check.name}>✗ {check.message}</li>
            ))}
          </ul>
          <label className="block text-xs text-slate-400">
            Reason for forcing (required)
            <input
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              maxLength={500}
              className={`${input} mt-1 w-full`}
              placeholder="e.g. try the fix on 1% during incident 42"
            />
          </label>
          <button
            type="button"
            disabled={busy || !reason.trim()}
            onClick={() => setCanary(true)}
            className={`${button} bg-red-600 text-white hover:bg-red-500`}
          >
            Force canary v{version}
          </button>
        </div>
      )}
      <StatusLine feedback={feedback} />
    </section>
  );
}

function ShadowControls({
  models,
  versions,
  onDone,
}: {
  models: ModelsResponse;
  versions: number[];
  onDone: () => void;
}) {
  const current = models.shadow ?? null;
  const [version, setVersion] = useState<number | "">(current?.version ?? versions[0] ?? "");
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const run = async (action: () => Promise<AliasChange>, text: string) => {
    setBusy(true);
    setFeedback(null);
    try {
      await action();
      setFeedback({ ok: true, text });
      onDone();
    } catch (caught) {
      setFeedback({ ok: false, text: describeAdminError(caught) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-label="Shadow" className="space-y-2">
      <h3 className="text-sm font-medium text-slate-200">Shadow</h3>
      <p className="text-sm text-slate-400">
        {current
          ? `v${current.version} scores every online transaction off the request path: ${current.scored.toLocaleString()} logged, ${current.dropped.toLocaleString()} dropped under load.`
          : "No shadow model."}
      </p>
      {versions.length > 0 && (
        <div className="flex flex-wrap items-center gap-3">
          <VersionSelect
            label="Shadow version"
            versions={versions}
            value={version}
            onChange={setVersion}
          />
          <button
            type="button"
            disabled={busy || version === ""}
            onClick={() =>
              run(
                () => api.put<AliasChange>(SHADOW_PATH, { version }, true),
                `v${version} now scores in shadow.`,
              )
            }
            className={`${button} bg-slate-600 text-white hover:bg-slate-500`}
          >
            Set shadow
          </button>
          {current && (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                run(() => api.delete<AliasChange>(SHADOW_PATH, true), "Shadow scoring off.")
              }
              className={`${button} text-slate-300 ring-1 ring-slate-700 hover:bg-slate-800`}
            >
              Turn shadow off
            </button>
          )}
        </div>
      )}
      <StatusLine feedback={feedback} />
    </section>
  );
}

export function VariantsPanel({ models, onDone }: { models: ModelsResponse; onDone: () => void }) {
  const serving = models.serving?.version ?? null;
  const others = models.versions
    .map((v) => v.version)
    .filter((v) => v !== serving)
    .sort((a, b) => b - a);
  return (
    <Card
      title="Canary and shadow"
      subtitle="Try a version on live traffic before promoting it: a canary answers a share of requests (gated like a promotion); a shadow scores every request without answering."
    >
      <div className="space-y-5">
        <CanaryControls
          key={`canary-${models.canary?.version ?? "none"}`}
          models={models}
          versions={others}
          onDone={onDone}
        />
        <ShadowControls
          key={`shadow-${models.shadow?.version ?? "none"}`}
          models={models}
          versions={others.filter((v) => v !== models.canary?.version)}
          onDone={onDone}
        />
      </div>
    </Card>
  );
}
