// Types of what the backend sends: the REST payloads are aliases of the types generated from
// its OpenAPI document (api-types.ts, `npm run gen:api-types`), narrowed only where the document
// cannot say more; the WebSocket messages (not in OpenAPI) and UI-only types are written here.

import type { components } from "./api-types";

type Schemas = components["schemas"];

/** ISO-8601 timestamp, e.g. "2026-11-23T13:35:10Z". */
export type Timestamp = string;

/** One of the known values, or a newer one the backend may add; editors still offer the known. */
export type Open<Known extends string> = Known | (string & {});

// ---- errors -------------------------------------------------------------------------

export interface FieldErrorDetail {
  field: string;
  reason: string;
  type?: string;
}

export interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}

// ---- schema (feature contract) ------------------------------------------------------

export type FeatureType = FeatureSpec["type"];
export type FeatureValue = number | string | boolean | null;
export type FeatureSpec = Schemas["FeatureSpec"];
export type FeatureContract = Schemas["FeatureContractOut"];

// ---- prediction ---------------------------------------------------------------------

export type Transaction = Record<string, FeatureValue>;
export type Contribution = Schemas["Contribution"] & { value: FeatureValue };

type ExplanationOut = Schemas["ExplanationOut"];
/** A tabular model's explanation: per-feature contributions. */
export interface FeatureExplanation {
  available: true;
  method: Exclude<NonNullable<ExplanationOut["method"]>, "tokens">;
  bias: number;
  margin: number;
  /** Sorted by |contribution|, largest first. */
  contributions: Contribution[];
}
/** One token of a text: its part of the margin and [start, end) code-point spans. */
export type TokenContribution = Schemas["TokenOut"];
/** A text model's explanation: bias + Σ positive + Σ negative + other = margin. */
export interface TokenExplanation {
  available: true;
  method: "tokens";
  bias: number;
  margin: number;
  tokens: Schemas["TokensOut"];
}
/** The server fills method, bias, margin and contributions or tokens when available, else reason. */
export type Explanation =
  FeatureExplanation | TokenExplanation | { available: false; reason: string };

export type PredictionResult = Omit<Schemas["PredictionResult"], "explanation"> & {
  /** Only with ?explain=true. */
  explanation?: Explanation | null;
};

/** GET /api/v1/predictions/recent: a model's newest predictions, newest first. */
export type RecentPredictions = Schemas["RecentPredictions"];
export type RecentPrediction = Schemas["RecentPrediction"];

// ---- models -------------------------------------------------------------------------

/** Classification metrics as the trainer and the worker compute them (null: undefined, e.g. one class). */
export type TestMetrics = Schemas["TestMetrics"];
export type SpecChange = Schemas["SpecChange"];
/** A registered version; `spec_changes` comes with GET /api/v1/models/{name} (not /models). */
export type ModelVersion = Schemas["VersionOut"] & { spec_changes?: SpecChange[] };
export type ModelAlias = Schemas["AliasOut"];
export type ModelsResponse = Schemas["ModelsOut"];
/** What every model's pages show of its versions; the default model's GET /api/v1/models adds
 * the gate, canary, shadow and retraining. */
export type ModelVersions = Pick<ModelsResponse, "model_name" | "serving" | "versions" | "aliases">;
export type GateCheck = Schemas["GateCheck"];
/** One step of the worker's automatic retraining (a `retrain` event). */
export type RetrainStep = Schemas["RetrainStep"];
/** Answer of promote, rollback, PUT/DELETE /api/v1/models/{canary,shadow}, PUT .../candidate. */
export type AliasChange = Schemas["AliasChange"];
export type GateResult = Schemas["GateResult"];

// ---- many models -------------------------------------------------------------------

/** GET /api/v1/overview: every model with a production version. */
export type Overview = Schemas["Overview"];
export type ModelGlance = Schemas["ModelGlance"];

/** One feature of a model spec (GET /api/v1/models/{name}/schema): `kind` (= `type`). */
export type SpecFeature = Schemas["SpecFeatureOut"];
/** GET /api/v1/models/{name}/schema: a model's spec; its two class names, the positive first. */
export type ModelSchema = Omit<Schemas["ModelSpecOut"], "classes"> & { classes: [string, string] };
/** What the pages read of GET /api/v1/models/{name}: the model's spec, versions and aliases. */
export type ModelDetail = Pick<Schemas["ModelOut"], "versions" | "aliases"> & { spec: ModelSchema };
/** One answer of POST /api/v1/models/{name}/predict (`fraud_probability` only for fraud). */
export type ModelPrediction = Omit<Schemas["ModelPredictionResult"], "explanation"> & {
  explanation?: Explanation | null;
};

// ---- drift --------------------------------------------------------------------------

export type Severity = Schemas["FeatureDrift"]["severity"];
export type DriftTest = Open<"ks" | "ks_binned" | "chi2" | "vocabulary_chi2">;
export type FeatureDrift = Schemas["FeatureDrift"];
export type DriftReport = Schemas["DriftReportOut"];
export type DriftHistoryPoint = Schemas["DriftHistoryPoint"];
export type DriftHistory = Schemas["DriftHistory"];
export type FeatureDistribution = Schemas["FeatureDistribution"];

// ---- performance --------------------------------------------------------------------

export type RealisedMetrics = Schemas["RealisedMetrics"];
export type EstimatedMetrics = Schemas["EstimatedMetrics"];
export type PerformancePoint = Schemas["PerformancePoint"];
export type PerformanceHistory = Schemas["PerformanceHistory"];

// ---- alerts -------------------------------------------------------------------------

export type AlertStatus = Alert["status"];
export type AlertKind = "feature_drift" | "prediction_drift" | "performance_drop";
export type Alert = Schemas["AlertOut"];
export type AlertsResponse = Schemas["AlertsPage"];

// ---- simulator ----------------------------------------------------------------------

export type SimulatorDesired = Schemas["SimulatorDesired"];
export type Scenario = SimulatorDesired["scenario"];
/** The scenarios, in the order the controls offer them (checked against the API's enum). */
export const SCENARIOS = [
  "none",
  "sudden",
  "gradual",
  "seasonal",
  "categorical",
  "concept",
  "auto",
] as const satisfies readonly Scenario[];
export type ContentScenario = Schemas["ContentDesired"]["scenario"];
export type SimulatorStatus = Schemas["SimulatorStatus"];
export type SimulatorState = Schemas["SimulatorState"];
export type SimulatorUpdate = Schemas["SimulatorUpdate"];

// ---- health -------------------------------------------------------------------------

export type ReadyResponse = Schemas["Readiness"];

// ---- WebSocket /ws/live -------------------------------------------------------------

export interface LiveModel {
  name: string;
  version: number;
  kind: string;
  created_at: Timestamp;
  threshold: number;
  metrics: Partial<TestMetrics>;
  evaluator: string | null;
  alias: string | null;
}

export interface LiveSimulatorSummary {
  online: boolean;
  rate: number;
  actual_rate: number | null;
  scenario: string;
  phase: string | null;
  intensity: number;
  running?: boolean;
}

export interface LiveStats {
  rps: number;
  p50_ms: number | null;
  p99_ms: number | null;
  fraud_rate: number | null;
  total: number;
  rules_ratio: number | null;
  queue_depth?: number;
  rows_written?: number;
  simulator?: LiveSimulatorSummary | null;
}

export interface LiveSnapshot {
  model: LiveModel | null;
  drift: DriftReport | null;
  performance: PerformancePoint | null;
  alerts: Alert[];
  simulator: SimulatorState | null;
  stats_history: LiveStats[];
}

export interface LiveDriftEvent {
  model_version: number;
  window_start: Timestamp;
  window_end: Timestamp;
  n: number;
  dataset_drift_share: number;
  dataset_drifted: boolean;
  sufficient: boolean;
  drifted_features: string[];
  features: Record<
    string,
    { psi: number | null; drifted: boolean; severity: Severity; q_value: number | null }
  >;
  prediction: { psi: number | null; drifted: boolean } | null;
}

export interface LiveAlertEvent {
  change: "opened" | "resolved" | "acknowledged";
  id: number;
  kind: string;
  feature: string | null;
  severity: "warning" | "critical";
  status: AlertStatus;
  message: string;
  first_seen: Timestamp;
  last_seen: Timestamp;
}

/** Every message names its model; one without `model` is the default model's. */
interface LiveEnvelope {
  ts: Timestamp;
  id?: number;
  model?: string;
}

export type LiveMessage = LiveEnvelope &
  (
    | { type: "snapshot"; data: LiveSnapshot }
    | { type: "stats"; data: LiveStats }
    | { type: "drift"; data: LiveDriftEvent }
    | { type: "performance"; data: PerformancePoint & { sufficient_labels?: boolean } }
    | { type: "alert"; data: LiveAlertEvent }
    | { type: "simulator"; data: { desired: SimulatorDesired; changed: string[] } }
    | { type: "model"; data: Record<string, unknown> }
    | { type: "retrain"; data: RetrainStep }
    | { type: "heartbeat"; data: Record<string, unknown> }
  );

export type LiveMessageType = LiveMessage["type"];
