// Alerts of one status, refetched when an `alert` event arrives (or by polling without the stream).
import type { AlertStatus, AlertsResponse } from "../../lib/types";
import { useModelApi } from "../../lib/model-context";

export const ALERT_LIMIT = 200;

export function useAlerts(status: AlertStatus) {
  return useModelApi<AlertsResponse>(`/api/v1/alerts?status=${status}&limit=${ALERT_LIMIT}`, {
    refreshOn: ["alert"],
    pollMs: 10_000,
  });
}
