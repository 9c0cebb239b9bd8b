// Number, percentage, duration and time formatting used across the dashboard.

const DASH = "—";

const isNumber = (value: number | null | undefined): value is number =>
  typeof value === "number" && Number.isFinite(value);

export function formatInteger(value: number | null | undefined): string {
  return isNumber(value) ? Math.round(value).toLocaleString("en-US") : DASH;
}

/** 0.1234 → "12.3%" */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  return isNumber(value) ? `${(value * 100).toFixed(digits)}%` : DASH;
}

/** A metric in [0, 1] such as AUC or F1: 0.91930 → "0.919" */
export function formatMetric(value: number | null | undefined, digits = 3): string {
  return isNumber(value) ? value.toFixed(digits) : DASH;
}

/** Small statistics (PSI, KS): fixed for ordinary values, exponent for tiny p-values. */
export function formatStat(value: number | null | undefined, digits = 3): string {
  if (!isNumber(value)) return DASH;
  if (value !== 0 && Math.abs(value) < 10 ** -digits) return value.toExponential(1);
  return value.toFixed(digits);
}

export function formatMs(value: number | null | undefined): string {
  if (!isNumber(value)) return DASH;
  if (value < 1) return `${(value * 1000).toFixed(0)} µs`;
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

export function formatRate(value: number | null | undefined): string {
  return isNumber(value) ? `${value < 10 ? value.toFixed(1) : Math.round(value)} req/s` : DASH;
}

/** "3 s ago", "5 min ago", "2 h ago", "4 d ago"; future times read "in …". */
export function formatRelative(
  timestamp: string | number | null | undefined,
  now = Date.now(),
): string {
  if (timestamp === null || timestamp === undefined) return DASH;
  const then = typeof timestamp === "number" ? timestamp : Date.parse(timestamp);
  if (!Number.isFinite(then)) return DASH;
  const seconds = Math.round((now - then) / 1000);
  const abs = Math.abs(seconds);
  let text: string;
  if (abs < 5) return "just now";
  if (abs < 60) text = `${abs} s`;
  else if (abs < 3600) text = `${Math.floor(abs / 60)} min`;
  else if (abs < 86400) text = `${Math.floor(abs / 3600)} h`;
  else text = `${Math.floor(abs / 86400)} d`;
  return seconds >= 0 ? `${text} ago` : `in ${text}`;
}

export function formatDateTime(timestamp: string | null | undefined): string {
  if (!timestamp) return DASH;
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return DASH;
  return date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium" });
}

/** Clock time for chart axes: "13:35:10". */
export function formatClock(timestamp: string | number): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleTimeString("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** "hour_of_day" → "Hour of day" */
export function humanize(name: string): string {
  const words = name.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** p- and q-values: three decimals, and "< 0.001" below that (the exact exponent says nothing more). */
export function formatPValue(value: number | null | undefined): string {
  if (!isNumber(value)) return DASH;
  if (value < 0.001) return "< 0.001";
  return value.toFixed(3);
}

/** Chart axis ticks for shares: 0.075 → "7.5%", 0.25 → "25%". */
export function formatAxisPercent(value: number): string {
  return `${Number((value * 100).toFixed(1))}%`;
}
