// A tiny line chart of the last seconds of a live series (SVG, no axes).

export interface SparklineProps {
  /** Oldest first; null marks a second with no traffic (a gap in the line). */
  values: Array<number | null>;
  colour?: string;
  /** A second series drawn fainter (e.g. p99 over p50). */
  secondary?: Array<number | null>;
  secondaryColour?: string;
  height?: number;
  label: string;
}

interface LineProps {
  d: string;
  colour: string;
  width: number;
  opacity?: number;
}

const WIDTH = 200;

function toPath(values: Array<number | null>, max: number, height: number, count: number): string {
  const step = count > 1 ? WIDTH / (count - 1) : WIDTH;
  let path = "";
  let penDown = false;
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) {
      penDown = false;
      return;
    }
    const x = (index * step).toFixed(1);
    const y = (height - 2 - (value / max) * (height - 4)).toFixed(1);
    path += `${penDown ? "L" : "M"}${x},${y}`;
    penDown = true;
  });
  return path;
}

/** One series as a stroke that keeps its width however the SVG is stretched. */
function Line({ d, colour, width, opacity }: LineProps) {
  return (
    <path
      d={d}
      fill="none"
      stroke={colour}
      strokeWidth={width}
      vectorEffect="non-scaling-stroke"
      opacity={opacity}
    />
  );
}

export function Sparkline({
  values,
  colour = "#38bdf8",
  secondary,
  secondaryColour = "#a78bfa",
  height = 36,
  label,
}: SparklineProps) {
  const all = [...values, ...(secondary ?? [])].filter(
    (v): v is number => v !== null && Number.isFinite(v),
  );
  const max = Math.max(...all, 1e-9) * 1.1;
  const count = Math.max(values.length, secondary?.length ?? 0);
  const path = (series: Array<number | null>) => toPath(series, max, height, count);
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${WIDTH} ${height}`}
      preserveAspectRatio="none"
      className="h-9 w-full"
    >
      {/* Drawn first, thinner and fainter, so the main series stays on top. */}
      {secondary && <Line d={path(secondary)} colour={secondaryColour} width={1.5} opacity={0.8} />}
      <Line d={path(values)} colour={colour} width={2} />
    </svg>
  );
}
