// Payloads taken from a running backend (trimmed), shared by the component tests.
import type {
  DriftReport,
  FeatureContract,
  FeatureDrift,
  FeatureSpec,
  ModelsResponse,
  PredictionResult,
} from "../lib/types";

const numeric = (
  name: string,
  unit: string,
  minimum: number,
  maximum: number,
  example: number,
  allowMissing = false,
): FeatureSpec => ({
  name,
  type: "numeric",
  description: `${name} description`,
  unit,
  minimum,
  maximum,
  allow_missing: allowMissing,
  categories: [],
  open_categories: false,
  open_range: false,
  example,
});

export const contract: FeatureContract = {
  model_name: "fraud",
  label: "is_fraud",
  description: "Card transaction fraud: probability that a transaction is fraudulent.",
  features: [
    numeric("amount", "USD", 0, 100000, 129.99),
    { ...numeric("hour_of_day", "hour", 0, 23, 14), type: "integer" },
    {
      name: "merchant_category",
      type: "categorical",
      description: "Merchant category; new categories are accepted and counted as unseen",
      unit: null,
      minimum: null,
      maximum: null,
      allow_missing: false,
      categories: ["grocery", "electronics", "travel"],
      open_categories: true,
      open_range: false,
      example: "electronics",
    },
    {
      name: "channel",
      type: "categorical",
      description: "Where the card was used",
      unit: null,
      minimum: null,
      maximum: null,
      allow_missing: false,
      categories: ["pos", "online", "mobile", "atm"],
      open_categories: false,
      open_range: false,
      example: "online",
    },
    numeric("distance_from_home_km", "km", 0, 20040, 12.4, true),
    {
      name: "is_foreign",
      type: "boolean",
      description: "Merchant outside the cardholder's country",
      unit: null,
      minimum: null,
      maximum: null,
      allow_missing: false,
      categories: [],
      open_categories: false,
      open_range: false,
      example: false,
    },
  ],
  example: {
    amount: 129.99,
    hour_of_day: 14,
    merchant_category: "electronics",
    channel: "online",
    distance_from_home_km: 12.4,
    is_foreign: false,
  },
};

export const predictionResult: PredictionResult = {
  prediction_id: "2c4d14ec-4501-40ac-945c-8b96a17a1be7",
  transaction_id: null,
  probability: 0.03746,
  fraud_probability: 0.03746,
  decision: "legit",
  threshold: 0.33,
  model_name: "fraud",
  model_version: 1,
  variant: "production",
  path: "model",
  latency_us: 262,
  replayed: false,
  warnings: [],
};

/** GET /api/v1/models of a replica serving nothing yet, with the default gate; override parts. */
export function modelsResponse(overrides: Partial<ModelsResponse> = {}): ModelsResponse {
  return {
    model_name: "fraud",
    serving: null,
    canary: null,
    shadow: null,
    gate: {
      min_roc_auc: 0.88,
      min_f1: 0.3,
      max_regression: 0.01,
      live_min_labels: 200,
      live_window_h: 24,
    },
    retraining: [],
    aliases: [],
    versions: [],
    ...overrides,
  };
}

export function featureDrift(name: string, overrides: Partial<FeatureDrift> = {}): FeatureDrift {
  return {
    name,
    kind: "numeric",
    test: "ks",
    psi: 0.017,
    psi_bias: 0.028,
    warn_threshold: 0.128,
    alert_threshold: 0.278,
    p_value: 0.61,
    q_value: 0.99,
    drifted: false,
    severity: "none",
    n_reference: 14000,
    n_current: 325,
    ks_statistic: 0.045,
    ks_pvalue: 0.61,
    wasserstein_norm: 0.07,
    chi2_statistic: null,
    js_distance: null,
    missing_share_reference: 0,
    missing_share_current: 0,
    bins: [14.06, 21.71],
    reference_counts: [1400, 1400, 1400],
    current_counts: [32, 25, 34],
    ...overrides,
  };
}

export function driftReport(features: FeatureDrift[]): DriftReport {
  return {
    model_name: "fraud",
    model_version: 1,
    window_start: "2026-11-23T13:34:10Z",
    window_end: "2026-11-23T13:35:10Z",
    n: 325,
    sufficient: true,
    dataset_drift_share:
      features.filter((feature) => feature.drifted).length / Math.max(1, features.length),
    dataset_drifted: false,
    features: Object.fromEntries(features.map((feature) => [feature.name, feature])),
    prediction: featureDrift("prediction"),
    segments: [],
  };
}

/** The URL a fetch stub was called with, whichever form (string, URL, Request) it came in. */
export function requestUrl(input: RequestInfo | URL): URL {
  const href = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  return new URL(href, "http://local");
}

/** The JSON a fetch stub was sent (the API client always sends a string body), if any. */
export function jsonBody(init: RequestInit | undefined): unknown {
  return typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
}

/** What fetch resolves to for a JSON answer from the backend. */
export function jsonResponse(body: unknown, status = 200): Promise<Response> {
  const headers = { "Content-Type": "application/json" };
  return Promise.resolve(new Response(JSON.stringify(body), { status, headers }));
}

/** The backend's error envelope for an unknown path. */
export function notFound(message: string): Promise<Response> {
  return jsonResponse({ error: { code: "not_found", message, details: null } }, 404);
}

/** A fetch stub answering by URL path (query ignored unless the key has one). */
export function routeFetch(routes: Record<string, { status?: number; body: unknown }>) {
  return (input: RequestInfo | URL) => {
    const url = requestUrl(input);
    const route = routes[url.pathname + url.search] ?? routes[url.pathname];
    if (!route) return notFound(`no route ${url.pathname}`);
    return jsonResponse(route.body, route.status);
  };
}
