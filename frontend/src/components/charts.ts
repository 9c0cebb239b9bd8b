// Shared Recharts styling for the dark theme: colours, axis, tooltip and line looks.
const tick = { fill: "#94a3b8", fontSize: 11 };
const axis = "#64748b";

export const CHART = {
  grid: "#1e293b",
  axis,
  tick,
  tooltip: {
    contentStyle: {
      background: "#0f172a",
      border: "1px solid #334155",
      borderRadius: 8,
      fontSize: 12,
    },
    labelStyle: { color: "#cbd5e1" },
    itemStyle: { padding: 0 },
  },
  legend: { wrapperStyle: { fontSize: 12, color: "#cbd5e1" } },
  /** Around a chart over time: room on the right for the last tick label. */
  margin: { top: 8, right: 12, bottom: 0, left: 0 },
  /** Y axis look; each chart adds its domain and tick format. */
  yAxis: { tick, stroke: axis, width: 44 },
} as const;

/** A series drawn as a line: no dots, no animation (the data moves live already). */
export const LINE = { strokeWidth: 2, dot: false, isAnimationActive: false } as const;

/** A threshold or an estimate: thinner and dashed. */
export const DASHED_LINE = { ...LINE, strokeWidth: 1.5, strokeDasharray: "6 4" } as const;

/** Series colours: one meaning each, reused across pages. */
export const SERIES = {
  primary: "#38bdf8", // sky-400
  secondary: "#a78bfa", // violet-400
  tertiary: "#f472b6", // pink-400
  quaternary: "#facc15", // yellow-400
  reference: "#64748b", // slate-500: training reference
  current: "#38bdf8", // the live window
  estimate: "#fbbf24", // amber-400, drawn dashed
  warn: "#fbbf24", // amber-400: a warn threshold, drawn dashed
  alert: "#f87171", // red-400: an alert threshold, drawn dashed
} as const;
