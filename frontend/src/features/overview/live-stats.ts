// Derived series from the per-second `stats` messages.
import type { LiveStats } from "../../lib/types";

/** Share flagged as fraud over the last `seconds`, weighted by each second's traffic. */
export function flaggedShare(stats: LiveStats[], seconds = 60): number | null {
  let flagged = 0;
  let total = 0;
  for (const point of stats.slice(-seconds)) {
    if (point.fraud_rate === null || !(point.rps > 0)) continue;
    flagged += point.fraud_rate * point.rps;
    total += point.rps;
  }
  return total > 0 ? flagged / total : null;
}

/** Rolling traffic-weighted flagged share, one value per second (null before any traffic). */
export function rollingFlaggedShare(stats: LiveStats[], window = 10): Array<number | null> {
  return stats.map((_, index) =>
    flaggedShare(stats.slice(Math.max(0, index - window + 1), index + 1), window),
  );
}
