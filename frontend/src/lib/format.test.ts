import { describe, expect, it } from "vitest";
import {
  formatMetric,
  formatPValue,
  formatPercent,
  formatRelative,
  formatStat,
  humanize,
} from "./format";

describe("format", () => {
  it("shows missing numbers as a dash", () => {
    expect(formatPercent(null)).toBe("—");
    expect(formatMetric(undefined)).toBe("—");
    expect(formatStat(Number.NaN)).toBe("—");
  });

  it("formats shares, metrics and statistics", () => {
    expect(formatPercent(0.1234)).toBe("12.3%");
    expect(formatMetric(0.9193)).toBe("0.919");
    expect(formatStat(0.00027)).toBe("2.7e-4");
    expect(formatStat(4.768)).toBe("4.768");
  });

  it("collapses tiny p-values", () => {
    expect(formatPValue(2.6e-45)).toBe("< 0.001");
    expect(formatPValue(0.0123)).toBe("0.012");
  });

  it("says how long ago", () => {
    const now = Date.parse("2026-11-23T14:00:00Z");
    expect(formatRelative("2026-11-23T13:59:58Z", now)).toBe("just now");
    expect(formatRelative("2026-11-23T13:59:30Z", now)).toBe("30 s ago");
    expect(formatRelative("2026-11-23T13:55:00Z", now)).toBe("5 min ago");
    expect(formatRelative("2026-11-23T11:00:00Z", now)).toBe("3 h ago");
  });

  it("turns feature names into words", () => {
    expect(humanize("hour_of_day")).toBe("Hour of day");
  });
});
