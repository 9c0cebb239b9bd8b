// Dataset-level drift over recent windows: share of drifted features and prediction-score PSI.
import { SERIES } from "../../components/charts";
import { EmptyState } from "../../components/empty-state";
import { SeriesLineChart } from "../../components/series-line-chart";
import { ShareAreaChart } from "../../components/share-area-chart";
import { formatStat } from "../../lib/format";
import type { DriftHistory } from "../../lib/types";
import { PSI_AXIS, WARN_THRESHOLD } from "./psi-series";
import { useModelApi } from "../../lib/model-context";

const NO_WINDOWS = (
  <EmptyState title="No windows yet" compact>
    The worker adds one point per monitoring window.
  </EmptyState>
);

export function DriftTrends() {
  const request = useModelApi<DriftHistory>("/api/v1/drift/history?feature=prediction&limit=120", {
    refreshOn: ["drift"],
    pollMs: 10_000,
  });
  const points = (request.data?.points ?? []).map((point) => ({
    ...point,
    time: Date.parse(point.window_end),
  }));
  // Both charts draw the same windows from the same request.
  const shared = {
    data: points,
    empty: points.length > 0 ? null : NO_WINDOWS,
    request,
    height: "compact",
  } as const;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ShareAreaChart
        {...shared}
        title="Dataset drift share"
        subtitle="Share of the input features flagged as drifted in each window. Past the server's dataset threshold the whole window counts as drifted and the summary tile turns red."
        label="Dataset drift share over time"
        share={{ dataKey: "dataset_drift_share", name: "Features drifted", stroke: "#f59e0b" }}
      />
      <SeriesLineChart
        {...shared}
        title="Prediction-score drift"
        subtitle="PSI of the model's fraud scores vs. training: the output can move even when no single input does."
        label="Prediction score PSI over time"
        series={[
          WARN_THRESHOLD,
          { dataKey: "prediction_psi", name: "Prediction PSI", stroke: SERIES.secondary },
        ]}
        format={formatStat}
        yAxis={PSI_AXIS}
      />
    </div>
  );
}
