// API payload types: the one place the dashboard describes what the backend sends.
// Written from /openapi.json (PredictionResult, Simulator*, Transaction) and, where the
// OpenAPI document only says "object", checked against real responses of each endpoint.

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

export type FeatureType = "numeric" | "integer" | "categorical" | "boolean";
export type FeatureValue = number | string | boolean | null;

export interface FeatureSpec {
  name: string;
  type: FeatureType;
  description: string;
  unit: string | null;
  minimum: number | null;
  maximum: number | null;
  allow_missing: boolean;
  categories: string[];
  open_categories: boolean;
  example: FeatureValue;
}

export interface FeatureContract {
  model_name: string;
  label: string;
  description: string;
  features: FeatureSpec[];
  example: Record<string, FeatureValue>;
}

// ---- prediction ---------------------------------------------------------------------

export type Transaction = Record<string, FeatureValue>;

export interface PredictionResult {
  prediction_id: string;
  transaction_id: string | null;
  fraud_probability: number;
  decision: "fraud" | "legit";
  threshold: number;
  model_name: string;
  model_version: number;
  /** production, or canary for the share of keys routed to it (shadow rows are never returned). */
  variant: Open<"production" | "canary">;
  path: "model" | "rules";
  /** Id of the rule that decided when path is "rules". */
  rule?: string | null;
  latency_us: number;
  replayed: boolean;
  warnings: string[];
  /** Only with ?explain=true. */
  explanation?: Explanation | null;
}

export interface Contribution {
  feature: string;
  /** The input value as sent. */
  value: FeatureValue;
  /** Share of the margin (log-odds) this feature's value moved the score. */
  contribution: number;
}

export type Explanation =
  | {
      available: true;
      method: Open<"tree_shap" | "saabas" | "linear" | "points">;
      bias: number;
      margin: number;
      /** Sorted by |contribution|, largest first. */
      contributions: Contribution[];
    }
  | { available: false; reason: string };

// ---- models -------------------------------------------------------------------------

/** Classification metrics as the trainer and the worker compute them (null: undefined, e.g. one class). */
export interface ClassificationMetrics {
  roc_auc: number | null;
  pr_auc: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  brier: number | null;
  ece: number | null;
}

export interface TestMetrics extends ClassificationMetrics {
  n?: number;
  fraud_rate?: number | null;
  predicted_rate?: number | null;
}

export interface ModelVersion {
  version: number;
  kind: string;
  created_at: Timestamp;
  threshold: number;
  sha256: string;
  metrics: {
    test?: TestMetrics;
    threshold_policy?: string;
    evaluator?: string;
    [key: string]: unknown;
  };
}

export interface ModelAlias {
  alias: string;
  version: number;
  traffic_percent: number | null;
  updated_at: Timestamp;
}

export interface ModelsResponse {
  model_name: string;
  serving: { version: number; alias: string } | null;
  /** The canary this replica routes to (percent of online traffic, sticky per key). */
  canary?: { version: number; percent: number } | null;
  /** The shadow this replica scores with, and its shadow rows logged / dropped so far. */
  shadow?: { version: number; scored: number; dropped: number } | null;
  /** Newest automatic-retraining steps (worker `retrain` events), newest first. */
  retraining?: RetrainStep[];
  /** Promotion gate settings (present once promotion exists on the server). */
  gate?: {
    min_roc_auc: number;
    min_f1: number;
    max_regression: number;
    live_min_labels?: number;
    live_window_h?: number;
  };
  aliases: ModelAlias[];
  versions: ModelVersion[];
}

export interface GateCheck {
  name: string;
  passed: boolean;
  value: number | null;
  limit: number | null;
  message: string;
}

/** One step of the worker's automatic retraining (a `retrain` event). */
export interface RetrainStep {
  id?: number;
  ts?: Timestamp;
  step: "started" | "trained" | "gate_failed" | "canary_set" | "failed";
  alert_id: number;
  alert_kind?: string;
  feature?: string | null;
  rows?: number;
  positives?: number;
  version?: number;
  roc_auc?: number | null;
  f1?: number | null;
  percent?: number;
  failing?: string[];
  error?: string;
}

/** Answer of PUT/DELETE /api/v1/models/{canary,shadow}, PUT /api/v1/models/candidate. */
export interface AliasChange {
  action: "canary" | "canary_off" | "shadow" | "shadow_off" | "candidate";
  version: number | null;
  changed: boolean;
  serving: number | null;
  canary: number | null;
  shadow: number | null;
  percent?: number;
  forced?: boolean;
}

export interface GateResult {
  version: number;
  passed: boolean;
  checks: GateCheck[];
}

// ---- drift --------------------------------------------------------------------------

export type Severity = "none" | "warn" | "alert";
export type DriftTest = Open<"ks" | "chi2">;

export interface FeatureDrift {
  name: string;
  kind: Open<FeatureType>;
  test: DriftTest;
  psi: number | null;
  psi_bias: number | null;
  warn_threshold: number;
  alert_threshold: number;
  p_value: number | null;
  q_value: number | null;
  drifted: boolean;
  severity: Severity;
  n_reference: number;
  n_current: number;
  ks_statistic: number | null;
  ks_pvalue: number | null;
  wasserstein_norm: number | null;
  chi2_statistic: number | null;
  js_distance: number | null;
  missing_share_reference: number | null;
  missing_share_current: number | null;
  bins: Array<number | string>;
  reference_counts: number[];
  current_counts: number[];
}

export interface DriftReport {
  model_name: string;
  model_version: number;
  window_start: Timestamp;
  window_end: Timestamp;
  n: number;
  sufficient: boolean;
  dataset_drift_share: number;
  dataset_drifted: boolean;
  features: Record<string, FeatureDrift>;
  prediction: FeatureDrift | null;
}

export interface DriftHistoryPoint {
  window_end: Timestamp;
  model_version: number;
  n: number;
  sufficient: boolean;
  dataset_drift_share: number;
  prediction_psi: number | null;
  // present when the history was asked for one feature
  psi?: number | null;
  drifted?: boolean;
  severity?: Severity;
  ks_statistic?: number | null;
  p_value?: number | null;
  q_value?: number | null;
  warn_threshold?: number;
  alert_threshold?: number;
}

export interface DriftHistory {
  model_name: string;
  feature: string | null;
  points: DriftHistoryPoint[];
}

export interface FeatureDistribution {
  feature: string;
  kind: string;
  window_end: Timestamp;
  model_version: number;
  labels: string[];
  reference_counts: number[];
  current_counts: number[];
  reference_share: number[];
  current_share: number[];
  psi: number | null;
  drifted: boolean;
  severity: Severity;
  test: DriftTest;
  p_value: number | null;
  q_value: number | null;
  ks_statistic: number | null;
  wasserstein_norm: number | null;
  js_distance: number | null;
  warn_threshold: number;
  alert_threshold: number;
}

// ---- performance --------------------------------------------------------------------

export interface RealisedMetrics extends ClassificationMetrics {
  n: number;
  fraud_rate: number | null;
  predicted_rate: number | null;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface EstimatedMetrics {
  precision: number | null;
  recall: number | null;
  f1: number | null;
  fraud_rate: number | null;
}

export interface PerformancePoint {
  window_start: Timestamp;
  window_end: Timestamp;
  model_version: number;
  n_predictions: number;
  n_labelled: number;
  label_coverage: number;
  predicted_rate: number | null;
  realised: RealisedMetrics | null;
  estimated: EstimatedMetrics | null;
  /** How the version served in that window (most of its rows); null for older windows. */
  variant?: "production" | "canary" | "shadow" | null;
  variants?: Record<string, number>;
}

export interface PerformanceHistory {
  model_name: string;
  points: PerformancePoint[];
}

// ---- alerts -------------------------------------------------------------------------

export type AlertStatus = "open" | "acknowledged" | "resolved";
export type AlertKind = "feature_drift" | "prediction_drift" | "performance_drop";

export interface Alert {
  id: number;
  model_name: string;
  kind: Open<AlertKind>;
  feature: string | null;
  severity: "warning" | "critical";
  status: AlertStatus;
  first_seen: Timestamp;
  last_seen: Timestamp;
  message: string;
  details: Record<string, unknown> | null;
  acknowledged_at: Timestamp | null;
  resolved_at: Timestamp | null;
}

export interface AlertsResponse {
  model_name: string;
  alerts: Alert[];
}

// ---- simulator ----------------------------------------------------------------------

export const SCENARIOS = [
  "none",
  "sudden",
  "gradual",
  "seasonal",
  "categorical",
  "concept",
  "auto",
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface SimulatorDesired {
  running: boolean;
  rate: number;
  scenario: Scenario;
  intensity: number;
  fraud_rate: number;
  features: string[] | null;
}

export interface SimulatorStatus {
  actual_rate: number;
  scenario: string;
  phase: string | null;
  sent: number;
  failed: number;
  throttled: number;
  labels_sent: number;
  labels_pending: number;
  p50_ms: number | null;
  p99_ms: number | null;
  started_at: Timestamp | null;
}

export interface SimulatorState {
  desired: SimulatorDesired;
  status: SimulatorStatus | null;
  online: boolean;
  heartbeat_at: Timestamp | null;
  desired_updated_at: Timestamp;
}

export type SimulatorUpdate = Partial<SimulatorDesired>;

// ---- health -------------------------------------------------------------------------

export interface ReadyResponse {
  status: string;
  reasons: string[];
  model: { name: string; version: number } | null;
  writer: { queue_depth: number; capacity: number; rows_written: number } | null;
}

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

export type LiveMessage =
  | { type: "snapshot"; ts: Timestamp; id?: number; data: LiveSnapshot }
  | { type: "stats"; ts: Timestamp; id?: number; data: LiveStats }
  | { type: "drift"; ts: Timestamp; id?: number; data: LiveDriftEvent }
  | {
      type: "performance";
      ts: Timestamp;
      id?: number;
      data: PerformancePoint & { sufficient_labels?: boolean };
    }
  | { type: "alert"; ts: Timestamp; id?: number; data: LiveAlertEvent }
  | {
      type: "simulator";
      ts: Timestamp;
      id?: number;
      data: { desired: SimulatorDesired; changed: string[] };
    }
  | { type: "model"; ts: Timestamp; id?: number; data: Record<string, unknown> }
  | { type: "retrain"; ts: Timestamp; id?: number; data: RetrainStep }
  | { type: "heartbeat"; ts: Timestamp; id?: number; data: Record<string, unknown> };

export type LiveMessageType = LiveMessage["type"];
