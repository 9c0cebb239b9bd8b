// A card holding one chart: the frame and title, and what stands in for the chart until it has data.
import type { ReactElement, ReactNode } from "react";
import { ComposedChart, ResponsiveContainer, type YAxisProps } from "recharts";
import type { ApiState } from "../lib/use-api";
import { Card } from "./card";
import { timeFrame } from "./chart-parts";
import { CHART } from "./charts";
import { Loading } from "./empty-state";
import { ErrorBanner } from "./error-banner";

const HEIGHT = { compact: "h-48", regular: "h-56" } as const;

export interface ChartCardProps {
  title: ReactNode;
  subtitle: ReactNode;
  actions?: ReactNode;
  /** What the chart shows, read out by screen readers (the chart itself is a picture). */
  label: string;
  /** Shown instead of the chart while there is nothing to draw (null once there is). */
  empty: ReactElement | null;
  /** The request behind the chart, when the card loads its own data: loading and errors show. */
  request?: Pick<ApiState<unknown>, "loading" | "error" | "reload">;
  height?: keyof typeof HEIGHT;
  /** One Recharts chart; it is sized to the card's width and `height`. */
  children: ReactElement;
}

export function ChartCard({
  title,
  subtitle,
  actions,
  label,
  empty,
  request,
  height = "regular",
  children,
}: ChartCardProps) {
  // "No data yet" only once the request has answered, and not on top of its error.
  const settled = !request?.loading && !request?.error;
  return (
    <Card title={title} subtitle={subtitle} actions={actions}>
      {request?.error && <ErrorBanner error={request.error} onRetry={request.reload} />}
      {request?.loading && <Loading />}
      {empty ? (
        settled && empty
      ) : (
        <div className={HEIGHT[height]} role="img" aria-label={label}>
          <ResponsiveContainer width="100%" height="100%">
            {children}
          </ResponsiveContainer>
        </div>
      )}
    </Card>
  );
}

export interface TimeChartCardProps<Row> extends Omit<ChartCardProps, "children"> {
  /** One row per monitoring window; `time` is the window's end, in ms since epoch. */
  data: Row[];
  /** How the tooltip shows a value. */
  format: (value: number) => string;
  /** The Y axis's domain and tick format, when the defaults do not fit. */
  yAxis?: YAxisProps;
  /** The series (Recharts lines, areas) and their legend, if any. */
  children: ReactNode;
}

/** A ChartCard over monitoring windows: its series drawn on the shared time frame. */
export function TimeChartCard<Row extends { time: number }>({
  data,
  format,
  yAxis,
  children,
  ...card
}: TimeChartCardProps<Row>) {
  return (
    <ChartCard {...card}>
      {/* Composed: the same frame holds lines and areas alike. */}
      <ComposedChart data={data} margin={CHART.margin}>
        {timeFrame(format, yAxis)}
        {children}
      </ComposedChart>
    </ChartCard>
  );
}
