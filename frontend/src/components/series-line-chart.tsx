// A ChartCard over monitoring windows drawing a few named series as lines, with a legend.
import { Legend } from "recharts";
import { TimeChartCard, type TimeChartCardProps } from "./chart-card";
import { seriesLines, type LineSeries } from "./chart-parts";
import { CHART } from "./charts";

export interface SeriesLineChartProps<Row> extends Omit<TimeChartCardProps<Row>, "children"> {
  /** Each reads its own field of the rows; later ones are drawn on top (the legend sorts by name). */
  series: readonly LineSeries<NoInfer<Row>>[];
}

export function SeriesLineChart<Row extends { time: number }>({
  series,
  ...chart
}: SeriesLineChartProps<Row>) {
  return (
    <TimeChartCard {...chart}>
      <Legend {...CHART.legend} />
      {seriesLines(series)}
    </TimeChartCard>
  );
}
