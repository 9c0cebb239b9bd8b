// A ChartCard over monitoring windows drawing one share (0–100 %) as a filled area.
import { Area, AreaChart } from "recharts";
import { formatAxisPercent, formatPercent } from "../lib/format";
import { ChartCard, type ChartCardProps } from "./chart-card";
import { timeFrame } from "./chart-parts";
import { CHART, LINE } from "./charts";

export interface ShareAreaChartProps<Row> extends Omit<ChartCardProps, "children"> {
  /** One row per window; `time` is the window's end, in ms since epoch. */
  data: Row[];
  /** The share in [0, 1] in each row. */
  dataKey: Extract<keyof Row, string>;
  /** The series' name in the tooltip. */
  name: string;
  /** A hex colour (#rrggbb): the line, and the fill under it at 20 % opacity. */
  colour: string;
}

export function ShareAreaChart<Row extends { time: number }>({
  data,
  dataKey,
  name,
  colour,
  ...card
}: ShareAreaChartProps<Row>) {
  return (
    <ChartCard {...card}>
      <AreaChart data={data} margin={CHART.margin}>
        {timeFrame(formatPercent, { domain: [0, 1], tickFormatter: formatAxisPercent })}
        <Area {...LINE} dataKey={dataKey} name={name} stroke={colour} fill={`${colour}33`} />
      </AreaChart>
    </ChartCard>
  );
}
