// A ChartCard over monitoring windows drawing a few named series as lines, with a legend.
import { Legend, LineChart, type YAxisProps } from "recharts";
import { ChartCard, type ChartCardProps } from "./chart-card";
import { seriesLines, timeFrame, type LineSeries } from "./chart-parts";
import { CHART } from "./charts";

export interface SeriesLineChartProps<Row> extends Omit<ChartCardProps, "children"> {
  /** One row per window; `time` is the window's end, in ms since epoch. */
  data: Row[];
  series: readonly LineSeries<NoInfer<Row>>[];
  /** How the tooltip shows a value. */
  format: (value: number) => string;
  /** The Y axis's domain and tick format, when the defaults do not fit. */
  yAxis?: YAxisProps;
}

export function SeriesLineChart<Row extends { time: number }>({
  data,
  series,
  format,
  yAxis,
  ...card
}: SeriesLineChartProps<Row>) {
  return (
    <ChartCard {...card}>
      <LineChart data={data} margin={CHART.margin}>
        {timeFrame(format, yAxis)}
        <Legend {...CHART.legend} />
        {seriesLines(series)}
      </LineChart>
    </ChartCard>
  );
}
