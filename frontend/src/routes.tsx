// The route table: each path mounts one feature page (loaded on demand to keep the first load small).
import { type ComponentType, lazy } from "react";

/** A path, its navigation label, and its page: export `name` of the module that `load` imports. */
const route = <K extends string>(
  path: string,
  label: string,
  load: () => Promise<Record<K, ComponentType>>,
  name: K,
) => ({ path, label, component: lazy(async () => ({ default: (await load())[name] })) });

export const ROUTES = [
  route("/", "Overview", () => import("./features/overview/overview-page"), "OverviewPage"),
  route("/drift", "Drift", () => import("./features/drift/drift-page"), "DriftPage"),
  route(
    "/performance",
    "Performance",
    () => import("./features/performance/performance-page"),
    "PerformancePage",
  ),
  route("/alerts", "Alerts", () => import("./features/alerts/alerts-page"), "AlertsPage"),
  route("/models", "Models", () => import("./features/models/models-page"), "ModelsPage"),
  route("/predict", "Predict", () => import("./features/predict/predict-page"), "PredictPage"),
] as const;

export function matchRoute(pathname: string) {
  const normalised = pathname.replace(/\/+$/, "") || "/";
  return ROUTES.find((route) => route.path === normalised) ?? null;
}
