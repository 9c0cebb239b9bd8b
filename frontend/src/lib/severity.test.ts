import { describe, expect, it } from "vitest";
import {
  SEVERITY_COLOUR,
  datasetSeverity,
  psiSeverity,
  severityColour,
  severityOf,
} from "./severity";

describe("psiSeverity", () => {
  it("is none below warn, warn from the warn threshold, alert from the alert threshold", () => {
    expect(psiSeverity(0.05, 0.1, 0.25)).toBe("none");
    expect(psiSeverity(0.1, 0.1, 0.25)).toBe("warn");
    expect(psiSeverity(0.2499, 0.1, 0.25)).toBe("warn");
    expect(psiSeverity(0.25, 0.1, 0.25)).toBe("alert");
    expect(psiSeverity(3, 0.1, 0.25)).toBe("alert");
  });

  it("treats a missing or non-finite PSI as no drift", () => {
    expect(psiSeverity(null, 0.1, 0.25)).toBe("none");
    expect(psiSeverity(undefined, 0.1, 0.25)).toBe("none");
    expect(psiSeverity(Number.NaN, 0.1, 0.25)).toBe("none");
  });
});

describe("severityOf / severityColour", () => {
  it("prefers the server's decision: a high PSI whose test is not significant stays green", () => {
    const feature = {
      psi: 0.4,
      warn_threshold: 0.1,
      alert_threshold: 0.25,
      severity: "none" as const,
    };
    expect(severityOf(feature)).toBe("none");
    expect(severityColour(feature)).toBe(SEVERITY_COLOUR.none);
  });

  it("derives the severity from the PSI when the server sent none", () => {
    expect(severityOf({ psi: 0.3, warn_threshold: 0.1, alert_threshold: 0.25 })).toBe("alert");
    expect(severityColour({ psi: 0.12, warn_threshold: 0.1, alert_threshold: 0.25 })).toBe(
      SEVERITY_COLOUR.warn,
    );
  });

  it("maps the three severities to green, amber and red", () => {
    expect(SEVERITY_COLOUR).toEqual({ none: "#22c55e", warn: "#f59e0b", alert: "#ef4444" });
  });
});

describe("datasetSeverity", () => {
  it("is green with no drifted feature, amber with some, red when the server calls the dataset drifted", () => {
    expect(datasetSeverity({ dataset_drift_share: 0, dataset_drifted: false })).toBe("none");
    expect(datasetSeverity({ dataset_drift_share: 2 / 12, dataset_drifted: false })).toBe("warn");
    expect(datasetSeverity({ dataset_drift_share: 0.5, dataset_drifted: true })).toBe("alert");
  });
});
