// Models: registered versions with their test-set metrics, and which alias points where.
import { Card } from "../../components/card";
import { DataTable, HeaderCell } from "../../components/data-table";
import { EmptyState, Loading } from "../../components/empty-state";
import { ErrorBanner } from "../../components/error-banner";
import { PageHeader } from "../../components/page-header";
import { formatDateTime, formatMetric, formatRelative } from "../../lib/format";
import type { ModelAlias, ModelVersion, ModelVersions, SpecChange } from "../../lib/types";
import { useModelVersions } from "./use-model-versions";
import { useNow } from "../../lib/use-now";
import { useState } from "react";
import { PromotePanel, RollbackButton, useModelActions } from "./model-actions";
import { RetrainSteps } from "./retrain-steps";
import { AliasBadge, VariantsPanel, useVariantActions } from "./variant-controls";

const METRIC_COLUMNS = [
  { key: "roc_auc", label: "ROC AUC", title: "Ranking quality: 1 = perfect, 0.5 = random" },
  { key: "pr_auc", label: "PR AUC", title: "Average precision; sensitive to the rare fraud class" },
  {
    key: "precision",
    label: "Precision",
    title: "Share of flagged transactions that were fraud (at the threshold)",
  },
  { key: "recall", label: "Recall", title: "Share of frauds that were flagged (at the threshold)" },
  { key: "f1", label: "F1", title: "Harmonic mean of precision and recall" },
  { key: "brier", label: "Brier", title: "Mean squared error of the probability; lower is better" },
  { key: "ece", label: "ECE", title: "Expected calibration error; lower is better" },
] as const;

function aliasesOf(version: number, aliases: ModelAlias[]) {
  return aliases.filter((alias) => alias.version === version);
}

interface RowProps {
  version: ModelVersion;
  aliases: ModelAlias[];
  serving: number | null;
  canPromote: boolean;
  onPromote: (version: number) => void;
}

/** What a version's spec changed against the previous version (a retrain on a new spec). */
function SpecChanges({ changes }: { changes: SpecChange[] }) {
  return (
    <details className="mt-1 text-xs text-amber-200/90">
      <summary className="cursor-pointer">
        spec changed ({changes.length} {changes.length === 1 ? "field" : "fields"})
      </summary>
      <ul className="mt-1 space-y-0.5 text-slate-400">
        {changes.map((change) => (
          <li key={change.field}>
            <code className="text-slate-300">{change.field}</code>: {specValue(change.before)} →{" "}
            {specValue(change.after)}
          </li>
        ))}
      </ul>
    </details>
  );
}

function specValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "object" && "name" in value) return `feature ${String(value.name)}`;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function VersionRow({ version, aliases, serving, canPromote, onPromote }: RowProps) {
  const now = useNow(30_000);
  const test = version.metrics.test;
  return (
    <tr
      className={`border-b border-slate-800/70 ${version.version === serving ? "bg-sky-500/5" : ""}`}
    >
      <td className="py-2 pl-4 pr-3 sm:pl-0">
        <div className="font-medium text-slate-100">v{version.version}</div>
        <div className="text-xs text-slate-500" title={version.sha256}>
          {version.kind} · {version.sha256.slice(0, 8)}
        </div>
        {version.spec_changes && version.spec_changes.length > 0 && (
          <SpecChanges changes={version.spec_changes} />
        )}
      </td>
      <td className="px-3 py-2">
        <div className="flex flex-wrap gap-1">
          {aliasesOf(version.version, aliases).map((alias) => (
            <AliasBadge key={alias.alias} alias={alias.alias} percent={alias.traffic_percent} />
          ))}
        </div>
      </td>
      <td className="px-3 py-2 text-slate-300" title={formatDateTime(version.created_at)}>
        {formatRelative(version.created_at, now)}
      </td>
      <td
        className="px-3 py-2 text-right tabular-nums text-slate-200"
        title={
          version.metrics.threshold_policy
            ? `chosen by maximising ${version.metrics.threshold_policy} on validation data`
            : undefined
        }
      >
        {version.threshold.toFixed(2)}
        {version.metrics.threshold_policy && (
          <span className="ml-1 text-xs text-slate-500">({version.metrics.threshold_policy})</span>
        )}
      </td>
      {METRIC_COLUMNS.map((column) => (
        <td key={column.key} className="px-3 py-2 text-right tabular-nums text-slate-200">
          {formatMetric(test?.[column.key])}
        </td>
      ))}
      <td className="px-3 py-2 text-slate-300">{version.metrics.evaluator ?? "—"}</td>
      {canPromote && (
        <td className="py-2 pl-3 pr-4 text-right sm:pr-0">
          {version.version !== serving && (
            <button
              type="button"
              onClick={() => onPromote(version.version)}
              className="rounded-md bg-sky-600 px-2.5 py-1 text-xs font-medium text-white hover:bg-sky-500"
            >
              Promote…
            </button>
          )}
        </td>
      )}
    </tr>
  );
}

function VersionsTable({
  models,
  canPromote,
  onPromote,
}: {
  models: ModelVersions;
  canPromote: boolean;
  onPromote: (version: number) => void;
}) {
  const versions = [...models.versions].sort((a, b) => b.version - a.version);
  const serving = models.serving?.version ?? null;
  return (
    <DataTable
      minWidth="min-w-[900px]"
      head={
        <>
          <HeaderCell edge="first">Version</HeaderCell>
          <HeaderCell>Aliases</HeaderCell>
          <HeaderCell>Trained</HeaderCell>
          <HeaderCell numeric title="Probability above which a transaction is flagged as fraud">
            Threshold
          </HeaderCell>
          {METRIC_COLUMNS.map((column) => (
            <HeaderCell key={column.key} numeric title={column.title}>
              {column.label}
            </HeaderCell>
          ))}
          <HeaderCell title="How the model is evaluated at serving time">Evaluator</HeaderCell>
          {canPromote && <HeaderCell edge="last" />}
        </>
      }
    >
      {versions.map((version) => (
        <VersionRow
          key={version.version}
          version={version}
          aliases={models.aliases}
          serving={serving}
          canPromote={canPromote}
          onPromote={onPromote}
        />
      ))}
    </DataTable>
  );
}

export function ModelsPage() {
  const { data, full, error, loading, reload } = useModelVersions({
    refreshOn: ["model", "retrain"],
    pollMs: 30_000,
  });
  // Lifecycle controls drive the default model's routes: offered for it only.
  const actions = useModelActions();
  const variants = useVariantActions();
  const canPromote = actions.canPromote && full !== undefined;
  const canRollback = actions.canRollback && full !== undefined;
  const { hasGate } = actions;
  const canCanary = variants.canCanary && full !== undefined;
  const canShadow = variants.canShadow && full !== undefined;
  const [promoting, setPromoting] = useState<number | null>(null);
  const now = useNow(30_000);
  return (
    <div className="space-y-4">
      <PageHeader title="Models">
        Every trained version of the <strong>{data?.model_name ?? "fraud"}</strong> model with its
        metrics on a held-out test set. Aliases say which version serves traffic (production), which
        answers a share of it (canary), which scores it in the background (shadow) and which is
        proposed next (candidate); the threshold is the probability above which a transaction is
        flagged.
      </PageHeader>
      {loading && <Loading />}
      {error && <ErrorBanner error={error} onRetry={reload} />}
      {data && (
        <>
          <Card
            title="Versions"
            subtitle={
              <>
                {data.serving
                  ? `Serving v${data.serving.version} (${data.serving.alias}). Test-set metrics from training; hover a column name for its meaning.`
                  : "No version is serving: promote one or run driftscope train."}
                {full?.gate && canPromote && (
                  <span className="block">
                    Promotion gate: ROC AUC ≥ {full.gate.min_roc_auc}, F1 ≥ {full.gate.min_f1}, and
                    neither more than {full.gate.max_regression} below production.
                  </span>
                )}
              </>
            }
            actions={canRollback && <RollbackButton onDone={reload} />}
          >
            {data.versions.length === 0 ? (
              <EmptyState title="No model versions yet">
                Run <code>driftscope train</code> to register one.
              </EmptyState>
            ) : (
              <VersionsTable models={data} canPromote={canPromote} onPromote={setPromoting} />
            )}
          </Card>
          {promoting !== null && (
            <PromotePanel
              key={promoting}
              version={promoting}
              hasGate={hasGate}
              onDone={reload}
              onCancel={() => setPromoting(null)}
            />
          )}
          {full && (canCanary || canShadow) && <VariantsPanel models={full} onDone={reload} />}
          {full?.retraining && full.retraining.length > 0 && (
            <RetrainSteps steps={full.retraining} />
          )}
          <Card
            title="Aliases"
            subtitle="Named pointers to versions; traffic % applies to canary aliases."
          >
            {data.aliases.length === 0 ? (
              <EmptyState title="No aliases set" compact />
            ) : (
              <ul className="divide-y divide-slate-800 text-sm">
                {data.aliases.map((alias) => (
                  <li
                    key={alias.alias}
                    className="flex flex-wrap items-center justify-between gap-2 py-2"
                  >
                    <span className="flex items-center gap-2">
                      <AliasBadge alias={alias.alias} percent={null} />
                      <span className="text-slate-200">→ v{alias.version}</span>
                      {alias.traffic_percent !== null && (
                        <span className="text-slate-400">{alias.traffic_percent}% of traffic</span>
                      )}
                    </span>
                    <span
                      className="text-xs text-slate-500"
                      title={formatDateTime(alias.updated_at)}
                    >
                      updated {formatRelative(alias.updated_at, now)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </>
      )}
    </div>
  );
}
