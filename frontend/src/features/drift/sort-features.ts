// Order of the drift table: most severe first, then the largest PSI, then by name.
import { SEVERITY_RANK, severityOf } from "../../lib/severity";
import type { FeatureDrift } from "../../lib/types";

export function sortFeatures(features: FeatureDrift[]): FeatureDrift[] {
  return [...features].sort((a, b) => {
    const bySeverity = SEVERITY_RANK[severityOf(b)] - SEVERITY_RANK[severityOf(a)];
    if (bySeverity !== 0) return bySeverity;
    const byPsi = (b.psi ?? -Infinity) - (a.psi ?? -Infinity);
    if (byPsi !== 0 && !Number.isNaN(byPsi)) return byPsi;
    return a.name.localeCompare(b.name);
  });
}

const TEST_NAMES: Record<string, string> = {
  ks: "KS",
  ks_binned: "KS (binned)",
  chi2: "χ²",
  vocabulary_chi2: "χ² (words)",
};

export function testName(test: string): string {
  return TEST_NAMES[test] ?? test;
}

/** The statistic of the test that decided: KS D for numeric features, χ² for categorical ones
 * and for vocabulary drift. */
export function testStatistic(
  feature: Pick<FeatureDrift, "test" | "ks_statistic" | "chi2_statistic">,
): number | null {
  const chi2 = feature.test === "chi2" || feature.test === "vocabulary_chi2";
  return chi2 ? feature.chi2_statistic : feature.ks_statistic;
}
