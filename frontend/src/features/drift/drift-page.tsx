// Drift: how far the latest window of live traffic has moved from the training reference.
import { Badge, SeverityBadge } from "../../components/badge";
import { Card } from "../../components/card";
import { EmptyState, Loading } from "../../components/empty-state";
import { ErrorBanner } from "../../components/error-banner";
import { PageHeader } from "../../components/page-header";
import { PsiLegend } from "../../components/psi-bar";
import { StatTile } from "../../components/stat-tile";
import {
  formatClock,
  formatInteger,
  formatPercent,
  formatRelative,
  formatStat,
} from "../../lib/format";
import { useSearchParam } from "../../lib/router";
import { datasetSeverity, severityOf } from "../../lib/severity";
import type { DriftReport } from "../../lib/types";
import { useNow } from "../../lib/use-now";
import { DriftTable } from "./drift-table";
import { DriftTrends } from "./drift-trends";
import { FeatureDetail } from "./feature-detail";
import { WhatMoved } from "./what-moved";
import { sortFeatures } from "./sort-features";
import { vocabularyFeatures, WordsThatMoved } from "./words-that-moved";
import { isNotYetWritten } from "../../lib/api";
import { useModelApi } from "../../lib/model-context";

const TONE = { none: "good", warn: "warn", alert: "bad" } as const;

function WindowSummary({ report }: { report: DriftReport }) {
  const now = useNow();
  const features = Object.values(report.features);
  const drifted = features.filter((feature) => feature.drifted).length;
  const share = datasetSeverity(report);
  const prediction = report.prediction;
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <StatTile
        label="Latest window ended"
        value={formatClock(report.window_end)}
        hint={`${formatRelative(report.window_end, now)} · started ${formatClock(report.window_start)} · model v${report.model_version}`}
      />
      <StatTile
        label="Transactions in window"
        value={formatInteger(report.n)}
        hint={
          report.sufficient ? "enough for a decision" : "too few: statistics shown, nothing flagged"
        }
        tone={report.sufficient ? "default" : "warn"}
      />
      <StatTile
        label="Dataset drift share"
        value={formatPercent(report.dataset_drift_share, 0)}
        hint={`${drifted} of ${features.length} features drifted${report.dataset_drifted ? " · dataset drifted" : ""}`}
        tone={TONE[share]}
      />
      <StatTile
        label="Prediction-score PSI"
        value={formatStat(prediction?.psi)}
        hint={
          prediction ? `warn at ${formatStat(prediction.warn_threshold)}` : "no scores in window"
        }
        tone={prediction ? TONE[severityOf(prediction)] : "default"}
      />
    </div>
  );
}

function NoReport() {
  return (
    <Card>
      <EmptyState title="No drift report yet — is the worker running?">
        The monitoring worker (<code>driftscope worker</code>) compares each window of live traffic
        with the training reference and writes a report. Send some traffic (the simulator does) and
        the first report appears after one window.
      </EmptyState>
    </Card>
  );
}

export function DriftPage() {
  const {
    data: report,
    error,
    loading,
    reload,
  } = useModelApi<DriftReport>("/api/v1/drift/latest", { refreshOn: ["drift"], pollMs: 10_000 });
  const [selectedParam, setSelected] = useSearchParam("feature");
  const features = report ? Object.values(report.features) : [];
  // with nothing chosen yet, show the most drifted feature so the overlay is never empty
  const selected = selectedParam ?? sortFeatures(features)[0]?.name ?? null;
  const notFound = isNotYetWritten(error);

  return (
    <div className="space-y-4">
      <PageHeader title="Drift" aside={<PsiLegend />}>
        How far the latest window of live traffic has moved from the data the model was trained on.
        A feature is flagged when its PSI (population stability index) is above the warn threshold{" "}
        <em>and</em> its statistical test is significant after correcting for testing many features
        (q &lt; α).
      </PageHeader>
      {loading && <Loading />}
      {notFound && <NoReport />}
      {error && !notFound && <ErrorBanner error={error} onRetry={reload} />}
      {report && (
        <>
          <WindowSummary report={report} />
          <WhatMoved segments={report.segments} errorSegments={report.error_segments} />
          <div className="grid gap-4 xl:grid-cols-12">
            <Card
              className="xl:col-span-7"
              title="Features, most drifted first"
              subtitle="Click a feature to see how its distribution moved. Statistic is KS D for numeric features and χ² for categorical ones; q is the p-value (shown below it) corrected for testing all features at once."
              actions={!report.sufficient && <Badge tone="warn">window too small</Badge>}
            >
              <DriftTable features={features} selected={selected} onSelect={setSelected} />
              {report.prediction && (
                <button
                  type="button"
                  onClick={() => setSelected("prediction")}
                  className={`mt-3 flex w-full items-center justify-between rounded-lg px-3 py-2 text-left text-sm ring-1 ring-slate-800 hover:bg-slate-800/50 ${selected === "prediction" ? "bg-sky-500/10" : ""}`}
                >
                  <span>
                    <span className="font-medium text-slate-100">Prediction score</span>
                    <span className="ml-2 text-xs text-slate-500">
                      the model's output · PSI {formatStat(report.prediction.psi)}
                    </span>
                  </span>
                  <SeverityBadge severity={severityOf(report.prediction)} />
                </button>
              )}
            </Card>
            <div className="min-w-0 xl:col-span-5">
              {selected && <FeatureDetail key={selected} name={selected} />}
            </div>
          </div>
          {vocabularyFeatures(report).map((feature) => (
            <WordsThatMoved key={feature.name} feature={feature} />
          ))}
        </>
      )}
      {!notFound && <DriftTrends />}
    </div>
  );
}
