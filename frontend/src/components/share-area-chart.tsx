// A ChartCard over monitoring windows drawing one share (0–100 %) as a filled area.
import { Area } from "recharts";
import { formatAxisPercent, formatPercent } from "../lib/format";
import { TimeChartCard, type TimeChartCardProps } from "./chart-card";
import type { LineSeries } from "./chart-parts";
import { LINE } from "./charts";

/** The share in [0, 1] read from each row; `stroke` is a hex colour (#rrggbb), filled under at 20 %. */
export type ShareSeries<Row> = Pick<LineSeries<Row>, "dataKey" | "name" | "stroke">;

export interface ShareAreaChartProps<Row> extends Omit<
  TimeChartCardProps<Row>,
  "children" | "format" | "yAxis"
> {
  share: ShareSeries<NoInfer<Row>>;
}

const SHARE_AXIS = { domain: [0, 1], tickFormatter: formatAxisPercent };

export function ShareAreaChart<Row extends { time: number }>({
  share,
  ...chart
}: ShareAreaChartProps<Row>) {
  return (
    <TimeChartCard {...chart} format={formatPercent} yAxis={SHARE_AXIS}>
      <Area {...LINE} {...share} fill={`${share.stroke}33`} />
    </TimeChartCard>
  );
}
