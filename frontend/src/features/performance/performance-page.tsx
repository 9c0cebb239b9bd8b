// Performance: how well the model is doing, measured on late labels and estimated before them.
import { Card } from "../../components/card";
import { EmptyState, Loading } from "../../components/empty-state";
import { ErrorBanner } from "../../components/error-banner";
import { PageHeader } from "../../components/page-header";
import { StatTile } from "../../components/stat-tile";
import { formatInteger, formatMetric, formatPercent } from "../../lib/format";
import type {
  ModelVersions,
  PerformanceHistory,
  PerformancePoint,
  TestMetrics,
} from "../../lib/types";
import { PerformanceCharts, toRows } from "./performance-charts";
import { useModel, useModelApi, usePositiveClass } from "../../lib/model-context";
import { useModelVersions } from "../models/use-model-versions";

type Metric = "f1" | "precision" | "recall";
type Bounded = Metric | "roc_auc";

/** "95% CI 0.31–0.58" for a realised metric of a window, when the window carries intervals. */
export function intervalText(point: PerformancePoint | undefined, metric: Bounded): string | null {
  const evidence = point?.evidence;
  const bounds = evidence?.intervals[metric];
  if (!evidence || !bounds) return null;
  return `${Math.round(evidence.level * 100)}% CI ${formatMetric(bounds[0])}–${formatMetric(bounds[1])}`;
}

function servingTestMetrics(models: ModelVersions | undefined): TestMetrics | undefined {
  const version = models?.serving?.version;
  return models?.versions.find((item) => item.version === version)?.metrics.test ?? undefined;
}

/** The newest window that has realised metrics (labels arrive after the newest windows close). */
export function latestLabelled(points: PerformancePoint[]): PerformancePoint | undefined {
  return [...points].reverse().find((point) => point.realised !== null);
}

function MetricTile({
  label,
  metric,
  latest,
  labelled,
  test,
}: {
  label: string;
  metric: Metric;
  latest: PerformancePoint;
  labelled?: PerformancePoint;
  test?: TestMetrics;
}) {
  const estimated = latest.estimated?.[metric];
  const ci = intervalText(labelled, metric);
  return (
    <StatTile
      label={label}
      value={formatMetric(labelled?.realised?.[metric])}
      hint={
        <>
          {ci && <>{ci} · </>}
          estimated now <span className="text-amber-300">{formatMetric(estimated)}</span>
          {test && <> · at training {formatMetric(test[metric])}</>}
        </>
      }
    />
  );
}

function Headline({ points, test }: { points: PerformancePoint[]; test?: TestMetrics }) {
  const latest = points[points.length - 1];
  if (!latest) return null;
  const labelled = latestLabelled(points);
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
      <StatTile
        label="ROC AUC (realised)"
        value={formatMetric(labelled?.realised?.roc_auc)}
        hint={[
          intervalText(labelled, "roc_auc"),
          test ? `at training ${formatMetric(test.roc_auc)}` : null,
          "no label-free estimate",
        ]
          .filter(Boolean)
          .join(" · ")}
      />
      <MetricTile
        label="F1 (realised)"
        metric="f1"
        latest={latest}
        labelled={labelled}
        test={test}
      />
      <MetricTile
        label="Precision (realised)"
        metric="precision"
        latest={latest}
        labelled={labelled}
        test={test}
      />
      <MetricTile
        label="Recall (realised)"
        metric="recall"
        latest={latest}
        labelled={labelled}
        test={test}
      />
      <StatTile
        label="Label coverage"
        value={formatPercent(latest.label_coverage, 0)}
        hint={`${formatInteger(latest.n_labelled)} of ${formatInteger(latest.n_predictions)} predictions labelled`}
      />
    </div>
  );
}

/** Whether the newest labelled window holds enough positives for its metrics to be judged. */
export function EvidenceNote({
  labelled,
  positive,
}: {
  labelled?: PerformancePoint;
  positive: string;
}) {
  const evidence = labelled?.evidence;
  if (!evidence) return null;
  if (!evidence.sufficient) {
    return (
      <p
        role="status"
        className="rounded-xl bg-slate-800/60 p-3 text-sm text-slate-300 ring-1 ring-slate-700"
      >
        <span className="font-medium text-white">Not enough labels to judge.</span> The newest
        labelled window holds {formatInteger(evidence.positives)} labelled {positive} of the{" "}
        {formatInteger(evidence.min_positives)} needed: its realised values are shown, but no alert
        is raised on them.
      </p>
    );
  }
  return (
    <p className="text-xs text-slate-500">
      Judged on {formatInteger(evidence.positives)} labelled {positive} and{" "}
      {formatInteger(evidence.negatives)} others. A performance alert needs the whole{" "}
      {Math.round(evidence.level * 100)}% interval below the limit, so sampling noise alone does not
      page anyone.
    </p>
  );
}

function Explainer({ positive }: { positive: string }) {
  return (
    <div className="rounded-xl bg-amber-500/5 p-4 text-sm leading-relaxed text-slate-300 ring-1 ring-amber-500/20">
      <p className="font-medium text-amber-200">Why two numbers?</p>
      <p className="mt-1">
        Whether a prediction really was {positive} is only known later (for fraud a chargeback or an
        investigation; a few seconds in this demo). Until labels arrive, precision, recall and F1
        are <strong>estimated from calibrated probabilities before labels arrive</strong>: a
        calibrated score of 0.3 means 30% of such predictions are {positive}, so the expected hits
        can be counted. The estimate assumes the relation between inputs and {positive} is unchanged
        — under concept drift only the realised values drop, which is the signal to look for.
      </p>
    </div>
  );
}

export function PerformancePage() {
  const history = useModelApi<PerformanceHistory>("/api/v1/performance/history?limit=120", {
    refreshOn: ["performance"],
    pollMs: 10_000,
  });
  const models = useModelVersions({ refreshOn: ["model"] });
  const { name, isDefault } = useModel();
  const positive = usePositiveClass();
  const points = history.data?.points ?? [];
  const rows = toRows(points);
  const test = servingTestMetrics(models.data);

  return (
    <div className="space-y-4">
      <PageHeader title="Performance">
        How well the {isDefault ? "fraud" : <strong>{name}</strong>} model is doing on live traffic,
        one point per monitoring window. Realised values use the true labels that arrive late; the
        estimate (amber) is available immediately.
      </PageHeader>
      {history.loading && <Loading />}
      {history.error && <ErrorBanner error={history.error} onRetry={history.reload} />}
      {history.data && points.length === 0 && (
        <Card>
          <EmptyState title="No performance windows yet">
            The monitoring worker writes one per window once predictions flow. Start traffic (the
            simulator) and the worker (<code>driftscope worker</code>).
          </EmptyState>
        </Card>
      )}
      {points.length > 0 && (
        <>
          <Headline points={points} test={test} />
          <EvidenceNote labelled={latestLabelled(points)} positive={positive} />
          <PerformanceCharts rows={rows} positive={positive} />
          <Explainer positive={positive} />
        </>
      )}
    </div>
  );
}
