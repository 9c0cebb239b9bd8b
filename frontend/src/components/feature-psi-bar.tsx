// A feature's PSI bar: against its own warn and alert thresholds, coloured by its severity.
import { severityOf } from "../lib/severity";
import type { FeatureDrift } from "../lib/types";
import { PsiBar } from "./psi-bar";

export function FeaturePsiBar({ feature, scaleMax }: { feature: FeatureDrift; scaleMax: number }) {
  return (
    <PsiBar
      psi={feature.psi}
      warn={feature.warn_threshold}
      alert={feature.alert_threshold}
      severity={severityOf(feature)}
      scaleMax={scaleMax}
    />
  );
}
