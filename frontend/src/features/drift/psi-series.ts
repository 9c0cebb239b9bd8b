// What every PSI-over-time chart shares: the dashed thresholds and the Y axis's ticks.
import type { LineSeries } from "../../components/chart-parts";
import { SERIES } from "../../components/charts";

export const WARN_THRESHOLD: LineSeries<{ warn_threshold?: unknown }> = {
  dataKey: "warn_threshold",
  name: "Warn threshold",
  stroke: SERIES.warn,
  dashed: true,
};

export const ALERT_THRESHOLD: LineSeries<{ alert_threshold?: unknown }> = {
  dataKey: "alert_threshold",
  name: "Alert threshold",
  stroke: SERIES.alert,
  dashed: true,
};

/** PSI is small (0.1 warns): two decimals on the axis, the tooltip gives three. */
export const PSI_AXIS = { tickFormatter: (value: number) => value.toFixed(2) };
