// The route table: each path mounts one feature page (loaded on demand to keep the first load small).
import { type ComponentType, lazy } from "react";

const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(async () => ({ default: (await load())[name] }));

export const ROUTES = [
  {
    path: "/",
    label: "Overview",
    component: page(() => import("./features/overview/overview-page"), "OverviewPage"),
  },
  {
    path: "/drift",
    label: "Drift",
    component: page(() => import("./features/drift/drift-page"), "DriftPage"),
  },
  {
    path: "/performance",
    label: "Performance",
    component: page(() => import("./features/performance/performance-page"), "PerformancePage"),
  },
  {
    path: "/alerts",
    label: "Alerts",
    component: page(() => import("./features/alerts/alerts-page"), "AlertsPage"),
  },
  {
    path: "/models",
    label: "Models",
    component: page(() => import("./features/models/models-page"), "ModelsPage"),
  },
  {
    path: "/predict",
    label: "Predict",
    component: page(() => import("./features/predict/predict-page"), "PredictPage"),
  },
] as const;

export function matchRoute(pathname: string) {
  const normalised = pathname.replace(/\/+$/, "") || "/";
  return ROUTES.find((route) => route.path === normalised) ?? null;
}
