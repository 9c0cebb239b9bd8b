// Recharts pieces the dashboard's charts share: the grid, the clock X axis, the Y axis, the tooltip,
// the named lines.
import { CartesianGrid, Line, Tooltip, XAxis, YAxis, type YAxisProps } from "recharts";
import { formatClock } from "../lib/format";
import { CHART, DASHED_LINE, LINE } from "./charts";

/** Horizontal lines only: the values matter, the time ticks are on the axis. */
export const horizontalGrid = <CartesianGrid key="grid" stroke={CHART.grid} vertical={false} />;

/**
 * The frame of every chart over monitoring windows (rows carry `time`, ms since epoch of the
 * window's end): grid, clock X axis, a Y axis (`yAxis` adds domain and tick format) and a
 * tooltip headed by the window's clock time, showing values through `format`.
 */
export function timeFrame(format: (value: number) => string, yAxis: YAxisProps = {}) {
  return [
    horizontalGrid,
    <XAxis
      key="x"
      dataKey="time"
      type="number"
      scale="time"
      domain={["dataMin", "dataMax"]}
      tickFormatter={formatClock}
      tick={CHART.tick}
      stroke={CHART.axis}
      minTickGap={40}
    />,
    <YAxis key="y" {...CHART.yAxis} {...yAxis} />,
    <Tooltip
      key="tooltip"
      {...CHART.tooltip}
      labelFormatter={(value) => formatClock(Number(value))}
      // A gap (no value in that window) reads "—" rather than 0.
      formatter={(value) => (value === null || value === undefined ? "—" : format(Number(value)))}
    />,
  ];
}

/** One named series of a line chart, read from each row's `dataKey`. */
export interface LineSeries<Row> {
  dataKey: Extract<keyof Row, string>;
  /** Shown in the legend and the tooltip. */
  name: string;
  stroke: string;
  /** A threshold or an estimate (DASHED_LINE) rather than a measured value (LINE). */
  dashed?: boolean;
  /** Overrides the look's width, e.g. thinner lines for secondary series. */
  strokeWidth?: number;
}

/** The series as Recharts lines, drawn in the given order: later ones on top. */
export function seriesLines<Row>(series: readonly LineSeries<Row>[]) {
  return series.map(({ dashed, strokeWidth, ...line }) => {
    const look = dashed ? DASHED_LINE : LINE;
    return (
      <Line key={line.dataKey} {...look} {...line} strokeWidth={strokeWidth ?? look.strokeWidth} />
    );
  });
}
